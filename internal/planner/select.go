package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/xwb1989/sqlparser"
)

// selectPlan is a planned SELECT: the driving table's access, the joins
// that follow it, the local filter, grouping, projection, order and limit.
type selectPlan struct {
	scope  tableScope // the first table of FROM (writes address it)
	items  []*fromItem
	qscope *queryScope
	drive  int    // the item read first
	access access // the driving item's access
	joins  []*joinStep
	// pre filters the driving item's rows before any join lookup: the
	// WHERE terms on that table alone.
	pre      eval.EvalFunc
	filter   eval.EvalFunc // WHERE (and inner joins' ON), re-checked on every row
	where    sqlparser.Expr
	group    *grouping // nil: no GROUP BY or aggregate
	having   eval.EvalFunc
	columns  []exec.ResultColumn
	project  []eval.EvalFunc
	order    []plan.SortKey
	distinct bool
	offset   int64
	limit    int64 // -1: none
	subs     *subqueries
	// ast is the SELECT as planned, and exprs the expression of each
	// result column (nil with GROUP BY), so that an outer query can push
	// filters into it when it is a derived table.
	ast   *sqlparser.Select
	exprs []sqlparser.Expr
	// streaming joins look keys up row by row (a small LIMIT); otherwise
	// the driving rows are read first and the keys counted.
	streaming bool
	text      string // the statement, for EXPLAIN
}

func planSelect(st *sqlparser.Select, env *exec.Env, a eval.Args) (*selectPlan, error) {
	return planSelectFrom(st, env, a, nil)
}

// planSelectFrom plans a SELECT; items, when given, replace its FROM (the
// virtual tables of SHOW and DESCRIBE).
func planSelectFrom(st *sqlparser.Select, env *exec.Env, a eval.Args, items []*fromItem) (*selectPlan, error) {
	if st.Lock != "" {
		return nil, eval.Unsupported("locking reads (FOR UPDATE)")
	}
	if items == nil {
		var err error
		if items, err = planFrom(st.From, env, a); err != nil {
			return nil, err
		}
	}
	qs := newQueryScope(items)
	subs := &subqueries{env: env, args: a}
	c := &eval.Compiler{Cols: qs, Args: a, Now: env.NowValue, Subs: subs}
	p := &selectPlan{scope: items[0].scope(), items: items, qscope: qs, distinct: st.Distinct != "", limit: -1, subs: subs, text: sqlparser.String(st)}
	if items[0].virtual == nil || len(items) > 1 {
		p.ast = st // SHOW's and DESCRIBE's tables are given, not written
	}
	if st.Where != nil {
		p.where = st.Where.Expr
	}
	// The filter: WHERE and the ON conditions of inner joins, which mean
	// the same thing.
	var pooled []sqlparser.Expr
	pooled = append(pooled, splitAnd(p.where)...)
	for _, it := range items[1:] {
		if !it.left {
			pooled = append(pooled, splitAnd(it.on)...)
		}
	}
	if f, err := compileAnd(c, pooled); err != nil {
		return nil, err
	} else {
		p.filter = f
	}
	if err := p.planAccess(c, pooled); err != nil {
		return nil, err
	}
	if err := p.planJoins(c, pooled); err != nil {
		return nil, err
	}
	if needsGrouping(st) {
		if err := p.planGrouping(st, c); err != nil {
			return nil, err
		}
	} else {
		if st.Having != nil {
			return nil, fmt.Errorf("twilio: HAVING needs GROUP BY or an aggregate: use WHERE")
		}
		if err := p.planColumns(st.SelectExprs, c); err != nil {
			return nil, err
		}
		if err := p.planOrder(st.OrderBy, c); err != nil {
			return nil, err
		}
	}
	if err := p.planLimit(st.Limit, c); err != nil {
		return nil, err
	}
	if err := p.pushDerived(pooled, st, env, a); err != nil {
		return nil, err
	}
	p.streaming = len(p.joins) > 0 && p.limit >= 0 && !p.holdsRows() && p.group == nil && p.offset+p.limit <= maxFanout
	return p, nil
}

