package planner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// derivedTable is a query in FROM or JOIN: FROM (SELECT …) AS s. Its rows
// are the query's result; its columns are named as the query names them.
// Outer filters on it alone, and the outer LIMIT when nothing else stands
// between it and the result, are pushed into the query, so the requests it
// makes are those of the query written with them.
type derivedTable struct {
	alias string
	ast   sqlparser.SelectStatement // the query as written
	query queryPlan                 // the query that runs, with what was pushed
	// pushed are the outer terms added to the query, as written outside;
	// pushedLimit the LIMIT given to it (-1: none).
	pushed      []string
	pushedLimit int64
	// rules are the pushdown rules that pushed them.
	rules []string
	// limited plans the query with the outer LIMIT (OFFSET + LIMIT rows)
	// given to it; nil when an outer term stays outside.
	limited func(rows int64) (plan.Node, error)
}

// outerTerm is a filter of an outer query over a derived table's columns,
// to be rewritten over the expressions those columns stand for.
type outerTerm struct {
	expr sqlparser.Expr
	col  func(*sqlparser.ColName) int // the derived column a name refers to; -1: another
}

// render writes the term with each derived column replaced by its
// expression; ok is false when a column's expression holds a subquery,
// which must then run once, not again per term.
func (t outerTerm) render(exprs []sqlparser.Expr) (string, bool) {
	ok := true
	buf := sqlparser.NewTrackedBuffer(func(buf *sqlparser.TrackedBuffer, node sqlparser.SQLNode) {
		if cn, isCol := node.(*sqlparser.ColName); isCol {
			if j := t.col(cn); j >= 0 && j < len(exprs) {
				e := exprs[j]
				if e == nil || hasSubquery(e) {
					ok = false
					return
				}
				// Written with the plain formatter: the inner expression's
				// names belong to the inner query.
				if _, bare := e.(*sqlparser.ColName); bare {
					buf.WriteString(sqlparser.String(e))
				} else {
					buf.WriteString("(" + sqlparser.String(e) + ")")
				}
				return
			}
		}
		node.Format(buf)
	})
	buf.Myprintf("%v", t.expr)
	return buf.String(), ok
}

// hasSubquery reports whether an expression holds a subquery.
func hasSubquery(e sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if _, ok := node.(*sqlparser.Subquery); ok {
			found = true
		}
		return !found, nil
	}, e)
	return found
}

// parseCondition parses a condition written by the planner.
func parseCondition(text string) (sqlparser.Expr, error) {
	st, err := sqlparser.Parse("select 1 from dual where " + text)
	if err != nil {
		return nil, err
	}
	sel, ok := st.(*sqlparser.Select)
	if !ok || sel.Where == nil {
		return nil, fmt.Errorf("twilio: internal: %q is not a condition", text)
	}
	return sel.Where.Expr, nil
}

// withPushed adds the terms to the SELECT's WHERE and caps its LIMIT.
// Filters commute with DISTINCT and ORDER BY but not with LIMIT or GROUP
// BY; a LIMIT commutes with everything, as it applies last.
func (p *selectPlan) withPushed(terms []outerTerm, limit int64) (sqlparser.SelectStatement, bool) {
	if p.ast == nil {
		return nil, false
	}
	out := *p.ast
	if len(terms) > 0 {
		exprs := p.exprs
		if p.group != nil {
			exprs = p.groupKeyExprs()
		}
		if exprs == nil || p.limit >= 0 || p.offset > 0 {
			return nil, false
		}
		texts := make([]string, len(terms))
		for i, t := range terms {
			s, ok := t.render(exprs)
			if !ok {
				return nil, false
			}
			texts[i] = "(" + s + ")"
		}
		cond, err := parseCondition(strings.Join(texts, " and "))
		if err != nil {
			return nil, false
		}
		if out.Where != nil {
			cond = &sqlparser.AndExpr{Left: &sqlparser.ParenExpr{Expr: out.Where.Expr}, Right: cond}
		}
		out.Where = &sqlparser.Where{Type: sqlparser.WhereStr, Expr: cond}
	}
	if limit >= 0 && (p.limit < 0 || limit < p.limit) {
		l := &sqlparser.Limit{Rowcount: sqlparser.NewIntVal([]byte(strconv.FormatInt(limit, 10)))}
		if out.Limit != nil {
			l.Offset = out.Limit.Offset
		}
		out.Limit = l
	}
	return &out, true
}

// groupKeyExprs are the expressions of the result columns that are GROUP
// BY keys, nil for the others (aggregates): a filter on keys alone removes
// whole groups, so it may run before grouping, in WHERE.
func (p *selectPlan) groupKeyExprs() []sqlparser.Expr {
	out := make([]sqlparser.Expr, len(p.ast.SelectExprs))
	for i, se := range p.ast.SelectExprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil
		}
		text := sqlparser.String(ae.Expr)
		for _, g := range p.ast.GroupBy {
			switch x := g.(type) {
			case *sqlparser.SQLVal:
				if x.Type == sqlparser.IntVal && string(x.Val) == strconv.Itoa(i+1) {
					out[i] = ae.Expr
				}
			case *sqlparser.ColName:
				if x.Qualifier.IsEmpty() && !ae.As.IsEmpty() && x.Name.EqualString(ae.As.String()) {
					out[i] = ae.Expr
				}
			}
			if sqlparser.String(g) == text {
				out[i] = ae.Expr
			}
		}
	}
	return out
}

