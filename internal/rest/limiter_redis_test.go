package rest

import (
	"bytes"
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/twiliosql/twiliosql/internal/redistest"
)

// newTestRedisLimiter returns a limiter on srv, closed at the test's end.
func newTestRedisLimiter(t *testing.T, srv *redistest.Server, opts RedisOptions) *RedisLimiter {
	t.Helper()
	opts.URL = srv.URL
	if opts.Key == "" {
		opts.Key = "test:" + t.Name()
	}
	if opts.Nodes == 0 {
		opts.Nodes = 1
	}
	l, err := NewRedisLimiter(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// roundTrips counts what a limiter sends to Redis: pipelines and single
// commands, the background goroutine's ZREMs and renewals apart.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if ctx.Value(companionKey{}) != nil || cmd.Name() == "evalsha" || cmd.Name() == "eval" {
			if !(len(cmd.Args()) > 1 && cmd.Args()[1] == renewScript.Hash()) {
				r.n.Add(1)
			}
		}
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

func TestRedisLimiterSharedRate(t *testing.T) {
	verifyNoLeak(t)
	srv := redistest.Start(t)
	// Two limiters on one key (two processes, as far as Redis can tell),
	// eight goroutines each, for a budget of 25/s: together they hold 25/s.
	a := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 1})
	b := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 2200*time.Millisecond)
	defer cancel()
	var mu sync.Mutex
	var times []time.Time
	var wg sync.WaitGroup
	start := time.Now()
	for _, l := range []*RedisLimiter{a, b} {
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					release, err := l.Acquire(ctx)
					if err != nil {
						return
					}
					release()
					mu.Lock()
					times = append(times, time.Now())
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	// The first 200 ms hold the burst (3); then 25/s.
	from, to := start.Add(200*time.Millisecond), start.Add(2*time.Second)
	n := 0
	for _, at := range times {
		if at.After(from) && !at.After(to) {
			n++
		}
	}
	perSecond := float64(n) / to.Sub(from).Seconds()
	if perSecond < 25*0.9 || perSecond > 25*1.1 {
		t.Fatalf("two limiters on one key sent %.1f requests/s together, want 25 ± 10%%", perSecond)
	}
	if !a.Shared() || !b.Shared() {
		t.Fatal("a limiter left Redis while it was up")
	}
}

func TestRedisLimiterOneRoundTripPerRequest(t *testing.T) {
	srv := redistest.Start(t)
	for _, slots := range []int{0, 4} {
		l := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 50, MaxInFlight: slots, Key: "rt:" + t.Name() + string(rune('0'+slots))})
		// Load the scripts first: a fresh Redis answers NOSCRIPT once.
		release, err := l.Acquire(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		release()
		var rt roundTrips
		l.rdb.AddHook(&rt)
		const requests = 40
		for range requests {
			release, err := l.Acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			release()
			// Releases go out in the background: give this one the time a
			// request's answer would take, so a slot is free for the next.
			time.Sleep(2 * time.Millisecond)
		}
		if got := rt.n.Load(); got != requests {
			t.Errorf("max in flight %d: %d requests took %d round trips to Redis, want one each", slots, requests, got)
		}
	}
}

func TestRedisLimiterSlotsOfADeadProcessExpire(t *testing.T) {
	srv := redistest.Start(t)
	const ttl = 400 * time.Millisecond
	opts := RedisOptions{Nodes: 50, MaxInFlight: 2, LeaseTTL: ttl, Key: "slots"}
	dead := newTestRedisLimiter(t, srv, opts)
	for range 2 {
		if _, err := dead.Acquire(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	dead.Close() // it dies holding both slots: no release, no renewal

	live := newTestRedisLimiter(t, srv, opts)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*ttl)
	defer cancel()
	release, err := live.Acquire(ctx)
	if err != nil {
		t.Fatalf("no slot came back within %v: %v", 5*ttl, err)
	}
	waited := time.Since(start)
	if waited < ttl/2 {
		t.Fatalf("a slot came free after %v, before the dead process's leases (%v) expired: the cap did not hold", waited, ttl)
	}
	// A live holder keeps its lease past the TTL by renewing it: with one
	// slot held for 3 TTLs, a second limiter gets one slot, not two.
	other := newTestRedisLimiter(t, srv, opts)
	time.Sleep(3 * ttl)
	r2, err := other.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), ttl)
	defer cancel2()
	if _, err := other.Acquire(short); err == nil {
		t.Fatal("a third slot was granted with a cap of 2: a renewed lease expired")
	}
	release()
	r2()
}

