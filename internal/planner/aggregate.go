package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// grouping is GROUP BY and the aggregates. A group's row is laid out as
// [group keys…, select values…, aggregates…]: SELECT, HAVING and ORDER BY
// are compiled over it.
type grouping struct {
	keys    []groupKey
	aggs    []*aggregate
	selects []eval.EvalFunc // the select list over the group's row
	nSelect int
}

type groupKey struct {
	eval eval.EvalFunc // over the input row
	typ  schema.Type
	text string
	col  int // the input column when the key is a plain column; -1 otherwise
}

// aggregate is one aggregate function call.
type aggregate struct {
	name     string // count, sum, avg, min, max, any_value, group_concat
	star     bool   // COUNT(*)
	distinct bool
	args     []eval.EvalFunc
	typ      schema.Type
	sep      string
	order    []orderKey // GROUP_CONCAT(… ORDER BY …)
	text     string
}

// aggContext compiles expressions over a group's row.
type aggContext struct {
	g       *grouping
	base    *eval.Compiler // compiles aggregate arguments over input rows
	scope   *queryScope
	aliases []exec.ResultColumn // select aliases, once HAVING and ORDER BY may use them
}

func (a *aggContext) slotOfAgg(i int) int { return len(a.g.keys) + a.g.nSelect + i }

// Resolve finds a column of a group's row: a grouped column, or (in HAVING
// and ORDER BY) a select alias.
func (a *aggContext) Resolve(col *sqlparser.ColName) (int, schema.Column, error) {
	idx, column, err := a.scope.Resolve(col)
	if err == nil {
		for i, k := range a.g.keys {
			if k.col == idx {
				return i, column, nil
			}
		}
	}
	if col.Qualifier.IsEmpty() {
		for i, rc := range a.aliases {
			if strings.EqualFold(rc.Name, col.Name.String()) {
				return len(a.g.keys) + i, schema.Column{Name: rc.Name, Type: rc.Type, Nullable: true}, nil
			}
		}
	}
	if err != nil {
		return 0, column, err
	}
	return 0, column, fmt.Errorf("twilio: %s is neither in GROUP BY nor inside an aggregate: add it to GROUP BY or use MIN(%s), MAX(%s) or ANY_VALUE(%s)", eval.ExprText(col), eval.ExprText(col), eval.ExprText(col), eval.ExprText(col))
}

// MatchKey reads a GROUP BY expression (not a bare column) from its slot,
// or a column functionally dependent on a grouped key.
func (a *aggContext) MatchKey(e sqlparser.Expr) (eval.Typed, bool) {
	switch x := e.(type) {
	case *sqlparser.ColName:
		return a.dependent(x)
	case *sqlparser.SQLVal, *sqlparser.NullVal, sqlparser.BoolVal:
		return eval.Typed{}, false
	}
	text := eval.ExprText(e)
	for i, k := range a.g.keys {
		if k.col < 0 && strings.EqualFold(k.text, text) {
			return eval.Typed{Eval: exec.ColumnAt(i), Typ: k.typ}, true
		}
	}
	return eval.Typed{}, false
}

// dependent reads a column that is not grouped but whose table's primary
// key is: one value per group, as MySQL allows (functional dependence), so
// GROUP BY Sid may select the row's other columns.
func (a *aggContext) dependent(col *sqlparser.ColName) (eval.Typed, bool) {
	idx, column, err := a.scope.Resolve(col)
	if err != nil {
		return eval.Typed{}, false
	}
	item := a.scope.itemOf(idx)
	if item < 0 {
		return eval.Typed{}, false
	}
	it := a.scope.items[item]
	key, ok := it.table.Column(it.table.PrimaryKey())
	if !ok || it.table.PrimaryKey() == "" {
		return eval.Typed{}, false
	}
	grouped := false
	for _, k := range a.g.keys {
		if k.col == idx {
			return eval.Typed{}, false // a key itself: resolve reads its slot
		}
		grouped = grouped || k.col == it.offset+key
	}
	if !grouped {
		return eval.Typed{}, false
	}
	return a.add(&aggregate{name: "any_value", args: []eval.EvalFunc{exec.ColumnAt(idx)}, typ: column.Type, text: eval.ExprText(col)}), true
}

