package exec

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/twiliosql/twiliosql/schema"
)

// RangeScan is the plan of a listing on a range of a table's split column
// (schema.Table.SplitColumn) that may run as parallel time slices. It is
// made once, when the statement is planned; EXPLAIN prints it and
// newParallelScan runs it, so what EXPLAIN shows is what runs.
type RangeScan struct {
	Table      *schema.Table
	Filter     schema.Filter // the split column's
	dayCol     int           // the split column
	sidCol     int
	createdCol int        // DateCreated, the list order's column: the density of a page
	Lo, hi     int64      // the range's days (inclusive Unix days); openBelow/openAbove
	First      url.Values // the first page: the whole range, PageSize set
	base       url.Values // every slice's filters but its bounds, PageSize set
	pageSize   int
	Workers    int   // slices fetched at once
	MaxHeld    int   // pages fetched and not yet read, at most
	Retention  int64 // days back a bound may reach (schema.Table.RetentionDays); 0: any
}

// PlanRangeScan plans the listing q of t (without PageSize) as a range scan,
// or returns nil when it is not one that can be split: parallelism off, no
// split column, no bound on it, or one day.
func PlanRangeScan(env *Env, t *schema.Table, q url.Values, pageSize int) *RangeScan {
	if env.ScanParallelism <= 1 || t.SplitColumn == "" {
		return nil
	}
	f, ok := t.Filter(t.SplitColumn)
	if !ok || !f.DayGranular {
		return nil
	}
	col, ok := t.Column(f.Column)
	if !ok || q.Has(f.Param) {
		return nil // one day cannot be split
	}
	sidCol, ok := t.Column("Sid")
	if !ok {
		return nil // rows could not be told apart after a split
	}
	createdCol, ok := t.Column("DateCreated")
	if !ok {
		createdCol = col
	}
	lo, hi := int64(OpenBelow), int64(OpenAbove)
	if v := q.Get(f.Param + ">"); v != "" {
		if lo, ok = parseDayParam(v); !ok {
			return nil
		}
	}
	if v := q.Get(f.Param + "<"); v != "" {
		if hi, ok = parseDayParam(v); !ok {
			return nil
		}
	}
	if lo == OpenBelow && hi == OpenAbove {
		// Without a bound on the column, rows where it is NULL are in the
		// listing but in no slice.
		return nil
	}
	pageSize = max(1, pageSize)
	first := CloneValues(q)
	first.Set("PageSize", strconv.Itoa(pageSize))
	base := CloneValues(first)
	base.Del(f.Param + ">")
	base.Del(f.Param + "<")
	return &RangeScan{
		Table: t, Filter: f, dayCol: col, sidCol: sidCol, createdCol: createdCol,
		Lo: lo, hi: hi, First: first, base: base, pageSize: pageSize,
		Workers: env.ScanParallelism, MaxHeld: pagesPerQuery(env),
		Retention: int64(t.RetentionDays),
	}
}

// SliceQuery is the filters of the slice of days lo..hi.
func (r *RangeScan) SliceQuery(lo, hi int64) url.Values {
	q := CloneValues(r.base)
	if lo != OpenBelow {
		q.Set(r.Filter.Param+">", formatUnixDay(lo))
	}
	if hi != OpenAbove {
		q.Set(r.Filter.Param+"<", formatUnixDay(hi))
	}
	return q
}

// DaysText is the range in words: "2026-01-01..2026-04-30 (120 days)".
func (r *RangeScan) DaysText() string {
	switch {
	case r.Lo == OpenBelow:
		return "up to " + formatUnixDay(r.hi)
	case r.hi == OpenAbove:
		return "from " + formatUnixDay(r.Lo)
	}
	return fmt.Sprintf("%s..%s (%d days)", formatUnixDay(r.Lo), formatUnixDay(r.hi), r.hi-r.Lo+1)
}

// pagesPerQuery is the most pages one range scan holds read and not yet
// emitted, the page being read included: 2 × nodes (scan_parallelism is
// 8 × nodes), at least 4, so that memory does not grow with
// scan_parallelism × page size. Requests in flight, which hold no memory
// until their body is read, may be more: one per worker (see parallel.go).
// Pages held only smooth the reader's pace against the answers' (pages are
// read out of turn rather than held for order): at two nodes, 8 pages held
// (16 MB of 1,000 calls) put the heap's peak at 38–46 MiB where 4 put it
// at 30–36 MiB, in the same time (BENCHMARKS.md, issue 11 item 1).
func pagesPerQuery(env *Env) int {
	if env.PagesPerQuery > 0 {
		return env.PagesPerQuery
	}
	return max(4, env.ScanParallelism/4)
}

func CloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
