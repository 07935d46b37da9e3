package planner

import (
	"context"
	"fmt"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/xwb1989/sqlparser"
)

// Query nodes. Besides a SELECT's chain of nodes (node.go), the nodes for
// derived tables, UNION and correlated subqueries keep a node's shape apart
// from how it runs, the way go-mysql-server keeps sql/plan apart from
// sql/rowexec:
//
//	union.go       unionPlan: branches, kinds of union, ORDER BY, LIMIT
//	union_exec.go  unionSource: branch after branch, duplicates removed
//	derived.go     derivedTable: the query in FROM and what was pushed in
//	derived_exec.go rowsSource: a nested result read as a table's rows
//	correlated.go  correlated: the rewritten subquery, its outer columns
//	correlated_exec.go one run per distinct key, or the table read once
//	*_explain.go   EXPLAIN, from the same nodes that run
//
// Pushing an outer filter into a nested query is done on its syntax
// (withPushed) and the nested query planned again, so whatever the planner
// pushes to Twilio for a plain query it pushes for a wrapped one.

// queryPlan is a planned query expression: a SELECT (*selectPlan) or a
// UNION (*unionPlan). It is what a statement, a derived table and a
// subquery run. Its shape (the fields the planner fills in) is kept apart
// from how it runs (open), so that EXPLAIN prints the very nodes that
// execute.
type queryPlan interface {
	// resultColumns names and types the rows the query yields.
	resultColumns() []exec.ResultColumn
	// open starts the query: the first page of its first listing is
	// fetched before it returns, so request errors surface there.
	open(ctx context.Context, env *exec.Env) (*exec.Rows, error)
	// explain adds the query's steps; prefix marks the steps of a nested
	// query ("s: " for a derived table s).
	explain(x *explainer, prefix string)
	// steps is the query's chain of nodes, which open runs and explain
	// describes (node.go).
	steps() []node
	// withPushed returns the query's syntax with outer filter terms added
	// and its result capped at limit rows (-1: no cap), for planning again;
	// ok is false when that would change its result (a LIMIT or GROUP BY
	// inside, a term over a column it computes with a subquery).
	withPushed(terms []outerTerm, limit int64) (ast sqlparser.SelectStatement, ok bool)
}

// planQuery plans a SELECT or a UNION.
func planQuery(ast sqlparser.SelectStatement, env *exec.Env, a eval.Args) (queryPlan, error) {
	switch x := ast.(type) {
	case *sqlparser.Select:
		return planSelect(x, env, a)
	case *sqlparser.Union:
		return planUnion(x, env, a)
	case *sqlparser.ParenSelect:
		return planQuery(x.Select, env, a)
	}
	return nil, eval.Unsupported(fmt.Sprintf("%T", ast))
}

func (p *selectPlan) resultColumns() []exec.ResultColumn { return p.columns }
