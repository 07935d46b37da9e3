package rest

import (
	"context"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/redistest"
)

// BenchmarkRedisLimiterRoundTrip measures what the shared limiter adds to a
// request: its one round trip to a loopback Redis (turn, pause and, with a
// cap, slot in one pipeline), without the wait for the turn itself.
//
//	go test -run '^$' -bench RedisLimiterRoundTrip ./rest
func BenchmarkRedisLimiterRoundTrip(b *testing.B) {
	srv := redistest.Start(b)
	for _, bc := range []struct {
		name  string
		slots int
	}{{"rate", 0}, {"rate+slot", 1 << 30}} {
		b.Run(bc.name, func(b *testing.B) {
			l, err := NewRedisLimiter(RedisOptions{URL: srv.URL, Key: "bench:" + bc.name, Nodes: MaxNodes, MaxInFlight: bc.slots, LeaseTTL: time.Minute})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			ctx := context.Background()
			if _, _, err := l.reserve(ctx, newLeaseID()); err != nil { // loads the scripts
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				id := ""
				if bc.slots > 0 {
					id = newLeaseID()
				}
				if _, _, err := l.reserve(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
