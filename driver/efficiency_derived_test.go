package driver_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// derivedEfficiencyCases are the wrapped forms BI tools send (derived
// tables, UNION, RIGHT JOIN, correlated subqueries, CTEs), each with the
// fewest requests the API allows, as in efficiencyCases: the emulator's
// default data, lists of up to 1000 rows, nothing counted by Twilio.
var derivedEfficiencyCases = []efficiencyCase{
	{name: "derived-filter-limit", sql: "SELECT * FROM (SELECT * FROM Calls) s WHERE Status = 'busy' LIMIT 5", pageSize: 0, want: 1,
		why: "the filter and LIMIT go into the inner query: Status=busy&PageSize=5"},
	{name: "derived-count", sql: "SELECT COUNT(*) FROM (SELECT * FROM Calls WHERE Status = 'busy') s", pageSize: 0, want: 1,
		why: "the inner query's one listing: Status=busy"},
	{name: "derived-limit", sql: "SELECT Sid FROM (SELECT Sid, Status FROM Calls) s LIMIT 3", pageSize: 0, want: 1,
		why: "LIMIT pushed in: PageSize=3"},
	{name: "derived-limit-zero", sql: "SELECT * FROM (SELECT * FROM Calls) s LIMIT 0", pageSize: 0, want: 0,
		why: "LIMIT 0 asks for nothing"},
	{name: "derived-nested", sql: "SELECT COUNT(*) FROM (SELECT * FROM (SELECT * FROM Calls) a WHERE Status = 'busy') b", pageSize: 0, want: 1,
		why: "the filter goes down two levels: Status=busy"},
	{name: "derived-sid", sql: "SELECT * FROM (SELECT Sid, Status FROM Calls) s WHERE Sid = '" + twiliotest.DeletableCallSid + "'", pageSize: 0, want: 1,
		why: "Sid pushed in: one GET"},
	{name: "derived-in", sql: "SELECT * FROM (SELECT Sid, Status FROM Calls) s WHERE Status IN ('busy', 'failed')", pageSize: 0, want: 2,
		why: "IN pushed in: one listing per value"},
	{name: "derived-grouped", sql: "SELECT COUNT(*) FROM (SELECT Status, COUNT(*) AS n FROM Calls GROUP BY Status) s WHERE n > 10", pageSize: 0, want: 1,
		why: "every call, one page; the filter on a count stays outside"},
	{name: "derived-group-key", sql: "SELECT * FROM (SELECT Status, COUNT(*) AS n, AVG(Duration) FROM Calls GROUP BY Status) s WHERE Status = 'busy'", pageSize: 0, want: 1,
		why: "a filter on the GROUP BY key goes in before grouping: Status=busy"},
	{name: "derived-join-keys", sql: "SELECT s.Sid, r.Sid FROM (SELECT Sid FROM Calls WHERE Status = 'failed') s JOIN Recordings r ON r.CallSid = s.Sid", pageSize: 0, want: 4,
		why: "one page of failed calls, one Recordings listing per call (3)"},
	{name: "derived-joined-keys", sql: "SELECT c.Sid, s.n FROM Calls c JOIN (SELECT CallSid, COUNT(*) AS n FROM Recordings GROUP BY CallSid) s ON s.CallSid = c.Sid WHERE c.Status = 'failed'", pageSize: 0, want: 4,
		why: "one page of failed calls, then the derived table run per call with CallSid=… pushed in (3)"},
	{name: "derived-joined-many-keys", sql: "SELECT COUNT(*) FROM Calls c LEFT JOIN (SELECT Sid, CallSid FROM Recordings WHERE Channels = 2) r ON r.CallSid = c.Sid", pageSize: 0, want: 2,
		why: "200 keys (over 50): the derived table runs once in whole"},
	{name: "union-all-limit", sql: "SELECT Sid FROM Calls WHERE Status = 'failed' UNION ALL SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 2", pageSize: 0, want: 1,
		why: "LIMIT 2 in each branch: the first holds 2 failed calls, the second is never read"},
	{name: "union-limit-spill", sql: "SELECT Sid FROM Calls WHERE Status = 'failed' UNION ALL SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 5", pageSize: 0, want: 2,
		why: "3 failed calls, then PageSize=5 of busy ones"},
	{name: "union-distinct", sql: "SELECT Status FROM Calls UNION SELECT Status FROM Messages", pageSize: 0, want: 2,
		why: "one page of each table"},
	{name: "union-derived-filter", sql: "SELECT COUNT(*) FROM (SELECT Sid, Status FROM Calls UNION ALL SELECT Sid, Status FROM Messages) u WHERE Status = 'failed'", pageSize: 0, want: 2,
		why: "the filter goes into each branch: Status=failed for Calls; Messages cannot filter on Status, one page checked here"},
	{name: "right-join-keys", sql: "SELECT c.Sid, r.Sid FROM Recordings r RIGHT JOIN Calls c ON r.CallSid = c.Sid WHERE c.Status = 'failed'", pageSize: 0, want: 4,
		why: "the right table first: one page of failed calls, one Recordings listing per call (3)"},
	{name: "correlated-exists", sql: "SELECT c.Sid FROM Calls c WHERE c.Status = 'failed' AND EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid)", pageSize: 0, want: 4,
		why: "one page of failed calls, then CallSid=…&PageSize=1 per call (3)"},
	{name: "correlated-scalar-sid", sql: "SELECT r.Sid, (SELECT c.Status FROM Calls c WHERE c.Sid = r.CallSid) FROM Recordings r WHERE r.Sid = '" + twiliotest.RecordingSid + "'", pageSize: 0, want: 2,
		why: "GET the recording, then GET its call"},
	{name: "correlated-unserved", sql: "SELECT COUNT(*) FROM Calls c WHERE EXISTS (SELECT 1 FROM Recordings r WHERE r.Duration > c.Duration)", pageSize: 0, want: 2,
		why: "Twilio cannot filter on Duration: one page of each table, the subquery run here"},
	{name: "correlated-many-keys", sql: "SELECT COUNT(*) FROM Calls c WHERE NOT EXISTS (SELECT 1 FROM Recordings r WHERE r.CallSid = c.Sid)", pageSize: 0, want: 2,
		why: "200 keys (over 50), counted first: one page of each table beats 200 listings"},
	{name: "correlated-select-list", sql: "SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c", pageSize: 0, want: 2,
		why: "200 keys (over 50), counted first: one page of each table"},
	{name: "correlated-limit", sql: "SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Calls c LIMIT 3", pageSize: 0, want: 4,
		why: "PageSize=3 of calls, then Recordings for those 3 calls only"},
	{name: "correlated-derived", sql: "SELECT COUNT(*) FROM Calls c WHERE EXISTS (SELECT 1 FROM (SELECT CallSid FROM Recordings) r WHERE r.CallSid = c.Sid)", pageSize: 0, want: 2,
		why: "a derived table in the subquery is read once: one page of each table"},
	{name: "cte-count", sql: "WITH busy AS (SELECT * FROM Calls WHERE Status = 'busy') SELECT COUNT(*) FROM busy", pageSize: 0, want: 1,
		why: "a CTE is a derived table: Status=busy"},
	{name: "cte-limit", sql: "WITH c AS (SELECT * FROM Calls) SELECT Sid FROM c WHERE Status = 'busy' LIMIT 3", pageSize: 0, want: 1,
		why: "filter and LIMIT pushed into the CTE: Status=busy&PageSize=3"},
}

// TestRequestEfficiencyDerived checks the wrapped forms make the fewest
// requests; go test -v prints the report.
func TestRequestEfficiencyDerived(t *testing.T) {
	srv := testdb.Server(t)
	db := efficiencyDB(t, srv, 0, 0)
	var report strings.Builder
	tw := tabwriter.NewWriter(&report, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "query\tmade\tfewest\twhy\trequests")
	for _, c := range derivedEfficiencyCases {
		srv.ResetRequests()
		testdb.Query(t, db, c.sql)
		lines := testdb.RequestLines(srv)
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
	srv := testdb.Server(t)
	db := efficiencyDB(t, srv, 0, 0)
	for _, c := range derivedEfficiencyCases {
		t.Run(c.name, func(t *testing.T) {
			srv.ResetRequests()
			got := explainText(t, db, c.sql)
			if lines := testdb.RequestLines(srv); len(lines) != 0 {
				t.Errorf("EXPLAIN made requests: %q", lines)
			}
			checkGolden(t, filepath.Join("testdata", "explain", "derived-"+c.name+".golden"), got)
		})
	}
}
