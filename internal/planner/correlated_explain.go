package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/schema"
)

// explainCorrelated describes the plan's correlated subqueries: the
// requests of one run, with the outer values shown as {column}, and how
// often it runs.
func (p *selectPlan) explainCorrelated(x *explainer, prefix string) {
	for _, cq := range p.subs.correlated {
		cq.explain(x, prefix+"correlated subquery: ")
	}
}

func (cq *correlated) explain(x *explainer, prefix string) {
	start := len(x.rows)
	defer func() { cq.showOuter(x.rows[start:]) }()
	outer := strings.Join(cq.outText, ", ")
	if cq.scanAST != nil && cq.pushedKey == "" {
		if scan, err := planSelect(cq.scanAST, cq.env, cq.args); err == nil {
			x.describe(scan.tree(), prefix)
			x.add(prefix+"run", "", "", nil, exactly(0), fmt.Sprintf("the table is read once, on first use; %s then runs here for each distinct %s, each result kept", cq.text, outer))
			return
		}
	}
	if t := cq.keyTable; t != nil {
		// Each run is one fetch by Sid; the rest is done here.
		x.add(prefix+"fetch "+t.Name, "GET", schema.Path(t.ItemPath, "{"+cq.keyOuter+"}"), nil, exactly(1), "by Sid; a missing one is no row")
	} else {
		cq.explainRun(x, prefix)
	}
	detail := fmt.Sprintf("%s runs once per distinct %s, each result kept", cq.text, outer)
	if cq.pushedKey != "" {
		detail += fmt.Sprintf("; Twilio filters each run on %s", cq.pushedKey)
		if cq.scanAST != nil {
			detail += fmt.Sprintf("; with more than %d distinct values, its table is read once instead and every run is done here", maxFanout)
		}
	}
	x.add(prefix+"run", "", "", nil, estimate{0, -1}, detail)
}

// explainRun describes one run, with the outer values as placeholders.
func (cq *correlated) explainRun(x *explainer, prefix string) {
	shown := make([]driver.Value, len(cq.outText))
	for i, t := range cq.outText {
		shown[i] = "{" + t + "}"
	}
	trial, err := planQuery(cq.ast, cq.env, cq.bind(shown))
	if err != nil {
		trial, err = planQuery(cq.ast, cq.env, cq.bind(make([]driver.Value, len(cq.names))))
	}
	if err == nil {
		x.describe(trial.tree(), prefix)
	}
}

// showOuter writes the outer columns' arguments as {column} in the steps'
// text.
func (cq *correlated) showOuter(rows [][]driver.Value) {
	for _, r := range rows {
		for j, v := range r {
			if s, ok := v.(string); ok && strings.Contains(s, ":"+outerArgPrefix) {
				for i := len(cq.names) - 1; i >= 0; i-- {
					s = strings.ReplaceAll(s, ":"+cq.names[i], "{"+cq.outText[i]+"}")
				}
				r[j] = s
			}
		}
	}
}
