package planner

import (
	"fmt"
	"strings"
)

// explain describes each branch, then the union, sort and limit.
func (p *unionPlan) explain(x *explainer, prefix string) {
	if p.limit == 0 {
		x.add(prefix+"limit", "", "", nil, exactly(0), "LIMIT 0: nothing to read, no request")
		return
	}
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
	explainSort(x, prefix, p.order)
	if p.limit >= 0 || p.offset > 0 {
		x.add(prefix+"limit", "", "", nil, exactly(0), limitText(p.limit, p.offset))
	}
}
