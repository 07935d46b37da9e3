package planner

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// correlated is a subquery that uses columns of the query around it
// (EXISTS (SELECT … WHERE r.CallSid = c.Sid), x IN (…), a scalar). It runs
// once per distinct combination of those outer values, each result kept:
// the outer columns become arguments of the subquery, so a correlation on
// a column Twilio filters on (r.CallSid = c.Sid) is pushed into each run's
// request, as a join's key is. When Twilio cannot filter on the
// correlation, or once more than maxFanout distinct keys were looked up,
// the subquery's table is read once (with its other filters) and every
// further run reads those rows instead of Twilio.
type correlated struct {
	text    string                    // the subquery as written
	ast     sqlparser.SelectStatement // outer columns replaced by arguments
	names   []string                  // the arguments' names, one per outer column
	outer   []eval.EvalFunc           // the outer columns' values over the outer row
	outText []string                  // the outer columns as written
	columns []exec.ResultColumn
	// pushedKey describes a correlation Twilio serves ("r.CallSid =
	// c.Sid"); "" when none does.
	pushedKey string
	// keyTable is set when that correlation is the subquery table's Sid:
	// each run is one fetch of keyOuter's value.
	keyTable *schema.Table
	keyOuter string
	// scanAST reads the subquery's one table with its uncorrelated filters,
	// for running the subquery on rows in memory; nil when the subquery is
	// not of one table.
	scanAST *sqlparser.Select
	item    *fromItem // the subquery's one table (for the in-memory runs)
	env     *exec.Env
	args    eval.Args
	subs    *subqueries // the enclosing query's: its context at run time
	// grouped is set when the outer columns are read from grouped rows
	// (HAVING), which the driving rows cannot be counted with.
	grouped bool

	// run-time state
	cache   map[string]*subquery
	lookups int              // runs that made requests of their own
	rows    [][]driver.Value // the table read once; nil until then
	scanned bool
	// manyKeys is set when the driving rows, counted before any run, hold
	// more than maxFanout distinct keys: every run then reads the table
	// read once.
	manyKeys bool
}

const outerArgPrefix = "twilio_outer_"

// correlation finds the outer columns a subquery uses; nil when it uses
// none (an ordinary subquery, run once).
func (s *subqueries) correlation(c *eval.Compiler, sub *sqlparser.Subquery) (*correlated, error) {
	if c.Cols == nil {
		return nil, nil
	}
	if got, ok := s.correlatedBy[sub]; ok {
		return got, nil
	}
	f := &refFinder{env: s.env, args: s.args, outer: c.Cols}
	if err := f.query(sub.Select); err != nil {
		return nil, nil // planning the subquery reports it
	}
	if len(f.found) == 0 {
		return nil, nil
	}
	cq := &correlated{text: sqlparser.String(sub), env: s.env, args: s.args, subs: s, cache: map[string]*subquery{}, grouped: c.Agg != nil}
	// One argument per distinct outer column.
	argOf := map[*sqlparser.ColName]string{}
	byIndex := map[int]string{}
	for _, col := range f.found {
		idx, _, err := c.Cols.Resolve(col)
		if err != nil {
			return nil, err
		}
		name, ok := byIndex[idx]
		if !ok {
			// Numbered past the arguments of enclosing correlated runs,
			// which a nested subquery's arguments sit beside.
			name = freshArg(s.args, outerArgPrefix, len(cq.names))
			byIndex[idx] = name
			e, err := c.Expr(col)
			if err != nil {
				return nil, err
			}
			cq.names = append(cq.names, name)
			cq.outer = append(cq.outer, e.Eval)
			cq.outText = append(cq.outText, eval.ExprText(col))
		}
		argOf[col] = name
	}
	buf := sqlparser.NewTrackedBuffer(func(buf *sqlparser.TrackedBuffer, node sqlparser.SQLNode) {
		if cn, ok := node.(*sqlparser.ColName); ok {
			if name, ok := argOf[cn]; ok {
				buf.WriteString(":" + name)
				return
			}
		}
		node.Format(buf)
	})
	buf.Myprintf("%v", sub.Select)
	st, err := sqlparser.Parse(buf.String())
	if err != nil {
		return nil, fmt.Errorf("twilio: internal: rewriting the correlated subquery %s: %v", cq.text, err)
	}
	ast, ok := st.(sqlparser.SelectStatement)
	if !ok {
		return nil, fmt.Errorf("twilio: internal: %s is not a query", buf.String())
	}
	cq.ast = ast
	trial, err := planQuery(ast, cq.env, cq.bind(make([]driver.Value, len(cq.names))))
	if err != nil {
		return nil, err
	}
	cq.columns = trial.resultColumns()
	cq.analyse()
	if s.correlatedBy == nil {
		s.correlatedBy = map[*sqlparser.Subquery]*correlated{}
	}
	s.correlatedBy[sub] = cq
	s.correlated = append(s.correlated, cq)
	return cq, nil
}

