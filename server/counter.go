package server

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// The driver logs each HTTP request it makes to Twilio at DEBUG, with the
// statement's context. CountRequests wraps the driver's log handler so
// that records of a statement the server runs are counted for its log
// line, whatever level the driver itself logs at; every other record goes
// to next as before.

type requestCounterKey struct{}

func withRequestCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, requestCounterKey{}, n)
}

// requestMessage is the driver's log message for one request to Twilio.
const requestMessage = "twilio request"

// CountRequests returns a slog.Handler to give the driver (Config.Logger)
// so that the server's statement log can say how many Twilio requests each
// statement made.
func CountRequests(next slog.Handler) slog.Handler { return countingHandler{next: next} }

type countingHandler struct{ next slog.Handler }

func (h countingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if l == slog.LevelDebug && ctx != nil && ctx.Value(requestCounterKey{}) != nil {
		return true
	}
	return h.next.Enabled(ctx, l)
}

func (h countingHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == requestMessage && ctx != nil {
		if n, ok := ctx.Value(requestCounterKey{}).(*atomic.Int64); ok {
			n.Add(1)
		}
	}
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h countingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return countingHandler{next: h.next.WithAttrs(attrs)}
}

func (h countingHandler) WithGroup(name string) slog.Handler {
	return countingHandler{next: h.next.WithGroup(name)}
}
