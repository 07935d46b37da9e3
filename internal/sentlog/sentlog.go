// Package sentlog records when a client starts each request. The emulator
// logs a request once it has worked out the answer, so on a busy machine a
// request cancelled just before a scan stopped may reach its log after the
// scan stopped; a Log on the client's side shows exactly whether anything
// was sent after a moment. Shared by the driver's tests (through testdb)
// and the planner's, which cannot import testdb.
package sentlog

import (
	"net/http"
	"sync"
	"time"
)

// Log is an http.RoundTripper that records the start of each request it
// sends through Next.
type Log struct {
	Next  http.RoundTripper
	mu    sync.Mutex
	times []time.Time
}

// RoundTrip records the request's start and sends it.
func (l *Log) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.times = append(l.times, time.Now())
	l.mu.Unlock()
	return l.Next.RoundTrip(r)
}

// Reset forgets the requests recorded so far.
func (l *Log) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.times = nil
}

// Count is the number of requests started so far.
func (l *Log) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.times)
}

// After is the number of requests started after t.
func (l *Log) After(t time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, at := range l.times {
		if at.After(t) {
			n++
		}
	}
	return n
}
