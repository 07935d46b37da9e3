package planner

import (
	"slices"
	"testing"

	"github.com/xwb1989/sqlparser"
)

// A SELECT's plan is the chain of nodes that EXPLAIN prints and open runs.
func TestSelectSteps(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT Sid FROM Calls LIMIT 0", []string{"empty"}},
		{"SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 5", []string{"subqueries", "scan", "filter", "project", "limit"}},
		{"SELECT Status, COUNT(*) FROM Calls GROUP BY Status ORDER BY 2 DESC", []string{"subqueries", "scan", "filter", "group", "project", "sort"}},
		{"SELECT DISTINCT Status FROM Calls LIMIT 3 OFFSET 1", []string{"subqueries", "scan", "filter", "project", "sort", "limit"}},
		{"SELECT c.Sid, r.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid", []string{"subqueries", "scan", "join", "filter", "project"}},
		{"SELECT Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c", []string{"subqueries", "scan", "correlated", "filter", "project"}},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			p, err := planSelect(parseSelect(t, tt.sql), testEnv(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range p.steps() {
				got = append(got, n.name())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("steps = %v, want %v", got, tt.want)
			}
		})
	}
}

// A UNION's plan is a chain of nodes too: its branches, then ORDER BY and
// LIMIT over the whole.
func TestUnionSteps(t *testing.T) {
	tests := []struct {
		sql  string
		want []string
	}{
		{"SELECT Sid FROM Calls UNION SELECT Sid FROM Messages", []string{"union"}},
		{"SELECT Sid FROM Calls UNION ALL SELECT Sid FROM Messages ORDER BY 1 DESC LIMIT 3", []string{"union", "sort", "limit"}},
		{"SELECT Sid FROM Calls UNION SELECT Sid FROM Messages LIMIT 0", []string{"empty"}},
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
			var got []string
			for _, n := range p.steps() {
				got = append(got, n.name())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("steps = %v, want %v", got, tt.want)
			}
		})
	}
}