// derivedItem plans a query in FROM as it is written; pushDerived plans it
// again with the outer query's filters and LIMIT once those are known.
func derivedItem(sub *sqlparser.Subquery, alias string, env *exec.Env, a eval.Args) (*fromItem, error) {
	if alias == "" {
		return nil, fmt.Errorf("twilio: a derived table needs an alias: FROM (SELECT …) AS s")
	}
	q, err := planQuery(sub.Select, env, a)
	if err != nil {
		return nil, err
	}
	cols := q.resultColumns()
	t := &schema.Table{Name: alias, Columns: make([]schema.Column, len(cols))}
	seen := map[string]bool{}
	for i, c := range cols {
		l := strings.ToLower(c.Name)
		if seen[l] {
			return nil, fmt.Errorf("twilio: the derived table %s has two columns named %s: give one an alias (… AS another_name)", alias, c.Name)
		}
		seen[l] = true
		t.Columns[i] = schema.Column{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	return &fromItem{table: t, alias: alias, derived: &derivedTable{alias: alias, ast: sub.Select, query: q, pushedLimit: -1}}, nil
}

// pushDerived pushes into each derived table of FROM the outer terms on it
// alone (push_filters_into_derived) and, when the derived table is all
// there is and every outer term went in, lets the tree rule
// push_limit_into_derived give it the outer LIMIT (with its OFFSET: the
// inner query yields the rows the outer one skips). Inner joins' and WHERE's terms go into any
// derived table but a LEFT JOIN's; a LEFT JOIN's own ON terms go into it.
func (p *selectPlan) pushDerived(pooled []sqlparser.Expr, st *sqlparser.Select, env *exec.Env, a eval.Args) error {
	for i, it := range p.items {
		if it.derived == nil {
			continue
		}
		candidates := p.termsOn(i, pooled)
		if it.left {
			candidates = p.termsOn(i, splitAnd(it.on))
		}
		var terms []outerTerm
		var texts []string
		for _, t := range candidates {
			if hasSubquery(t) {
				continue
			}
			term := outerTerm{expr: t, col: p.columnOf(i)}
			if _, ok := it.derived.query.withPushed([]outerTerm{term}, -1); !ok {
				continue // e.g. a filter on a count: it stays outside
			}
			terms = append(terms, term)
			texts = append(texts, eval.ExprText(t))
		}
		allIn := len(terms) == len(pooled)
		if len(terms) > 0 {
			ast, ok := it.derived.query.withPushed(terms, -1)
			if !ok {
				// The filters cannot go in (a LIMIT or GROUP BY inside), and
				// so neither can the LIMIT, which counts filtered rows.
				continue
			}
			q, err := planQuery(ast, env, a)
			if err != nil {
				return err
			}
			it.derived.query = q
			it.derived.pushed = texts
			it.derived.rules = append(it.derived.rules, "push_filters_into_derived")
		}
		if allIn && len(p.items) == 1 {
			// Every outer term went in: the outer LIMIT may follow
			// (push_limit_into_derived, a tree rule).
			d := it.derived
			d.limited = func(rows int64) (plan.Node, error) {
				ast, ok := d.query.withPushed(nil, rows)
				if !ok {
					return nil, nil
				}
				q, err := planQuery(ast, env, a)
				if err != nil {
					return nil, err
				}
				return q.tree(), nil
			}
		}
	}
	return nil
}

// columnOf maps a column name to its index in item i, or -1.
func (p *selectPlan) columnOf(i int) func(*sqlparser.ColName) int {
	it := p.items[i]
	return func(cn *sqlparser.ColName) int {
		idx, _, err := p.qscope.Resolve(cn)
		if err != nil || p.qscope.itemOf(idx) != i {
			return -1
		}
		return idx - it.offset
	}
}

// queryEnv is the environment the derived table's query was planned in.
func (d *derivedTable) queryEnv() *exec.Env {
	switch q := d.query.(type) {
	case *selectPlan:
		return q.env()
	}
	return &exec.Env{}
}

// joinKeyArgPrefix names the argument a join key is bound to in a derived
// table's query.
const joinKeyArgPrefix = "twilio_join_key_"

// derivedKeyServed reports whether a join key on column col of a derived
// table can go into its query as a filter Twilio serves: the column stands
// for a column of the query's one table (a plain one, or a GROUP BY key)
// that is its Sid or an exact-match filter, and nothing in the query (a
// LIMIT) stops a filter from going in.
func derivedKeyServed(q queryPlan, col int) bool {
	p, ok := q.(*selectPlan)
	if !ok || p.ast == nil || len(p.items) != 1 || p.items[0].local() || p.limit >= 0 || p.offset > 0 {
		return false
	}
	exprs := p.exprs
	if p.group != nil {
		exprs = p.groupKeyExprs()
	}
	if col >= len(exprs) {
		return false
	}
	cn, ok := exprs[col].(*sqlparser.ColName)
	if !ok {
		return false
	}
	idx, column, err := p.qscope.Resolve(cn)
	if err != nil {
		return false
	}
	t := p.items[0].table
	if idx == exec.SidColumn(t) && t.Supports(schema.Get) {
		return true
	}
	f, isFilter := t.Filter(column.Name)
	return isFilter && !f.DayGranular && f.Ops.Has(schema.Eq) && len(f.Only) == 0
}

// keyedQuery is a derived table's query with "column = :arg" pushed in.
func (d *derivedTable) keyedQuery(col int, name, arg string) (sqlparser.SelectStatement, bool) {
	ref := &sqlparser.ColName{Name: sqlparser.NewColIdent(name)}
	term := outerTerm{
		expr: &sqlparser.ComparisonExpr{Operator: sqlparser.EqualStr, Left: ref, Right: sqlparser.NewValArg([]byte(":" + arg))},
		col: func(cn *sqlparser.ColName) int {
			if cn == ref {
				return col
			}
			return -1
		},
	}
	return d.query.withPushed([]outerTerm{term}, -1)
}
