package planner

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/schema"
)

// rangeScan is the plan of a listing on a range of a table's split column
// (schema.Table.SplitColumn) that may run as parallel time slices. It is
// made once, when the statement is planned; EXPLAIN prints it and
// newParallelScan runs it, so what EXPLAIN shows is what runs.
type rangeScan struct {
	table      *schema.Table
	filter     schema.Filter // the split column's
	dayCol     int           // the split column
	sidCol     int
	createdCol int        // DateCreated, the list order's column: the density of a page
	lo, hi     int64      // the range's days (inclusive Unix days); openBelow/openAbove
	first      url.Values // the first page: the whole range, PageSize set
	base       url.Values // every slice's filters but its bounds, PageSize set
	pageSize   int
	workers    int   // slices fetched at once
	maxHeld    int   // pages fetched and not yet read, at most
	retention  int64 // days back a bound may reach (schema.Table.RetentionDays); 0: any
}

// planRangeScan plans the listing q of t (without PageSize) as a range scan,
// or returns nil when it is not one that can be split: parallelism off, no
// split column, no bound on it, or one day.
func planRangeScan(env *Env, t *schema.Table, q url.Values, pageSize int) *rangeScan {
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
	lo, hi := int64(openBelow), int64(openAbove)
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
	if lo == openBelow && hi == openAbove {
		// Without a bound on the column, rows where it is NULL are in the
		// listing but in no slice.
		return nil
	}
	pageSize = max(1, pageSize)
	first := cloneValues(q)
	first.Set("PageSize", strconv.Itoa(pageSize))
	base := cloneValues(first)
	base.Del(f.Param + ">")
	base.Del(f.Param + "<")
	return &rangeScan{
		table: t, filter: f, dayCol: col, sidCol: sidCol, createdCol: createdCol,
		lo: lo, hi: hi, first: first, base: base, pageSize: pageSize,
		workers: env.ScanParallelism, maxHeld: pagesPerQuery(env),
		retention: int64(t.RetentionDays),
	}
}

// planRangeScan plans the driving listing as a range scan when the whole of
// it may be read: not under a LIMIT that the first page serves, nor one
// Twilio answers exactly (its pages are read on demand).
func (p *selectPlan) planRangeScan(env *Env, acc access) *rangeScan {
	d := p.items[p.drive]
	if d.virtual != nil || acc.none || acc.bySid || acc.deferred != nil || len(acc.listings()) != 1 {
		return nil
	}
	everyRow := p.limit < 0 || p.holdsRows() || p.group != nil // sorting and grouping read every row
	if !everyRow && (acc.exact || p.offset+p.limit <= int64(p.pageSize)) {
		return nil
	}
	return planRangeScan(env, d.table, acc.listings()[0], p.pageSize)
}

// sliceQuery is the filters of the slice of days lo..hi.
func (r *rangeScan) sliceQuery(lo, hi int64) url.Values {
	q := cloneValues(r.base)
	if lo != openBelow {
		q.Set(r.filter.Param+">", formatUnixDay(lo))
	}
	if hi != openAbove {
		q.Set(r.filter.Param+"<", formatUnixDay(hi))
	}
	return q
}

// daysText is the range in words: "2026-01-01..2026-04-30 (120 days)".
func (r *rangeScan) daysText() string {
	switch {
	case r.lo == openBelow:
		return "up to " + formatUnixDay(r.hi)
	case r.hi == openAbove:
		return "from " + formatUnixDay(r.lo)
	}
	return fmt.Sprintf("%s..%s (%d days)", formatUnixDay(r.lo), formatUnixDay(r.hi), r.hi-r.lo+1)
}

// explain adds the scan's steps: its first page, then its slices.
func (r *rangeScan) explain(x *explainer, prefix, notes string) {
	t := r.table
	detail := "the first page of the whole range, fetched while opening: its rows are the newest, its density sizes the slices"
	if notes != "" {
		detail += "; " + notes
	}
	first := x.add(prefix+"list "+t.Name, "GET", t.ListPath, r.first, exactly(1), detail)
	slice := r.sliceQuery(openBelow, openAbove)
	slice[r.filter.Param+">"] = []string{"{first day}"}
	slice[r.filter.Param+"<"] = []string{"{last day}"}
	var b strings.Builder
	fmt.Fprintf(&b, "only when a page follows step %d: %s days %s in slices of whole days, newest first, each sized to fill whole pages (at most %d; %d when that saves requests) by the density of the pages read so far", first, r.filter.Column, r.daysText(), slicePages, maxSlicePages)
	if r.lo == openBelow {
		b.WriteString("; below the last bounded slice, one open slice")
		if r.retention > 0 {
			fmt.Fprintf(&b, " (no bound reaches past Twilio's %d-day retention)", r.retention)
		}
	}
	fmt.Fprintf(&b, "; step %d's days are listed again, skipping its rows; up to %d slices fetched at once, at most %d pages held; each slice reads its chain of pages to the end and ends on a partial page; a range of at most %d pages by the first page's density is read on page by page instead (no slice)", first, r.workers, r.maxHeld, slicePages)
	x.add(prefix+"slices "+t.Name, "GET", t.ListPath, slice, estimate{0, -1}, b.String())
}

// pagesPerQuery is the most pages one range scan holds read and not yet
// emitted: 4 × nodes (scan_parallelism is 8 × nodes), so that memory does
// not grow with scan_parallelism × page size. Requests in flight, which
// hold no memory until their body is read, may be twice as many (see
// parallel.go).
func pagesPerQuery(env *Env) int {
	if env.PagesPerQuery > 0 {
		return env.PagesPerQuery
	}
	return max(4, env.ScanParallelism/2)
}
