package driver_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/twiliosql/twiliosql/twiliotest"
)

// derivedEfficiencyCases are the wrapped forms BI tools send (derived
// tables, UNION, RIGHT JOIN, correlated subqueries, CTEs), each with the
// fewest requests the API allows, as in efficiencyCases: the emulator's
// default data, lists of up to 1000 rows, nothing counted by Twilio.
var derivedEfficiencyCases = []efficiencyCase{
	{"derived-filter-limit", "SELECT * FROM (SELECT * FROM Calls) s WHERE Status = 'busy' LIMIT 5", 0, 1,
		"the filter and LIMIT go into the inner query: Status=busy&PageSize=5"},
	{"derived-count", "SELECT COUNT(*) FROM (SELECT * FROM Calls WHERE Status = 'busy') s", 0, 1,
		"the inner query's one listing: Status=busy"},
	{"derived-limit", "SELECT Sid FROM (SELECT Sid, Status FROM Calls) s LIMIT 3", 0, 1,
		"LIMIT pushed in: PageSize=3"},
	{"derived-limit-zero", "SELECT * FROM (SELECT * FROM Calls) s LIMIT 0", 0, 0,
		"LIMIT 0 asks for nothing"},
	{"derived-nested", "SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM Calls) a WHERE Status = 'busy') b", 0, 1,
		"the filter goes down two levels: Status=busy"},
	{"derived-sid", "SELECT * FROM (SELECT Sid, Status FROM Calls) s WHERE Sid = '" + twiliotest.DeletableCallSid + "'", 0, 1,
		"Sid pushed in: one GET"},
	{"derived-in", "SELECT * FROM (SELECT Sid, Status FROM Calls) s WHERE Status IN ('busy', 'failed')", 0, 2,
		"IN pushed in: one listing per value"},
	{"derived-grouped", "SELECT COUNT(*) FROM (SELECT Status, COUNT(*) AS n FROM Calls GROUP BY Status) s WHERE n > 10", 0, 1,
		"every call, one page; the filter on a count stays outside"},
	{"derived-group-key", "SELECT * FROM (SELECT Status, COUNT(*) AS n, AVG(Duration) FROM Calls GROUP BY Status) s WHERE Status = 'busy'", 0, 1,
		"a filter on the GROUP BY key goes in before grouping: Status=busy"},
	{"derived-join-keys", "SELECT s.Sid, r.Sid FROM (SELECT Sid FROM Calls WHERE Status = 'failed') s JOIN Recordings r ON r.CallSid = s.Sid", 0, 4,
		"one page of failed calls, one Recordings listing per call (3)"},
	{"derived-joined-keys", "SELECT c.Sid, s.n FROM Calls c JOIN (SELECT CallSid, COUNT(*) AS n FROM Recordings GROUP BY CallSid) s ON s.CallSid = c.Sid WHERE c.Status = 'failed'", 0, 4,
		"one page of failed calls, then the derived table run per call with CallSid=… pushed in (3)"},
	{"derived-joined-many-keys", "SELECT COUNT(*) FROM Calls c LEFT JOIN (SELECT Sid, CallSid FROM Recordings WHERE Channels = 2) r ON r.CallSid = c.Sid", 0, 2,
		"200 keys (over 50): the derived table runs once in whole"},
	{"union-all-limit", "SELECT Sid FROM Calls WHERE Status = 'failed' UNION ALL SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 2", 0, 1,
		"LIMIT 2 in each branch: the first holds 2 failed calls, the second is never read"},
	{"union-limit-spill", "SELECT Sid FROM Calls WHERE Status = 'failed' UNION ALL SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 5", 0, 2,
		"3 failed calls, then PageSize=5 of busy ones"},
	{"union-distinct", "SELECT Status FROM Calls UNION SELECT Status FROM Messages", 0, 2,
		"one page of each table"},
	{"union-derived-filter", "SELECT COUNT(*) FROM (SELECT Sid, Status FROM Calls UNION ALL SELECT Sid, Status FROM Messages) u WHERE Status = 'failed'", 0, 2,
		"the filter goes into each branch: Status=failed for Calls; Messages cannot filter on Status, one page checked here"},
	{"right-join-keys", "SELECT c.Sid, r.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid WHERE c.Status = 'failed'", 0, 4,
		"the right table first: one page of failed calls, one Recordings listing per call (3)"},
	{"correlated-exists", "SELECT c.Sid FROM Calls c WHERE c.Status = 'failed' AND EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid)", 0, 4,
		"one page of failed calls, then CallSid=…&PageSize=1 per call (3)"},
	{"correlated-scalar-sid", "SELECT r.Sid, (SELECT c.Status FROM Calls c WHERE c.Sid = r.CallSid) FROM Recordings r WHERE r.Sid = '" + twiliotest.RecordingSid + "'", 0, 2,
		"GET the recording, then GET its call"},
	{"correlated-unserved", "SELECT COUNT(*) FROM Calls c WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.Duration > c.Duration)", 0, 2,
		"Twilio cannot filter on Duration: one page of each table, the subquery run here"},
	{"correlated-many-keys", "SELECT COUNT(*) FROM Calls c WHERE NOT EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid)", 0, 2,
		"200 keys (over 50), counted first: one page of each table beats 200 listings"},
	{"correlated-select-list", "SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c", 0, 2,
		"200 keys (over 50), counted first: one page of each table"},
	{"correlated-limit", "SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c LIMIT 3", 0, 4,
		"PageSize=3 of calls, then Recordings for those 3 calls only"},
	{"correlated-derived", "SELECT COUNT(*) FROM Calls c WHERE EXISTS (SELECT 1 FROM (SELECT CallSid FROM Recordings) r WHERE r.CallSid = c.Sid)", 0, 2,
		"a derived table in the subquery is read once: one page of each table"},
	{"cte-count", "WITH busy AS (SELECT * FROM Calls WHERE Status = 'busy') SELECT COUNT(*) FROM busy", 0, 1,
		"a CTE is a derived table: Status=busy"},
	{"cte-limit", "WITH c AS (SELECT * FROM Calls) SELECT Sid FROM c WHERE Status = 'busy' LIMIT 3", 0, 1,
		"filter and LIMIT pushed into the CTE: Status=busy&PageSize=3"},
}

