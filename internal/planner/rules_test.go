package planner

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
)

// The pushdown rules run in this order; a new rule or a new order is a
// deliberate change of how WHERE terms reach Twilio.
func TestPushRulesInOrder(t *testing.T) {
	var names []string
	for _, r := range pushRules() {
		if r.doc == "" || r.apply == nil {
			t.Errorf("rule %q lacks a doc line or an apply function", r.name)
		}
		names = append(names, r.name)
	}
	want := []string{"fetch_by_sid", "defer_in_subquery", "in_list_listings", "filter_comparison", "between_bounds", "or_listings"}
	if !slices.Equal(names, want) {
		t.Fatalf("pushdown rules = %v, want %v", names, want)
	}
}

// Each WHERE term is taken by the first rule for it; terms no rule takes
// are the local filter's alone.
func TestPushRulesFired(t *testing.T) {
	tests := []struct {
		where string
		fired []string
		exact bool
	}{
		{"Sid = 'CA00000000000000000000000000000001'", []string{"fetch_by_sid"}, true},
		{"Sid IN ('CA00000000000000000000000000000001', 'CA00000000000000000000000000000002') OR Sid = 'CA00000000000000000000000000000003'", []string{"fetch_by_sid"}, true},
		{"Status = 'busy'", []string{"filter_comparison"}, true},
		{"'busy' = Status AND `To` = '+15550100'", []string{"filter_comparison", "filter_comparison"}, true},
		{"Status IN ('busy', 'failed')", []string{"in_list_listings"}, true},
		{"StartTime BETWEEN '2026-01-01' AND '2026-01-31'", []string{"between_bounds"}, false},
		{"Status = 'busy' OR Status = 'failed'", []string{"or_listings"}, true},
		{"Duration > 60", []string{"filter_comparison"}, false},
		{"LOWER(Status) = 'busy'", nil, false},
		{"Status LIKE 'b%' AND Status = 'busy'", []string{"filter_comparison"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			sel := parseSelect(t, "SELECT Sid FROM Calls WHERE "+tt.where)
			scope := tableScope{table: schema.Calls}
			c := &eval.Compiler{Cols: scope, Now: testEnv().NowValue}
			acc, err := planAccess(scope, sel.Where.Expr, c)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(acc.rules, tt.fired) {
				t.Errorf("rules fired = %v, want %v", acc.rules, tt.fired)
			}
			if acc.exact != tt.exact {
				t.Errorf("exact = %v, want %v (notes: %s)", acc.exact, tt.exact, strings.Join(acc.notes, "; "))
			}
		})
	}
}

// The tree rules rewrite the read of a query's first table, in order, and
// record themselves on it: a LIMIT Twilio answers exactly shrinks the page
// before range_scan decides, and a range scan is chosen only when the
// whole range is read.
func TestTreeRules(t *testing.T) {
	tests := []struct {
		sql   string
		fired []string
		kind  string // the first table's read
	}{
		{"SELECT Sid FROM Calls WHERE Status = 'busy'", []string{"filter_comparison (Calls)"}, "*plan.Scan"},
		{"SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 5", []string{"filter_comparison (Calls)", "limit_page_size (Calls)"}, "*plan.Scan"},
		{"SELECT Sid FROM Calls WHERE Status IN ('busy', 'failed') LIMIT 5", []string{"in_list_listings (Calls)", "limit_page_size (Calls)"}, "*plan.MergedListing"},
		// Not exact, or held: the page stays whole.
		{"SELECT Sid FROM Calls WHERE Duration > 5 LIMIT 5", []string{"filter_comparison (Calls)"}, "*plan.Scan"},
		{"SELECT Sid FROM Calls WHERE Status = 'busy' ORDER BY Sid LIMIT 5", []string{"filter_comparison (Calls)"}, "*plan.Scan"},
		{"SELECT Sid FROM Messages WHERE DateSent >= '2026-03-01'", []string{"filter_comparison (Messages)", "range_scan (Messages)"}, "*plan.RangeScan"},
		{"SELECT COUNT(*) FROM Messages WHERE DateSent >= '2026-03-01' LIMIT 1", []string{"filter_comparison (Messages)", "range_scan (Messages)"}, "*plan.RangeScan"},
		// A LIMIT the first page serves reads no slice.
		{"SELECT Sid FROM Messages WHERE DateSent >= '2026-03-01' LIMIT 5", []string{"filter_comparison (Messages)"}, "*plan.Scan"},
		{"SELECT Sid FROM Messages WHERE DateSent >= '2026-03-01' AND Body = 'x' LIMIT 5000", []string{"filter_comparison (Messages)", "range_scan (Messages)"}, "*plan.RangeScan"},
		{"SELECT Sid FROM Calls WHERE Sid = 'CA00000000000000000000000000000001' LIMIT 1", []string{"fetch_by_sid (Calls)"}, "*plan.Get"},
		// The outer LIMIT goes into a derived table, whose own rules then
		// shrink its page.
		{"SELECT * FROM (SELECT * FROM Calls) s WHERE Status = 'busy' LIMIT 5", []string{"filter_comparison (Calls)", "limit_page_size (Calls)", "push_filters_into_derived (s)", "push_limit_into_derived (s)"}, "*plan.Derived"},
		{"SELECT * FROM (SELECT * FROM Calls) s WHERE Duration > 5 LIMIT 5", []string{"filter_comparison (Calls)", "push_filters_into_derived (s)", "push_limit_into_derived (s)"}, "*plan.Derived"},
		{"SELECT * FROM (SELECT * FROM Calls) s ORDER BY Sid LIMIT 5", nil, "*plan.Derived"},
	}
	env := testEnv()
	env.ScanParallelism = 4
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			p, err := planSelect(parseSelect(t, tt.sql), env, nil)
			if err != nil {
				t.Fatal(err)
			}
			tree := p.tree()
			x := &explainer{subSteps: map[*plan.Subquery]int{}}
			x.describe(tree, "")
			if !slices.Equal(x.fired, tt.fired) {
				t.Errorf("rules fired = %v, want %v", x.fired, tt.fired)
			}
			if got := fmt.Sprintf("%T", spineOf(tree).drive); got != tt.kind {
				t.Errorf("read = %s, want %s\n%s", got, tt.kind, plan.Format(tree))
			}
		})
	}
}
