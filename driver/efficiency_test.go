package driver_test

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/schema"
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
//
// Every case's rows are also checked against a plain full scan: each table
// read page by page from the emulator's raw JSON into SQLite (see
// reference_test.go) and the query run there, so a plan that saves a
// request by losing a row fails here.
type efficiencyCase struct {
	name     string
	sql      string
	pageSize int // the DSN's page_size; 0: 1000
	// parallel is the DSN's scan_parallelism; 0: 1, sequential. A parallel
	// range scan's count is exact too: how it splits follows from the
	// pages it reads, not from timing.
	parallel int
	want     int
	why      string
	// lite is the query for SQLite where it differs from sql (date
	// literals as text, no column aliases); under limit it has no LIMIT.
	lite string
	// limit > 0: sql has LIMIT limit and no total order, so any limit rows
	// of lite's answer are right.
	limit int
	// anyOrder: ORDER BY leaves ties, compare as multisets.
	anyOrder bool
	// check replaces the SQLite comparison for statements on the catalog.
	check func(t *testing.T, cols []string, rows [][]any)
}

var efficiencyCases = []efficiencyCase{
	{name: "get-by-sid", sql: "SELECT Sid, Status FROM Calls WHERE Sid = '" + twiliotest.DeletableCallSid + "'", want: 1,
		why: "one GET by Sid"},
	{name: "get-by-sids", sql: "SELECT Sid FROM Calls WHERE Sid IN ('" + twiliotest.DeletableCallSid + "', '" + twiliotest.FeedbackCallSid + "', '" + twiliotest.DeletableCallSid + "')", want: 2,
		why: "one GET per distinct Sid"},
	{name: "get-missing", sql: "SELECT * FROM Calls WHERE Sid = 'CA00000000000000000000000000000000'", want: 1,
		why: "one GET, answered 404: no row"},
	{name: "limit", sql: "SELECT Sid FROM Calls LIMIT 5", want: 1,
		why:  "nothing to check locally: PageSize=5",
		lite: "SELECT Sid FROM Calls", limit: 5},
	{name: "limit-zero", sql: "SELECT Sid FROM Calls LIMIT 0", want: 0,
		why: "LIMIT 0 asks for nothing"},
	{name: "eq-limit", sql: "SELECT Sid FROM Calls WHERE Status = 'busy' LIMIT 3", want: 1,
		why:  "Status is exact at Twilio: Status=busy&PageSize=3",
		lite: "SELECT Sid FROM Calls WHERE Status = 'busy'", limit: 3},
	{name: "in", sql: "SELECT Sid FROM Calls WHERE Status IN ('busy', 'failed')", want: 2,
		why: "one listing per value (18 and 3 rows: one page each)"},
	{name: "or-limit", sql: "SELECT Sid FROM Calls WHERE Status = 'busy' OR Status = 'failed' LIMIT 3", want: 1,
		why:  "listings of PageSize=3: the first holds 3 busy calls",
		lite: "SELECT Sid FROM Calls WHERE Status = 'busy' OR Status = 'failed'", limit: 3},
	{name: "or-columns", sql: "SELECT Sid FROM Calls WHERE `To` = '" + twiliotest.WhatsAppNumber + "' OR `From` = '" + twiliotest.WhatsAppNumber + "'", want: 2,
		why: "one listing per disjunct, merged by Sid"},
	{name: "contradiction", sql: "SELECT Sid FROM Calls WHERE Status = 'busy' AND Status = 'failed'", want: 0,
		why: "two exact equalities on one column: no row can match"},
	{name: "empty-days", sql: "SELECT Sid FROM Calls WHERE StartTime > '2026-06-10' AND StartTime < '2026-06-01'", want: 0,
		why:  "an empty day range",
		lite: "SELECT Sid FROM Calls WHERE StartTime > '2026-06-10 00:00:00' AND StartTime < '2026-06-01 00:00:00'"},
	{name: "date-range", sql: "SELECT Sid FROM Calls WHERE StartTime >= '2026-06-01 08:00:00' AND StartTime < '2026-06-10'", want: 1,
		why:  "days 2026-06-01..09 pushed, the hours re-checked: one page",
		lite: "SELECT Sid FROM Calls WHERE StartTime >= '2026-06-01 08:00:00' AND StartTime < '2026-06-10 00:00:00'"},
	{name: "local-filter-limit", sql: "SELECT Sid FROM Calls WHERE Duration > 30 LIMIT 2", want: 1,
		why:  "Duration is not a filter: one page of 1000 holds all 200 calls",
		lite: "SELECT Sid FROM Calls WHERE Duration > 30", limit: 2},
	{name: "empty-string", sql: "SELECT Sid FROM Calls WHERE Status = ''", want: 1,
		why: "Twilio ignores an empty filter: one unfiltered page, checked here"},
	{name: "count", sql: "SELECT COUNT(*) FROM Calls", want: 1,
		why: "Twilio has no count: every row, one page of 1000"},
	{name: "group-by", sql: "SELECT Status, COUNT(*), AVG(Duration) FROM Calls GROUP BY Status ORDER BY 2 DESC", want: 1,
		why: "every call, one page", anyOrder: true, // counts tie
		// MySQL's AVG of integers is a DECIMAL of scale 4.
		lite: "SELECT Status, COUNT(*), round(AVG(Duration), 4) FROM Calls GROUP BY Status ORDER BY 2 DESC"},
	{name: "sort-limit", sql: "SELECT Sid FROM Calls WHERE Status = 'busy' ORDER BY StartTime DESC LIMIT 3", want: 1,
		why:  "the sort needs every busy call: one page of 18",
		lite: "SELECT Sid FROM Calls WHERE Status = 'busy' ORDER BY StartTime DESC LIMIT 3"},
	{name: "alias-filter", sql: "SELECT Sid FROM Messages WHERE Sender = '" + twiliotest.WhatsAppSender + "' LIMIT 2", want: 1,
		why:  "From is exact at Twilio: From=…&PageSize=2",
		lite: "SELECT Sid FROM Messages WHERE `From` = '" + twiliotest.WhatsAppSender + "'", limit: 2},
	{name: "paging", sql: "SELECT Sid FROM Messages", pageSize: 100, want: 5,
		why: "500 messages in pages of 100 (page_size=100)"},
	{name: "paging-limit", sql: "SELECT Sid FROM Messages LIMIT 120", pageSize: 100, want: 2,
		why:  "120 rows in pages of at most 100 (page_size=100)",
		lite: "SELECT Sid FROM Messages", limit: 120},
	{name: "number-filter", sql: "SELECT Sid FROM InboundPhoneNumbers WHERE PhoneNumber = '" + twiliotest.WhatsAppNumber + "'", want: 1,
		why: "PhoneNumber pushed (a superset, re-checked)"},
	{name: "feedback-by-sid", sql: "SELECT * FROM Feedback WHERE Sid = '" + twiliotest.FeedbackCallSid + "'", want: 1,
		why: "Feedback has only a GET by call Sid"},
	{name: "subquery-sid", sql: "SELECT Sid, Status FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings WHERE Sid = '" + twiliotest.RecordingSid + "')", want: 2,
		why: "GET the recording, then GET its call"},
	{name: "subquery-values", sql: "SELECT Sid FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings WHERE Duration > 600)", want: 8,
		why: "one Recordings page, then a GET per distinct call (7)"},
	{name: "join-sid", sql: "SELECT c.Sid, r.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Sid = 'CA94c2e25a5f97faa674ec909d76b2e5a3'", want: 2,
		why: "GET the call, then its recordings: CallSid=…"},
	{name: "join-reordered", sql: "SELECT c.Status, r.Duration FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE r.Sid = '" + twiliotest.RecordingSid + "'", want: 2,
		why: "GET the recording first, then GET its call"},
	{name: "left-join-keys", sql: "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status = 'failed'", want: 4,
		why: "one page of failed calls, one Recordings listing per call (3)"},
	{name: "join-feedback", sql: "SELECT c.Sid, f.QualityScore FROM Calls c JOIN Feedback f ON f.Sid = c.Sid WHERE c.Status = 'completed' AND c.StartTime >= '2026-05-20'", want: 7,
		why:  "one page of calls, one Feedback GET per call (6)",
		lite: "SELECT c.Sid, f.QualityScore FROM Calls c JOIN Feedback f ON f.Sid = c.Sid WHERE c.Status = 'completed' AND c.StartTime >= '2026-05-20 00:00:00'"},
	{name: "join-many-keys", sql: "SELECT COUNT(*) FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid", want: 2,
		why: "200 keys (over 50): one page of each table beats 200 listings"},
	{name: "catalog", sql: "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.columns WHERE TABLE_NAME = 'Calls' AND COLUMN_KEY <> ''", want: 0,
		why:   "the catalog is in memory",
		check: wantRows([][]any{{"Calls", "Sid"}, {"Calls", "ParentCallSid"}, {"Calls", "AccountSid"}, {"Calls", "To"}, {"Calls", "From"}, {"Calls", "Status"}, {"Calls", "StartTime"}, {"Calls", "EndTime"}})},
	{name: "show-tables", sql: "SHOW TABLES", want: 0,
		why:   "the catalog is in memory",
		check: wantFirstColumnSet(catalogTableNames()...)},
	{name: "describe", sql: "DESCRIBE Calls", want: 0,
		why:   "the catalog is in memory",
		check: wantFirstColumn(refTableColumns("Calls")...)},
	{name: "in-limit-spill", sql: "SELECT Sid FROM Calls WHERE Status IN ('failed', 'busy') LIMIT 10", want: 2,
		why:  "PageSize=10 each: 3 failed calls, then 7 of the busy ones",
		lite: "SELECT Sid FROM Calls WHERE Status IN ('failed', 'busy')", limit: 10},
	{name: "left-join-limit", sql: "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status = 'completed' LIMIT 2", want: 3,
		why:  "one page of calls, then Recordings for the first 2 calls only",
		lite: "SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Status = 'completed'", limit: 2},
	{name: "parallel-range", sql: "SELECT Sid FROM Messages WHERE DateSent >= '2026-03-01' AND DateSent < '2026-06-01'", pageSize: 20, parallel: 4, want: 9,
		why:  "scan_parallelism=4, 140 rows in pages of 20: the range's first page, then two slices sized to whole pages (04-08..05-31 listing the first page's rows again, 03-01..04-07) each read to its end, 5 + 3 pages; 7 sequentially, 8 for a split without a partial page",
		lite: "SELECT Sid FROM Messages WHERE DateSent >= '2026-03-01 00:00:00' AND DateSent < '2026-06-01 00:00:00'"},
}

