package rest

// Regression tests of issue 14 ("hardening") in the HTTP layer.

import (
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
	"testing"
	"time"
)

// Item 9: an answer's body is bounded once decompressed, so neither an
// endless body nor a gzip bomb can exhaust memory; both fail fast with an
// error naming max_response_bytes.
func TestHardening9_ResponseBodyBounded(t *testing.T) {
	const threeGB = 3 << 30
	chunk := []byte(strings.Repeat(" ", 1<<20))
	endless := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"calls":[`)
		for sent := 0; sent < threeGB; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return // the client stopped reading
			}
		}
	}
	bomb := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		defer zw.Close()
		io.WriteString(zw, `{"calls":[`)
		for sent := 0; sent < threeGB; sent += len(chunk) {
			if _, err := zw.Write(chunk); err != nil {
				return
			}
		}
	}
	announced := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "3221225472")
		io.WriteString(w, `{"calls":[`)
	}
	for name, answer := range map[string]func(http.ResponseWriter){"3 GB streamed": endless, "gzip bomb": bomb, "3 GB announced": announced} {
		t.Run(name, func(t *testing.T) {
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
			// Reading 3 GB, or a whole bomb, would take far longer and
			// allocate gigabytes; the bound stops at 64 MiB.
			if took > 20*time.Second {
				t.Errorf("took %v", took)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 512<<20 {
				t.Errorf("allocated %d MiB for one answer", alloc>>20)
			}
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