func (a *aggContext) add(agg *aggregate) eval.Typed {
	i := len(a.g.aggs)
	a.g.aggs = append(a.g.aggs, agg)
	return eval.Typed{Typ: agg.typ, Eval: func(row []driver.Value) (driver.Value, error) {
		return row[a.slotOfAgg(i)], nil
	}}
}

// Aggregate compiles COUNT, SUM, AVG, MIN, MAX and ANY_VALUE.
func (a *aggContext) Aggregate(x *sqlparser.FuncExpr) (eval.Typed, error) {
	name := x.Name.Lowered()
	agg := &aggregate{name: name, distinct: x.Distinct, text: eval.ExprText(x)}
	if name == "group_concat" {
		return eval.Typed{}, fmt.Errorf("twilio: GROUP_CONCAT could not be read: write GROUP_CONCAT(expr [SEPARATOR ','])")
	}
	var argTypes []schema.Type
	for _, se := range x.Exprs {
		switch e := se.(type) {
		case *sqlparser.StarExpr:
			if name != "count" || x.Distinct || len(x.Exprs) != 1 {
				return eval.Typed{}, fmt.Errorf("twilio: %s(*) is not SQL: only COUNT(*) takes *", strings.ToUpper(name))
			}
			agg.star = true
		case *sqlparser.AliasedExpr:
			t, err := a.base.Expr(e.Expr)
			if err != nil {
				return eval.Typed{}, err
			}
			agg.args = append(agg.args, t.Eval)
			argTypes = append(argTypes, t.Typ)
		default:
			return eval.Typed{}, eval.Unsupported(sqlparser.String(se) + " in " + strings.ToUpper(name))
		}
	}
	if !agg.star && len(agg.args) == 0 {
		return eval.Typed{}, fmt.Errorf("twilio: %s() needs an argument", strings.ToUpper(name))
	}
	if len(agg.args) > 1 && !(name == "count" && x.Distinct) {
		return eval.Typed{}, fmt.Errorf("twilio: %s() takes one argument", strings.ToUpper(name))
	}
	switch name {
	case "count":
		agg.typ = schema.Int
	case "sum":
		agg.typ = schema.Float
		switch argTypes[0] {
		case schema.Int, schema.Bool:
			agg.typ = schema.Int
		case schema.Decimal:
			agg.typ = schema.Decimal
		}
	case "avg":
		// MySQL: AVG of exact values (integers, DECIMALs) is a DECIMAL,
		// of DOUBLEs a DOUBLE
		// (https://dev.mysql.com/doc/refman/8.0/en/aggregate-functions.html#function_avg).
		agg.typ = schema.Float
		switch argTypes[0] {
		case schema.Int, schema.Bool, schema.Decimal:
			agg.typ = schema.Decimal
		}
	default:
		agg.typ = argTypes[0]
	}
	return a.add(agg), nil
}

// GroupConcat compiles GROUP_CONCAT([DISTINCT] expr, … [ORDER BY …] [SEPARATOR s]).
func (a *aggContext) GroupConcat(x *sqlparser.GroupConcatExpr) (eval.Typed, error) {
	agg := &aggregate{name: "group_concat", distinct: x.Distinct != "", typ: schema.String, sep: ",", text: eval.ExprText(x)}
	if x.Separator != "" {
		// The parser keeps the clause's text: " separator '…'".
		sep := strings.TrimSpace(x.Separator)
		if len(sep) >= 9 && strings.EqualFold(sep[:9], "separator") {
			sep = strings.TrimSpace(sep[9:])
		}
		agg.sep = strings.ReplaceAll(strings.Trim(sep, "'"), "''", "'")
	}
	for _, se := range x.Exprs {
		t, err := a.base.SelectArg(se)
		if err != nil {
			return eval.Typed{}, err
		}
		agg.args = append(agg.args, t.Eval)
	}
	for _, o := range x.OrderBy {
		t, err := a.base.Expr(o.Expr)
		if err != nil {
			return eval.Typed{}, err
		}
		agg.order = append(agg.order, orderKey{eval: t.Eval, desc: o.Direction == sqlparser.DescScr})
	}
	return a.add(agg), nil
}

