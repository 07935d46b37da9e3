package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
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

// explainDerived describes a derived table joined: read once, or run once
// per distinct key with the key pushed in.
func (st *joinStep) explainDerived(x *explainer, prefix, kind string) {
	d, k := st.item.derived, st.key
	if k == nil || !k.derived {
		d.explain(x, prefix, kind)
		return
	}
	placeholder := "{" + k.text + "}"
	if ast, ok := d.keyedQuery(k.col, k.name, st.keyArg); ok {
		if q, err := planQuery(ast, st.item.derived.queryEnv(), append(append(eval.Args(nil), st.args...), driver.NamedValue{Name: st.keyArg, Value: placeholder})); err == nil {
			start := len(x.rows)
			q.explain(x, prefix+d.alias+": ")
			for _, r := range x.rows[start:] {
				for j, v := range r {
					if s, ok := v.(string); ok {
						r[j] = strings.ReplaceAll(s, ":"+st.keyArg, placeholder)
					}
				}
			}
		}
	}
	detail := fmt.Sprintf("the rows of the query above for each distinct %s (%s.%s = %s pushed into it), each key once; with more than %d distinct keys, the query runs once in whole instead", k.text, d.alias, k.name, k.text, maxFanout)
	if len(d.pushed) > 0 {
		detail += "; pushed into it: WHERE " + strings.Join(d.pushed, " AND ")
	}
	x.add(prefix+kind+" "+d.alias, "", "", nil, estimate{0, -1}, detail)
}