// compileAnd compiles the conjunction of terms; nil for none.
func compileAnd(c *eval.Compiler, terms []sqlparser.Expr) (eval.EvalFunc, error) {
	var all sqlparser.Expr
	for _, t := range terms {
		if all == nil {
			all = t
		} else {
			all = &sqlparser.AndExpr{Left: all, Right: t}
		}
	}
	if all == nil {
		return nil, nil
	}
	f, err := c.Expr(all)
	if err != nil {
		return nil, err
	}
	return f.Eval, nil
}

// termsOn are the terms that use the columns of item i alone.
func (p *selectPlan) termsOn(i int, terms []sqlparser.Expr) []sqlparser.Expr {
	var out []sqlparser.Expr
	for _, t := range terms {
		refs, ok := p.qscope.refs(t)
		if ok && len(refs) == 1 && refs[i] {
			out = append(out, t)
		}
	}
	return out
}

// planAccess decides how each table is read, and which is read first.
func (p *selectPlan) planAccess(c *eval.Compiler, pooled []sqlparser.Expr) error {
	accs := make([]access, len(p.items))
	for i, it := range p.items {
		if it.local() {
			accs[i] = access{query: nil, exact: false}
			continue
		}
		terms := p.termsOn(i, pooled)
		if it.left {
			terms = p.termsOn(i, splitAnd(it.on))
		}
		if len(p.items) == 1 {
			terms = splitAnd(p.where)
		}
		acc, err := pushTerms(it.scope(), terms, c, true)
		if err != nil {
			return err
		}
		accs[i] = acc
	}
	// Two tables joined INNER: read first the one Twilio narrows best.
	if len(p.items) == 2 && !p.items[1].left {
		a, b := accs[0], accs[1]
		if (b.bySid && !a.bySid) || (!p.items[0].listable() && !a.bySid && a.deferred == nil) {
			p.drive = 1
		}
	}
	d := p.items[p.drive]
	p.access = accs[p.drive]
	if !d.local() {
		if err := requireListing(d.table, p.access); err != nil {
			return err
		}
	}
	if len(p.items) > 1 {
		pre, err := compileAnd(c, p.termsOn(p.drive, pooled))
		if err != nil {
			return err
		}
		p.pre = pre
	}
	for i, it := range p.items {
		if i == p.drive {
			continue
		}
		acc := accs[i]
		acc.deferred = nil
		p.joins = append(p.joins, &joinStep{item: it, index: i, access: acc})
	}
	return nil
}

// holdsRows reports whether the result must be gathered before the first
// row is known (sorting, DISTINCT).
func (p *selectPlan) holdsRows() bool { return len(p.order) > 0 || p.distinct }

func (p *selectPlan) planColumns(exprs sqlparser.SelectExprs, c *eval.Compiler) error {
	for _, se := range exprs {
		switch x := se.(type) {
		case *sqlparser.StarExpr:
			items := slices.Clone(p.items)
			slices.SortStableFunc(items, func(a, b *fromItem) int { return a.pos - b.pos })
			if q := x.TableName.Name.String(); q != "" {
				it, err := p.qscope.itemNamed(q, &sqlparser.ColName{Name: sqlparser.NewColIdent("*"), Qualifier: x.TableName})
				if err != nil {
					return fmt.Errorf("twilio: %s.* refers to a table not in FROM", q)
				}
				items = []*fromItem{it}
			}
			for _, it := range items {
				for i, col := range it.table.Columns {
					p.columns = append(p.columns, exec.ResultColumn{Name: col.Name, Type: col.Type, Nullable: col.Nullable || it.left})
					p.project = append(p.project, exec.ColumnAt(it.offset+i))
					p.exprs = append(p.exprs, &sqlparser.ColName{Name: sqlparser.NewColIdent(col.Name), Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(it.label())}})
				}
			}
		case *sqlparser.AliasedExpr:
			e, err := c.Expr(x.Expr)
			if err != nil {
				return err
			}
			name, nullable := p.resultName(x)
			p.columns = append(p.columns, exec.ResultColumn{Name: name, Type: e.Typ, Nullable: nullable})
			p.project = append(p.project, e.Eval)
			p.exprs = append(p.exprs, x.Expr)
		default:
			return eval.Unsupported(sqlparser.String(se))
		}
	}
	return nil
}

