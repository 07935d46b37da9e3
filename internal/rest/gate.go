package rest

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// BeforeBody is called once a successful answer's status and headers have
// arrived and before its body is read, with the caller's context: a caller
// that bounds the answers it holds in memory (a parallel range scan) waits
// there for room, so that more requests may be in flight than answers
// held. An answer whose body is not read yet holds no memory of ours: it
// waits in the socket, held back by TCP's flow control. An error ends the
// attempt (the body is closed unread) and the request, unretried. It is
// not called for error answers (read for their message), and is called
// again for each attempt retried after it returned: the callee keeps its
// room across attempts.
type BeforeBody func(ctx context.Context) error

type beforeBodyKey struct{}

// WithBeforeBody returns a context whose list requests (Client.ListPage,
// Client.Get) call gate before reading a successful answer's body.
func WithBeforeBody(ctx context.Context, gate BeforeBody) context.Context {
	return context.WithValue(ctx, beforeBodyKey{}, gate)
}

// Lender gives up a spare buffer (the body of a list page the caller is
// done with, see Page.Body) to read a list page's body into, or returns
// nil. It is called once a request's answer is let in (after BeforeBody)
// and its body is about to be read in one pass, when ListPageDecoded was
// lent no buffer: a caller whose requests wait for room before their
// bodies are read hands its spare buffers to the answers it lets in, not
// to the requests it sends.
type Lender func() []byte

type lenderKey struct{}

// WithLender returns a context whose list pages read in one pass
// (ListPageDecoded with a decoder and no buffer lent) are read into a
// buffer lend gives up, when it fits.
func WithLender(ctx context.Context, lend Lender) context.Context {
	return context.WithValue(ctx, lenderKey{}, lend)
}

// waitBeforeBody calls gate for resp. While it waits, the request no longer
// counts in flight (max_concurrency, a shared limiter's slots): Twilio has
// answered it, and a request waiting on memory must not keep another
// query's requests from being sent (they may be what frees that memory);
// nor does the per-attempt timeout run, which is meant for Twilio's answer,
// not for the caller's wait.
func (t *Transport) waitBeforeBody(ctx context.Context, resp *http.Response, gate BeforeBody, timer *pausableTimeout, free func()) error {
	free()
	if timer != nil {
		timer.pause()
	}
	if err := gate(ctx); err != nil {
		resp.Body.Close()
		return &gateError{err}
	}
	if timer != nil {
		timer.resume()
	}
	return nil
}

// pausableTimeout is a per-attempt timeout that can be stopped while the
// caller waits (see waitBeforeBody). When it fires it cancels the
// attempt's context with context.DeadlineExceeded as the cause, which is
// what net/http reports.
type pausableTimeout struct {
	cancelCause context.CancelCauseFunc
	mu          sync.Mutex
	timer       *time.Timer
	left        time.Duration
	since       time.Time
	done        bool
}

func newPausableTimeout(ctx context.Context, d time.Duration) (context.Context, *pausableTimeout) {
	actx, cancel := context.WithCancelCause(ctx)
	p := &pausableTimeout{cancelCause: cancel, left: d, since: time.Now()}
	p.timer = time.AfterFunc(d, p.fire)
	return actx, p
}

func (p *pausableTimeout) fire() {
	p.mu.Lock()
	p.done = true
	p.mu.Unlock()
	p.cancelCause(context.DeadlineExceeded)
}

func (p *pausableTimeout) fired() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// pause stops the clock; a timeout that fired already stays fired.
func (p *pausableTimeout) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer.Stop() {
		p.left -= time.Since(p.since)
	}
}

// resume starts the clock again with the time that was left.
func (p *pausableTimeout) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.done {
		p.since = time.Now()
		p.timer.Reset(max(p.left, 0))
	}
}

func (p *pausableTimeout) cancel() {
	p.timer.Stop()
	p.cancelCause(context.Canceled)
}

// attemptTimedOut is an attempt's error when its pausable timeout ended it:
// the error net/http returned may say only that the context was cancelled.
type attemptTimedOut struct{ err error }

func (e *attemptTimedOut) Error() string { return e.err.Error() }

func (e *attemptTimedOut) Unwrap() error { return context.DeadlineExceeded }

// gateError is a BeforeBody's error: final, never retried.
type gateError struct{ err error }

func (e *gateError) Error() string { return e.err.Error() }

func (e *gateError) Unwrap() error { return e.err }