// planGrouping plans GROUP BY, the select list over groups, HAVING and
// ORDER BY.
func (p *selectPlan) planGrouping(st *sqlparser.Select, base *eval.Compiler) error {
	g := &grouping{}
	p.group = g
	actx := &aggContext{g: g, base: base, scope: p.qscope}
	ac := &eval.Compiler{Cols: actx, Args: base.Args, Now: base.Now, Subs: base.Subs, Agg: actx, Work: base.Budget()}
	for _, e := range st.GroupBy {
		key, err := p.groupKey(e, st.SelectExprs, base)
		if err != nil {
			return err
		}
		g.keys = append(g.keys, key)
	}
	for _, se := range st.SelectExprs {
		x, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return fmt.Errorf("twilio: %s cannot be used with GROUP BY or aggregates: name the columns", sqlparser.String(se))
		}
		e, err := ac.Expr(x.Expr)
		if err != nil {
			return err
		}
		name, _ := p.resultName(x)
		nullable := true
		if fn, ok := x.Expr.(*sqlparser.FuncExpr); ok && fn.Name.Lowered() == "count" {
			nullable = false
		}
		p.columns = append(p.columns, exec.ResultColumn{Name: name, Type: e.Typ, Nullable: nullable})
		g.selects = append(g.selects, e.Eval)
	}
	g.nSelect = len(g.selects)
	for i := range g.selects {
		p.project = append(p.project, exec.ColumnAt(len(g.keys)+i))
	}
	actx.aliases = p.columns
	if st.Having != nil {
		h, err := ac.Expr(st.Having.Expr)
		if err != nil {
			return err
		}
		p.having = h.Eval
	}
	return p.planOrder(st.OrderBy, ac)
}

// groupKey compiles a GROUP BY item: a position, a select alias or an
// expression.
func (p *selectPlan) groupKey(e sqlparser.Expr, selects sqlparser.SelectExprs, c *eval.Compiler) (groupKey, error) {
	target := e
	if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		n, _ := strconv.Atoi(string(v.Val))
		if n < 1 || n > len(selects) {
			return groupKey{}, fmt.Errorf("twilio: GROUP BY %d: the select list has columns 1 to %d", n, len(selects))
		}
		ae, ok := selects[n-1].(*sqlparser.AliasedExpr)
		if !ok {
			return groupKey{}, fmt.Errorf("twilio: GROUP BY %d names %s: name a column", n, sqlparser.String(selects[n-1]))
		}
		target = ae.Expr
	} else if cn, ok := e.(*sqlparser.ColName); ok && cn.Qualifier.IsEmpty() {
		if _, _, err := p.qscope.Resolve(cn); err != nil {
			for _, se := range selects {
				if ae, ok := se.(*sqlparser.AliasedExpr); ok && strings.EqualFold(ae.As.String(), cn.Name.String()) {
					target = ae.Expr
				}
			}
		}
	}
	if needsGroupingExpr(target) {
		return groupKey{}, fmt.Errorf("twilio: GROUP BY %s: an aggregate cannot be grouped on", eval.ExprText(e))
	}
	t, err := c.Expr(target)
	if err != nil {
		return groupKey{}, err
	}
	key := groupKey{eval: t.Eval, typ: t.Typ, text: eval.ExprText(target), col: -1}
	if cn, ok := target.(*sqlparser.ColName); ok {
		if idx, _, err := p.qscope.Resolve(cn); err == nil {
			key.col = idx
		}
	}
	return key, nil
}

func needsGroupingExpr(e sqlparser.Expr) bool {
	found := false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		switch x := node.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.FuncExpr:
			found = found || eval.IsAggregate(x.Name.Lowered())
		case *sqlparser.GroupConcatExpr:
			found = true
		}
		return !found, nil
	}, e)
	return found
}

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

