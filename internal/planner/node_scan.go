package planner

import (
	"context"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// subqueriesNode runs the statement's uncorrelated subqueries, before its
// own requests, so their values can be pushed into them.
type subqueriesNode struct{ p *selectPlan }

func (subqueriesNode) name() string { return "subqueries" }

func (n subqueriesNode) describe(x *explainer, prefix string) {
	for _, sub := range n.p.subs.list {
		sub.plan.explain(x, prefix+"subquery: ")
		x.subSteps[sub] = len(x.rows)
	}
}

func (n subqueriesNode) run(ctx context.Context, pl *pipeline) error {
	return n.p.subs.run(ctx, pl.env)
}

// scanNode reads the driving table with its access: fetches by Sid, one
// listing (page by page, or as parallel range slices), several listings
// merged, a derived table or an in-memory table.
type scanNode struct{ p *selectPlan }

func (scanNode) name() string { return "scan" }

func (n scanNode) describe(x *explainer, prefix string) {
	p := n.p
	p.explainAccess(x, prefix, p.items[p.drive], p.access, p.pageSize, p.limitPushed(), x.subSteps)
}

func (n scanNode) run(ctx context.Context, pl *pipeline) error {
	p := n.p
	d := p.items[p.drive]
	acc := p.access.resolve(d.table)
	src, err := openSource(ctx, pl.env, d, acc, p.pageSize, p.holdsRows() || p.group != nil)
	if err != nil {
		return err
	}
	// The first page is in hand: the rest may be prefetched or split.
	pl.src = p.scanAhead(ctx, pl.env, src, acc)
	return nil
}

// emptyNode is the whole plan of LIMIT 0: no request, no row, the
// result's columns.
type emptyNode struct {
	cols    []exec.ResultColumn
	project []eval.EvalFunc
}

func (emptyNode) name() string { return "empty" }

func (emptyNode) describe(x *explainer, prefix string) {
	x.add(prefix+"limit", "", "", nil, exactly(0), "LIMIT 0: nothing to read, no request")
}

func (n emptyNode) run(ctx context.Context, pl *pipeline) error {
	pl.rows = &exec.Rows{Ctx: ctx, Cols: n.cols, Src: &exec.SliceSource{}, Project: n.project, Limit: 0}
	return nil
}
