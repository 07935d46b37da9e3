package bench

import (
	"context"
	"database/sql"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"sync"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
)

type driverDB struct{ *sql.DB }

// scan runs a query and reads every column of every row, as a caller of
// database/sql does (Scan into any).
func (db *driverDB) scan(tb testing.TB, query string) int {
	tb.Helper()
	n, _ := db.scanRows(tb, query, false)
	return n
}

// scanSids is scan that also returns the sum of sidHash of the Sids read.
func (db *driverDB) scanSids(tb testing.TB, query string) (n int, sum uint64) {
	tb.Helper()
	return db.scanRows(tb, query, true)
}

func (db *driverDB) scanRows(tb testing.TB, query string, sids bool) (n int, sum uint64) {
	tb.Helper()
	rows, err := db.QueryContext(context.Background(), query)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	sid := -1
	if sids {
		sid = slices.Index(cols, "Sid")
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		n++
		if sid >= 0 {
			s, _ := vals[sid].(string)
			sum += sidHash(s)
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return n, sum
}

// sidHash hashes a Sid; the sum of the hashes of a result's Sids tells, with
// its row count, whether two results hold the same rows in any order: a row
// missing and another twice would have to hash alike.
func sidHash(sid string) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(sid); i++ {
		h = (h ^ uint64(sid[i])) * 1099511628211
	}
	return h
}

const pageSize = 1000

// scanMessages is the hand-written baseline: PageMessage with PageSize
// 1000, following next_page_uri.
func scanMessages(tb testing.TB, tw *api.ApiService) int {
	tb.Helper()
	params := &api.ListMessageParams{}
	params.SetPageSize(pageSize)
	token, page := "", ""
	n := 0
	for {
		resp, err := tw.PageMessage(params, token, page)
		if err != nil {
			tb.Fatal(err)
		}
		n += len(resp.Messages)
		if resp.NextPageUri == nil {
			return n
		}
		token, page = nextPage(*resp.NextPageUri)
	}
}

// scanCalls is the baseline for a StartTime range: PageCall with the day
// filters and PageSize 1000; it returns the rows, the pages read and the
// sum of sidHash of the rows' Sids.
func scanCalls(tb testing.TB, tw *api.ApiService, after, before time.Time) (rows, pages int, sum uint64) {
	tb.Helper()
	params := &api.ListCallParams{}
	params.SetPageSize(pageSize)
	params.SetStartTimeAfter(after)
	params.SetStartTimeBefore(before)
	token, page := "", ""
	for {
		resp, err := tw.PageCall(params, token, page)
		if err != nil {
			tb.Fatal(err)
		}
		rows += len(resp.Calls)
		pages++
		for _, c := range resp.Calls {
			if c.Sid != nil {
				sum += sidHash(*c.Sid)
			}
		}
		if resp.NextPageUri == nil {
			return rows, pages, sum
		}
		token, page = nextPage(*resp.NextPageUri)
	}
}

// unthrottled gives the driver a request budget (50 nodes: 1,250 requests
// per second) that never binds, as the hand-written loop has none: at the
// default two nodes the driver is held to 50 pages a second (20 µs a row
// at 1000 rows a page), which is Twilio's budget, not the driver's cost.
const unthrottled = "nodes=50"

// BenchmarkFullScan100k reads 100,000 messages without latency, with the
// driver (SELECT * and Scan of every column) and with the twilio-go loop,
// alternately in the same run. Target: driver ≤ 1.10 × twilio-go per row.
func BenchmarkFullScan100k(b *testing.B) {
	const n = 100_000
	e := startEmulator(b, emulatorSpec{Messages: n})
	db := openDriver(b, e.dsn(unthrottled))
	tw := twilioGo(e.base, e.sid, e.token)
	// Warm both up: connections, first-use allocations.
	db.scan(b, "SELECT * FROM Messages LIMIT 2000")
	var drv, base time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for k := range 2 {
			if (i+k)%2 == 0 {
				start := time.Now()
				if got := db.scan(b, "SELECT * FROM Messages"); got != n {
					b.Fatalf("driver read %d rows, want %d", got, n)
				}
				drv += time.Since(start)
			} else {
				start := time.Now()
				if got := scanMessages(b, tw); got != n {
					b.Fatalf("twilio-go read %d rows, want %d", got, n)
				}
				base += time.Since(start)
			}
		}
	}
	rows := float64(b.N) * n
	b.ReportMetric(float64(drv.Nanoseconds())/rows, "driver-ns/row")
	b.ReportMetric(float64(base.Nanoseconds())/rows, "twilio-go-ns/row")
	b.ReportMetric(float64(drv)/float64(base), "driver/twilio-go")
}

