package testdb

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
)

// Sent records when the driver starts each request, on the client's side.
// The emulator logs a request once it has worked out the answer, so on a
// busy machine a request cancelled just before a scan stopped may reach its
// log after the scan stopped; Sent shows exactly whether anything was sent
// after a moment.
type Sent struct {
	inner http.RoundTripper
	mu    sync.Mutex
	times []time.Time
}

// RoundTrip records the request's start and sends it.
func (s *Sent) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.times = append(s.times, time.Now())
	s.mu.Unlock()
	return s.inner.RoundTrip(r)
}

// Count is the number of requests started so far.
func (s *Sent) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.times)
}

// After is the number of requests started after t.
func (s *Sent) After(t time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, at := range s.times {
		if at.After(t) {
			n++
		}
	}
	return n
}

// CountSent sends the driver's requests through s (over a transport of its
// own, whose idle connections close with the test).
func CountSent(t testing.TB, s *Sent) Option {
	return Configure(func(c *driver.Config) {
		inner := c.Transport
		if inner == nil {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			inner = tr
		}
		s.inner = inner
		c.Transport = s
	})
}
