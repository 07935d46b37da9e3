package driver_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// slowDB opens a driver whose scans need many rate-limited requests: one
// node (25 requests per second) and one row per page.
func slowDB(t testing.TB, opts ...testdb.Option) *testdb.Harness {
	return testdb.New(t, append(opts, testdb.Configure(func(c *driver.Config) { c.Nodes, c.PageSize = 1, 1 }))...)
}

// cancelDuringScan starts a long scan, cancels it while it waits on the
// limiter, and returns how long the cancellation took to stop it.
func cancelDuringScan(t testing.TB, db *sql.DB) time.Duration {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT Sid FROM Calls WHERE Duration >= 0")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	done := make(chan time.Time, 1)
	go func() {
		for rows.Next() {
		}
		done <- time.Now()
	}()
	time.Sleep(300 * time.Millisecond) // well into the rate-limited part of the scan
	cancelled := time.Now()
	cancel()
	var stopped time.Time
	select {
	case stopped = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the scan did not stop after its context was cancelled")
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("rows.Err() = %v, want context.Canceled", err)
	}
	return stopped.Sub(cancelled)
}

func TestCancelStopsScanWithoutLeaks(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var sent testdb.Sent
	h := slowDB(t, testdb.CountSent(t, &sent))
	defer h.Close() // before goleak looks; the cleanup then reports violations
	start := time.Now()
	cancelDuringScan(t, h.DB) // returns once rows.Close has
	stopped := time.Now()
	ran := stopped.Sub(start)
	// One row per page at 25 requests per second, burst 3: the scan made
	// about 3 + 25 per second of running (one page more prefetched), not
	// fewer than the first pages, and nothing after it stopped. Counted as
	// the driver sends them: the emulator logs a request cancelled just
	// before the stop once it gives up on it, later on a busy machine.
	n := sent.Count()
	if most := 3 + int(25*ran.Seconds()) + 2; n < 2 || n > most {
		t.Errorf("%d requests in %v at 25 per second, want 2 to %d", n, ran, most)
	}
	time.Sleep(200 * time.Millisecond)
	if later := sent.After(stopped); later != 0 {
		t.Errorf("%d requests sent after the scan was cancelled and closed", later)
	}
	h.Close()
}

// BenchmarkCancelLatency reports how long a scan waiting on the limiter takes
// to stop once its context is cancelled (target: under 100 ms).
//
//	go test -run XXX -bench CancelLatency ./driver
func BenchmarkCancelLatency(b *testing.B) {
	db := slowDB(b).DB
	var worst, total time.Duration
	for range b.N {
		d := cancelDuringScan(b, db)
		worst = max(worst, d)
		total += d
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms/cancel")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

// Thirty-two goroutines share one *sql.DB: reads, writes and prepared
// statements at once, under -race.
func TestConcurrentUse(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	h := testdb.New(t, testdb.DSN("nodes=50"))
	defer h.Close() // before goleak looks; the cleanup then reports violations
	srv, sqlDB := h.Emulator, h.DB
	stmt, err := sqlDB.Prepare("SELECT Sid, Status FROM Calls WHERE Status = ? LIMIT 3")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	inserted := map[string]bool{}
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Go(func() {
			for i := range 5 {
				var err error
				switch (g + i) % 4 {
				case 0:
					// Seven distinct message Sids (inserts may change which).
					var sids []string
					rows, qerr := sqlDB.Query("SELECT Sid FROM Messages LIMIT 7")
					if qerr == nil {
						for rows.Next() {
							var sid string
							if qerr = rows.Scan(&sid); qerr != nil {
								break
							}
							sids = append(sids, sid)
						}
						if qerr == nil {
							qerr = rows.Err()
						}
						rows.Close()
					}
					if qerr == nil && (len(sids) != 7 || len(slices.Compact(slices.Sorted(slices.Values(sids)))) != 7) {
						qerr = fmt.Errorf("read Sids %q, want 7 distinct ones", sids)
					}
					for _, sid := range sids {
						if qerr == nil && !strings.HasPrefix(sid, "SM") && !strings.HasPrefix(sid, "MM") {
							qerr = fmt.Errorf("%q is not a message Sid", sid)
						}
					}
					err = qerr
				case 1:
					// Three completed calls through the shared statement.
					rows, qerr := stmt.Query("completed")
					n := 0
					if qerr == nil {
						for rows.Next() {
							var sid, status string
							if qerr = rows.Scan(&sid, &status); qerr != nil {
								break
							}
							if status != "completed" {
								qerr = fmt.Errorf("call %s has status %q, want completed", sid, status)
								break
							}
							n++
						}
						if qerr == nil {
							qerr = rows.Err()
						}
						rows.Close()
					}
					if qerr == nil && n != 3 {
						qerr = fmt.Errorf("%d completed calls, want 3", n)
					}
					err = qerr
				case 2:
					body := fmt.Sprintf("hello %d-%d", g, i)
					res, xerr := sqlDB.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", twiliotest.WhatsAppSender, "whatsapp:+15005550006", body)
					if xerr == nil {
						if n, _ := res.RowsAffected(); n != 1 {
							xerr = fmt.Errorf("INSERT affected %d rows, want 1", n)
						}
					}
					if xerr == nil {
						mu.Lock()
						inserted[body] = true
						mu.Unlock()
					}
					err = xerr
				case 3:
					var sid string
					err = sqlDB.QueryRow("SELECT Sid FROM Recordings WHERE Sid = ?", twiliotest.RecordingSid).Scan(&sid)
					if err == nil && sid != twiliotest.RecordingSid {
						err = fmt.Errorf("fetched recording %s, want %s", sid, twiliotest.RecordingSid)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every insert was applied once, and nothing else was written.
	applied := map[string]int{}
	for _, w := range srv.Applied() {
		applied[w.Form.Get("Body")]++
	}
	if len(inserted) != 40 || len(applied) != len(inserted) {
		t.Errorf("%d inserts succeeded, %d bodies applied; want 40 of each", len(inserted), len(applied))
	}
	for body := range inserted {
		if applied[body] != 1 {
			t.Errorf("%q applied %d times, want once", body, applied[body])
		}
	}
}