// efficiencyDB opens the driver on srv with page_size, a rate limit that
// does not slow the in-process emulator, and scan_parallelism (0: 1, no
// parallel range scans, which trade extra requests for speed).
func efficiencyDB(t *testing.T, srv *twiliotest.Server, pageSize, parallel int) *sql.DB {
	t.Helper()
	keys := fmt.Sprintf("nodes=50&scan_parallelism=%d", max(parallel, 1))
	if pageSize > 0 {
		keys += fmt.Sprintf("&page_size=%d", pageSize)
	}
	db, _ := testdb.Open(t, testdb.Shared(srv), testdb.DSN(keys))
	return db
}

// TestRequestEfficiency checks that each query makes the fewest requests
// the API allows, as many as EXPLAIN said where it says a number, and the
// rows a plain full scan gives; go test -v prints the report.
func TestRequestEfficiency(t *testing.T) {
	srv := testdb.Server(t)
	lite, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	lite.SetMaxOpenConns(1)
	t.Cleanup(func() { lite.Close() })
	loadReference(t, srv, lite)
	dbs := map[[2]int]*sql.DB{}
	var report strings.Builder
	tw := tabwriter.NewWriter(&report, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "query\tmade\tfewest\texplain\twhy\trequests")
	for _, c := range efficiencyCases {
		key := [2]int{c.pageSize, c.parallel}
		db := dbs[key]
		if db == nil {
			db = efficiencyDB(t, srv, c.pageSize, c.parallel)
			dbs[key] = db
		}
		explained := "-"
		lo, hi := -1, -1
		if strings.HasPrefix(c.sql, "SELECT") {
			_, ex := testdb.Query(t, db, "EXPLAIN "+c.sql)
			var ok bool
			if lo, hi, ok = explainTotal(ex); !ok {
				t.Errorf("%s: EXPLAIN has no total: %v", c.name, ex)
			}
			explained = fmt.Sprint(ex[len(ex)-1][5])
		}
		srv.ResetRequests()
		got := runDriver(t, db, c.sql)
		lines := testdb.RequestLines(srv)
		if len(lines) != c.want {
			t.Errorf("%s: %s\n  made %d requests, the fewest is %d (%s):\n  %s", c.name, c.sql, len(lines), c.want, c.why, strings.Join(lines, "\n  "))
		}
		if lo >= 0 && (len(lines) < lo || hi >= 0 && len(lines) > hi) {
			t.Errorf("%s: %s\n  made %d requests, EXPLAIN said %s", c.name, c.sql, len(lines), explained)
		}
		t.Run(c.name, func(t *testing.T) { checkFullScan(t, c, lite, got) })
		shown := strings.Join(lines, ", ")
		if len(lines) > 3 {
			shown = strings.Join(lines[:2], ", ") + fmt.Sprintf(", … (%d more)", len(lines)-2)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", c.name, len(lines), c.want, explained, c.why, shown)
	}
	tw.Flush()
	t.Logf("requests made and the fewest the API allows:\n%s", report.String())
}

// checkFullScan compares a case's rows with the plain full scan's answer.
func checkFullScan(t *testing.T, c efficiencyCase, lite *sql.DB, got result) {
	if c.check != nil {
		c.check(t, got.cols, got.rows)
		return
	}
	q := c.lite
	if q == "" {
		q = c.sql
	}
	want := runLite(t, lite, q)
	d := dialect{my: c.sql, lite: q, ordered: strings.Contains(c.sql, "ORDER BY") && c.limit == 0 && !c.anyOrder}
	if c.limit == 0 {
		compareResults(t, d, got, want)
		return
	}
	// Any c.limit rows of the full answer will do: as many as there are,
	// each one of the full answer's (as a multiset).
	if n := min(c.limit, len(want.rows)); len(got.rows) != n {
		t.Fatalf("%d rows, want %d of the full scan's %d", len(got.rows), n, len(want.rows))
	}
	left := map[string]int{}
	for _, r := range want.rows {
		left[rowText(normRow(r, got.types))]++
	}
	for _, r := range got.rows {
		k := rowText(normRow(r, got.types))
		if left[k] == 0 {
			t.Fatalf("row %v is not in the full scan's answer (%s)", r, q)
		}
		left[k]--
	}
}

func normRow(r []any, types []string) []norm {
	out := make([]norm, len(r))
	for i, v := range r {
		out[i] = normalise(v, types[i])
	}
	return out
}

// wantRows checks a catalog answer row for row.
func wantRows(want [][]any) func(*testing.T, []string, [][]any) {
	return func(t *testing.T, _ []string, rows [][]any) {
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("rows %v, want %v", rows, want)
		}
	}
}

