package planner

import (
	"context"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// filterNode checks WHERE, and the ON of inner joins, on every row: the
// whole clause, whatever Twilio was asked, so no row that fails it is ever
// returned.
type filterNode struct{ p *selectPlan }

func (filterNode) name() string { return "filter" }

func (n filterNode) describe(x *explainer, prefix string) {
	p := n.p
	if p.where == nil && len(p.joins) == 0 {
		return
	}
	detail := ""
	if p.where != nil {
		detail = "WHERE " + eval.ExprText(p.where) + " is checked on every row"
	}
	for _, it := range p.items[1:] {
		if it.on != nil && !it.left {
			if detail != "" {
				detail += "; "
			}
			detail += "ON " + eval.ExprText(it.on) + " is checked on every joined row"
		}
	}
	if detail != "" {
		x.add(prefix+"filter", "", "", nil, exactly(0), detail)
	}
}

func (n filterNode) run(_ context.Context, pl *pipeline) error {
	pl.filter = n.p.filter
	return nil
}

// projectNode computes the SELECT list over the rows (or the groups) that
// pass the filter: the result.
type projectNode struct{ p *selectPlan }

func (projectNode) name() string { return "project" }

func (projectNode) describe(*explainer, string) {} // no request, no step of its own

func (n projectNode) run(ctx context.Context, pl *pipeline) error {
	pl.rows = &exec.Rows{Ctx: ctx, Cols: n.p.columns, Src: pl.src, Filter: pl.filter, Project: n.p.project, Limit: -1}
	pl.src = nil
	return nil
}
