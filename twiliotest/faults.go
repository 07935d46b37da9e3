package twiliotest

import (
	"context"
	"crypto/tls"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Faults makes the server misbehave on purpose. Each float field is the
// probability, in [0,1], that an authenticated API request gets that fault
// (401s never do). The kinds are tried in the order listed: if they add up
// to more than 1, the later ones get what is left. Draws are a pure
// function of the server's seed and of the count of requests since
// SetFaults, so a sequential run is reproducible.
//
// The 429, 500, 503 and reset faults answer without processing the
// request. Truncate serves it (a write is applied) and cuts the JSON body
// at a random point, with a matching Content-Length. Reset closes the TCP
// connection; with HTTP/2 or without a connection (Handler called
// directly) it panics with http.ErrAbortHandler instead.
type Faults struct {
	TooManyRequests           float64       // 429, code 20429, without Retry-After
	TooManyRequestsRetryAfter float64       // 429, code 20429, with Retry-After
	RetryAfter                time.Duration // that header, rounded up to seconds: 0 means 1s, negative sends "0"
	InternalError             float64       // 500, code 20500
	Unavailable               float64       // 503 with an HTML body, as a load balancer sends
	Reset                     float64       // the connection is closed without an answer
	Truncate                  float64       // the answer's body is cut short
	Delay                     float64       // the answer is held DelayDuration, then sent as usual
	DelayDuration             time.Duration // how long Delay holds the answer
	ApplyThenFail             float64       // POST, DELETE: a write that succeeds is then answered 500 or reset, alternately
	Methods                   []string      // methods faults hit (any case); empty means all
}

// Fault names, as logged in Request.Fault.
const (
	FaultTooManyRequests           = "429"
	FaultTooManyRequestsRetryAfter = "429-retry-after"
	FaultInternalError             = "500"
	FaultUnavailable               = "503"
	FaultReset                     = "reset"
	FaultTruncate                  = "truncate"
	FaultDelay                     = "delay"
	FaultApplyThenFail             = "apply-then-fail"
)

// Write is one create, update or delete applied to the store.
type Write struct {
	Method string
	Path   string
	Form   url.Values
	Sid    string // the row created, updated or deleted (for Call Feedback, the call)
}

// Stats counts what the server did.
type Stats struct {
	Requests    int // requests received, rejected ones included (ResetRequests keeps it)
	Throttled   int // answered 429 by the rate or concurrency cap
	Faulted     int // hit by an injected fault
	MaxInFlight int // most authenticated requests served at once (past the caps)
}

// WithFaults injects faults from the start; see SetFaults.
func WithFaults(f Faults) Option { return func(c *config) { c.faults = cloneFaults(f) } }

// WithLatency delays every answer by fixed plus a uniform random duration
// in [0,jitter); see SetLatency.
func WithLatency(fixed, jitter time.Duration) Option {
	return func(c *config) { c.latFixed, c.latJitter = fixed, jitter }
}

// WithRateLimit answers 429 (code 20429) to authenticated requests above
// rps per second, with bursts of burst; see SetRateLimit.
func WithRateLimit(rps float64, burst int) Option {
	return func(c *config) { c.rps, c.burst = rps, burst }
}

// WithMaxConcurrent answers 429 (code 20429) to an authenticated request
// arriving while n are being served, as Twilio's concurrency limit does;
// see SetMaxConcurrent.
func WithMaxConcurrent(n int) Option { return func(c *config) { c.maxConc = n } }

// SetFaults replaces the injected faults (the zero Faults turns them off)
// and restarts the draws, so the same requests sent after it meet the same
// faults. It panics if a probability is outside [0,1].
func (s *Server) SetFaults(f Faults) {
	f = cloneFaults(f)
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"TooManyRequests", f.TooManyRequests}, {"TooManyRequestsRetryAfter", f.TooManyRequestsRetryAfter},
		{"InternalError", f.InternalError}, {"Unavailable", f.Unavailable}, {"Reset", f.Reset},
		{"Truncate", f.Truncate}, {"Delay", f.Delay}, {"ApplyThenFail", f.ApplyThenFail},
	} {
		if !(p.v >= 0 && p.v <= 1) {
			panic(fmt.Sprintf("twiliotest: Faults.%s = %v, want a probability in [0,1]", p.name, p.v))
		}
	}
	ch := &s.chaos
	ch.mu.Lock()
	ch.faults = f
	ch.draws, ch.failures = 0, 0
	ch.mu.Unlock()
}

// SetLatency delays every answer by fixed plus a uniform random duration in
// [0,jitter); zero values turn it off. If the client goes away meanwhile,
// the request is dropped unanswered and unprocessed.
func (s *Server) SetLatency(fixed, jitter time.Duration) {
	ch := &s.chaos
	ch.mu.Lock()
	ch.fixed, ch.jitter = max(fixed, 0), max(jitter, 0)
	ch.mu.Unlock()
}

// SetRateLimit answers 429 (code 20429), without processing, to
// authenticated requests above rps per second, allowing bursts of burst
// (at least 1). The bucket starts full. rps <= 0 removes the limit.
func (s *Server) SetRateLimit(rps float64, burst int) {
	var l *rate.Limiter
	if rps > 0 {
		l = rate.NewLimiter(rate.Limit(rps), max(burst, 1))
	}
	s.chaos.limiter.Store(l)
}

// SetMaxConcurrent answers 429 (code 20429), without processing, to an
// authenticated request arriving while n are being served. n <= 0 removes
// the limit.
func (s *Server) SetMaxConcurrent(n int) { s.chaos.maxConc.Store(int64(max(n, 0))) }