// wantFirstColumn checks the first column of a catalog answer, in order.
func wantFirstColumn(want ...string) func(*testing.T, []string, [][]any) {
	return func(t *testing.T, _ []string, rows [][]any) {
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprint(r[0]))
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("first column %q, want %q", got, want)
		}
	}
}

// wantFirstColumnSet checks the first column of a catalog answer, in any
// order.
func wantFirstColumnSet(want ...string) func(*testing.T, []string, [][]any) {
	return func(t *testing.T, _ []string, rows [][]any) {
		var got []string
		for _, r := range rows {
			got = append(got, fmt.Sprint(r[0]))
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("first column %q, want %q in any order", got, want)
		}
	}
}

// refTableColumns are a reference table's column names, in order.
func refTableColumns(name string) []string {
	for _, tb := range refTables {
		if tb.name == name {
			var out []string
			for _, c := range tb.columns {
				out = append(out, c.name)
			}
			return out
		}
	}
	return nil
}

// explainTotal reads EXPLAIN's last row ("total"): "n", "a..b" or "n+"
// (hi -1).
func explainTotal(rows [][]any) (lo, hi int, ok bool) {
	if len(rows) == 0 || fmt.Sprint(rows[len(rows)-1][1]) != "total" {
		return 0, 0, false
	}
	s := fmt.Sprint(rows[len(rows)-1][5])
	var err1, err2 error
	switch {
	case strings.HasSuffix(s, "+"):
		lo, err1 = strconv.Atoi(strings.TrimSuffix(s, "+"))
		hi = -1
	case strings.Contains(s, ".."):
		a, b, _ := strings.Cut(s, "..")
		lo, err1 = strconv.Atoi(a)
		hi, err2 = strconv.Atoi(b)
	default:
		lo, err1 = strconv.Atoi(s)
		hi = lo
	}
	return lo, hi, err1 == nil && err2 == nil
}

