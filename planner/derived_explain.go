package planner

import (
	"fmt"
	"strings"
)

// explain describes a derived table: its query's steps, marked with its
// alias, then what the outer query pushed into it.
func (d *derivedTable) explain(x *explainer, prefix, op string) {
	d.query.explain(x, prefix+d.alias+": ")
	detail := fmt.Sprintf("the rows of the query above, as table %s", d.alias)
	if len(d.pushed) > 0 {
		detail += "; pushed into it: WHERE " + strings.Join(d.pushed, " AND ")
	}
	if d.pushedLimit >= 0 {
		detail += fmt.Sprintf("; pushed into it: LIMIT %d", d.pushedLimit)
	}
	x.add(prefix+op+" "+d.alias, "", "", nil, exactly(0), detail)
}
