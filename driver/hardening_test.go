package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

const hostileAccount = "AC0123456789abcdef0123456789abcdef"

// hostileDB opens the driver on a server whose Calls pages all have one
// call and the next_page_uri next gives; other accounts' paths answer a
// call too, so a listing that followed them would return its rows.
func hostileDB(t *testing.T, next func(page int) string) (*sql.DB, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		nextURI := "null"
		if v := next(i); v != "" {
			nextURI = fmt.Sprintf("%q", v)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"calls": [{"sid": "CA%032d", "status": "completed", "duration": "5"}], "next_page_uri": %s}`, i, nextURI)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	return testdb.OpenDSN(t, "twilio://"+hostileAccount+":token@"+host+"/?tls=false&max_retries=0&scan_parallelism=1"), &n
}

// A LIMIT 1 query whose local filter never matches, on a server repeating
// its next_page_uri, ends at once with an error naming the loop (it used to
// loop until its deadline, about 6,300 requests in 5 s).
func TestHardening11_RepeatedNextPageEndsTheQuery(t *testing.T) {
	same := "/2010-04-01/Accounts/" + hostileAccount + "/Calls.json?PageSize=1000&Page=1&PageToken=PAloop"
	db, n := hostileDB(t, func(int) string { return same })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT Sid FROM Calls WHERE Duration = 12345 LIMIT 1")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "already read") || ctx.Err() != nil {
		t.Fatalf("err = %v (context: %v), want the repeated page named before the deadline", err, ctx.Err())
	}
	if got := n.Load(); got > 3 {
		t.Errorf("%d requests to a server repeating one page", got)
	}
}

// A next_page_uri into another account, /admin/…, /v1/… or another host is
// not followed: the query fails after the first page instead of returning
// the other page's rows as ours.
func TestHardening11_ForeignNextPageIsNotFollowed(t *testing.T) {
	for _, next := range []string{
		"/2010-04-01/Accounts/AC" + strings.Repeat("9", 32) + "/Calls.json?Page=1&PageToken=PA1",
		"/admin/Calls.json?Page=1",
		"/v1/Calls.json?Page=1",
		"http://127.0.0.1:1/2010-04-01/Accounts/" + hostileAccount + "/Calls.json?Page=1",
	} {
		t.Run(next, func(t *testing.T) {
			db, n := hostileDB(t, func(int) string { return next })
			rows, err := db.Query("SELECT Sid FROM Calls")
			count := 0
			if err == nil {
				for rows.Next() {
					count++
				}
				err = rows.Err()
				rows.Close()
			}
			if err == nil || !strings.Contains(err.Error(), "only pages of the same list endpoint") {
				t.Fatalf("err = %v after %d rows, want the next_page_uri refused", err, count)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("%d requests, want 1", got)
			}
		})
	}
}