// bind adds the outer values to the statement's arguments.
func (cq *correlated) bind(vals []driver.Value) eval.Args {
	a := append(eval.Args(nil), cq.args...)
	for i, v := range vals {
		a = append(a, driver.NamedValue{Name: cq.names[i], Value: v})
	}
	return a
}

// freshArg names an argument prefix+N not among a's, the (skip+1)th such
// new name: arguments of nested runs sit beside those of the runs around
// them and must not share a name.
func freshArg(a eval.Args, prefix string, skip int) string {
	highest := 0
	for _, nv := range a {
		if n, err := strconv.Atoi(strings.TrimPrefix(nv.Name, prefix)); err == nil && strings.HasPrefix(nv.Name, prefix) {
			highest = max(highest, n)
		}
	}
	return fmt.Sprintf("%s%d", prefix, highest+skip+1)
}

// isOuterArg reports whether an expression is one of the outer arguments.
func isOuterArg(e sqlparser.Expr) bool {
	v, ok := e.(*sqlparser.SQLVal)
	return ok && v.Type == sqlparser.ValArg && strings.HasPrefix(string(v.Val), ":"+outerArgPrefix)
}

// usesOuter reports whether an expression holds an outer argument.
func usesOuter(e sqlparser.SQLNode) bool {
	found := false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if x, ok := node.(sqlparser.Expr); ok && isOuterArg(x) {
			found = true
		}
		return !found, nil
	}, e)
	return found
}

// analyse decides how the subquery runs: whether Twilio filters on a
// correlation, and whether its one table can be read once instead.
func (cq *correlated) analyse() {
	sel, ok := cq.ast.(*sqlparser.Select)
	if !ok {
		return
	}
	items, err := planFrom(sel.From, cq.env, cq.args)
	if err != nil || len(items) != 1 || !items[0].listable() {
		return
	}
	it := items[0]
	t := it.table
	scope := it.scope()
	var where sqlparser.Expr
	if sel.Where != nil {
		where = sel.Where.Expr
	}
	var plain []sqlparser.Expr
	for _, term := range splitAnd(where) {
		if !usesOuter(term) {
			plain = append(plain, term)
			continue
		}
		cmp, ok := term.(*sqlparser.ComparisonExpr)
		if !ok || cmp.Operator != sqlparser.EqualStr || cq.pushedKey != "" {
			continue
		}
		for _, side := range [2][2]sqlparser.Expr{{cmp.Left, cmp.Right}, {cmp.Right, cmp.Left}} {
			col, ok := side[0].(*sqlparser.ColName)
			if !ok || !isOuterArg(side[1]) {
				continue
			}
			idx, column, err := scope.Resolve(col)
			if err != nil || column.Type != schema.String {
				continue
			}
			f, isFilter := t.Filter(column.Name)
			if (idx == exec.SidColumn(t) && t.Supports(schema.Get)) || (isFilter && !f.DayGranular && f.Ops.Has(schema.Eq) && len(f.Only) == 0) {
				cq.pushedKey = strings.Replace(eval.ExprText(term), string(side[1].(*sqlparser.SQLVal).Val), "{"+cq.outerTextOf(side[1])+"}", 1)
				if idx == exec.SidColumn(t) && t.Supports(schema.Get) && len(splitAnd(where)) == 1 && len(sel.From) == 1 {
					cq.keyTable, cq.keyOuter = t, cq.outerTextOf(side[1])
				}
				break
			}
		}
	}
	scan := &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}}, From: sel.From}
	if cond := andOf(plain); cond != nil {
		scan.Where = &sqlparser.Where{Type: sqlparser.WhereStr, Expr: cond}
	}
	cq.scanAST, cq.item = scan, it
}

