package planner

import (
	"context"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// Plan nodes. A SELECT's plan (and a UNION's, union_exec.go) is a chain of nodes from the driving listing
// up to LIMIT: subqueries → scan → joins → correlated → filter → group →
// project → sort → limit (steps leaves out the ones a query does not need).
// EXPLAIN prints each node's steps in that order (describe) and open runs
// the same nodes in the same order (run), both from one call to steps, so
// what EXPLAIN shows is what runs: adding a node is adding its describe
// and its run side by side, in one small type.
//
// A node's run carries the query being opened along a pipeline: a stream
// of rows (src, filtered by filter) until the project node makes the
// result (rows), which the sort and limit nodes then shape.
type node interface {
	// name is the node's kind ("scan", "join", …), for tests.
	name() string
	// describe adds the node's EXPLAIN steps; prefix marks the steps of a
	// nested query.
	describe(x *explainer, prefix string)
	// run adds the node to the query being opened.
	run(ctx context.Context, pl *pipeline) error
}

// pipeline is a SELECT being opened.
type pipeline struct {
	env    *exec.Env
	src    exec.Source   // the rows so far
	filter eval.EvalFunc // checked on each row of src by the result
	rows   *exec.Rows    // the result, once projected
}

// steps is the chain of nodes of the plan, in the order they run and
// EXPLAIN prints them.
func (p *selectPlan) steps() []node {
	if p.limit == 0 {
		return []node{emptyNode{cols: p.columns, project: p.project}}
	}
	out := []node{subqueriesNode{p}, scanNode{p}}
	if len(p.joins) > 0 {
		out = append(out, joinsNode{p})
	}
	if len(p.subs.correlated) > 0 {
		out = append(out, correlatedNode{p})
	}
	out = append(out, filterNode{p})
	if p.group != nil {
		out = append(out, groupNode{p})
	}
	out = append(out, projectNode{p})
	if p.holdsRows() {
		out = append(out, sortNode{p})
	}
	if p.limit >= 0 || p.offset > 0 {
		out = append(out, limitNode{p})
	}
	return out
}

// open runs the plan's nodes; the first page of the driving listing is
// fetched before it returns, so request errors surface there.
func (p *selectPlan) open(ctx context.Context, env *exec.Env) (*exec.Rows, error) {
	return runSteps(ctx, env, p.steps())
}

// explain describes the plan's nodes; prefix marks a nested query's.
func (p *selectPlan) explain(x *explainer, prefix string) {
	describeSteps(x, prefix, p.steps())
}

// runSteps runs a plan's nodes in order and returns the result.
func runSteps(ctx context.Context, env *exec.Env, steps []node) (*exec.Rows, error) {
	pl := &pipeline{env: env}
	for _, n := range steps {
		if err := n.run(ctx, pl); err != nil {
			if pl.rows != nil {
				pl.rows.Close()
			} else if pl.src != nil {
				pl.src.Close()
			}
			return nil, err
		}
	}
	return pl.rows, nil
}

// describeSteps adds the EXPLAIN steps of a plan's nodes, in order.
func describeSteps(x *explainer, prefix string, steps []node) {
	for _, n := range steps {
		n.describe(x, prefix)
	}
}

// limitPushed reports whether a LIMIT shrank the driving listing's pages:
// Twilio answers the WHERE exactly, so the first page holds the rows.
func (p *selectPlan) limitPushed() bool {
	d := p.items[p.drive]
	return len(p.items) == 1 && !d.local() && p.pageSize < p.env().PageSize
}
