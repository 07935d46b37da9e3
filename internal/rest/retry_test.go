package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The backoff before a retry is never shorter than the answer's
// Retry-After, however short the exponential delay.
func TestBackoffHonoursRetryAfter(t *testing.T) {
	p := RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	at := func(h string) *http.Response {
		resp := &http.Response{Header: http.Header{}}
		if h != "" {
			resp.Header.Set("Retry-After", h)
		}
		return resp
	}
	tests := []struct {
		name     string
		resp     *http.Response
		min, max time.Duration
	}{
		{"no header", at(""), 0, 5 * time.Millisecond},
		{"no answer", nil, 0, 5 * time.Millisecond},
		{"zero", at("0"), 0, 5 * time.Millisecond},
		{"one second", at("1"), time.Second, time.Second},
		{"three seconds", at("3"), 3 * time.Second, 3 * time.Second},
		{"an HTTP date", at(time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)), 8 * time.Second, 10 * time.Second},
		{"unreadable", at("soon"), 0, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for n := range 4 {
				if got := p.backoff(n, tt.resp); got < tt.min || got > tt.max {
					t.Errorf("backoff(%d) = %v, want %v to %v", n, got, tt.min, tt.max)
				}
			}
		})
	}
}

// A 429 with Retry-After: 1 is retried after at least a second, though
// the policy's own delay is a millisecond.
func TestRetryAfterWaitsBeforeRetry(t *testing.T) {
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		first := len(arrivals) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, tooMany)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base,
		Retry: RetryPolicy{MaxRetries: 3, Timeout: time.Minute, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "Calls.json", nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 2 {
		t.Fatalf("%d requests, want 2", len(arrivals))
	}
	if gap := arrivals[1].Sub(arrivals[0]); gap < time.Second {
		t.Errorf("retried %v after a 429 with Retry-After: 1; want at least 1s", gap)
	}
}

// Against a server that always answers 429, a short retry timeout ends the
// retries early, with Twilio's 429 error and its hint, long before
// MaxRetries would.
func TestRetryTimeoutGivesUp(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, tooMany)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	// Without the timeout, 1000 retries of 50 to 100 ms would take a minute
	// or more; the context's 10 s would end them first.
	const timeout = 300 * time.Millisecond
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base,
		Retry: RetryPolicy{MaxRetries: 1000, Timeout: timeout, BaseDelay: 100 * time.Millisecond, MaxDelay: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.Get(ctx, "Calls.json", nil)
	took := time.Since(start)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("retried until the context's deadline (%v, %d requests): the retry timeout of %v was ignored", took, requests.Load(), timeout)
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusTooManyRequests || e.Code != CodeTooManyRequests {
		t.Fatalf("error = %v, want Twilio's 429 / 20429", err)
	}
	if !strings.Contains(err.Error(), "concurrency limit") {
		t.Errorf("error %q does not say what happened", err)
	}
	// The next wait would pass the deadline: the transport stops before it,
	// so the whole request ends within the timeout (plus slack for a
	// loaded machine), after a few retries.
	if took > timeout+2*time.Second {
		t.Errorf("gave up after %v, want about %v", took, timeout)
	}
	if n := requests.Load(); n < 2 || n > 10 {
		t.Errorf("%d requests in %v, want 2 to 10 (retries of 50-100 ms within %v)", n, took, timeout)
	}
}

// The burst is a tenth of a second's budget, rounded up.
func TestLimiterBurst(t *testing.T) {
	for _, tt := range []struct{ nodes, rate, burst int }{
		{1, 25, 3}, {2, 50, 5}, {3, 75, 8}, {4, 100, 10}, {10, 250, 25}, {50, 1250, 125},
	} {
		l, err := NewLimiter(tt.nodes)
		if err != nil {
			t.Fatal(err)
		}
		if l.Burst() != tt.burst || l.Limit() != float64(tt.rate) || l.Nodes() != tt.nodes {
			t.Errorf("NewLimiter(%d): burst %d, rate %v, nodes %d; want burst %d, rate %d", tt.nodes, l.Burst(), l.Limit(), l.Nodes(), tt.burst, tt.rate)
		}
	}
}

// On a simulated clock, the limiter lets exactly the burst through at once
// and then the rate: over ten seconds, burst + 10 × rate requests.
func TestLimiterHeldRateSimulatedClock(t *testing.T) {
	for _, nodes := range []int{1, 2, 4} {
		l, err := NewLimiter(nodes)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		at := 0
		for l.lim.AllowN(t0, 1) {
			at++
		}
		if at != l.Burst() {
			t.Errorf("nodes=%d: %d requests at once, want the burst %d", nodes, at, l.Burst())
		}
		total := at
		for ms := 1; ms <= 10000; ms++ {
			now := t0.Add(time.Duration(ms) * time.Millisecond)
			for l.lim.AllowN(now, 1) {
				total++
			}
		}
		if want := l.Burst() + 10*RequestsPerNode*nodes; total != want {
			t.Errorf("nodes=%d: %d requests in 10 simulated seconds, want %d", nodes, total, want)
		}
	}
}

// In real time, Wait holds the rate: after the burst, ten more requests at
// 25 per second take at least 0.4 s. The bound is a floor the limiter
// guarantees, so a slow machine cannot break it.
func TestLimiterWaitHoldsRate(t *testing.T) {
	l, err := NewLimiter(1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for range l.Burst() + 10 {
		if err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 390*time.Millisecond || took > 20*time.Second {
		t.Errorf("burst + 10 requests at 25/s took %v, want at least 400ms", took)
	}
}
