package planner

import (
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/xwb1989/sqlparser"
)

// TestPushIntoDerived shows, for outer queries over a derived table, the
// query the derived table runs: what is pushed in and what is not.
func TestPushIntoDerived(t *testing.T) {
	cases := []struct{ outer, inner string }{
		{"SELECT * FROM (SELECT * FROM Calls) s WHERE Status = 'busy' LIMIT 5",
			"select * from Calls where (Calls.`Status` = 'busy') limit 5"},
		{"SELECT * FROM (SELECT Sid, Duration * 2 AS d FROM Calls WHERE Direction = 'inbound') s WHERE d > 10 LIMIT 2 OFFSET 3",
			"select Sid, Duration * 2 as d from Calls where (Direction = 'inbound') and ((Duration * 2) > 10) limit 5"},
		// A LIMIT inside: neither filters nor the outer LIMIT go in.
		{"SELECT * FROM (SELECT Sid, Status FROM Calls LIMIT 10) s WHERE Status = 'busy' LIMIT 3",
			"select Sid, `status` from Calls limit 10"},
		// A smaller outer LIMIT with nothing between goes in.
		{"SELECT * FROM (SELECT Sid FROM Calls LIMIT 10 OFFSET 4) s LIMIT 3",
			"select Sid from Calls limit 4, 3"},
		// GROUP BY: the key's filter goes in, the count's stays outside,
		// and so does the LIMIT.
		{"SELECT * FROM (SELECT Status, COUNT(*) AS n FROM Calls GROUP BY Status) s WHERE Status = 'busy' AND n > 2 LIMIT 1",
			"select `status`, COUNT(*) as n from Calls where (`status` = 'busy') group by `status`"},
		// ORDER BY or DISTINCT outside keep the LIMIT outside.
		{"SELECT * FROM (SELECT Sid, Status FROM Calls) s ORDER BY Sid LIMIT 3",
			"select Sid, `status` from Calls"},
		{"SELECT DISTINCT Status FROM (SELECT Sid, Status FROM Calls) s LIMIT 3",
			"select Sid, `status` from Calls"},
		// A term with a subquery stays outside, and so does the LIMIT.
		{"SELECT * FROM (SELECT Sid FROM Calls) s WHERE Sid IN (SELECT CallSid FROM Recordings) LIMIT 3",
			"select Sid from Calls"},
		// UNION: into every branch.
		{"SELECT * FROM (SELECT Sid, Status FROM Calls UNION ALL SELECT Sid, Status FROM Messages) u WHERE Status = 'failed'",
			"select Sid, `status` from Calls where (`status` = 'failed') union all select Sid, `status` from Messages where (`status` = 'failed')"},
		// A LEFT JOIN's own ON terms go into its derived table, WHERE's do not.
		{"SELECT * FROM Calls c LEFT JOIN (SELECT Sid, CallSid, Channels FROM Recordings) r ON r.CallSid = c.Sid AND r.Channels = 2 WHERE r.Channels IS NULL",
			"select Sid, CallSid, Channels from Recordings where (Channels = 2)"},
	}
	for _, c := range cases {
		p, err := planSelect(parseSelect(t, c.outer), testEnv(), nil)
		if err != nil {
			t.Errorf("%s: %v", c.outer, err)
			continue
		}
		var d *derivedTable
		for _, it := range p.items {
			if it.derived != nil {
				d = it.derived
			}
		}
		if d == nil {
			t.Errorf("%s: no derived table", c.outer)
			continue
		}
		// The outer LIMIT goes in by a tree rule (push_limit_into_derived),
		// which plans the query again with it.
		var pushedLimit int64 = -1
		plan.Inspect(p.tree(), func(n plan.Node) bool {
			if dn, ok := n.(*plan.Derived); ok {
				pushedLimit = dn.PushedLimit
			}
			return true
		})
		ast, _ := d.query.withPushed(nil, pushedLimit)
		got := sqlparser.String(ast)
		if got != c.inner {
			t.Errorf("%s\n runs  %s\n want  %s", c.outer, got, c.inner)
		}
	}
}

// TestUnionDistinctScope: a DISTINCT union removes duplicates from every
// branch to its left, an ALL union after it keeps its branch's.
func TestUnionDistinctScope(t *testing.T) {
	for _, c := range []struct {
		sql  string
		last int
	}{
		{"SELECT 1 UNION ALL SELECT 1", 0},
		{"SELECT 1 UNION SELECT 1 UNION ALL SELECT 1", 1},
		{"SELECT 1 UNION ALL SELECT 1 UNION DISTINCT SELECT 1 UNION ALL SELECT 2", 2},
	} {
		st, err := Prepare(c.sql)
		if err != nil {
			t.Fatal(err)
		}
		u, err := planUnion(st.ast.(*sqlparser.Union), testEnv(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := (&plan.Union{Distinct: u.distinct}).LastDistinct(); got != c.last {
			t.Errorf("%s: duplicates removed up to branch %d, want %d", c.sql, got, c.last)
		}
	}
}