// resultName names a result column as MySQL does: the alias, else the
// column's name, else the expression as written.
func (p *selectPlan) resultName(x *sqlparser.AliasedExpr) (string, bool) {
	if name := x.As.String(); name != "" {
		return name, true
	}
	if cn, ok := x.Expr.(*sqlparser.ColName); ok {
		if idx, col, err := p.qscope.Resolve(cn); err == nil {
			it := p.items[p.qscope.itemOf(idx)]
			return col.Name, col.Nullable || it.left
		}
	}
	return labelOf(x), true
}

// planOrder compiles ORDER BY terms: a result position (ORDER BY 2), a
// result alias, or any expression over the tables' columns.
func (p *selectPlan) planOrder(order sqlparser.OrderBy, c *eval.Compiler) error {
	for _, o := range order {
		key := plan.SortKey{Desc: o.Direction == sqlparser.DescScr, Text: eval.ExprText(o.Expr)}
		switch x := o.Expr.(type) {
		case *sqlparser.SQLVal:
			if x.Type == sqlparser.IntVal {
				n, _ := strconv.Atoi(string(x.Val))
				if n < 1 || n > len(p.project) {
					return fmt.Errorf("twilio: ORDER BY %d: the result has columns 1 to %d", n, len(p.project))
				}
				key.Eval = p.project[n-1]
			}
		case *sqlparser.ColName:
			if x.Qualifier.IsEmpty() {
				for i, col := range p.columns {
					if strings.EqualFold(col.Name, x.Name.String()) {
						key.Eval = p.project[i]
						break
					}
				}
			}
		}
		if key.Eval == nil {
			e, err := c.Expr(o.Expr)
			if err != nil {
				return err
			}
			key.Eval = e.Eval
		}
		p.order = append(p.order, key)
	}
	return nil
}

func (p *selectPlan) planLimit(l *sqlparser.Limit, c *eval.Compiler) error {
	if l == nil {
		return nil
	}
	read := func(e sqlparser.Expr, what string) (int64, error) {
		v, err := c.Value(e)
		if err != nil {
			return 0, err
		}
		n, ok := eval.ToInt(v)
		if !ok || n < 0 {
			return 0, fmt.Errorf("twilio: %s must be a whole number of 0 or more, not %s", what, eval.Describe(v))
		}
		return n, nil
	}
	var err error
	if l.Offset != nil {
		if p.offset, err = read(l.Offset, "OFFSET"); err != nil {
			return err
		}
	}
	p.limit, err = read(l.Rowcount, "LIMIT")
	return err
}

// needsGrouping reports whether a SELECT aggregates: GROUP BY, HAVING or an
// aggregate function in its select list or ORDER BY.
func needsGrouping(st *sqlparser.Select) bool {
	if len(st.GroupBy) > 0 || st.Having != nil {
		return true
	}
	found := false
	visit := func(node sqlparser.SQLNode) (bool, error) {
		switch x := node.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.FuncExpr:
			if eval.IsAggregate(x.Name.Lowered()) {
				found = true
			}
		case *sqlparser.GroupConcatExpr:
			found = true
		}
		return !found, nil
	}
	_ = sqlparser.Walk(visit, st.SelectExprs)
	if !found {
		_ = sqlparser.Walk(visit, st.OrderBy)
	}
	return found
}
