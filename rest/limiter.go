package rest

import (
	"context"
	"fmt"

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
