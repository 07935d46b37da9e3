package driver_test

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

// TestCTEArguments: "?" inside and after CTEs binds in written order, even
// when a CTE's text is used twice.
func TestCTEArguments(t *testing.T) {
	srv := testdb.Server(t)
	db := efficiencyDB(t, srv, 0, 0)
	_, want := testdb.Query(t, db, "SELECT COUNT(*) FROM Calls WHERE Status = 'busy' AND Duration >= 0")
	_, got := testdb.Query(t, db, "WITH b AS (SELECT Sid, Duration FROM Calls WHERE Status = ?) SELECT COUNT(*) FROM b WHERE Duration >= ?", "busy", 0)
	if len(got) != 1 || len(want) != 1 || got[0][0] != want[0][0] {
		t.Fatalf("WITH with arguments: got %v, want %v", got, want)
	}
	_, got = testdb.Query(t, db, "WITH b AS (SELECT Sid FROM Calls WHERE Status = ?) SELECT COUNT(*) FROM (SELECT Sid FROM b UNION ALL SELECT Sid FROM b WHERE Sid <> ?) u", "busy", "x")
	if n, _ := got[0][0].(int64); n != 2*want[0][0].(int64) {
		t.Fatalf("a CTE used twice with arguments: got %v, want twice %v", got, want)
	}
	if _, err := db.Query("WITH b AS (SELECT Sid FROM Calls WHERE Status = ?) SELECT * FROM b"); err == nil || !strings.Contains(err.Error(), "argument") {
		t.Fatalf("a missing argument: err = %v", err)
	}
}

// TestExplainWith: EXPLAIN reads through a CTE and makes no request.
func TestExplainWith(t *testing.T) {
	srv := testdb.Server(t)
	db := efficiencyDB(t, srv, 0, 0)
	srv.ResetRequests()
	_, rows := testdb.Query(t, db, "EXPLAIN WITH b AS (SELECT * FROM Calls) SELECT Sid FROM b WHERE Status = 'busy' LIMIT 2")
	if n := len(testdb.RequestLines(srv)); n != 0 {
		t.Fatalf("EXPLAIN made %d requests", n)
	}
	var text strings.Builder
	for _, r := range rows {
		for _, v := range r {
			if s, ok := v.(string); ok {
				text.WriteString(s + " ")
			}
		}
	}
	for _, want := range []string{"b: list Calls", "PageSize=2&Status=busy", "read b", "pushed into it: LIMIT 2"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("EXPLAIN lacks %q:\n%s", want, text.String())
		}
	}
}

// TestNestedQueriesCloseWithoutLeaks: a result over derived tables, UNION
// branches and correlated subqueries, closed after its first row, stops
// every listing under it (each prefetching its next page).
func TestNestedQueriesCloseWithoutLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	h := testdb.New(t, testdb.DSN("nodes=50&scan_parallelism=1&page_size=20"))
	db := h.DB
	for _, q := range []string{
		"SELECT * FROM (SELECT Sid, Duration FROM Calls) s WHERE Duration >= 0",
		"SELECT Sid FROM Messages UNION ALL SELECT Sid FROM Calls",
		"SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.Duration > c.Duration) FROM Calls c",
		"WITH m AS (SELECT Sid, Status FROM Messages) SELECT s.Sid FROM (SELECT * FROM m) s JOIN m x ON x.Sid = s.Sid",
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if !rows.Next() {
			t.Fatalf("%s: no row (%v)", q, rows.Err())
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	h.Close()
}
