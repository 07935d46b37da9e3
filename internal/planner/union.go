package planner

import (
	"fmt"
	"strconv"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// unionPlan is SELECT … UNION [ALL | DISTINCT] SELECT … [ORDER BY …]
// [LIMIT …]: the branches' rows one branch after another, with duplicates
// removed as MySQL removes them (a DISTINCT union removes the duplicates of
// every branch to its left, ALL unions before it included), then sorted
// and limited as a whole. Column names come from the first branch.
type unionPlan struct {
	branches []queryPlan
	asts     []sqlparser.SelectStatement // each branch as planned
	// distinct[i] tells whether the union joining branch i to the ones
	// before it is DISTINCT; distinct[0] is unused.
	distinct []bool
	columns  []exec.ResultColumn
	order    []plan.SortKey
	orderBy  sqlparser.OrderBy
	limitAST *sqlparser.Limit
	offset   int64
	limit    int64 // -1: none
	// env and args are the statement's, for planning the branches again
	// with a LIMIT (push_limit_into_union).
	env  *exec.Env
	args eval.Args
}

func (u *unionPlan) resultColumns() []exec.ResultColumn { return u.columns }

// unionBranches flattens a left-deep chain of UNIONs into its SELECTs and
// the kind of union before each. A parenthesised branch is one branch, with
// its own ORDER BY and LIMIT.
func unionBranches(u *sqlparser.Union) ([]sqlparser.SelectStatement, []bool) {
	var asts []sqlparser.SelectStatement
	var distinct []bool
	if l, ok := u.Left.(*sqlparser.Union); ok && len(l.OrderBy) == 0 && l.Limit == nil {
		asts, distinct = unionBranches(l)
	} else {
		asts, distinct = []sqlparser.SelectStatement{u.Left}, []bool{false}
	}
	return append(asts, u.Right), append(distinct, u.Type != sqlparser.UnionAllStr)
}

func planUnion(u *sqlparser.Union, env *exec.Env, a eval.Args) (*unionPlan, error) {
	if u.Lock != "" {
		return nil, eval.Unsupported("locking reads (FOR UPDATE)")
	}
	asts, distinct := unionBranches(u)
	p := &unionPlan{asts: asts, distinct: distinct, orderBy: u.OrderBy, limitAST: u.Limit, limit: -1, env: env, args: a}
	for _, ast := range asts {
		q, err := planQuery(ast, env, a)
		if err != nil {
			return nil, err
		}
		p.branches = append(p.branches, q)
	}
	if err := p.mergeColumns(); err != nil {
		return nil, err
	}
	t := &schema.Table{Name: "UNION", Columns: make([]schema.Column, len(p.columns))}
	for i, c := range p.columns {
		t.Columns[i] = schema.Column{Name: c.Name, Type: c.Type, Nullable: c.Nullable}
	}
	c := &eval.Compiler{Cols: tableScope{table: t}, Args: a, Now: env.NowValue}
	// ORDER BY and LIMIT are a SELECT's over the union's result.
	sorter := &selectPlan{columns: p.columns, limit: -1}
	for i := range p.columns {
		sorter.project = append(sorter.project, exec.ColumnAt(i))
	}
	if err := sorter.planOrder(u.OrderBy, c); err != nil {
		return nil, fmt.Errorf("%w (ORDER BY of a UNION names the result's columns)", err)
	}
	if err := sorter.planLimit(u.Limit, c); err != nil {
		return nil, err
	}
	p.order, p.offset, p.limit = sorter.order, sorter.offset, sorter.limit
	return p, nil
}

// mergeColumns checks the branches agree in width and names the result
// after the first; a column is nullable if any branch's is, and of the
// first branch's type unless the branches mix numbers (then a float) or
// kinds (then text).
func (p *unionPlan) mergeColumns() error {
	first := p.branches[0].resultColumns()
	p.columns = append([]exec.ResultColumn(nil), first...)
	for i, b := range p.branches[1:] {
		cols := b.resultColumns()
		if len(cols) != len(first) {
			return fmt.Errorf("twilio: the SELECTs of a UNION must have as many columns each: the first has %d, SELECT number %d has %d", len(first), i+2, len(cols))
		}
		for j, c := range cols {
			m := &p.columns[j]
			m.Nullable = m.Nullable || c.Nullable
			if m.Type != c.Type {
				numeric := func(t schema.Type) bool {
					return t == schema.Int || t == schema.Float || t == schema.Bool || t == schema.Decimal
				}
				exact := func(t schema.Type) bool { return t != schema.Float }
				switch {
				case numeric(m.Type) && numeric(c.Type) && exact(m.Type) && exact(c.Type) && (m.Type == schema.Decimal || c.Type == schema.Decimal):
					// MySQL: an integer and a DECIMAL make a DECIMAL.
					m.Type = schema.Decimal
				case numeric(m.Type) && numeric(c.Type):
					m.Type = schema.Float
				default:
					m.Type = schema.String
				}
			}
		}
	}
	return nil
}

// withPushed adds the terms to every branch (filters commute with UNION,
// ALL or DISTINCT, but not with its LIMIT) and caps the union's LIMIT.
func (p *unionPlan) withPushed(terms []outerTerm, limit int64) (sqlparser.SelectStatement, bool) {
	asts := p.asts
	if len(terms) > 0 {
		if p.limit >= 0 || p.offset > 0 {
			return nil, false
		}
		asts = make([]sqlparser.SelectStatement, len(p.branches))
		for i, b := range p.branches {
			ast, ok := b.withPushed(terms, -1)
			if !ok {
				return nil, false
			}
			asts[i] = ast
		}
	}
	var out sqlparser.SelectStatement
	for i, ast := range asts {
		if s, ok := ast.(*sqlparser.Select); ok && (len(s.OrderBy) > 0 || s.Limit != nil) {
			ast = &sqlparser.ParenSelect{Select: s}
		}
		if i == 0 {
			out = ast
			continue
		}
		kind := sqlparser.UnionAllStr
		if p.distinct[i] {
			kind = sqlparser.UnionDistinctStr
		}
		out = &sqlparser.Union{Type: kind, Left: out, Right: ast}
	}
	u, ok := out.(*sqlparser.Union)
	if !ok {
		return nil, false
	}
	u.OrderBy, u.Limit = p.orderBy, p.limitAST
	if limit >= 0 && (p.limit < 0 || limit < p.limit) {
		l := &sqlparser.Limit{Rowcount: sqlparser.NewIntVal([]byte(strconv.FormatInt(limit, 10)))}
		if p.limitAST != nil {
			l.Offset = p.limitAST.Offset
		}
		u.Limit = l
	}
	return u, true
}