// TestExplainGolden checks EXPLAIN's output for the efficiency queries
// against testdata/explain/<name>.golden (go test -run TestExplainGolden
// -update rewrites them), and that EXPLAIN sends no request.
func TestExplainGolden(t *testing.T) {
	srv := testdb.Server(t)
	n := 0
	for _, c := range efficiencyCases {
		if !strings.HasPrefix(c.sql, "SELECT") {
			continue // SHOW and DESCRIBE are not explained
		}
		n++
		db := efficiencyDB(t, srv, c.pageSize, c.parallel)
		t.Run(c.name, func(t *testing.T) {
			srv.ResetRequests()
			got := explainText(t, db, c.sql)
			if lines := testdb.RequestLines(srv); len(lines) != 0 {
				t.Errorf("EXPLAIN made requests: %q", lines)
			}
			checkGolden(t, filepath.Join("testdata", "explain", c.name+".golden"), got)
		})
	}
	if n < 20 {
		t.Errorf("only %d queries explained", n)
	}
}

// explainText is EXPLAIN's answer for query as an aligned table, headed by
// the statement.
func explainText(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	cols, rows := testdb.Query(t, db, "EXPLAIN "+query)
	var b strings.Builder
	fmt.Fprintf(&b, "-- EXPLAIN %s\n", query)
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
	return b.String()
}

// checkGolden compares got with the golden file at path (-update rewrites it).
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
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
		t.Fatalf("%v (run go test ./driver -run %s -update)", err, strings.SplitN(t.Name(), "/", 2)[0])
	}
	if got != string(want) {
		t.Errorf("EXPLAIN output differs from %s (run with -update if the change is intended):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// catalogTableNames are the names of every table of the catalog.
func catalogTableNames() []string {
	var names []string
	for _, t := range schema.Tables() {
		names = append(names, t.Name)
	}
	return names
}
