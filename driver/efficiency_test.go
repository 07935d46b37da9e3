package driver_test

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/twiliosql/twiliosql/twiliotest"
)

var updateGolden = flag.Bool("update", false, "rewrite driver/testdata/explain/*.golden from the current EXPLAIN output")

// efficiencyCase is a query with the fewest requests the Twilio API allows
// for it, derived by hand from the emulator's default data (200 calls, 500
// messages, 60 recordings) and the API: lists page at most 1000 rows and
// filter only on the catalog's parameters, an item is one GET, and nothing
// counts. The driver cannot know how many rows a listing it has not made
// holds, so "fewest" is the fewest for an account of any size: a plan whose
// request count grows with the rest of the account (an unfiltered scan
// where keys could be pushed) is never the minimum.
type efficiencyCase struct {
	name     string
	sql      string
	pageSize int // the DSN's page_size; 0: 1000
	want     int
	why      string
}

var efficiencyCases = []efficiencyCase{
	{"get-by-sid", "SELECT Sid, Status FROM Calls WHERE Sid = '" + twiliotest.DeletableCallSid + "'", 0, 1,
		"one GET by Sid"},
	{"get-by-sids", "SELECT Sid FROM Calls WHERE Sid IN ('" + twiliotest.DeletableCallSid + "', '" + twiliotest.FeedbackCallSid + "', '" + twiliotest.DeletableCallSid + "')", 0, 2,
		"one GET per distinct Sid"},
	{"get-missing", "SELECT * FROM Calls WHERE Sid = 'CA00000000000000000000000000000000'", 0, 1,
		"one GET, answered 404: no row"},
	{"limit", "SELECT Sid FROM Calls LIMIT 5", 0, 1,
		"nothing to check locally: PageSize=5"},
	{"limit-zero", "SELECT Sid FROM Calls LIMIT 0", 0, 0,
		"LIMIT 0 asks for nothing"},
	{"eq-limit", "SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 3", 0, 1,
		"Status is exact at Twilio: Status=busy&PageSize=3"},
	{"in", "SELECT Sid FROM Calls WHERE Status IN ('busy', 'failed')", 0, 2,
		"one listing per value (18 and 3 rows: one page each)"},
	{"or-limit", "SELECT Sid FROM Calls WHERE Status = 'busy' OR Status = 'failed' LIMIT 3", 0, 1,
		"listings of PageSize=3: the first holds 3 busy calls"},
	{"or-columns", "SELECT Sid FROM Calls WHERE `To` = '" + twiliotest.WhatsAppNumber + "' OR `From` = '" + twiliotest.WhatsAppNumber + "'", 0, 2,
		"one listing per disjunct, merged by Sid"},
	{"contradiction", "SELECT Sid FROM Calls WHERE Status = 'busy' AND Status = 'failed'", 0, 0,
		"two exact equalities on one column: no row can match"},
	{"empty-days", "SELECT Sid FROM Calls WHERE StartTime > '2026-06-10' AND StartTime < '2026-06-01'", 0, 0,
		"an empty day range"},
	{"date-range", "SELECT Sid FROM Calls WHERE StartTime >= '2026-06-01 08:00:00' AND StartTime < '2026-06-10'", 0, 1,
		"days 2026-06-01..09 pushed, the hours re-checked: one page"},
	{"local-filter-limit", "SELECT Sid FROM Calls WHERE Duration > 30 LIMIT 2", 0, 1,
		"Duration is not a filter: one page of 1000 holds all 200 calls"},
	{"empty-string", "SELECT Sid FROM Calls WHERE Status = ''", 0, 1,
		"Twilio ignores an empty filter: one unfiltered page, checked here"},
	{"count", "SELECT COUNT(*) FROM Calls", 0, 1,
		"Twilio has no count: every row, one page of 1000"},
	{"group-by", "SELECT Status, COUNT(*), AVG(Duration) FROM Calls GROUP BY Status ORDER BY 2 DESC", 0, 1,
		"every call, one page"},
	{"sort-limit", "SELECT Sid FROM Calls WHERE Status = 'busy' ORDER BY StartTime DESC LIMIT 3", 0, 1,
		"the sort needs every busy call: one page of 18"},
	{"alias-filter", "SELECT Sid FROM Messages WHERE Sender = '" + twiliotest.WhatsAppSender + "' LIMIT 2", 0, 1,
		"From is exact at Twilio: From=…&PageSize=2"},
	{"paging", "SELECT Sid FROM Messages", 100, 5,
		"500 messages in pages of 100 (page_size=100)"},
	{"paging-limit", "SELECT Sid FROM Messages LIMIT 120", 100, 2,
		"120 rows in pages of at most 100 (page_size=100)"},
	{"number-filter", "SELECT Sid FROM InboundPhoneNumbers WHERE PhoneNumber = '" + twiliotest.WhatsAppNumber + "'", 0, 1,
		"PhoneNumber pushed (a superset, re-checked)"},
	{"feedback-by-sid", "SELECT * FROM Feedback WHERE Sid = '" + twiliotest.FeedbackCallSid + "'", 0, 1,
		"Feedback has only a GET by call Sid"},
	{"subquery-sid", "SELECT Sid, Status FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings WHERE Sid = '" + twiliotest.RecordingSid + "')", 0, 2,
		"GET the recording, then GET its call"},
	{"subquery-values", "SELECT Sid FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings WHERE Duration > 600)", 0, 8,
		"one Recordings page, then a GET per distinct call (7)"},
	{"join-sid", "SELECT c.Sid, r.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Sid = 'CA94c2e25a5f97faa674ec909d76b2e5a3'", 0, 2,
		"GET the call, then its recordings: CallSid=…"},
	{"join-reordered", "SELECT c.Status, r.Duration FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE r.Sid = '" + twiliotest.RecordingSid + "'", 0, 2,
		"GET the recording first, then GET its call"},
	{"left-join-keys", "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status = 'failed'", 0, 4,
		"one page of failed calls, one Recordings listing per call (3)"},
	{"join-feedback", "SELECT c.Sid, f.QualityScore FROM Calls c JOIN Feedback f ON f.Sid = c.Sid WHERE c.Status = 'completed' AND c.StartTime >= '2026-05-20'", 0, 7,
		"one page of calls, one Feedback GET per call (6)"},
	{"join-many-keys", "SELECT COUNT(*) FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid", 0, 2,
		"200 keys (over 50): one page of each table beats 200 listings"},
	{"catalog", "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.columns WHERE TABLE_NAME = 'Calls' AND COLUMN_KEY <> ''", 0, 0,
		"the catalog is in memory"},
	{"show-tables", "SHOW TABLES", 0, 0, "the catalog is in memory"},
	{"describe", "DESCRIBE Calls", 0, 0, "the catalog is in memory"},
	{"in-limit-spill", "SELECT Sid FROM Calls WHERE Status IN ('failed', 'busy') LIMIT 10", 0, 2,
		"PageSize=10 each: 3 failed calls, then 7 of the busy ones"},
	{"left-join-limit", "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status = 'completed' LIMIT 2", 0, 3,
		"one page of calls, then Recordings for the first 2 calls only"},
}

