package planner

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// grouping is GROUP BY and the aggregates. A group's row is laid out as
// [group keys…, select values…, aggregates…]: SELECT, HAVING and ORDER BY
// are compiled over it.
type grouping struct {
	keys    []plan.GroupKey
	aggs    []*plan.AggFunc
	selects []eval.EvalFunc // the select list over the group's row
	nSelect int
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
			if k.Col == idx {
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
		if k.Col < 0 && strings.EqualFold(k.Text, text) {
			return eval.Typed{Eval: exec.ColumnAt(i), Typ: k.Type}, true
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
		if k.Col == idx {
			return eval.Typed{}, false // a key itself: resolve reads its slot
		}
		grouped = grouped || k.Col == it.offset+key
	}
	if !grouped {
		return eval.Typed{}, false
	}
	return a.add(&plan.AggFunc{Name: "any_value", Args: []eval.EvalFunc{exec.ColumnAt(idx)}, Type: column.Type, Text: eval.ExprText(col)}), true
}

func (a *aggContext) add(agg *plan.AggFunc) eval.Typed {
	i := len(a.g.aggs)
	a.g.aggs = append(a.g.aggs, agg)
	return eval.Typed{Typ: agg.Type, Eval: func(row []driver.Value) (driver.Value, error) {
		return row[a.slotOfAgg(i)], nil
	}}
}

// Aggregate compiles COUNT, SUM, AVG, MIN, MAX and ANY_VALUE.
func (a *aggContext) Aggregate(x *sqlparser.FuncExpr) (eval.Typed, error) {
	name := x.Name.Lowered()
	agg := &plan.AggFunc{Name: name, Distinct: x.Distinct, Text: eval.ExprText(x)}
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
			agg.Star = true
		case *sqlparser.AliasedExpr:
			t, err := a.base.Expr(e.Expr)
			if err != nil {
				return eval.Typed{}, err
			}
			agg.Args = append(agg.Args, t.Eval)
			argTypes = append(argTypes, t.Typ)
		default:
			return eval.Typed{}, eval.Unsupported(sqlparser.String(se) + " in " + strings.ToUpper(name))
		}
	}
	if !agg.Star && len(agg.Args) == 0 {
		return eval.Typed{}, fmt.Errorf("twilio: %s() needs an argument", strings.ToUpper(name))
	}
	if len(agg.Args) > 1 && !(name == "count" && x.Distinct) {
		return eval.Typed{}, fmt.Errorf("twilio: %s() takes one argument", strings.ToUpper(name))
	}
	switch name {
	case "count":
		agg.Type = schema.Int
	case "sum":
		agg.Type = schema.Float
		switch argTypes[0] {
		case schema.Int, schema.Bool:
			agg.Type = schema.Int
		case schema.Decimal:
			agg.Type = schema.Decimal
		}
	case "avg":
		// MySQL: AVG of exact values (integers, DECIMALs) is a DECIMAL,
		// of DOUBLEs a DOUBLE
		// (https://dev.mysql.com/doc/refman/8.0/en/aggregate-functions.html#function_avg).
		agg.Type = schema.Float
		switch argTypes[0] {
		case schema.Int, schema.Bool, schema.Decimal:
			agg.Type = schema.Decimal
		}
	default:
		agg.Type = argTypes[0]
	}
	return a.add(agg), nil
}

// GroupConcat compiles GROUP_CONCAT([DISTINCT] expr, … [ORDER BY …] [SEPARATOR s]).
func (a *aggContext) GroupConcat(x *sqlparser.GroupConcatExpr) (eval.Typed, error) {
	agg := &plan.AggFunc{Name: "group_concat", Distinct: x.Distinct != "", Type: schema.String, Sep: ",", Text: eval.ExprText(x)}
	if x.Separator != "" {
		// The parser keeps the clause's text: " separator '…'".
		sep := strings.TrimSpace(x.Separator)
		if len(sep) >= 9 && strings.EqualFold(sep[:9], "separator") {
			sep = strings.TrimSpace(sep[9:])
		}
		agg.Sep = strings.ReplaceAll(strings.Trim(sep, "'"), "''", "'")
	}
	for _, se := range x.Exprs {
		t, err := a.base.SelectArg(se)
		if err != nil {
			return eval.Typed{}, err
		}
		agg.Args = append(agg.Args, t.Eval)
	}
	for _, o := range x.OrderBy {
		t, err := a.base.Expr(o.Expr)
		if err != nil {
			return eval.Typed{}, err
		}
		agg.Order = append(agg.Order, plan.SortKey{Eval: t.Eval, Desc: o.Direction == sqlparser.DescScr})
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
func (p *selectPlan) groupKey(e sqlparser.Expr, selects sqlparser.SelectExprs, c *eval.Compiler) (plan.GroupKey, error) {
	target := e
	if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		n, _ := strconv.Atoi(string(v.Val))
		if n < 1 || n > len(selects) {
			return plan.GroupKey{}, fmt.Errorf("twilio: GROUP BY %d: the select list has columns 1 to %d", n, len(selects))
		}
		ae, ok := selects[n-1].(*sqlparser.AliasedExpr)
		if !ok {
			return plan.GroupKey{}, fmt.Errorf("twilio: GROUP BY %d names %s: name a column", n, sqlparser.String(selects[n-1]))
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
		return plan.GroupKey{}, fmt.Errorf("twilio: GROUP BY %s: an aggregate cannot be grouped on", eval.ExprText(e))
	}
	t, err := c.Expr(target)
	if err != nil {
		return plan.GroupKey{}, err
	}
	key := plan.GroupKey{Eval: t.Eval, Type: t.Typ, Text: eval.ExprText(target), Col: -1}
	if cn, ok := target.(*sqlparser.ColName); ok {
		if idx, _, err := p.qscope.Resolve(cn); err == nil {
			key.Col = idx
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
