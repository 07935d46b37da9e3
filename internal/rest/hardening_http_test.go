package rest

// Regression tests of issue 14 ("hardening") in the HTTP layer.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Item 9: an answer's body is bounded once decompressed, so neither an
// endless body nor a gzip bomb can exhaust memory; both fail fast with an
// error naming max_response_bytes. The servers count what they got to
// send before the client hung up: far less than the 3 GB on offer.
func TestHardening9_ResponseBodyBounded(t *testing.T) {
	const threeGB = 3 << 30
	chunk := []byte(strings.Repeat(" ", 1<<20))
	// The bomb is gzip members, concatenated (RFC 1952 allows it): one with
	// the page's start, then one 4 MiB member of spaces (a few KiB
	// compressed) repeated, so the server spends no time compressing.
	var head, member bytes.Buffer
	zw := gzip.NewWriter(&head)
	io.WriteString(zw, `{"calls":[`)
	zw.Close()
	zw, _ = gzip.NewWriterLevel(&member, gzip.BestCompression)
	for range 4 {
		zw.Write(chunk)
	}
	zw.Close()
	var sent atomic.Int64 // uncompressed bytes written
	endless := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"calls":[`)
		for sent.Load() < threeGB {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
			sent.Add(int64(len(chunk)))
		}
	}
	bomb := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(head.Bytes())
		for sent.Load() < threeGB {
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
			sent.Add(4 << 20)
		}
	}
	announced := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "3221225472")
		io.WriteString(w, `{"calls":[`)
	}
	for name, answer := range map[string]func(http.ResponseWriter){"3 GB streamed": endless, "gzip bomb": bomb, "3 GB announced": announced} {
		t.Run(name, func(t *testing.T) {
			sent.Store(0)
			c, n := scripted(t, answer, answer)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := c.Get(context.Background(), "Calls.json", nil)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "max_response_bytes=67108864 (64 MiB)") {
				t.Fatalf("error = %v, want the max_response_bytes limit named", err)
			}
			if n.Load() != 1 {
				t.Errorf("%d requests: an answer over the limit is not retried", n.Load())
			}
			// (A bomb's 3 GB is a few MiB on the wire: it all fits in the
			// socket buffers, so only memory tells there.)
			if got := sent.Load(); name != "gzip bomb" && got > 1<<30 {
				t.Errorf("the server sent %d MiB before the client stopped", got>>20)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 512<<20 {
				t.Errorf("allocated %d MiB for one answer", alloc>>20)
			}
			// A guard against hanging, not a speed target: reading 3 GB
			// took minutes before the bound.
			if took > 2*time.Minute {
				t.Errorf("took %v", took)
			}
			t.Logf("failed after %v, %d MiB sent, %d MiB allocated", took, sent.Load()>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

// Item 15: a 200 whose body is an HTML page or other non-JSON text is
// reported for what it is (content type, first bytes); a JSON body that
// ends early is still "cut short" and retried.
func TestHardening15_NotJSONAnswerNamed(t *testing.T) {
	page := status(200, "<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi</body></html>", "Content-Type", "text/html; charset=utf-8")
	c, n := scripted(t, page, page)
	_, err := c.Get(context.Background(), "Calls.json", nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"not JSON", "text/html", "<!DOCTYPE html><html><body>Sign in"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "cut short") {
		t.Errorf("an HTML page is called truncated: %v", err)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests: a page that is not JSON comes again, it is not retried", n.Load())
	}

	garbage := status(200, `{"calls": [] } trailing words`, "Content-Type", "application/json")
	c, _ = scripted(t, garbage, garbage, garbage, garbage)
	if _, err := c.Get(context.Background(), "Calls.json", nil); err == nil || !strings.Contains(err.Error(), "not JSON") || !strings.Contains(err.Error(), "application/json") {
		t.Errorf("invalid JSON: error = %v, want it called not JSON with its content type", err)
	}

	// Truncated JSON: retried, and then served whole.
	c, n = scripted(t, truncated)
	if _, err := c.Get(context.Background(), "Calls.json", nil); err != nil {
		t.Errorf("truncated then whole: %v", err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want the truncated answer retried once", n.Load())
	}
	c, _ = scripted(t, truncated, truncated, truncated, truncated)
	_, err = c.Get(context.Background(), "Calls.json", nil)
	if err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("always truncated: error = %v, want it called cut short", err)
	}
	var unknown *OutcomeUnknownError
	if errors.As(err, &unknown) {
		t.Errorf("a GET is never of unknown outcome: %v", err)
	}
}

// Item 6, tunnels: a proxy that refuses a CONNECT and echoes the
// Proxy-Authorization it got does not get the credentials into the error.
func TestHardening6_ConnectRefusalScrubbed(t *testing.T) {
	const user, pass = "svc", "tunnel-s3cret"
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Get("Proxy-Authorization")
		plain, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, "Basic "))
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "denied for %s = %s (%s)", v, plain, url.QueryEscape(v))
	}))
	defer proxy.Close()
	u, _ := url.Parse(proxy.URL)
	rt, err := NewProxyTransport(nil, ProxySettings{URL: u, Auth: ProxyAuthBasic, User: user, Password: pass, SSL: ProxySSLTunnel})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://twilio.invalid/", nil)
	_, err = rt.RoundTrip(req)
	if err == nil || !strings.Contains(err.Error(), "denied for") {
		t.Fatalf("error = %v, want the proxy's answer quoted", err)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	for _, secret := range []string{pass, b64, url.QueryEscape(b64)} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds %q: %v", secret, err)
		}
	}
}

// Item 6, every encoding: scrub hides the credentials behind a Basic
// header in the forms a server may echo them in, and leaves the rest.
func TestHardening6_ScrubForms(t *testing.T) {
	const user, pass = "AC0123456789abcdef0123456789abcdef", "p+ss/w=rd&more"
	header := "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	tok := strings.TrimPrefix(header, "Basic ")
	forms := []string{header, tok, url.QueryEscape(tok), strings.ReplaceAll(url.QueryEscape(tok), "%3D", "%3d"),
		user + ":" + pass, pass, url.QueryEscape(pass), url.PathEscape(pass), base64.StdEncoding.EncodeToString([]byte(pass)),
		base64.RawURLEncoding.EncodeToString([]byte(user + ":" + pass))}
	for _, f := range forms {
		got := scrub("before "+f+" after", []string{header}, nil)
		if got != "before "+scrubbed+" after" {
			t.Errorf("scrub(%q) = %q", f, got)
		}
		if got := scrub("x "+f, nil, []credential{{user, pass}}); strings.Contains(got, pass) || got == "x "+f {
			t.Errorf("scrub by credential (%q) = %q", f, got)
		}
	}
	if got := scrub("account "+user+" not found", []string{header}, []credential{{user, pass}}); got != "account "+user+" not found" {
		t.Errorf("the account SID alone is not a secret: %q", got)
	}
}

// Items 2 and 14 in the HTTP layer: the per-attempt timeout and the
// caller's deadline both end a POST as outcome unknown, with a message that
// says which and names the real host.
func TestHardening2_PostTimeoutsAreOutcomeUnknown(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	base, _ := url.Parse(srv.URL)
	for _, tt := range []struct {
		name        string
		timeout     time.Duration
		ctxDeadline time.Duration
		says        string
	}{
		{"per attempt", 50 * time.Millisecond, time.Minute, "no answer within timeout=50ms"},
		{"caller's deadline", time.Minute, 50 * time.Millisecond, "the deadline passed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base, Timeout: tt.timeout,
				Retry: RetryPolicy{MaxRetries: 3, Timeout: 5 * time.Second, BaseDelay: time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctxDeadline)
			defer cancel()
			_, err = c.Post(ctx, "Messages.json", url.Values{"Body": {"x"}})
			var unknown *OutcomeUnknownError
			if !errors.As(err, &unknown) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error = %v, want OutcomeUnknownError wrapping context.DeadlineExceeded", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.says) || !strings.Contains(msg, base.Host) || strings.Contains(msg, "api.twilio.com") {
				t.Errorf("error = %q, want it to say %q and name %s", msg, tt.says, base.Host)
			}
		})
	}
}
