package server

import (
	"database/sql"
	"syscall"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/twiliotest"
)

// scanAll reads every row of q into RawBytes/any and returns the count.
func scanAll(b *testing.B, db *sql.DB, q string) int {
	rows, err := db.Query(q)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkServerVsDirect reads the same 50,000 messages through the
// driver directly and through the server (go-sql-driver/mysql as the
// client), alternating which goes first, and reports rows per second of
// each and their ratio (the target: server ≥ 0.8 × direct). latency=0 is
// the in-process emulator answering at once, so every path competes for
// the same CPUs; latency=100ms is nearer Twilio, whose pages take longer.
//
//	go test -run '^$' -bench ServerVsDirect -benchtime 3x ./server
func BenchmarkServerVsDirect(b *testing.B) {
	for _, lat := range []time.Duration{0, 100 * time.Millisecond} {
		b.Run("latency="+lat.String(), func(b *testing.B) { benchServerVsDirect(b, lat) })
	}
}

func benchServerVsDirect(b *testing.B, latency time.Duration) {
	const n = 50_000
	ts := startServer(b, serverOptions{emu: []twiliotest.Option{
		twiliotest.WithSize(twiliotest.Size{Messages: n}), twiliotest.WithLatency(latency, 0),
		// The emulator's judging of its own answers against the OpenAPI
		// spec is test machinery, not Twilio: it would add the same large
		// cost to both paths and hide the server's.
		twiliotest.WithSpecValidation(false)}})
	client := ts.client(b, "")
	const q = "SELECT * FROM Messages"
	scanAll(b, client, q) // warm both paths
	var direct, served, directCPU, servedCPU time.Duration
	b.ResetTimer()
	for i := range b.N {
		runs := []struct {
			db       *sql.DB
			acc, cpu *time.Duration
		}{{ts.direct, &direct, &directCPU}, {client, &served, &servedCPU}}
		if i%2 == 1 {
			runs[0], runs[1] = runs[1], runs[0]
		}
		for _, r := range runs {
			start, cpu := time.Now(), processCPU()
			if got := scanAll(b, r.db, q); got != n {
				b.Fatalf("%d rows, want %d", got, n)
			}
			*r.acc += time.Since(start)
			*r.cpu += processCPU() - cpu
		}
	}
	rows := float64(n * b.N)
	b.ReportMetric(rows/direct.Seconds(), "direct-rows/s")
	b.ReportMetric(rows/served.Seconds(), "server-rows/s")
	b.ReportMetric(direct.Seconds()/served.Seconds(), "server/direct")
	// CPU of the whole process (emulator, driver, server and client) per
	// row: on a loaded machine wall time follows the CPU share it gets.
	b.ReportMetric(float64(directCPU.Microseconds())/rows, "direct-cpu-µs/row")
	b.ReportMetric(float64(servedCPU.Microseconds())/rows, "server-cpu-µs/row")
	b.ReportMetric(0, "ns/op")
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
