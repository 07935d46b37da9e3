package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Transport is the http.RoundTripper under twilio-go's client. Each attempt
// of a request waits its turn on the limiter (with the query's context, so a
// cancelled query stops waiting), goes to Base instead of api.twilio.com,
// and is retried as Retry says. Bodies are read here, in full, so a
// truncated answer is caught and a per-attempt timeout covers the body too;
// error bodies that are not Twilio JSON (an HTML 502 from a load balancer)
// are rewritten into Twilio's error shape so they decode as one.
type Transport struct {
	Base    *url.URL          // scheme and host that replace https://api.twilio.com; nil keeps them
	Limiter RequestLimiter    // nil: no limit
	Next    http.RoundTripper // nil: http.DefaultTransport
	Logger  *slog.Logger      // nil: no log
	Retry   RetryPolicy       // zero: no retries
	Timeout time.Duration     // per attempt, body included; 0: none

	inFlight semaphore // caps concurrent attempts; nil: no cap
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var deadline time.Time
	if t.Retry.Timeout > 0 {
		deadline = time.Now().Add(t.Retry.Timeout)
	}
	for attempt := 0; ; attempt++ {
		resp, err := t.attempt(ctx, req, attempt)
		retry, wait := t.shouldRetry(ctx, req.Method, resp, err, attempt, deadline)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests && t.Limiter != nil {
			if !retry {
				wait = t.Retry.backoff(attempt, resp)
			}
			t.Limiter.Throttled(wait) // a shared limiter slows every process down
		}
		if !retry {
			if err != nil && !idempotent(req.Method) && sent(err) && transient(ctx, err) {
				return nil, &OutcomeUnknownError{Method: req.Method, Path: req.URL.Path, Err: err}
			}
			if err == nil && resp.StatusCode >= 500 && !idempotent(req.Method) {
				return nil, &OutcomeUnknownError{Method: req.Method, Path: req.URL.Path, Err: decodeError(resp, req)}
			}
			return resp, err
		}
		if t.Logger != nil {
			t.Logger.LogAttrs(ctx, slog.LevelWarn, "twilio request retried", slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.String("reason", reason(resp, err)))
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends req once and reads the whole answer.
func (t *Transport) attempt(ctx context.Context, req *http.Request, n int) (*http.Response, error) {
	if t.Limiter != nil {
		release, err := t.Limiter.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if err := t.inFlight.acquire(ctx); err != nil {
		return nil, err
	}
	defer t.inFlight.release()
	actx, cancel := ctx, context.CancelFunc(func() {})
	if t.Timeout > 0 {
		actx, cancel = context.WithTimeout(ctx, t.Timeout)
	}
	defer cancel()
	out := req.Clone(actx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		out.Body = body
	}
	if t.Base != nil && (out.URL.Scheme != t.Base.Scheme || out.URL.Host != t.Base.Host) {
		out.URL.Scheme, out.URL.Host, out.Host = t.Base.Scheme, t.Base.Host, t.Base.Host
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	start := time.Now()
	resp, err := next.RoundTrip(out)
	if err == nil {
		err = bufferBody(resp)
	}
	t.log(ctx, out, resp, err, time.Since(start))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		normalizeErrorBody(resp)
	}
	return resp, nil
}

// shouldRetry decides whether to send again, and after how long.
func (t *Transport) shouldRetry(ctx context.Context, method string, resp *http.Response, err error, attempt int, deadline time.Time) (bool, time.Duration) {
	if attempt >= t.Retry.MaxRetries || ctx.Err() != nil {
		return false, 0
	}
	switch {
	case err != nil:
		// A request that never left (refused connection) is safe to resend
		// whatever its method.
		if !transient(ctx, err) || (!idempotent(method) && sent(err)) {
			return false, 0
		}
	case resp.StatusCode == http.StatusTooManyRequests:
	case resp.StatusCode >= 500 && idempotent(method):
	default:
		return false, 0
	}
	wait := t.Retry.backoff(attempt, resp)
	if !deadline.IsZero() && time.Now().Add(wait).After(deadline) {
		return false, 0
	}
	return true, wait
}

// sent reports whether a transport error may have come after the request
// reached the server. Only a failure to connect, or a proxy that refused
// to pass it on, proves it did not.
func sent(err error) bool {
	var pe *ProxyError
	if errors.As(err, &pe) {
		return false // the proxy failed it before passing it on
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	return true
}

func reason(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	return resp.Status
}

// bufferBody reads a body in full. A 2xx JSON body that is cut short or not
// JSON is an error, so it can be retried like a dropped connection.
func bufferBody(resp *http.Response) error {
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("%w: %v", errTruncated, err)
	}
	if resp.StatusCode < 300 && len(body) > 0 && !json.Valid(body) {
		return errTruncated
	}
	resp.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body}
	resp.ContentLength = int64(len(body))
	return nil
}

// bufferedBody is a body read in full by the transport. The client takes
// its bytes as they are instead of copying them a second time.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }

// readBody returns a response's body, without a copy when the transport
// buffered it.
func readBody(body io.ReadCloser) ([]byte, error) {
	defer body.Close()
	if b, ok := body.(*bufferedBody); ok && b.Len() == len(b.data) {
		return b.data, nil
	}
	return io.ReadAll(body)
}

// decodeError reads a normalized error body into an *Error.
func decodeError(resp *http.Response, req *http.Request) error {
	var e Error
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var wire struct {
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
		Status   int    `json:"status"`
	}
	_ = json.Unmarshal(body, &wire)
	e = Error{Status: resp.StatusCode, Code: wire.Code, Message: wire.Message, MoreInfo: wire.MoreInfo, Method: req.Method, Path: req.URL.Path}
	return &e
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
