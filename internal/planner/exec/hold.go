package exec

import (
	"database/sql/driver"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
)

// SortKey is a term of ORDER BY (the plan's, as the Sort node holds it).
type SortKey = plan.SortKey

// Hold reads every row of stream, computes project (the result's columns,
// described by cols) and keys on each, removes duplicate results when
// distinct and sorts by keys (stably, NULL first ascending, as MySQL), and
// returns a result over the held rows with stream's OFFSET and LIMIT still
// to apply. It closes stream; ORDER BY, DISTINCT and a UNION's sort use it.
func Hold(stream *Rows, cols []ResultColumn, project []eval.EvalFunc, keys []SortKey, distinct bool) (*Rows, error) {
	type held struct {
		out  []driver.Value
		keys []driver.Value
	}
	var all []held
	limit, offset := stream.Limit, stream.Offset
	stream.Limit, stream.Offset = -1, 0
	stream.Inner = true // held values stay exact; the result converts them
	stream.Project = slices.Clone(project)
	for _, k := range keys {
		stream.Project = append(stream.Project, k.Eval)
	}
	defer stream.Close()
	for {
		dest := make([]driver.Value, len(stream.Project))
		err := stream.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		all = append(all, held{out: dest[:len(project)], keys: dest[len(project):]})
	}
	if len(keys) > 0 {
		slices.SortStableFunc(all, func(a, b held) int { return compareBy(keys, a.keys, b.keys) })
	}
	rows := make([][]driver.Value, 0, len(all))
	seen := map[string]bool{}
	for _, h := range all {
		if distinct {
			k := RowKey(h.out)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		rows = append(rows, h.out)
	}
	columns := make([]eval.EvalFunc, len(project))
	for i := range columns {
		columns[i] = ColumnAt(i)
	}
	return &Rows{Ctx: stream.Ctx, Cols: cols, Src: &SliceSource{Rows: rows}, Project: columns, Offset: offset, Limit: limit}, nil
}

// ColumnAt reads column i of a row.
func ColumnAt(i int) eval.EvalFunc {
	return func(row []driver.Value) (driver.Value, error) { return row[i], nil }
}

// CompareNullsFirst orders NULL before every value, as MySQL sorts ascending.
func CompareNullsFirst(a, b driver.Value) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	c, _ := eval.Compare(a, b)
	return c
}

// RowKey identifies a row's values for DISTINCT and GROUP BY: values that
// compare equal get the same key (1, 1.0 and 1e0 by eval.NumberKey; a time
// and the same instant). Strings compare exactly, as Twilio's filters do.
func RowKey(row []driver.Value) string {
	var b strings.Builder
	for _, v := range row {
		if v == nil {
			b.WriteString("\x00N")
			continue
		}
		if n, ok := eval.NumberKey(v); ok {
			b.WriteString("\x00n:")
			b.WriteString(n)
			continue
		}
		fmt.Fprintf(&b, "\x00%T:%s", v, eval.ToString(v))
	}
	return b.String()
}

// compareBy orders two rows' sort-key values by keys, as ORDER BY does
// (NULLs first, then each key ascending or descending): for ORDER BY and
// for GROUP_CONCAT(… ORDER BY …).
func compareBy(keys []SortKey, x, y []driver.Value) int {
	for i, k := range keys {
		c := CompareNullsFirst(x[i], y[i])
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}
