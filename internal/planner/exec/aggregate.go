package exec

import (
	"context"
	"database/sql/driver"
	"io"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
)

// aggState accumulates one aggregate over one group.
type aggState struct {
	count   int64
	sumI    int64
	sumF    float64
	isFloat bool
	// isDec: the sum is exact and kept in sumD (a DECIMAL argument, or a
	// BIGINT sum past int64: MySQL's SUM of integers is a DECIMAL).
	isDec bool
	sumD  decimal.Decimal
	bytes int64 // GROUP_CONCAT's length so far
	val   driver.Value
	seen  map[string]bool
	parts []concatPart
}

type concatPart struct {
	text string
	keys []driver.Value
}

func (s *aggState) add(a *plan.AggFunc, row []driver.Value) error {
	if a.Star {
		s.count++
		return nil
	}
	vals := make([]driver.Value, len(a.Args))
	for i, f := range a.Args {
		v, err := f(row)
		if err != nil {
			return err
		}
		if v == nil && a.Name != "group_concat" {
			return nil // aggregates skip NULL
		}
		vals[i] = v
	}
	if a.Name == "group_concat" {
		var b strings.Builder
		for _, v := range vals {
			if v == nil {
				return nil // CONCAT of a NULL is NULL: skipped
			}
			b.WriteString(eval.ToString(v))
		}
		vals = []driver.Value{b.String()}
	}
	if a.Distinct {
		k := RowKey(vals)
		if s.seen == nil {
			s.seen = map[string]bool{}
		}
		if s.seen[k] {
			return nil
		}
		s.seen[k] = true
	}
	v := vals[0]
	s.count++
	switch a.Name {
	case "sum", "avg":
		if b, ok := v.(bool); ok {
			v = int64(eval.BoolInt(b))
		}
		if d, ok := eval.ToDecimal(v); ok && !s.isFloat {
			if i, isInt := v.(int64); isInt && !s.isDec {
				if sum := s.sumI + i; (sum > s.sumI) == (i > 0) {
					s.sumI = sum
					return nil
				}
			}
			if !s.isDec {
				s.isDec, s.sumD = true, decimal.NewFromInt(s.sumI)
			}
			s.sumD = s.sumD.Add(d)
			return nil
		}
		f, _ := eval.ToFloat(v)
		if !s.isFloat {
			s.isFloat, s.sumF = true, float64(s.sumI)
			if s.isDec {
				s.sumF = s.sumD.InexactFloat64()
			}
		}
		s.sumF += f
	case "min", "max":
		if s.val == nil {
			s.val = v
			return nil
		}
		c, _ := eval.Compare(v, s.val)
		if (a.Name == "min" && c < 0) || (a.Name == "max" && c > 0) {
			s.val = v
		}
	case "any_value":
		if s.val == nil {
			s.val = v
		}
	case "group_concat":
		part := concatPart{text: v.(string)}
		s.bytes += int64(len(part.text) + len(a.Sep))
		if err := eval.CheckSize("group_concat", s.bytes); err != nil {
			return err
		}
		for _, o := range a.Order {
			kv, err := o.Eval(row)
			if err != nil {
				return err
			}
			part.keys = append(part.keys, kv)
		}
		s.parts = append(s.parts, part)
	}
	return nil
}

func (s *aggState) result(a *plan.AggFunc) driver.Value {
	switch a.Name {
	case "count":
		return s.count
	case "sum":
		if s.count == 0 {
			return nil
		}
		switch {
		case s.isFloat:
			return s.sumF
		case s.isDec:
			return s.sumD
		case a.Type == schema.Float:
			return float64(s.sumI)
		case a.Type == schema.Decimal:
			return decimal.NewFromInt(s.sumI)
		}
		return s.sumI
	case "avg":
		if s.count == 0 {
			return nil
		}
		switch {
		case s.isFloat:
			return s.sumF / float64(s.count)
		case s.isDec:
			return s.sumD.DivRound(decimal.NewFromInt(s.count), min(eval.ScaleOf(s.sumD)+eval.DivPrecisionIncrement, eval.MaxDecimalScale))
		case a.Type == schema.Float:
			return float64(s.sumI) / float64(s.count) // a string's numbers: DOUBLE
		}
		// Integers average to a DECIMAL of scale div_precision_increment:
		// AVG of 1 and 2 is 1.5000.
		return decimal.NewFromInt(s.sumI).DivRound(decimal.NewFromInt(s.count), eval.DivPrecisionIncrement)
	case "group_concat":
		if len(s.parts) == 0 {
			return nil
		}
		if len(a.Order) > 0 {
			slices.SortStableFunc(s.parts, func(x, y concatPart) int { return compareBy(a.Order, x.keys, y.keys) })
		}
		texts := make([]string, len(s.parts))
		for i, p := range s.parts {
			texts[i] = p.text
		}
		return strings.Join(texts, a.Sep)
	}
	return s.val
}

// groupRows reads every row of src that passes filter (WHERE) and returns
// one row per group: its keys, its select slots and its aggregates (see
// plan.Aggregate). It closes src.
func groupRows(ctx context.Context, g *plan.Aggregate, src Source, filter eval.EvalFunc) ([][]driver.Value, error) {
	stream := &Rows{Ctx: ctx, Src: src, Filter: filter, Limit: -1,
		Project: []eval.EvalFunc{func(row []driver.Value) (driver.Value, error) { return row, nil }}}
	defer stream.Close()
	type group struct {
		keys   []driver.Value
		states []*aggState
	}
	var order []*group
	groups := map[string]*group{}
	dest := make([]driver.Value, 1)
	for {
		err := stream.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		row := dest[0].([]driver.Value)
		keys := make([]driver.Value, len(g.Keys))
		for i, k := range g.Keys {
			v, err := k.Eval(row)
			if err != nil {
				return nil, err
			}
			keys[i] = v
		}
		id := RowKey(keys)
		gr := groups[id]
		if gr == nil {
			gr = &group{keys: keys, states: make([]*aggState, len(g.Aggs))}
			for i := range gr.states {
				gr.states[i] = &aggState{}
			}
			groups[id] = gr
			order = append(order, gr)
		}
		for i, a := range g.Aggs {
			if err := gr.states[i].add(a, row); err != nil {
				return nil, err
			}
		}
	}
	if len(g.Keys) == 0 && len(order) == 0 {
		// Aggregates over no rows still make one row (COUNT(*) = 0).
		gr := &group{states: make([]*aggState, len(g.Aggs))}
		for i := range gr.states {
			gr.states[i] = &aggState{}
		}
		order = append(order, gr)
	}
	out := make([][]driver.Value, 0, len(order))
	for _, gr := range order {
		row := make([]driver.Value, g.Width())
		copy(row, gr.keys)
		for i, a := range g.Aggs {
			row[g.AggSlot(i)] = gr.states[i].result(a)
		}
		for i, f := range g.Selects {
			v, err := f(row)
			if err != nil {
				return nil, err
			}
			row[len(g.Keys)+i] = v
		}
		out = append(out, row)
	}
	return out, nil
}
