package planner

import (
	"slices"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
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