func (s *aggState) add(a *aggregate, row []driver.Value) error {
	if a.star {
		s.count++
		return nil
	}
	vals := make([]driver.Value, len(a.args))
	for i, f := range a.args {
		v, err := f(row)
		if err != nil {
			return err
		}
		if v == nil && a.name != "group_concat" {
			return nil // aggregates skip NULL
		}
		vals[i] = v
	}
	if a.name == "group_concat" {
		var b strings.Builder
		for _, v := range vals {
			if v == nil {
				return nil // CONCAT of a NULL is NULL: skipped
			}
			b.WriteString(eval.ToString(v))
		}
		vals = []driver.Value{b.String()}
	}
	if a.distinct {
		k := exec.RowKey(vals)
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
	switch a.name {
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
		if (a.name == "min" && c < 0) || (a.name == "max" && c > 0) {
			s.val = v
		}
	case "any_value":
		if s.val == nil {
			s.val = v
		}
	case "group_concat":
		part := concatPart{text: v.(string)}
		s.bytes += int64(len(part.text) + len(a.sep))
		if err := eval.CheckSize("group_concat", s.bytes); err != nil {
			return err
		}
		for _, o := range a.order {
			kv, err := o.eval(row)
			if err != nil {
				return err
			}
			part.keys = append(part.keys, kv)
		}
		s.parts = append(s.parts, part)
	}
	return nil
}

func (s *aggState) result(a *aggregate) driver.Value {
	switch a.name {
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
		case a.typ == schema.Float:
			return float64(s.sumI)
		case a.typ == schema.Decimal:
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
		case a.typ == schema.Float:
			return float64(s.sumI) / float64(s.count) // a string's numbers: DOUBLE
		}
		// Integers average to a DECIMAL of scale div_precision_increment:
		// AVG of 1 and 2 is 1.5000.
		return decimal.NewFromInt(s.sumI).DivRound(decimal.NewFromInt(s.count), eval.DivPrecisionIncrement)
	case "group_concat":
		if len(s.parts) == 0 {
			return nil
		}
		if len(a.order) > 0 {
			slices.SortStableFunc(s.parts, func(x, y concatPart) int {
				for i, o := range a.order {
					c := exec.CompareNullsFirst(x.keys[i], y.keys[i])
					if o.desc {
						c = -c
					}
					if c != 0 {
						return c
					}
				}
				return 0
			})
		}
		texts := make([]string, len(s.parts))
		for i, p := range s.parts {
			texts[i] = p.text
		}
		return strings.Join(texts, a.sep)
	}
	return s.val
}

// groupRows reads every row of src that passes filter (WHERE) and returns
// one row per group: its keys, its select slots and its aggregates (see
// grouping). It closes src.
func (p *selectPlan) groupRows(ctx context.Context, src exec.Source, filter eval.EvalFunc) ([][]driver.Value, error) {
	g := p.group
	stream := &exec.Rows{Ctx: ctx, Src: src, Filter: filter, Limit: -1,
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
		keys := make([]driver.Value, len(g.keys))
		for i, k := range g.keys {
			v, err := k.eval(row)
			if err != nil {
				return nil, err
			}
			keys[i] = v
		}
		id := exec.RowKey(keys)
		gr := groups[id]
		if gr == nil {
			gr = &group{keys: keys, states: make([]*aggState, len(g.aggs))}
			for i := range gr.states {
				gr.states[i] = &aggState{}
			}
			groups[id] = gr
			order = append(order, gr)
		}
		for i, a := range g.aggs {
			if err := gr.states[i].add(a, row); err != nil {
				return nil, err
			}
		}
	}
	if len(g.keys) == 0 && len(order) == 0 {
		// Aggregates over no rows still make one row (COUNT(*) = 0).
		gr := &group{states: make([]*aggState, len(g.aggs))}
		for i := range gr.states {
			gr.states[i] = &aggState{}
		}
		order = append(order, gr)
	}
	out := make([][]driver.Value, 0, len(order))
	for _, gr := range order {
		row := make([]driver.Value, len(g.keys)+g.nSelect+len(g.aggs))
		copy(row, gr.keys)
		for i, a := range g.aggs {
			row[len(g.keys)+g.nSelect+i] = gr.states[i].result(a)
		}
		for i, f := range g.selects {
			v, err := f(row)
			if err != nil {
				return nil, err
			}
			row[len(g.keys)+i] = v
		}
		out = append(out, row)
	}
	return out, nil
}
