package planner

import (
	"context"
	"fmt"
)

// sortNode holds every result row to remove duplicates (DISTINCT) and
// sort them (ORDER BY), in one pass.
type sortNode struct{ p *selectPlan }

func (sortNode) name() string { return "sort" }

func (n sortNode) describe(x *explainer, prefix string) {
	if n.p.distinct {
		x.add(prefix+"distinct", "", "", nil, exactly(0), "duplicate result rows are removed")
	}
	explainSort(x, prefix, n.p.order)
}

func (n sortNode) run(_ context.Context, pl *pipeline) error {
	rows, err := n.p.gather(pl.rows)
	pl.rows = rows // gather closed the stream, and returns nil with an error
	return err
}

// limitNode applies OFFSET and LIMIT to the result: reading stops once the
// rows are found, unless a node below holds every row anyway.
type limitNode struct{ p *selectPlan }

func (limitNode) name() string { return "limit" }

func (n limitNode) describe(x *explainer, prefix string) {
	p := n.p
	detail := limitText(p.limit, p.offset)
	switch {
	case p.limitPushed():
		detail += fmt.Sprintf(": Twilio answers the WHERE exactly, so PageSize=%d and no further page", p.pageSize)
	case p.streaming:
		detail += ": reading stops once the rows are found, and keys are looked up row by row"
	case p.holdsRows() || p.group != nil:
		detail += ": applied after every row is read"
	default:
		detail += ": reading stops once the rows are found"
	}
	x.add(prefix+"limit", "", "", nil, exactly(0), detail)
}

func (n limitNode) run(_ context.Context, pl *pipeline) error {
	pl.rows.Offset, pl.rows.Limit = n.p.offset, n.p.limit
	return nil
}
