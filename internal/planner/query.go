package planner

import (
	"fmt"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/xwb1989/sqlparser"
)

// Planned queries. A SELECT is planned into a selectPlan, a UNION into a
// unionPlan (union.go), a query in FROM into a derivedTable (derived.go)
// and a subquery that uses the outer row's columns into a correlated
// (correlated.go); each becomes a tree of plan nodes (tree.go) that exec
// runs and EXPLAIN prints (describe.go).
//
// Pushing an outer filter into a nested query is done on its syntax
// (withPushed) and the nested query planned again, so whatever the planner
// pushes to Twilio for a plain query it pushes for a wrapped one.

// queryPlan is a planned query expression: a SELECT (*selectPlan) or a
// UNION (*unionPlan). It is what a statement, a derived table and a
// subquery run.
type queryPlan interface {
	// resultColumns names and types the rows the query yields.
	resultColumns() []exec.ResultColumn
	// tree is the query's plan tree (tree.go), which exec.Build runs
	// (openQuery) and EXPLAIN prints (describe.go).
	tree() plan.Node
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
