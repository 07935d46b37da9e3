package planner

import (
	"context"
	"fmt"
	"strings"
)

// describe explains each branch, then the union.
func (n unionNode) describe(x *explainer, prefix string) {
	p := n.p
	var kinds []string
	for i, b := range p.branches {
		b.explain(x, fmt.Sprintf("%sunion %d: ", prefix, i+1))
		if i > 0 {
			k := "UNION ALL"
			if p.distinct[i] {
				k = "UNION DISTINCT"
			}
			kinds = append(kinds, k)
		}
	}
	detail := fmt.Sprintf("the rows of %d SELECTs one after another (%s), each read only once the ones before are used up", len(p.branches), strings.Join(kinds, ", "))
	if d := p.lastDistinct(); d > 0 {
		detail += fmt.Sprintf("; duplicate rows of SELECTs 1 to %d removed", d+1)
	}
	if p.limitPushed >= 0 {
		detail += fmt.Sprintf("; each SELECT given LIMIT %d", p.limitPushed)
	}
	x.add(prefix+"union", "", "", nil, exactly(0), detail)
}

// unionLimitNode applies the UNION's OFFSET and LIMIT to its result.
type unionLimitNode struct{ p *unionPlan }

func (unionLimitNode) name() string { return "limit" }

func (n unionLimitNode) describe(x *explainer, prefix string) {
	x.add(prefix+"limit", "", "", nil, exactly(0), limitText(n.p.limit, n.p.offset))
}

func (n unionLimitNode) run(_ context.Context, pl *pipeline) error {
	pl.rows.Offset, pl.rows.Limit = n.p.offset, n.p.limit
	return nil
}