func (cq *correlated) outerTextOf(arg sqlparser.Expr) string {
	name := strings.TrimPrefix(string(arg.(*sqlparser.SQLVal).Val), ":")
	for i, n := range cq.names {
		if n == name {
			return cq.outText[i]
		}
	}
	return name
}

// andOf joins terms with AND; nil for none.
func andOf(terms []sqlparser.Expr) sqlparser.Expr {
	var all sqlparser.Expr
	for _, t := range terms {
		if all == nil {
			all = t
		} else {
			all = &sqlparser.AndExpr{Left: all, Right: t}
		}
	}
	return all
}

// refFinder walks a subquery for columns that resolve in none of its own
// FROM clauses (nested ones included) but in the outer query's.
type refFinder struct {
	env   *exec.Env
	args  eval.Args
	outer eval.Resolver
	stack []eval.Resolver
	found []*sqlparser.ColName
}

func (f *refFinder) query(ast sqlparser.SelectStatement) error {
	switch x := ast.(type) {
	case *sqlparser.Select:
		return f.sel(x)
	case *sqlparser.Union:
		if err := f.query(x.Left); err != nil {
			return err
		}
		return f.query(x.Right)
	case *sqlparser.ParenSelect:
		return f.query(x.Select)
	}
	return nil
}

func (f *refFinder) sel(s *sqlparser.Select) error {
	items, err := planFrom(s.From, f.env, f.args)
	if err != nil {
		return err
	}
	f.stack = append(f.stack, newQueryScope(items))
	defer func() { f.stack = f.stack[:len(f.stack)-1] }()
	aliases := map[string]bool{}
	for _, se := range s.SelectExprs {
		if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() {
			aliases[ae.As.Lowered()] = true
		}
	}
	var err2 error
	visit := func(aliasOK bool) sqlparser.Visit {
		return func(node sqlparser.SQLNode) (bool, error) {
			switch x := node.(type) {
			case *sqlparser.Subquery:
				if err := f.query(x.Select); err != nil {
					err2 = err
				}
				return false, nil
			case *sqlparser.ColName:
				if aliasOK && x.Qualifier.IsEmpty() && aliases[x.Name.Lowered()] {
					return false, nil
				}
				for i := len(f.stack) - 1; i >= 0; i-- {
					_, _, err := f.stack[i].Resolve(x)
					var unknown *unknownColumnError
					if err == nil || !errors.As(err, &unknown) {
						return false, nil
					}
				}
				if _, _, err := f.outer.Resolve(x); err == nil {
					f.found = append(f.found, x)
				}
			}
			return true, nil
		}
	}
	_ = sqlparser.Walk(visit(false), s.SelectExprs)
	if s.Where != nil {
		_ = sqlparser.Walk(visit(false), s.Where.Expr)
	}
	for _, te := range s.From {
		_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
			switch x := node.(type) {
			case *sqlparser.AliasedTableExpr:
				return false, nil // a derived table sees no outer column
			case *sqlparser.JoinTableExpr:
				if x.Condition.On != nil {
					_ = sqlparser.Walk(visit(false), x.Condition.On)
				}
			}
			return true, nil
		}, te)
	}
	_ = sqlparser.Walk(visit(true), s.GroupBy)
	if s.Having != nil {
		_ = sqlparser.Walk(visit(true), s.Having.Expr)
	}
	_ = sqlparser.Walk(visit(true), s.OrderBy)
	return err2
}