// efficiencyDB opens the driver on srv with page_size, a rate limit that
// does not slow the in-process emulator, and no parallel range scans
// (which trade extra requests for speed).
func efficiencyDB(t *testing.T, srv *twiliotest.Server, pageSize int) *sql.DB {
	t.Helper()
	dsn := srv.DSN() + "&nodes=50&scan_parallelism=1"
	if pageSize > 0 {
		dsn += fmt.Sprintf("&page_size=%d", pageSize)
	}
	db, err := sql.Open("twilio", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestRequestEfficiency checks that each query makes the fewest requests
// the API allows; go test -v prints the report.
func TestRequestEfficiency(t *testing.T) {
	srv := twiliotest.NewTestServer(t)
	dbs := map[int]*sql.DB{}
	var report strings.Builder
	tw := tabwriter.NewWriter(&report, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "query\tmade\tfewest\twhy\trequests")
	for _, c := range efficiencyCases {
		db := dbs[c.pageSize]
		if db == nil {
			db = efficiencyDB(t, srv, c.pageSize)
			dbs[c.pageSize] = db
		}
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

// TestExplainGolden checks EXPLAIN's output for the efficiency queries
// against testdata/explain/<name>.golden (go test -run TestExplainGolden
// -update rewrites them), and that EXPLAIN sends no request.
func TestExplainGolden(t *testing.T) {
	srv := twiliotest.NewTestServer(t)
	db := efficiencyDB(t, srv, 0)
	n := 0
	for i, c := range efficiencyCases {
		if !strings.HasPrefix(c.sql, "SELECT") {
			continue // SHOW and DESCRIBE are not explained
		}
		n++
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
			path := filepath.Join("testdata", "explain", fmt.Sprintf("%02d-%s.golden", i+1, c.name))
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./driver -run TestExplainGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("EXPLAIN output differs from %s (run with -update if the change is intended):\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
	if n < 20 {
		t.Errorf("only %d queries explained", n)
	}
}