// Applied returns every create, update and delete applied to the store so
// far (the writes answered 2xx, and those hit by Truncate or
// ApplyThenFail), in the order applied.
func (s *Server) Applied() []Write {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Write, len(s.applied))
	for i, w := range s.applied {
		w.Form = cloneValues(w.Form)
		out[i] = w
	}
	return out
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	ch := &s.chaos
	return Stats{
		Requests:    int(ch.requests.Load()),
		Throttled:   int(ch.throttled.Load()),
		Faulted:     int(ch.faulted.Load()),
		MaxInFlight: int(ch.maxInFlight.Load()),
	}
}

// chaos holds the fault, latency and rate settings and the counters.
type chaos struct {
	seed uint64

	mu            sync.Mutex // guards the fields below
	faults        Faults
	draws         uint64 // fault draws since SetFaults
	failures      uint64 // ApplyThenFail faults since SetFaults
	fixed, jitter time.Duration
	latDraws      uint64

	limiter atomic.Pointer[rate.Limiter] // nil: no rate cap
	maxConc atomic.Int64                 // 0: no concurrency cap

	inFlight, maxInFlight        atomic.Int64
	requests, throttled, faulted atomic.Int64
}

const (
	faultStream   = 0x9e3779b97f4a7c15
	latencyStream = 0xd1b54a32d192ed03
)

func (c *config) applyChaos(s *Server) {
	s.chaos.seed = uint64(c.seed)
	s.SetFaults(c.faults)
	s.SetLatency(c.latFixed, c.latJitter)
	s.SetRateLimit(c.rps, c.burst)
	s.SetMaxConcurrent(c.maxConc)
}

func cloneFaults(f Faults) Faults {
	f.Methods = append([]string(nil), f.Methods...)
	return f
}

// latency draws the wait before an answer.
func (ch *chaos) latency() time.Duration {
	ch.mu.Lock()
	fixed, jitter := ch.fixed, ch.jitter
	ch.latDraws++
	n := ch.latDraws
	ch.mu.Unlock()
	if jitter <= 0 {
		return fixed
	}
	r := rand.New(rand.NewPCG(ch.seed^latencyStream, n))
	return fixed + time.Duration(r.Int64N(int64(jitter)))
}

// admit takes a slot for an authenticated request, or reports that the
// concurrency or rate cap refuses it.
func (ch *chaos) admit() bool {
	n := ch.inFlight.Add(1)
	if limit := ch.maxConc.Load(); limit > 0 && n > limit {
		ch.inFlight.Add(-1)
		return false
	}
	if l := ch.limiter.Load(); l != nil && !l.Allow() {
		ch.inFlight.Add(-1)
		return false
	}
	for {
		m := ch.maxInFlight.Load()
		if n <= m || ch.maxInFlight.CompareAndSwap(m, n) {
			return true
		}
	}
}

func (ch *chaos) release() { ch.inFlight.Add(-1) }

// fault is the fault drawn for one request.
type fault struct {
	name  string // "" for none
	delay time.Duration
	retry time.Duration // Retry-After
	reset bool          // ApplyThenFail: reset rather than 500
	rng   *rand.Rand    // for the Truncate cut
}

// draw picks the fault of an authenticated request.
func (ch *chaos) draw(method string) fault {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	f := &ch.faults
	probs := []struct {
		p    float64
		name string
	}{
		{f.TooManyRequests, FaultTooManyRequests}, {f.TooManyRequestsRetryAfter, FaultTooManyRequestsRetryAfter},
		{f.InternalError, FaultInternalError}, {f.Unavailable, FaultUnavailable}, {f.Reset, FaultReset},
		{f.Truncate, FaultTruncate}, {f.Delay, FaultDelay}, {f.ApplyThenFail, FaultApplyThenFail},
	}
	total := 0.0
	for _, p := range probs {
		total += p.p
	}
	if total == 0 {
		return fault{}
	}
	ch.draws++
	r := rand.New(rand.NewPCG(ch.seed, ch.draws^faultStream))
	u := r.Float64()
	if len(f.Methods) > 0 && !containsFold(f.Methods, method) {
		return fault{}
	}
	name := ""
	for _, p := range probs {
		if u < p.p {
			name = p.name
			break
		}
		u -= p.p
	}
	out := fault{name: name, rng: r}
	switch name {
	case FaultDelay:
		out.delay = max(f.DelayDuration, 0)
	case FaultTooManyRequestsRetryAfter:
		out.retry = f.RetryAfter
	case FaultApplyThenFail:
		if method == http.MethodGet || method == http.MethodHead {
			return fault{}
		}
		ch.failures++
		out.reset = ch.failures%2 == 0
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// wait sleeps d, or until the request's context is done; it reports
// whether the whole wait elapsed.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func errTooManyRequests() *apiError {
	return newError(http.StatusTooManyRequests, codeTooManyRequests, "Too Many Requests")
}

func errInternal() *apiError {
	return newError(http.StatusInternalServerError, codeInternalError, "Internal Server Error")
}

// unavailableHTML is what a load balancer answers with 503.
const unavailableHTML = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n" +
	"<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"

// retryAfterHeader renders Faults.RetryAfter in whole seconds.
func retryAfterHeader(d time.Duration) string {
	switch {
	case d < 0:
		return "0"
	case d == 0:
		return "1"
	}
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}

// resetConn closes the client's connection without answering, with a TCP
// reset when it can.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 or no connection: abort the stream
	}
	nc := conn
	if tc, ok := conn.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	if tcp, ok := nc.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	nc.Close()
}
