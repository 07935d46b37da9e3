package driver_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
	"go.uber.org/goleak"
)

// slowDB opens a driver whose scans need many rate-limited requests: one
// node (25 requests per second) and one row per page.
func slowDB(t testing.TB, srv *twiliotest.Server) *driverDB {
	cfg, err := driver.ParseDSN(srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Nodes, cfg.PageSize = 1, 1
	db, err := driver.OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &driverDB{db}
}

// cancelDuringScan starts a long scan, cancels it while it waits on the
// limiter, and returns how long the cancellation took to stop it.
func cancelDuringScan(t testing.TB, db *driverDB) time.Duration {
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
	srv := twiliotest.NewTestServer(t)
	defer srv.Close() // before goleak looks; the cleanup then reports violations
	db := slowDB(t, srv)
	cancelDuringScan(t, db)
	db.Close()
	srv.Close()
}

// BenchmarkCancelLatency reports how long a scan waiting on the limiter takes
// to stop once its context is cancelled (target: under 100 ms).
//
//	go test -run XXX -bench CancelLatency ./driver
func BenchmarkCancelLatency(b *testing.B) {
	srv := twiliotest.NewTestServer(b)
	db := slowDB(b, srv)
	defer db.Close()
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
	srv := twiliotest.NewTestServer(t)
	defer srv.Close() // before goleak looks; the cleanup then reports violations
	db, err := driver.ParseDSN(srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	db.Nodes = 50
	sqlDB, err := driver.OpenDB(db)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlDB.Close()
	stmt, err := sqlDB.Prepare("SELECT Sid, Status FROM Calls WHERE Status = ? LIMIT 3")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Go(func() {
			for i := range 5 {
				var err error
				switch (g + i) % 4 {
				case 0:
					var n int
					rows, qerr := sqlDB.Query("SELECT Sid FROM Messages LIMIT 7")
					if qerr == nil {
						for rows.Next() {
							n++
						}
						qerr = rows.Err()
						rows.Close()
					}
					if qerr == nil && n != 7 {
						qerr = fmt.Errorf("read %d rows, want 7", n)
					}
					err = qerr
				case 1:
					rows, qerr := stmt.Query("completed")
					if qerr == nil {
						rows.Close()
					}
					err = qerr
				case 2:
					_, err = sqlDB.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", twiliotest.WhatsAppSender, "whatsapp:+15005550006", fmt.Sprintf("hello %d-%d", g, i))
				case 3:
					err = sqlDB.QueryRow("SELECT Sid FROM Recordings WHERE Sid = ?", twiliotest.RecordingSid).Scan(new(string))
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
}
