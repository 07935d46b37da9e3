package planner

import (
	"context"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// groupNode reads every row that passes the filter and groups them (GROUP
// BY, or one group for aggregates alone); the groups that pass HAVING go on
// as rows.
type groupNode struct{ p *selectPlan }

func (groupNode) name() string { return "group" }

func (n groupNode) describe(x *explainer, prefix string) {
	g := n.p.group
	var keys, aggs []string
	for _, k := range g.keys {
		keys = append(keys, k.text)
	}
	for _, a := range g.aggs {
		aggs = append(aggs, a.text)
	}
	detail := "one group"
	if len(keys) > 0 {
		detail = "GROUP BY " + strings.Join(keys, ", ")
	}
	if len(aggs) > 0 {
		detail += "; computing " + strings.Join(aggs, ", ")
	}
	x.add(prefix+"group", "", "", nil, exactly(0), detail)
	if n.p.having != nil {
		x.add(prefix+"having", "", "", nil, exactly(0), "HAVING is checked on every group")
	}
}

func (n groupNode) run(ctx context.Context, pl *pipeline) error {
	groups, err := n.p.groupRows(ctx, pl.src, pl.filter)
	pl.src = nil // groupRows closed it
	if err != nil {
		return err
	}
	pl.src, pl.filter = &exec.SliceSource{Rows: groups}, n.p.having
	return nil
}
