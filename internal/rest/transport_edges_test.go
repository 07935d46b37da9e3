package rest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A POST retried after a 429 sends its form again, whole.
func TestRetriedPostResendsBody(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, tooMany)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"sid":"SM1"}`)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base,
		Retry: RetryPolicy{MaxRetries: 2, Timeout: 5 * time.Second, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Post(context.Background(), "Messages.json", url.Values{"Body": {"hello there"}, "To": {"+1555"}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := "Body=hello+there&To=%2B1555"
	if len(bodies) != 2 || bodies[0] != want || bodies[1] != want {
		t.Errorf("bodies sent %q, want %q twice", bodies, want)
	}
}

// Base replaces the host even when the scheme is the same (https to an
// https emulator).
func TestBaseRewritesHostOverHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base, Transport: srv.Client().Transport})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if body, err := c.Get(ctx, "Calls.json", nil); err != nil || string(body) != `{"ok":true}` {
		t.Fatalf("Get = %s, %v; want the TLS emulator's answer", body, err)
	}
}

// Every 4xx and 5xx body that is not Twilio's JSON becomes a Twilio-shaped
// error naming the status; an excerpt of exactly the limit is not cut.
func TestErrorBodiesNormalized(t *testing.T) {
	exact := strings.Repeat("x", 120)
	for _, tt := range []struct {
		status int
		body   string
		want   string
	}{
		{400, "<html>bad request</html>", "HTTP 400 Bad Request with a body that is not a Twilio error: <html>bad request</html>"},
		{404, "", "HTTP 404 Not Found with a body that is not a Twilio error"},
		{400, exact, "not a Twilio error: " + exact},
		{400, exact + "y", "not a Twilio error: " + exact + "…"},
	} {
		c, _ := scripted(t, status(tt.status, tt.body))
		_, err := c.Get(context.Background(), "Calls.json", nil)
		var e *Error
		if !errors.As(err, &e) || e.Status != tt.status || !strings.HasSuffix(e.Message, tt.want) {
			t.Errorf("%d %q: error %v, want a %d whose message ends %q", tt.status, tt.body, err, tt.status, tt.want)
		}
	}
}

// A 2xx answer without a body (DELETE's 204) is a success, not a body
// cut short: one request, no retry.
func TestEmptySuccessBody(t *testing.T) {
	c, n := scripted(t, func(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) })
	if err := c.Delete(context.Background(), "Calls/CA0123456789abcdef0123456789abcdef.json"); err != nil {
		t.Fatalf("DELETE answered 204: %v", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("%d requests, want 1", got)
	}
}

// A POST that could not connect was never sent: it is not an "outcome
// unknown" error, whose advice (check the resource first) would mislead.
func TestRefusedPostIsNotOutcomeUnknown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	base, _ := url.Parse("http://" + addr)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Post(context.Background(), "Messages.json", url.Values{"Body": {"hi"}})
	var unknown *OutcomeUnknownError
	if err == nil || errors.As(err, &unknown) {
		t.Fatalf("error = %v, want a connection error that is not OutcomeUnknownError", err)
	}
}

// roundTripFunc is an http.RoundTripper from a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Base replaces the scheme even when the host is Twilio's own (a plain-HTTP
// stand-in on api.twilio.com).
func TestBaseRewritesSchemeOnSameHost(t *testing.T) {
	var got atomic.Value
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got.Store(r.URL.Scheme + "://" + r.URL.Host)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})
	base, _ := url.Parse("http://api.twilio.com")
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base, Transport: next})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), "Calls.json", nil); err != nil {
		t.Fatal(err)
	}
	if got.Load() != "http://api.twilio.com" {
		t.Errorf("request went to %v, want http://api.twilio.com", got.Load())
	}
}

// A 3xx answer is passed on as it is (redirects are not followed), even
// with a body that is not JSON: only a 2xx body must be JSON.
func TestRedirectAnswerNotRetried(t *testing.T) {
	c, n := scripted(t, status(http.StatusMultipleChoices, "<html>choose</html>"))
	_, _ = c.Get(context.Background(), "Calls.json", nil)
	if got := n.Load(); got != 1 {
		t.Errorf("%d requests for a 300 answer, want 1 (not retried as a truncated body)", got)
	}
}
