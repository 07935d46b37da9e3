package driver_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// dashboard is what a dashboard runs on every refresh: a count, a group,
// a page of rows, a fetch by Sid and a parallel date-range scan.
var dashboard = []string{
	"SELECT COUNT(*) FROM Calls",
	"SELECT Status, COUNT(*) FROM Calls GROUP BY Status ORDER BY Status",
	"SELECT Sid, Body FROM Messages LIMIT 10",
	"SELECT Sid, Status FROM Calls WHERE Sid = '" + twiliotest.DeletableCallSid + "'",
	"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-03-01' AND StartTime < '2026-06-01'",
}

// TestCacheDashboard runs a dashboard's five queries twice, on two
// connections of one DB with cache_ttl set: the second time they make no
// request and give the same rows; EXPLAIN says the cache answers them; a
// write through the DB drops its table's answers, and the rows a write
// changes are read from Twilio even when cached.
func TestCacheDashboard(t *testing.T) {
	db, srv := testdb.Open(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 3000})), testdb.DSN("cache_ttl=1m&page_size=200"))
	ctx := context.Background()
	run := func() [][][]any {
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var out [][][]any
		for _, q := range dashboard {
			rows, err := conn.QueryContext(ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			got, err := testdb.ScanAll(rows)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			out = append(out, got)
		}
		return out
	}
	srv.ResetRequests()
	first := run()
	made := len(srv.Requests())
	if made < len(dashboard) {
		t.Fatalf("the first run made %d requests", made)
	}
	srv.ResetRequests()
	second := run()
	if lines := testdb.RequestLines(srv); len(lines) != 0 {
		t.Errorf("the second run made %d requests, want 0: %q", len(lines), lines)
	}
	if !reflect.DeepEqual(first, second) {
		t.Error("the cached run's rows differ from the first run's")
	}
	t.Logf("first run: %d requests; second: 0", made)

	for _, q := range dashboard {
		_, rows := testdb.Query(t, db, "EXPLAIN "+q)
		for _, r := range rows {
			if r[2] == "GET" && !strings.Contains(r[6].(string), "answered from the cache") {
				t.Errorf("EXPLAIN %s: step %v does not say the cache answers it: %v", q, r[0], r[6])
			}
		}
	}

	// A write to Calls drops the Calls answers; Messages' stay.
	testdb.Query(t, db, "SELECT Sid FROM Calls WHERE Status = 'in-progress'")
	srv.ResetRequests()
	testdb.Query(t, db, "UPDATE Calls SET Status = 'completed' WHERE Status = 'in-progress'")
	lines := testdb.RequestLines(srv)
	if len(lines) == 0 || !strings.Contains(lines[0], "Status=in-progress") {
		t.Errorf("the UPDATE's rows were not read from Twilio: %q", lines)
	}
	_, rows := testdb.Query(t, db, "EXPLAIN UPDATE Calls SET Status = 'completed' WHERE Status = 'in-progress'")
	if d := rows[0][6].(string); !strings.Contains(d, "never from the cache") {
		t.Errorf("EXPLAIN UPDATE's read: %s", d)
	}
	srv.ResetRequests()
	testdb.Query(t, db, dashboard[0])
	testdb.Query(t, db, dashboard[2])
	lines = testdb.RequestLines(srv)
	if len(lines) == 0 {
		t.Error("a Calls query was answered from the cache after a write to Calls")
	}
	for _, l := range lines {
		if strings.Contains(l, "Messages") {
			t.Errorf("a write to Calls dropped Messages' answers: %s", l)
		}
	}
}

// TestCacheOffByDefault checks that without cache_ttl every query asks Twilio.
func TestCacheOffByDefault(t *testing.T) {
	db, srv := testdb.Open(t)
	testdb.Query(t, db, dashboard[0])
	srv.ResetRequests()
	testdb.Query(t, db, dashboard[0])
	if len(srv.Requests()) == 0 {
		t.Error("a query was answered without a request, with no cache_ttl")
	}
}