// TestRequestEfficiencyDerived checks the wrapped forms make the fewest
// requests; go test -v prints the report.
func TestRequestEfficiencyDerived(t *testing.T) {
	srv := twiliotest.NewServer()
	t.Cleanup(srv.Close)
	db := efficiencyDB(t, srv, 0)
	var report strings.Builder
	tw := tabwriter.NewWriter(&report, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "query\tmade\tfewest\twhy\trequests")
	for _, c := range derivedEfficiencyCases {
		srv.ResetRequests()
		queryAll(t, db, c.sql)
		lines := requestLines(srv)
		if len(lines) != c.want {
			t.Errorf("%s: %s\n  made %d requests, the fewest is %d (%s):\n  %s", c.name, c.sql, len(lines), c.want, c.why, strings.Join(lines, "\n  "))
		}
		shown := strings.Join(lines, ", ")
		if len(lines) > 3 {
			shown = strings.Join(lines[:2], ", ") + fmt.Sprintf(", … (%d more)", len(lines)-2)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", c.name, len(lines), c.want, c.why, shown)
	}
	tw.Flush()
	t.Logf("requests made and the fewest the API allows:\n%s", report.String())
}

// TestExplainGoldenDerived checks EXPLAIN of the wrapped forms against
// testdata/explain/derived-<name>.golden (-update rewrites them): the
// derived table, union and correlated-subquery steps, and no request.
func TestExplainGoldenDerived(t *testing.T) {
	srv := twiliotest.NewServer()
	t.Cleanup(srv.Close)
	db := efficiencyDB(t, srv, 0)
	for _, c := range derivedEfficiencyCases {
		t.Run(c.name, func(t *testing.T) {
			srv.ResetRequests()
			cols, rows := queryAll(t, db, "EXPLAIN "+c.sql)
			if got := requestLines(srv); len(got) != 0 {
				t.Errorf("EXPLAIN made requests: %q", got)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "-- EXPLAIN %s\n", c.sql)
			tw := tabwriter.NewWriter(&b, 0, 0, 1, ' ', 0)
			fmt.Fprintln(tw, strings.Join(cols, "\t|\t"))
			for _, r := range rows {
				cells := make([]string, len(r))
				for j, v := range r {
					if v == nil {
						cells[j] = "NULL"
					} else {
						cells[j] = fmt.Sprint(v)
					}
				}
				fmt.Fprintln(tw, strings.Join(cells, "\t|\t"))
			}
			tw.Flush()
			got := b.String()
			path := filepath.Join("testdata", "explain", "derived-"+c.name+".golden")
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./driver -run TestExplainGoldenDerived -update)", err)
			}
			if got != string(want) {
				t.Errorf("EXPLAIN output differs from %s (run with -update if the change is intended):\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