func TestRedisLimiterThrottledPausesEveryProcess(t *testing.T) {
	srv := redistest.Start(t)
	a := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 50, Key: "pause"})
	b := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 50, Key: "pause"})
	a.Throttled(400 * time.Millisecond)
	start := time.Now()
	release, err := b.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Fatalf("the other process waited %v after a 429 asked for 400ms", waited)
	}
	// A shorter pause does not cut a longer one.
	a.Throttled(time.Second)
	b.Throttled(10 * time.Millisecond)
	pttl, err := srv.Reply("PTTL pause:pause")
	if ms, _ := strconv.Atoi(pttl); err != nil || ms < 800 {
		t.Fatalf("PTTL after a 1s then a 10ms pause = %q, %v; want about 1000", pttl, err)
	}
}

func TestRedisLimiterFallsBackAndReturns(t *testing.T) {
	verifyNoLeak(t)
	srv := redistest.Start(t)
	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	l := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 2, MaxInFlight: 4, FallbackReplicas: 4, Logger: logger, Password: "NeverPrintMe"})
	acquire := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		release, err := l.Acquire(ctx)
		if err != nil {
			t.Fatalf("Acquire failed: %v", err)
		}
		release()
	}
	acquire()
	srv.Stop()
	for range 20 {
		acquire() // never fails: the local fallback takes over
	}
	if l.Shared() {
		t.Fatal("still shared with Redis stopped")
	}
	if got := strings.Count(logs.String(), "level=WARN"); got != 1 {
		t.Fatalf("%d WARN lines for one outage, want 1:\n%s", got, logs.String())
	}
	if got := l.fallback.Limit(); got != 50.0/4 {
		t.Fatalf("fallback rate %v, want 50/4", got)
	}
	srv.Restart()
	deadline := time.Now().Add(3 * time.Second)
	for !l.Shared() {
		if time.Now().After(deadline) {
			t.Fatal("the limiter did not return to Redis within 3s of its restart")
		}
		acquire()
		time.Sleep(20 * time.Millisecond)
	}
	acquire()
	if !strings.Contains(logs.String(), "level=INFO") || strings.Contains(logs.String(), "NeverPrintMe") {
		t.Fatalf("want an INFO line on return and no password:\n%s", logs.String())
	}
	l.Close()
}

func TestNewRedisLimiterRefuses(t *testing.T) {
	for _, tc := range []struct{ name, url string }{
		{"scheme", "http://127.0.0.1:6379"},
		{"password", "redis://u:NeverPrintMe@127.0.0.1:6379/0"},
		{"no host", "redis:///0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewRedisLimiter(RedisOptions{URL: tc.url, Key: "k", Nodes: 1})
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), "NeverPrintMe") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}

// verifyNoLeak checks at the very end of t (after the other cleanups have
// stopped Redis and closed the limiters) that no goroutine was left behind.
func verifyNoLeak(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// lockedBuffer is a bytes.Buffer that a logger may write from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRedisLimiterReleasesAfterABlink(t *testing.T) {
	srv := redistest.Start(t)
	l := newTestRedisLimiter(t, srv, RedisOptions{Nodes: 50, MaxInFlight: 2, LeaseTTL: time.Minute, Key: "blink"})
	release, err := l.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Redis stops answering for 1.5 s (it keeps its data): the release
	// times out, and must reach Redis once it answers again rather than
	// wait a minute for the lease to expire.
	if err := srv.Do("CLIENT PAUSE 1500 ALL", "OK"); err != nil {
		t.Fatal(err)
	}
	release()
	deadline := time.Now().Add(4 * time.Second)
	for {
		n, err := srv.Reply("ZCARD blink:slots")
		if err == nil && n == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the lease released during the blink is still in Redis (ZCARD %s, %v)", n, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if l.Shared() != true {
		t.Fatal("the limiter did not return to Redis after the blink")
	}
}
