package planner

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/xwb1989/sqlparser"
)

// kinds lists a tree's node types, parents before children.
func kinds(n plan.Node) []string {
	var out []string
	plan.Inspect(n, func(n plan.Node) bool {
		out = append(out, strings.TrimPrefix(fmt.Sprintf("%T", n), "*plan."))
		return true
	})
	return out
}

// A SELECT's plan is the tree of nodes that EXPLAIN prints and exec runs.
func TestSelectTree(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT Sid FROM Calls LIMIT 0", []string{"Limit"}},
		{"SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 5", []string{"Subqueries", "Limit", "Project", "Filter", "Scan"}},
		{"SELECT Status, COUNT(*) FROM Calls GROUP BY Status ORDER BY 2 DESC", []string{"Subqueries", "Sort", "Project", "Filter", "Aggregate", "Filter", "Scan"}},
		{"SELECT DISTINCT Status FROM Calls LIMIT 3 OFFSET 1", []string{"Subqueries", "Limit", "Sort", "Project", "Filter", "Scan"}},
		{"SELECT Sid FROM Calls WHERE Sid IN ('CA0123456789abcdef0123456789abcdef', 'CAfedcba9876543210fedcba9876543210')", []string{"Subqueries", "Project", "Filter", "Get"}},
		{"SELECT Sid FROM Calls WHERE Status IN ('busy', 'failed')", []string{"Subqueries", "Project", "Filter", "MergedListing"}},
		{"SELECT Sid FROM Calls WHERE Status = 'busy' AND Status = 'failed'", []string{"Subqueries", "Project", "Filter", "Empty"}},
		// Joins are binary and left-deep: the table read first at the bottom left.
		{"SELECT c.Sid, r.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid", []string{"Subqueries", "Project", "Filter", "Join", "Scan", "Scan"}},
		{"SELECT c.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid LEFT JOIN Messages m ON m.Sid = c.Sid", []string{"Subqueries", "Project", "Filter", "Join", "Join", "Scan", "Scan", "Scan"}},
		{"SELECT Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c", []string{"Subqueries", "Project", "Filter", "Correlated", "Scan"}},
		// A derived table is a node whose child is its query's tree.
		{"SELECT COUNT(*) FROM (SELECT * FROM Calls WHERE Status = 'busy') s", []string{"Subqueries", "Project", "Filter", "Aggregate", "Filter", "Derived", "Subqueries", "Project", "Filter", "Scan"}},
		{"SELECT Sid FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings)", []string{"Subqueries", "Project", "Filter", "Deferred"}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			p, err := planSelect(parseSelect(t, tt.sql), testEnv(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(p.tree()); !slices.Equal(got, tt.want) {
				t.Errorf("tree = %v, want %v\n%s", got, tt.want, plan.Format(p.tree()))
			}
		})
	}
}

// A UNION's plan is a node whose children are its branches' trees, under
// ORDER BY and LIMIT over the whole.
func TestUnionTree(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT Sid FROM Calls UNION SELECT Sid FROM Messages", []string{"Union", "Subqueries", "Project", "Filter", "Scan", "Subqueries", "Project", "Filter", "Scan"}},
		{"SELECT Sid FROM Calls UNION ALL SELECT Sid FROM Messages ORDER BY 1 DESC LIMIT 3", []string{"Limit", "Sort", "Union", "Subqueries", "Project", "Filter", "Scan", "Subqueries", "Project", "Filter", "Scan"}},
		{"SELECT Sid FROM Calls UNION ALL SELECT Sid FROM Messages LIMIT 3", []string{"Limit", "Union", "Subqueries", "Limit", "Project", "Filter", "Scan", "Subqueries", "Limit", "Project", "Filter", "Scan"}},
		{"SELECT Sid FROM Calls UNION SELECT Sid FROM Messages LIMIT 0", []string{"Limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st, err := Prepare(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			u, ok := st.ast.(*sqlparser.Union)
			if !ok {
				t.Fatalf("%q is not a UNION", tt.sql)
			}
			p, err := planUnion(u, testEnv(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(p.tree()); !slices.Equal(got, tt.want) {
				t.Errorf("tree = %v, want %v\n%s", got, tt.want, plan.Format(p.tree()))
			}
		})
	}
}
