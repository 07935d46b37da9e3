package bench

import (
	"testing"
	"time"
)

// BenchmarkDerivedScan100k reads 100,000 messages plainly and wrapped as
// BI tools wrap a question, alternately in the same run:
//
//	SELECT * FROM Messages
//	SELECT * FROM (SELECT * FROM Messages) AS source
//
// The wrapped form makes the same requests; its cost per row is the
// derived table's second Rows. Target: wrapped ≤ 1.15 × plain per row.
func BenchmarkDerivedScan100k(b *testing.B) {
	const n = 100_000
	e := startEmulator(b, emulatorSpec{Messages: n})
	db := openDriver(b, e.dsn(unthrottled))
	db.scan(b, "SELECT * FROM Messages LIMIT 2000")
	queries := [2]string{"SELECT * FROM Messages", "SELECT * FROM (SELECT * FROM Messages) AS source"}
	var took [2]time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for k := range 2 {
			j := (i + k) % 2
			start := time.Now()
			if got := db.scan(b, queries[j]); got != n {
				b.Fatalf("%s read %d rows, want %d", queries[j], got, n)
			}
			took[j] += time.Since(start)
		}
	}
	rows := float64(b.N) * n
	b.ReportMetric(float64(took[0].Nanoseconds())/rows, "plain-ns/row")
	b.ReportMetric(float64(took[1].Nanoseconds())/rows, "wrapped-ns/row")
	b.ReportMetric(float64(took[1])/float64(took[0]), "wrapped/plain")
}
