package planner

import (
	"context"
	"fmt"

	"github.com/xwb1989/sqlparser"
)

// queryPlan is a planned query expression: a SELECT (*selectPlan) or a
// UNION (*unionPlan). It is what a statement, a derived table and a
// subquery run. Its shape (the fields the planner fills in) is kept apart
// from how it runs (open), so that EXPLAIN prints the very nodes that
// execute.
type queryPlan interface {
	// resultColumns names and types the rows the query yields.
	resultColumns() []ResultColumn
	// open starts the query: the first page of its first listing is
	// fetched before it returns, so request errors surface there.
	open(ctx context.Context, env *Env) (*Rows, error)
	// explain adds the query's steps; prefix marks the steps of a nested
	// query ("s: " for a derived table s).
	explain(x *explainer, prefix string)
	// withPushed returns the query's syntax with outer filter terms added
	// and its result capped at limit rows (-1: no cap), for planning again;
	// ok is false when that would change its result (a LIMIT or GROUP BY
	// inside, a term over a column it computes with a subquery).
	withPushed(terms []outerTerm, limit int64) (ast sqlparser.SelectStatement, ok bool)
}

// planQuery plans a SELECT or a UNION.
func planQuery(ast sqlparser.SelectStatement, env *Env, a args) (queryPlan, error) {
	switch x := ast.(type) {
	case *sqlparser.Select:
		return planSelect(x, env, a)
	case *sqlparser.Union:
		return planUnion(x, env, a)
	case *sqlparser.ParenSelect:
		return planQuery(x.Select, env, a)
	}
	return nil, unsupported(fmt.Sprintf("%T", ast))
}

func (p *selectPlan) resultColumns() []ResultColumn { return p.columns }
