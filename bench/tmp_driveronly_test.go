package bench

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func BenchmarkTmpDriverOnly(b *testing.B) {
	e := startEmulator(b, emulatorSpec{Messages: 100_000})
	db := openDriver(b, e.dsn(""))
	db.scan(b, "SELECT * FROM Messages LIMIT 2000")
	b.ResetTimer()
	for b.Loop() {
		db.scan(b, "SELECT * FROM Messages")
	}
}

func BenchmarkTmpBaseOnly(b *testing.B) {
	e := startEmulator(b, emulatorSpec{Messages: 100_000})
	tw := twilioGo(e.base, e.sid, e.token)
	b.ResetTimer()
	for b.Loop() {
		scanMessages(b, tw)
	}
}

func BenchmarkTmpLatency(b *testing.B) {
	e := startEmulator(b, emulatorSpec{Calls: 1_000_000, Latency: 200 * time.Millisecond, RPS: 50, Burst: 10})
	db := openDriver(b, e.dsn("nodes=2&scan_parallelism="+os.Getenv("PAR")))
	query := "SELECT * FROM Calls WHERE StartTime >= '2026-05-15' AND StartTime < '2026-06-14'"
	time.Sleep(time.Second)
	for b.Loop() {
		e.resetRequests(b)
		var n int
		peak := peakHeap(func() { n = db.scan(b, query) })
		st := e.stats(b)
		b.ReportMetric(float64(st.Requests), "req")
		b.ReportMetric(float64(peak)/(1<<20), "peakMiB")
		_ = n
		time.Sleep(time.Second)
	}
}

func childCPU(e *emulator) float64 {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(e.cmd.Process.Pid) + "/stat")
	f := strings.Fields(string(b))
	u, _ := strconv.Atoi(f[13])
	s, _ := strconv.Atoi(f[14])
	return float64(u+s) / 100
}

func BenchmarkTmpLatencyCPU(b *testing.B) {
	e := startEmulator(b, emulatorSpec{Calls: 1_000_000, Latency: 200 * time.Millisecond, RPS: 50, Burst: 10})
	db := openDriver(b, e.dsn("nodes=2&scan_parallelism="+os.Getenv("PAR")))
	query := "SELECT * FROM Calls WHERE StartTime >= '2026-05-15' AND StartTime < '2026-06-14'"
	time.Sleep(time.Second)
	for b.Loop() {
		c0 := childCPU(e)
		t0 := time.Now()
		db.scan(b, query)
		b.ReportMetric(time.Since(t0).Seconds(), "scan-s")
		b.ReportMetric(childCPU(e)-c0, "child-cpu-s")
		time.Sleep(time.Second)
	}
}
