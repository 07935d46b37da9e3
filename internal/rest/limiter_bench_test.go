package rest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkLimiterRate measures the request rate the limiter holds over a
// ten-second run, with more workers than the budget can serve, at nodes 1, 2
// and 4. It reports req/s and the ratio to 25 × nodes (target: within 5%).
// Each sub-benchmark runs once whatever b.N is: run with -benchtime=1x.
//
//	go test -run XXX -bench LimiterRate -benchtime 1x ./rest
func BenchmarkLimiterRate(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	window := 10 * time.Second
	if testing.Short() {
		window = 2 * time.Second
	}
	for _, nodes := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			lim, _ := NewLimiter(nodes)
			c, _ := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base, Limiter: lim})
			ctx, cancel := context.WithTimeout(context.Background(), window)
			defer cancel()
			var sent atomic.Int64
			var wg sync.WaitGroup
			start := time.Now()
			for range 16 {
				wg.Go(func() {
					for {
						if _, err := c.Get(ctx, "Calls.json", nil); err != nil {
							return
						}
						sent.Add(1)
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			rate := float64(sent.Load()) / elapsed.Seconds()
			target := float64(RequestsPerNode * nodes)
			b.ReportMetric(rate, "req/s")
			b.ReportMetric(rate/target, "ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}
