package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/sentlog"
	"github.com/twiliosql/twiliosql/twiliotest"
	"go.uber.org/goleak"
)

// runQuery runs a SELECT and copies out every row.
func runQuery(t testing.TB, env *exec.Env, query string) [][]driver.Value {
	t.Helper()
	st, err := Prepare(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	rows, err := st.Query(context.Background(), env, nil)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(rows.Columns()))
		err := rows.Next(dest)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, dest)
	}
}

func emulatorEnv(t testing.TB, srv *twiliotest.Server, pageSize, parallelism int) *exec.Env {
	return &exec.Env{Client: testClient(t, srv), PageSize: pageSize, ScanParallelism: parallelism, Now: func() time.Time { return srv.Now() }}
}

// TestParallelRangeScansEqualSequential compares parallel range scans with
// sequential ones: the same rows, each once, in the same order while the
// page budget allows (in any order under a tight one), for bounded,
// half-open, sparse, dense and filtered ranges, with small pages so that
// slices split and split again.
func TestParallelRangeScansEqualSequential(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := twiliotest.NewTestServer(t, twiliotest.WithSize(twiliotest.Size{Calls: 4000, Messages: 4000, Recordings: 2000}))
	defer srv.Close() // before goleak looks; the cleanup then reports violations
	queries := []string{
		"SELECT * FROM Calls WHERE StartTime >= '2026-03-01' AND StartTime < '2026-05-01'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime > '2026-06-01'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime < '2026-01-10'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime <= '2025-09-01 12:00:00'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime BETWEEN '2025-10-01 06:00:00' AND '2025-10-20 18:00:00'",
		"SELECT Sid, Duration FROM Calls WHERE StartTime >= '2026-02-01' AND StartTime < '2026-04-01' AND Duration > 60",
		"SELECT Sid FROM Calls WHERE StartTime >= '2026-02-01' AND Status = 'completed'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-02-01' ORDER BY Duration DESC, Sid",
		"SELECT Sid FROM Calls WHERE StartTime >= '2025-12-01' LIMIT 700",
		"SELECT Sid FROM Calls WHERE StartTime >= '2025-12-01' LIMIT 50 OFFSET 400",
		"SELECT Sid, DateSent FROM Messages WHERE DateSent >= '2026-01-01'",
		"SELECT Sid, DateSent FROM Messages WHERE DateSent < '2026-03-01'",
		"SELECT Sid, DateSent FROM Messages WHERE DateSent > '2025-08-01' AND DateSent < '2026-06-10'",
		"SELECT Sid, DateCreated FROM Recordings WHERE DateCreated >= '2025-10-01'",
		"SELECT Sid, DateCreated FROM Recordings WHERE DateCreated < '2026-05-01'",
		"SELECT Sid FROM Calls WHERE StartTime >= '2030-01-01'", // empty
		"SELECT Sid FROM Calls WHERE StartTime = '2026-03-03'",  // one day: not split
	}
	for _, pageSize := range []int{20, 150} {
		seq := emulatorEnv(t, srv, pageSize, 1)
		par := emulatorEnv(t, srv, pageSize, 6)
		// A budget that never fills: no page is read out of turn, so the
		// order is the sequential scan's too.
		par.PagesPerQuery = 1 << 20
		tight := emulatorEnv(t, srv, pageSize, 6)
		tight.Pages = exec.NewPageBudget(2)
		for _, q := range queries {
			t.Run(fmt.Sprintf("page=%d/%s", pageSize, q), func(t *testing.T) {
				want := runQuery(t, seq, q)
				if !strings.Contains(q, "LIMIT") || strings.Contains(q, "ORDER BY") {
					// With the budget spent, pages are read out of turn:
					// the same rows in another order.
					sameRows(t, runQuery(t, tight, q), want)
				}
				srv.ResetRequests()
				got := runQuery(t, par, q)
				if len(got) != len(want) {
					t.Fatalf("%d rows, sequential %d", len(got), len(want))
				}
				seen := map[any]bool{}
				for i := range got {
					if seen[got[i][0]] {
						t.Fatalf("row %v twice", got[i][0])
					}
					seen[got[i][0]] = true
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("row %d = %v, sequential %v", i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestParallelScanSplits checks that a dense range is cut into slices whose
// day bounds are disjoint whole days, fetched concurrently, and that each
// slice's first request has its own day bounds.
func TestParallelScanSplits(t *testing.T) {
	srv := twiliotest.NewTestServer(t, twiliotest.WithSize(twiliotest.Size{Calls: 30000}), twiliotest.WithLatency(20*time.Millisecond, 0))
	env := emulatorEnv(t, srv, 100, 4)
	env.PagesPerQuery = 1 << 20 // no page read out of turn: the sequential order
	srv.ResetRequests()
	rows := runQuery(t, env, "SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-04-01' AND StartTime < '2026-04-21'")
	seq := runQuery(t, emulatorEnv(t, srv, 100, 1), "SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-04-01' AND StartTime < '2026-04-21'")
	if !reflect.DeepEqual(rows, seq) {
		t.Fatalf("parallel and sequential scans differ: %d and %d rows", len(rows), len(seq))
	}
	type bounds struct{ from, to string }
	var slices []bounds
	for _, r := range srv.Requests() {
		if r.Query.Get("PageToken") != "" || r.Path != "/2010-04-01/Accounts/"+srv.AccountSid+"/Calls.json" {
			continue
		}
		slices = append(slices, bounds{r.Query.Get("StartTime>"), r.Query.Get("StartTime<")})
	}
	if len(slices) < 5 {
		t.Fatalf("%d slices (first pages), want the range split: %v", len(slices), slices)
	}
	if slices[0] != (bounds{"2026-04-01", "2026-04-20"}) {
		t.Errorf("first request %v, want the whole range", slices[0])
	}
	// A slice that splits stops its chain and hands its days to new
	// slices inside its bounds (those it reached listed again, those it
	// did not reach cut by the density): the slices' bounds are whole
	// days in the range, and any two are disjoint or nested.
	type span struct{ from, to time.Time }
	var spans []span
	for _, s := range slices[1:] {
		from, err1 := time.Parse(time.DateOnly, s.from)
		to, err2 := time.Parse(time.DateOnly, s.to)
		if err1 != nil || err2 != nil || to.Before(from) {
			t.Fatalf("slice %v: not whole days", s)
		}
		if s.from < "2026-04-01" || s.to > "2026-04-20" {
			t.Errorf("slice %v is outside the range", s)
		}
		spans = append(spans, span{from, to})
	}
	for i, a := range spans {
		for _, b := range spans[i+1:] {
			disjoint := a.to.Before(b.from) || b.to.Before(a.from)
			nested := !a.from.After(b.from) && !a.to.Before(b.to) || !b.from.After(a.from) && !b.to.Before(a.to)
			if !disjoint && !nested {
				t.Errorf("slices %v and %v overlap", a, b)
			}
		}
	}
}

// TestScanStopsWithoutLeaks stops scans early (Close after a few rows, a
// LIMIT, a cancelled context) and checks that no prefetching goroutine or
// worker is left behind and that little more than a page was fetched.
func TestScanStopsWithoutLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := twiliotest.NewTestServer(t, twiliotest.WithSize(twiliotest.Size{Calls: 5000}), twiliotest.WithLatency(5*time.Millisecond, 0))
	defer srv.Close() // before goleak looks; the cleanup then reports violations
	for _, par := range []int{1, 4} {
		sent := &sentlog.Log{}
		env := emulatorEnv(t, srv, 100, par)
		env.Client = sentClient(t, srv, sent)
		for _, q := range []string{
			"SELECT Sid FROM Calls WHERE Duration >= 0",
			"SELECT Sid FROM Calls WHERE StartTime >= '2025-10-01'",
		} {
			// Two pages of 100 are read. A sequential scan prefetches one
			// more; a parallel range scan also starts its slices, each
			// with a page in hand and at most three ahead.
			expected := [2]int{2, 3}
			if par > 1 && strings.Contains(q, "StartTime") {
				expected = [2]int{2, 2 + 4*par}
			}
			t.Run(fmt.Sprintf("par=%d/%s", par, q), func(t *testing.T) {
				// Close after 150 rows.
				sent.Reset()
				st, _ := Prepare(q)
				rows, err := st.Query(context.Background(), env, nil)
				if err != nil {
					t.Fatal(err)
				}
				dest := make([]driver.Value, 1)
				for range 150 {
					if err := rows.Next(dest); err != nil {
						t.Fatal(err)
					}
				}
				rows.Close()
				checkStopped(t, sent, "closed after 150 rows", expected)
				sent.Reset()

				// Cancel while reading.
				ctx, cancel := context.WithCancel(context.Background())
				rows, err = st.Query(ctx, env, nil)
				if err != nil {
					t.Fatal(err)
				}
				for range 120 {
					if err := rows.Next(dest); err != nil {
						t.Fatal(err)
					}
				}
				cancel()
				for {
					err = rows.Next(dest)
					if err != nil {
						break
					}
				}
				if !errors.Is(err, context.Canceled) {
					t.Errorf("after cancel: %v, want context.Canceled", err)
				}
				rows.Close()
				checkStopped(t, sent, "cancelled after 120 rows", expected)
			})
		}
	}
	srv.Close()
}

// checkStopped checks that a scan stopped early (its Rows closed) sent as
// many requests as expected and that nothing of it sends more. Requests are
// counted as the client sends them: the emulator logs a request once it
// gives up on it, which on a busy machine can come after the scan stopped
// for a request cancelled before.
func checkStopped(t *testing.T, sent *sentlog.Log, what string, expected [2]int) {
	t.Helper()
	stopped := time.Now()
	n := sent.Count()
	if n < expected[0] || n > expected[1] {
		t.Errorf("%s: %d requests, want %d to %d", what, n, expected[0], expected[1])
	}
	time.Sleep(100 * time.Millisecond)
	if later := sent.After(stopped); later != 0 {
		t.Errorf("%s: %d requests, then %d more after the scan stopped", what, n, later)
	}
}

// sentClient is testClient with its requests recorded in sent.
func sentClient(t testing.TB, srv *twiliotest.Server, sent *sentlog.Log) *rest.Client {
	t.Helper()
	return testClientVia(t, srv, func(tr http.RoundTripper) http.RoundTripper {
		sent.Next = tr
		return sent
	})
}

// TestLimitServedByFirstPage checks that a LIMIT the first page serves costs
// one request: no page is prefetched and no slice is started.
func TestLimitServedByFirstPage(t *testing.T) {
	srv := twiliotest.NewTestServer(t, twiliotest.WithSize(twiliotest.Size{Calls: 3000, Messages: 3000}))
	env := emulatorEnv(t, srv, 1000, 8)
	for _, q := range []string{
		"SELECT * FROM Messages LIMIT 10",
		"SELECT * FROM Calls WHERE StartTime >= '2025-10-01' LIMIT 10",
		"SELECT * FROM Calls WHERE Status = 'completed' LIMIT 1000",
	} {
		srv.ResetRequests()
		if got := runQuery(t, env, q); len(got) == 0 {
			t.Fatalf("%s: no rows", q)
		}
		time.Sleep(20 * time.Millisecond)
		if n := srv.RequestCount(); n != 1 {
			t.Errorf("%s: %d requests, want 1", q, n)
		}
	}
}
