package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Transport is the http.RoundTripper under twilio-go's client. It makes each
// request wait its turn on the limiter (with the query's context, so a
// cancelled query stops waiting), sends it to Base instead of
// api.twilio.com, and turns error bodies that are not Twilio JSON (an HTML 502
// from a load balancer) into Twilio's error shape so they decode as one.
type Transport struct {
	Base    *url.URL          // scheme and host that replace https://api.twilio.com; nil keeps them
	Limiter *Limiter          // nil: no limit
	Next    http.RoundTripper // nil: http.DefaultTransport
	Logger  *slog.Logger      // nil: no log
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.Limiter != nil {
		if err := t.Limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	if t.Base != nil && (req.URL.Scheme != t.Base.Scheme || req.URL.Host != t.Base.Host) {
		req = req.Clone(ctx)
		req.URL.Scheme, req.URL.Host, req.Host = t.Base.Scheme, t.Base.Host, t.Base.Host
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	start := time.Now()
	resp, err := next.RoundTrip(req)
	t.log(ctx, req, resp, err, time.Since(start))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		normalizeErrorBody(resp)
	}
	return resp, nil
}

// log records a request at DEBUG. It names method, path and status only:
// headers carry the credentials and are never logged.
func (t *Transport) log(ctx context.Context, req *http.Request, resp *http.Response, err error, took time.Duration) {
	if t.Logger == nil || !t.Logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		slog.String("path", req.URL.Path),
		slog.String("query", req.URL.RawQuery),
		slog.Duration("took", took),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	t.Logger.LogAttrs(ctx, slog.LevelDebug, "twilio request", attrs...)
}

// maxErrorBody bounds what is read of an error answer.
const maxErrorBody = 64 << 10

// normalizeErrorBody replaces an error body that is not a Twilio JSON error
// with one, keeping the HTTP status and a short excerpt of what came.
func normalizeErrorBody(resp *http.Response) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	var probe struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	if err == nil && json.Unmarshal(body, &probe) == nil && probe.Status != 0 && probe.Message != "" {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		return
	}
	msg := fmt.Sprintf("HTTP %s with a body that is not a Twilio error", resp.Status)
	if excerpt := excerptOf(body); excerpt != "" {
		msg += ": " + excerpt
	}
	synth, _ := json.Marshal(map[string]any{"code": 0, "status": resp.StatusCode, "message": msg})
	resp.Body = io.NopCloser(bytes.NewReader(synth))
	resp.ContentLength = int64(len(synth))
	resp.Header.Set("Content-Type", "application/json")
}

func excerptOf(body []byte) string {
	const max = 120
	s := string(bytes.TrimSpace(body))
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// boundTransport gives every request the context of the call that made it.
// twilio-go builds its requests with context.Background(); without this a
// cancelled query would not cancel its HTTP call or its wait on the limiter.
type boundTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (b boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return b.next.RoundTrip(req.WithContext(b.ctx))
}
