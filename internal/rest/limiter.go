package rest

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/time/rate"
)

// RequestsPerNode is Twilio's request budget per node of a connection.
const RequestsPerNode = 25

// MaxNodes bounds the nodes a connection may claim.
const MaxNodes = 50

// Limiter spreads requests to 25 per second per node. One Limiter serves every
// connection of a *sql.DB, so the budget holds however many connections the
// pool opens.
type Limiter struct {
	nodes int
	lim   *rate.Limiter
}

// NewLimiter returns a limiter for nodes × 25 requests per second. Its burst
// is a tenth of a second's budget: a short query starts at once, and no
// window of a second or more sees more than 10% above the rate.
func NewLimiter(nodes int) (*Limiter, error) {
	if nodes < 1 || nodes > MaxNodes {
		return nil, fmt.Errorf("twilio: nodes %d is out of range: use 1 to %d", nodes, MaxNodes)
	}
	perSecond := RequestsPerNode * nodes
	burst := (perSecond + 9) / 10
	return &Limiter{nodes: nodes, lim: rate.NewLimiter(rate.Limit(perSecond), burst)}, nil
}

// Burst is how many requests may go at once after a quiet spell.
func (l *Limiter) Burst() int { return l.lim.Burst() }

// Wait blocks until a request may be sent or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error { return l.lim.Wait(ctx) }

// Nodes is the node count the limiter was built for.
func (l *Limiter) Nodes() int { return l.nodes }

// Limit is the sustained rate in requests per second.
func (l *Limiter) Limit() float64 { return float64(l.lim.Limit()) }

// RequestLimiter decides when each attempt of a request may go out. The
// Transport takes either the process-local *Limiter or a *RedisLimiter
// whose budget is shared by every process using the same Redis key.
type RequestLimiter interface {
	// Acquire blocks until one attempt may be sent, or ctx is done. The
	// caller calls release once the attempt's answer has been read.
	Acquire(ctx context.Context) (release func(), err error)
	// Throttled reports that Twilio answered 429 and asked for a wait of d.
	Throttled(d time.Duration)
}

// Acquire waits on the rate; a local limiter holds nothing to release.
func (l *Limiter) Acquire(ctx context.Context) (func(), error) {
	if err := l.lim.Wait(ctx); err != nil {
		return nil, err
	}
	return func() {}, nil
}

// Throttled does nothing: the retry's own backoff slows this process, and
// no other process shares a local limiter.
func (l *Limiter) Throttled(time.Duration) {}

var _ RequestLimiter = (*Limiter)(nil)
