package testdb

import (
	"net/http"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/sentlog"
)

// Sent records when the driver starts each request, on the client's side
// (sentlog.Log): unlike the emulator's log, it shows exactly whether
// anything was sent after a moment.
type Sent = sentlog.Log

// CountSent sends the driver's requests through s (over a transport of its
// own, whose idle connections close with the test).
func CountSent(t testing.TB, s *Sent) Option {
	return Configure(func(c *driver.Config) {
		next := c.Transport
		if next == nil {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			t.Cleanup(tr.CloseIdleConnections)
			next = tr
		}
		s.Next = next
		c.Transport = s
	})
}
