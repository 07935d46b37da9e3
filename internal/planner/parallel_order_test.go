package planner

import (
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/twiliotest"
	"go.uber.org/goleak"
)

// TestParallelScansAnyListOrder checks that parallel range scans return the
// sequential scan's rows, as a multiset and each once, when the range
// column does not follow Twilio's list order. Calls are listed newest first
// by creation while their StartTime is up to 36 hours later (queued calls),
// so a page can end on a row of day D-1 with rows of day D still to come in
// the chain: a scan that ends a chain at the first row of an older day drops
// them. Small pages (10 and 20 rows) put page boundaries everywhere;
// ranges of several widths, bounded and half-open, are cut into slices
// that split.
//
// A denser account (133 calls a day) makes slices of one day. On an
// account whose calls start up to 20 days late, the first pages of a slice
// reach many days: when it splits, those days are listed again by several
// slices sharing the Sids to skip.
func TestParallelScansAnyListOrder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := twiliotest.NewTestServer(t,
		twiliotest.WithSize(twiliotest.Size{Calls: 4000, Messages: 4000, Recordings: 1500}),
		twiliotest.WithCallStartDelay(36*time.Hour),
	)
	defer srv.Close()
	dense := twiliotest.NewTestServer(t,
		twiliotest.WithSize(twiliotest.Size{Calls: 40000, Messages: -1, Recordings: -1}),
		twiliotest.WithCallStartDelay(36*time.Hour),
	)
	defer dense.Close()
	inversions := 0
	inversions += compareScans(t, srv, []int{10, 20}, []string{
		// narrow and wide, bounded both sides
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-04-10' AND StartTime < '2026-04-14'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-03-01' AND StartTime < '2026-05-01'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime BETWEEN '2025-09-01 06:00:00' AND '2026-06-20'",
		// lower bound only, narrow and wide
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-06-05'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime > '2026-01-01'",
		// upper bound only
		"SELECT Sid, StartTime FROM Calls WHERE StartTime < '2026-02-10'",
		// a local filter and a sort on top
		"SELECT Sid, Duration FROM Calls WHERE StartTime >= '2026-02-01' AND Duration > 30",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-02-01' ORDER BY Duration DESC, Sid",
		// Messages DateSent and Recordings DateCreated
		"SELECT Sid, DateSent FROM Messages WHERE DateSent >= '2026-05-20' AND DateSent < '2026-05-25'",
		"SELECT Sid, DateSent FROM Messages WHERE DateSent >= '2026-01-01'",
		"SELECT Sid, DateSent FROM Messages WHERE DateSent < '2026-03-01'",
		"SELECT Sid, DateSent FROM Messages WHERE DateSent > '2025-08-01' AND DateSent < '2026-06-10'",
		"SELECT Sid, DateCreated FROM Recordings WHERE DateCreated >= '2025-12-01'",
	})
	inversions += compareScans(t, dense, []int{20}, []string{
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-05-20' AND StartTime < '2026-05-27'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-06-08'",
	})
	late := twiliotest.NewTestServer(t,
		twiliotest.WithSize(twiliotest.Size{Calls: 20000, Messages: -1, Recordings: -1}),
		twiliotest.WithCallStartDelay(20*24*time.Hour),
	)
	defer late.Close()
	inversions += compareScans(t, late, []int{20}, []string{
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-04-01' AND StartTime < '2026-05-01'",
		"SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-06-01'",
	})
	if inversions < 100 {
		t.Errorf("the sequential scans list %d rows after a row of an earlier day: the range column follows the list order, the test tests nothing", inversions)
	}
}

// compareScans runs each query sequentially (scan_parallelism=1), then
// with parallelism 2 and 8, with each page size, and compares the rows. It
// returns the day inversions (dayInversions) of the sequential results.
func compareScans(t *testing.T, srv *twiliotest.Server, pageSizes []int, queries []string) int {
	t.Helper()
	inversions := 0
	for _, pageSize := range pageSizes {
		seq := emulatorEnv(t, srv, pageSize, 1)
		for _, q := range queries {
			want := runQuery(t, seq, q)
			if len(want) == 0 {
				t.Fatalf("%s: no rows", q)
			}
			inversions += dayInversions(want)
			for _, par := range []int{2, 8} {
				t.Run(fmt.Sprintf("page=%d/par=%d/%s", pageSize, par, q), func(t *testing.T) {
					got := runQuery(t, emulatorEnv(t, srv, pageSize, par), q)
					sameRows(t, got, want)
					if strings.Contains(q, "ORDER BY") {
						// The ORDER BY ends in Sid: one order only.
						sameOrder(t, got, want)
					}
				})
			}
		}
	}
	return inversions
}

// dayInversions counts the rows listed after a row of an earlier day, by
// column 1 when it is a time.
func dayInversions(rows [][]driver.Value) int {
	n, prev := 0, int64(exec.NoDay)
	for _, r := range rows {
		if d := exec.DayOf(r[1]); d != exec.NoDay {
			if prev != exec.NoDay && d > prev {
				n++
			}
			prev = d
		}
	}
	return n
}

// sameOrder fails unless got lists want's rows in want's order.
func sameOrder(t *testing.T, got, want [][]driver.Value) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
			t.Fatalf("row %d is %v, sequentially %v: ORDER BY gives another order", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, sequentially %d", len(got), len(want))
	}
}

// sameRows fails unless got and want hold the same rows, in any order, and
// got holds each Sid (column 0) once.
func sameRows(t *testing.T, got, want [][]driver.Value) {
	t.Helper()
	key := func(r []driver.Value) string { return fmt.Sprint(r) }
	counts := map[string]int{}
	for _, r := range want {
		counts[key(r)]++
	}
	seen := map[any]bool{}
	var extra []string
	for _, r := range got {
		if seen[r[0]] {
			t.Errorf("row %v twice", r[0])
		}
		seen[r[0]] = true
		if counts[key(r)] == 0 {
			extra = append(extra, key(r))
			continue
		}
		counts[key(r)]--
	}
	var missing []string
	for k, n := range counts {
		for range n {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 || len(extra) > 0 {
		sort.Strings(missing)
		sort.Strings(extra)
		t.Fatalf("%d rows, sequential %d: %d missing %q, %d extra %q", len(got), len(want), len(missing), missing[:min(3, len(missing))], len(extra), extra[:min(3, len(extra))])
	}
}
