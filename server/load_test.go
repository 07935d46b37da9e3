package server

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// TestLoad50Clients runs 50 concurrent clients against one server for
// TWILIOSQL_LOAD_SECONDS seconds (60 for the figures in BENCHMARKS.md):
// metadata, point lookups, scans and aggregates over a derived table (a
// plain GROUP BY while the driver lacks derived tables), against an
// emulator whose rate cap equals the driver's budget (nodes=2: 50
// requests/s). Every answer must equal the driver's, no 429 may reach a
// client, and the heap must stay flat.
//
//	TWILIOSQL_LOAD_SECONDS=60 go test -run TestLoad50Clients -v ./server
func TestLoad50Clients(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("TWILIOSQL_LOAD_SECONDS"))
	if secs <= 0 {
		t.Skip("set TWILIOSQL_LOAD_SECONDS (e.g. 60) to run the load test")
	}
	ts := startServer(t, serverOptions{
		emu: []twiliotest.Option{
			twiliotest.WithSize(twiliotest.Size{Calls: 3000, Messages: 5000}),
			twiliotest.WithLatency(40*time.Millisecond, 20*time.Millisecond),
			twiliotest.WithRateLimit(50, 5),
		},
		dsnExtra: "&nodes=2",
	})

	type op struct {
		kind string
		sql  string
		args []any
		want [][]string
	}
	var ops []op
	add := func(kind, q string, args ...any) {
		rows, err := ts.direct.Query(q, args...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := readRows(rows)
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, op{kind, q, args, want})
	}
	add("metadata", "SHOW TABLES")
	add("metadata", "SHOW FULL COLUMNS FROM Calls")
	add("metadata", "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.columns WHERE TABLE_SCHEMA = 'twilio' ORDER BY TABLE_NAME, ORDINAL_POSITION")
	ops = append(ops, op{"metadata", "SELECT @@max_allowed_packet, VERSION()", nil, [][]string{{"67108864", ServerVersion}}})
	_, sids := testdb.Strings(t, ts.direct, "SELECT Sid FROM Messages LIMIT 40")
	for _, s := range sids {
		add("lookup", "SELECT Sid, Status, Body, `From`, `To`, Price FROM Messages WHERE Sid = ?", s[0])
	}
	add("scan", "SELECT Sid, Status, Duration FROM Calls WHERE Status = 'completed'")
	add("scan", "SELECT Sid, DateSent FROM Messages WHERE Direction = 'inbound'")
	aggregate := "SELECT Status, COUNT(*) AS n, SUM(d) AS total FROM (SELECT Status, Duration AS d FROM Calls) s GROUP BY Status ORDER BY Status"
	if _, err := ts.direct.Query(aggregate); err != nil {
		t.Logf("derived tables unsupported (%v): the aggregate is a plain GROUP BY", err)
		aggregate = "SELECT Status, COUNT(*) AS n, SUM(Duration) AS total FROM Calls GROUP BY Status ORDER BY Status"
	}
	add("aggregate", aggregate)
	add("aggregate", "SELECT Direction, COUNT(*), AVG(Price) FROM Messages GROUP BY Direction ORDER BY Direction")
	weights := map[string]int{"metadata": 3, "lookup": 4, "scan": 1, "aggregate": 1}
	var pick []int
	for i, o := range ops {
		for range weights[o.kind] {
			pick = append(pick, i)
		}
	}

	ts.emu.ResetRequests()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapStart := ms.HeapInuse
	var heapPeak atomic.Uint64
	stopSampling := make(chan struct{})
	var heapSamples []uint64
	var sampleMu sync.Mutex
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(time.Second):
			}
			runtime.ReadMemStats(&ms)
			sampleMu.Lock()
			heapSamples = append(heapSamples, ms.HeapInuse)
			sampleMu.Unlock()
			if ms.HeapInuse > heapPeak.Load() {
				heapPeak.Store(ms.HeapInuse)
			}
		}
	}()

	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	start := time.Now()
	var mu sync.Mutex
	latencies := map[string][]time.Duration{}
	var failures []string
	var wg sync.WaitGroup
	for c := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sql.Open("mysql", ts.dsn("twilio", "", "twilio", "parseTime=true"))
			if err != nil {
				panic(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			r := rand.New(rand.NewPCG(uint64(c), 1))
			for time.Now().Before(deadline) {
				o := ops[pick[r.IntN(len(pick))]]
				t0 := time.Now()
				rows, err := db.Query(o.sql, o.args...)
				var got [][]string
				if err == nil {
					got, err = readRows(rows)
				}
				took := time.Since(t0)
				mu.Lock()
				latencies[o.kind] = append(latencies[o.kind], took)
				if err != nil {
					failures = append(failures, fmt.Sprintf("%s: %v", o.sql, err))
				} else if !reflect.DeepEqual(got, o.want) {
					failures = append(failures, fmt.Sprintf("%s: wrong answer (%d rows, want %d)", o.sql, len(got), len(o.want)))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopSampling)

	if len(failures) > 0 {
		t.Errorf("%d failed queries, e.g. %s", len(failures), failures[0])
	}
	var all []time.Duration
	for kind, ls := range latencies {
		slices.Sort(ls)
		t.Logf("%-9s %6d queries  p50 %8s  p99 %8s", kind, len(ls), pct(ls, 50), pct(ls, 99))
		all = append(all, ls...)
	}
	slices.Sort(all)
	reqs := ts.emu.Requests()
	n429 := 0
	for _, r := range reqs {
		if r.Status == 429 {
			n429++
		}
	}
	t.Logf("all       %6d queries  p50 %8s  p99 %8s  in %s (%.0f queries/s)", len(all), pct(all, 50), pct(all, 99), elapsed.Round(time.Second), float64(len(all))/elapsed.Seconds())
	t.Logf("Twilio: %d requests, %.1f/s (%d answered 429 by the emulator's cap and retried by the driver)", len(reqs), float64(len(reqs))/elapsed.Seconds(), n429)
	sampleMu.Lock()
	t.Logf("heap in use: %d MiB at start, peak %d MiB, samples (MiB) %s", heapStart>>20, heapPeak.Load()>>20, mib(heapSamples))
	sampleMu.Unlock()
	if heapPeak.Load() > heapStart+64<<20 {
		t.Errorf("the heap grew from %d to %d MiB under load", heapStart>>20, heapPeak.Load()>>20)
	}
	t.Logf("peak RSS of the test process (server, emulator and 50 clients): %s", peakRSS())
}

// readRows reads every row, each value normalized as either client reads it.
func readRows(rows *sql.Rows) ([][]string, error) {
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make([]string, len(cols))
		for i, v := range vals {
			r[i] = normalized(v)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func pct(ls []time.Duration, p int) time.Duration {
	if len(ls) == 0 {
		return 0
	}
	return ls[(len(ls)-1)*p/100].Round(time.Millisecond)
}

func mib(xs []uint64) string {
	var b strings.Builder
	for i, x := range xs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(x>>20, 10))
	}
	return b.String()
}

func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "unknown"
}
