package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// subqueries are the uncorrelated subqueries of one statement. Each is
// planned with the statement and run once, before the statement's own
// requests, so its values can be pushed into them.
type subqueries struct {
	env  *exec.Env
	args eval.Args
	list []*subquery
	// correlated are the subqueries that use the outer row's columns: they
	// run while the statement's rows are read, under ctx.
	correlated   []*correlated
	correlatedBy map[*sqlparser.Subquery]*correlated
	ctx          context.Context
}

// subquery is one planned subquery and, once run (node.Ran), its values:
// node.Values, the first column of every row, indexed on first use.
type subquery struct {
	ast     *sqlparser.Subquery
	plan    queryPlan
	node    *plan.Subquery
	indexed bool
	strs    map[string]bool
	rest    []driver.Value // non-string, non-NULL values
	null    bool           // a NULL is among the values
}

func newSubquery(ast *sqlparser.Subquery, q queryPlan) *subquery {
	return &subquery{ast: ast, plan: q, node: &plan.Subquery{Tree: q.tree()}}
}

// vals are the first column of every row the subquery returned.
func (q *subquery) vals() []driver.Value { return q.node.Values }

// index sorts the values out for contains, once.
func (q *subquery) index() {
	if q.indexed {
		return
	}
	q.indexed = true
	q.strs = map[string]bool{}
	for _, v := range q.node.Values {
		switch x := v.(type) {
		case nil:
			q.null = true
		case string:
			q.strs[x] = true
		default:
			q.rest = append(q.rest, v)
		}
	}
}

// add plans a subquery. It must be uncorrelated: its columns resolve in its
// own FROM.
func (s *subqueries) add(sub *sqlparser.Subquery) (*subquery, error) {
	if got := s.lookup(sub); got != nil {
		return got, nil
	}
	planned, err := planQuery(sub.Select, s.env, s.args)
	if err != nil {
		var unknown *unknownColumnError
		if errors.As(err, &unknown) {
			return nil, fmt.Errorf("%w (a subquery can use its own tables and those of the query around it)", err)
		}
		return nil, err
	}
	q := newSubquery(sub, planned)
	s.list = append(s.list, q)
	return q, nil
}

// subsOf is the statement's subqueries a compiler plans into; nil: none
// allowed.
func subsOf(c *eval.Compiler) *subqueries {
	s, _ := c.Subs.(*subqueries)
	return s
}

func (s *subqueries) lookup(sub *sqlparser.Subquery) *subquery {
	if s == nil {
		return nil
	}
	for _, q := range s.list {
		if q.ast == sub {
			return q
		}
	}
	return nil
}

// node is the Subqueries node that runs the statement's subqueries before
// child, its own requests.
func (s *subqueries) node(child plan.Node) plan.Node {
	n := &plan.Subqueries{Child: child, Started: func(ctx context.Context) { s.ctx = ctx }}
	for _, q := range s.list {
		n.Queries = append(n.Queries, q.node)
	}
	return n
}

// distinctValues are the subquery's non-NULL values, each once, in order.
func (q *subquery) distinctValues() []driver.Value {
	seen := map[string]bool{}
	var out []driver.Value
	for _, v := range q.vals() {
		if v == nil {
			continue
		}
		k := exec.RowKey([]driver.Value{v})
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// contains is MySQL's "v IN (subquery)": true on a match, NULL when there is
// none but v or a value is NULL, false otherwise.
func (q *subquery) contains(v driver.Value) driver.Value {
	if len(q.vals()) == 0 {
		return false
	}
	q.index()
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok && q.strs[s] {
		return true
	}
	check := q.rest
	if _, ok := v.(string); !ok {
		check = q.vals()
	}
	for _, w := range check {
		if w == nil {
			continue
		}
		if c, ok := eval.Compare(v, w); ok && c == 0 {
			return true
		}
	}
	if q.null {
		return nil
	}
	return false
}

// subqueryRows plans a subquery and returns how to get its rows for an
// outer row: the rows of its one run, or, when it is correlated, of its run
// for the outer row's values. rows caps what a correlated run reads (EXISTS
// needs one row, a scalar two, to tell it has too many; -1: all).
func (s *subqueries) subqueryRows(c *eval.Compiler, sub *sqlparser.Subquery, rows int64) (func([]driver.Value) (*subquery, error), []exec.ResultColumn, error) {
	cq, err := s.correlation(c, sub)
	if err != nil {
		return nil, nil, err
	}
	if cq != nil {
		cq.capRows(rows)
		return cq.result, cq.columns, nil
	}
	q, err := s.add(sub)
	if err != nil {
		return nil, nil, err
	}
	return func([]driver.Value) (*subquery, error) { return q, nil }, q.plan.resultColumns(), nil
}

// InSubquery compiles "x [NOT] IN (SELECT …)".
func (s *subqueries) InSubquery(c *eval.Compiler, left eval.Typed, sub *sqlparser.Subquery, negate bool) (eval.Typed, error) {
	get, cols, err := s.subqueryRows(c, sub, -1)
	if err != nil {
		return eval.Typed{}, err
	}
	if n := len(cols); n != 1 {
		return eval.Typed{}, fmt.Errorf("twilio: the subquery in IN must select exactly one column, not %d", n)
	}
	return eval.Typed{Typ: schema.Bool, Eval: func(row []driver.Value) (driver.Value, error) {
		lv, err := left.Eval(row)
		if err != nil {
			return nil, err
		}
		q, err := get(row)
		if err != nil {
			return nil, err
		}
		r := q.contains(lv)
		if b, ok := r.(bool); ok && negate {
			return !b, nil
		}
		return r, nil
	}}, nil
}

// ScalarSubquery compiles "(SELECT …)" used as a value: NULL without rows,
// an error with more than one.
func (s *subqueries) ScalarSubquery(c *eval.Compiler, sub *sqlparser.Subquery) (eval.Typed, error) {
	get, cols, err := s.subqueryRows(c, sub, 2)
	if err != nil {
		return eval.Typed{}, err
	}
	if n := len(cols); n != 1 {
		return eval.Typed{}, fmt.Errorf("twilio: a subquery used as a value must select exactly one column, not %d", n)
	}
	return eval.Typed{Typ: cols[0].Type, Eval: func(row []driver.Value) (driver.Value, error) {
		q, err := get(row)
		if err != nil {
			return nil, err
		}
		switch len(q.vals()) {
		case 0:
			return nil, nil
		case 1:
			return q.vals()[0], nil
		}
		return nil, fmt.Errorf("twilio: the subquery %s returned %d rows where one value was expected: add LIMIT 1 or use IN", sqlparser.String(sub), len(q.vals()))
	}}, nil
}

// Exists compiles "EXISTS (SELECT …)" (uncorrelated).
func (s *subqueries) Exists(c *eval.Compiler, x *sqlparser.ExistsExpr) (eval.Typed, error) {
	get, _, err := s.subqueryRows(c, x.Subquery, 1)
	if err != nil {
		return eval.Typed{}, err
	}
	return eval.Typed{Typ: schema.Bool, Eval: func(row []driver.Value) (driver.Value, error) {
		q, err := get(row)
		if err != nil {
			return nil, err
		}
		return len(q.vals()) > 0, nil
	}}, nil
}
