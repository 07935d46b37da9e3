package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testAccount = "AC0123456789abcdef0123456789abcdef"

// scripted serves the answers in order, then 200 {"ok":true}.
func scripted(t *testing.T, answers ...func(w http.ResponseWriter)) (*Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(answers) {
			answers[i](w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	c, err := New(Options{
		AccountSid: testAccount, Username: testAccount, Password: "token",
		Base:  base,
		Retry: RetryPolicy{MaxRetries: 3, Timeout: 5 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

func status(code int, body string, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func truncated(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"calls": [{"sid": "CA`)
}

func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

const tooMany = `{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`

func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		answers  []func(http.ResponseWriter)
		requests int32
		err      string // "" for success
		unknown  bool   // OutcomeUnknownError expected
	}{
		{name: "GET 429 then ok", method: "GET", answers: []func(http.ResponseWriter){status(429, tooMany)}, requests: 2},
		{name: "POST 429 then ok", method: "POST", answers: []func(http.ResponseWriter){status(429, tooMany, "Retry-After", "0")}, requests: 2},
		{name: "GET 503 then ok", method: "GET", answers: []func(http.ResponseWriter){status(503, "<html>busy</html>")}, requests: 2},
		{name: "DELETE 500 then ok", method: "DELETE", answers: []func(http.ResponseWriter){status(500, `{"code":20500,"message":"Internal","status":500}`)}, requests: 2},
		{name: "GET truncated then ok", method: "GET", answers: []func(http.ResponseWriter){truncated}, requests: 2},
		{name: "GET reset then ok", method: "GET", answers: []func(http.ResponseWriter){reset}, requests: 2},
		{name: "POST 500 is unknown", method: "POST", answers: []func(http.ResponseWriter){status(500, `{"code":20500,"message":"Internal","status":500}`)}, requests: 1, err: "outcome is unknown", unknown: true},
		{name: "POST reset is unknown", method: "POST", answers: []func(http.ResponseWriter){reset}, requests: 1, err: "outcome is unknown", unknown: true},
		{name: "POST truncated is unknown", method: "POST", answers: []func(http.ResponseWriter){truncated}, requests: 1, err: "outcome is unknown", unknown: true},
		{name: "GET 429 forever", method: "GET", answers: []func(http.ResponseWriter){status(429, tooMany), status(429, tooMany), status(429, tooMany), status(429, tooMany)}, requests: 4, err: "20429"},
		{name: "GET 404 not retried", method: "GET", answers: []func(http.ResponseWriter){status(404, `{"code":20404,"message":"not found","status":404}`)}, requests: 1, err: "20404"},
		{name: "GET 502 html becomes an error", method: "GET", answers: []func(http.ResponseWriter){status(502, "<html>bad gateway</html>"), status(502, "<html>bad gateway</html>"), status(502, "<html>bad gateway</html>"), status(502, "<html>bad gateway</html>")}, requests: 4, err: "502 Bad Gateway with a body that is not a Twilio error: <html>bad gateway</html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, n := scripted(t, tt.answers...)
			ctx := context.Background()
			var err error
			switch tt.method {
			case "GET":
				_, err = c.Get(ctx, "Calls.json", nil)
			case "POST":
				_, err = c.Post(ctx, "Messages.json", url.Values{"Body": {"hi"}})
			case "DELETE":
				err = c.Delete(ctx, "Calls/CA0123456789abcdef0123456789abcdef.json")
			}
			if got := n.Load(); got != tt.requests {
				t.Errorf("requests = %d, want %d", got, tt.requests)
			}
			if tt.err == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.err)
			}
			var unknown *OutcomeUnknownError
			if errors.As(err, &unknown) != tt.unknown {
				t.Errorf("OutcomeUnknownError = %v, want %v (%v)", !tt.unknown, tt.unknown, err)
			}
			if strings.Contains(err.Error(), "token") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestErrorsAs(t *testing.T) {
	c, _ := scripted(t, status(401, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`))
	_, err := c.Get(context.Background(), "Calls.json", nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *Error) = false", err)
	}
	if e.Code != 20003 || e.Status != 401 || e.Message != "Authenticate" || e.MoreInfo == "" {
		t.Errorf("error = %+v", e)
	}
	if !strings.Contains(err.Error(), "check the Account SID and Auth Token") {
		t.Errorf("error %q gives no hint", err)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(429)
		io.WriteString(w, tooMany)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c, _ := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base,
		Retry: RetryPolicy{MaxRetries: 5, Timeout: time.Hour, BaseDelay: time.Second, MaxDelay: time.Minute}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := c.Get(ctx, "Calls.json", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

func TestCancelWhileWaitingOnLimiter(t *testing.T) {
	lim, _ := NewLimiter(1)
	c, _ := scripted(t)
	c.rt.(*Transport).Limiter = lim
	// Use up the burst so the next request must wait.
	for range lim.Burst() {
		_ = lim.Wait(context.Background())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, "Calls.json", nil); err == nil {
		t.Fatal("want an error from a cancelled wait")
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		h    string
		want time.Duration
		ok   bool
	}{{"3", 3 * time.Second, true}, {"", 0, false}, {"soon", 0, false}, {"0", 0, true}} {
		got, ok := retryAfter(tt.h)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func TestLimiterBounds(t *testing.T) {
	for _, n := range []int{0, 51} {
		if _, err := NewLimiter(n); err == nil {
			t.Errorf("NewLimiter(%d) accepted", n)
		}
	}
	l, err := NewLimiter(4)
	if err != nil || l.Limit() != 100 {
		t.Fatalf("NewLimiter(4) = %v, %v; want 100/s", l.Limit(), err)
	}
}
