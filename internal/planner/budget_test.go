package planner

import (
	"database/sql/driver"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/twiliotest"
	"go.uber.org/goleak"
)

// TestPageBudgetShared runs parallel range scans at once under a Connector
// budget far smaller than their parallelism and their own caps: they must
// all finish (the slice being read never waits on the budget), return what
// sequential scans return, never hold more slots than the budget, and give
// every slot back.
func TestPageBudgetShared(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := twiliotest.NewServer(twiliotest.WithSize(twiliotest.Size{Calls: 6000}), twiliotest.WithLatency(2*time.Millisecond, 0))
	defer srv.Close()
	queries := []string{
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-01-01' AND StartTime < '2026-05-01'",
		"SELECT Sid FROM Calls WHERE StartTime > '2026-03-01'",
		"SELECT Sid, Duration FROM Calls WHERE StartTime < '2026-02-01'",
	}
	seq := emulatorEnv(t, srv, 50, 1)
	want := map[string][][]driver.Value{}
	for _, q := range queries {
		want[q] = runQuery(t, seq, q)
	}
	for _, budget := range []int{1, 3} {
		t.Run(fmt.Sprintf("budget=%d", budget), func(t *testing.T) {
			env := emulatorEnv(t, srv, 50, 8)
			env.PagesPerQuery = 16
			env.Pages = exec.NewPageBudget(budget)
			var wg sync.WaitGroup
			got := make([][][]driver.Value, 6)
			for i := range got {
				wg.Go(func() { got[i] = runQuery(t, env, queries[i%len(queries)]) })
			}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(2 * time.Minute):
				t.Fatal("the scans did not finish: a worker waits on the budget for the slice being read")
			}
			for i, rows := range got {
				// The budget spent, pages are read out of turn: the same
				// rows in another order.
				sameRows(t, rows, want[queries[i%len(queries)]])
			}
			if n := len(env.Pages.Slots); n != 0 {
				t.Errorf("%d budget slots still taken after every scan ended", n)
			}
		})
	}
}