// heapPeaks are the highest heap figures seen while a function ran.
type heapPeaks struct {
	objects uint64 // live and not yet swept objects (HeapAlloc), sampled every millisecond
	live    uint64 // the heap marked live by the last GC
}

func (p heapPeaks) max(q heapPeaks) heapPeaks {
	return heapPeaks{objects: max(p.objects, q.objects), live: max(p.live, q.live)}
}

// heapProfileEnv names a file that measureHeap writes the heap profile to
// whenever the live heap reaches a new high (after the GC that marked it).
const heapProfileEnv = "TWILIOSQL_BENCH_HEAPPROFILE"

// measureHeap samples the heap every millisecond while f runs, after a GC.
func measureHeap(f func()) heapPeaks {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	var peak heapPeaks
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if path := os.Getenv(heapProfileEnv); path != "" && sample[1].Value.Uint64() > peak.live {
				// The heap profile of the highest live heap so far: what
				// the peak holds.
				if f, err := os.Create(path); err == nil {
					pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
			peak = peak.max(heapPeaks{objects: sample[0].Value.Uint64(), live: sample[1].Value.Uint64()})
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	f()
	close(stop)
	wg.Wait()
	return peak
}

// peakHeap is the highest HeapAlloc seen while f ran.
func peakHeap(f func()) uint64 { return measureHeap(f).objects }

// BenchmarkScanHeap reads 100,000 then 1,000,000 messages with the driver
// and reports the peak heap of each. Targets: the 1,000,000-row peak within
// 1.2 × the 100,000-row one, and under 64 MiB.
//
// The heap is a sawtooth: it grows with garbage until the GC runs, at twice
// what the last GC found live (GOGC=100), and what is live then depends on
// the pages in flight at that moment. A 1,000,000-row scan sees ten times the
// GC cycles of a 100,000-row one, so its single run samples the top of the
// sawtooth better: the 100,000-row scan is run ten times and its highest
// peak kept, for the same number of cycles.
func BenchmarkScanHeap(b *testing.B) {
	var small, large heapPeaks
	for _, size := range []int{100_000, 1_000_000} {
		e := startEmulator(b, emulatorSpec{Messages: size})
		db := openDriver(b, e.dsn(unthrottled))
		db.scan(b, "SELECT * FROM Messages LIMIT 2000")
		runs := 1
		if size == 100_000 {
			runs = 10
		}
		var peak heapPeaks
		for range runs {
			peak = peak.max(measureHeap(func() {
				if got := db.scan(b, "SELECT * FROM Messages"); got != size {
					b.Fatalf("driver read %d rows, want %d", got, size)
				}
			}))
		}
		if size == 100_000 {
			small = peak
		} else {
			large = peak
		}
		db.Close()
	}
	for b.Loop() {
	}
	b.ReportMetric(float64(small.objects)/(1<<20), "peak-MiB-100k")
	b.ReportMetric(float64(large.objects)/(1<<20), "peak-MiB-1M")
	b.ReportMetric(float64(large.objects)/float64(small.objects), "1M/100k")
	b.ReportMetric(float64(small.live)/(1<<20), "live-MiB-100k")
	b.ReportMetric(float64(large.live)/(1<<20), "live-MiB-1M")
}

// BenchmarkLatencyRange30Days reads a 30-day StartTime window holding about
// 100,000 calls (a million seeded over 300 days) from an emulator answering
// each request after 200 ms and refusing more than 50 per second (two nodes'
// budget), with the driver at nodes=2 and with the sequential twilio-go loop.
// Targets: at least 5 × faster than the loop, and within 1.5 × of the
// rate-limit bound (the fewest pages possible ÷ 50 per second).
func BenchmarkLatencyRange30Days(b *testing.B) { latencyRange30Days(b, 0) }

// BenchmarkLatencyRange30DaysLateStarts is BenchmarkLatencyRange30Days with
// calls starting up to 36 hours after their creation (queued calls), so that
// StartTime does not follow Twilio's list order: the same targets, with the
// driver's rows checked against the loop's by Sid.
func BenchmarkLatencyRange30DaysLateStarts(b *testing.B) { latencyRange30Days(b, 36*time.Hour) }

func latencyRange30Days(b *testing.B, startDelay time.Duration) {
	const rate = 50.0
	e := startEmulator(b, emulatorSpec{Calls: 1_000_000, Latency: 200 * time.Millisecond, RPS: rate, Burst: 10, CallStartDelay: startDelay})
	db := openDriver(b, e.dsn("nodes=2"))
	tw := twilioGo(e.base, e.sid, e.token)
	after := time.Date(2026, 5, 15, 0, 0, 0, 0, time.UTC)
	before := time.Date(2026, 6, 13, 0, 0, 0, 0, time.UTC) // inclusive day: 30 days
	query := "SELECT * FROM Calls WHERE StartTime >= '2026-05-15' AND StartTime < '2026-06-14'"
	time.Sleep(time.Second) // let the rate buckets fill
	var drv, base time.Duration
	var drvRows, baseRows, pages, requests, throttled int
	var drvSum, baseSum uint64
	var peak uint64
	for b.Loop() {
		e.resetRequests(b)
		th := e.stats(b).Throttled
		var took time.Duration
		peak = max(peak, peakHeap(func() {
			start := time.Now()
			drvRows, drvSum = db.scanSids(b, query)
			took = time.Since(start)
		}))
		drv += took
		e.saveTrace(b, took)
		st := e.stats(b)
		requests, throttled = st.Requests, st.Throttled-th
		time.Sleep(time.Second)
		start := time.Now()
		baseRows, pages, baseSum = scanCalls(b, tw, after, before)
		base += time.Since(start)
		if drvRows != baseRows || drvSum != baseSum {
			b.Fatalf("driver read %d rows, twilio-go %d; or not the same rows", drvRows, baseRows)
		}
	}
	minPages := math.Ceil(float64(baseRows) / pageSize)
	bound := minPages / rate
	b.ReportMetric(drv.Seconds()/float64(b.N), "driver-s")
	b.ReportMetric(base.Seconds()/float64(b.N), "twilio-go-s")
	b.ReportMetric(float64(base)/float64(drv), "speedup")
	b.ReportMetric(bound, "bound-s")
	b.ReportMetric(drv.Seconds()/float64(b.N)/bound, "driver/bound")
	b.ReportMetric(float64(baseRows), "rows")
	b.ReportMetric(float64(pages), "twilio-go-requests")
	b.ReportMetric(float64(requests), "driver-requests")
	b.ReportMetric(float64(throttled), "driver-429s")
	b.ReportMetric(float64(peak)/(1<<20), "driver-peak-MiB")
}

// BenchmarkLatencyRange30DaysConcurrent runs 8 of BenchmarkLatencyRange30Days's
// scans at once through one Connector at nodes=10 (250 requests a second;
// the emulator refuses more), and reports the peak heap of the whole
// process: the Connector's page budget, shared by the queries, bounds it.
// Target: at most 128 MiB. Each scan's rows are checked by count and Sids.
func BenchmarkLatencyRange30DaysConcurrent(b *testing.B) {
	const rate, queries = 250.0, 8
	e := startEmulator(b, emulatorSpec{Calls: 1_000_000, Latency: 200 * time.Millisecond, RPS: rate, Burst: 50})
	db := openDriver(b, e.dsn("nodes=10"))
	query := "SELECT * FROM Calls WHERE StartTime >= '2026-05-15' AND StartTime < '2026-06-14'"
	wantRows, wantSum := db.scanSids(b, query)
	time.Sleep(time.Second)
	var took time.Duration
	var peak uint64
	var requests int
	for b.Loop() {
		e.resetRequests(b)
		peak = max(peak, peakHeap(func() {
			start := time.Now()
			var wg sync.WaitGroup
			for range queries {
				wg.Go(func() {
					if n, sum := db.scanSids(b, query); n != wantRows || sum != wantSum {
						b.Errorf("a concurrent scan read %d rows, alone %d; or not the same rows", n, wantRows)
					}
				})
			}
			wg.Wait()
			took += time.Since(start)
		}))
		requests = e.stats(b).Requests
	}
	bound := queries * math.Ceil(float64(wantRows)/pageSize) / rate
	b.ReportMetric(float64(peak)/(1<<20), "driver-peak-MiB")
	b.ReportMetric(took.Seconds()/float64(b.N), "driver-s")
	b.ReportMetric(bound, "bound-s")
	b.ReportMetric(took.Seconds()/float64(b.N)/bound, "driver/bound")
	b.ReportMetric(float64(requests), "driver-requests")
}
