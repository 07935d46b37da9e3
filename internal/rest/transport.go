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
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Transport is the http.RoundTripper under twilio-go's client. Each attempt
// of a request waits its turn on the limiter (with the query's context, so a
// cancelled query stops waiting), goes to Base instead of api.twilio.com,
// and is retried as Retry says. Bodies are read here, in full but never past
// MaxResponseBytes, so a truncated answer is caught and a per-attempt timeout
// covers the body too; error bodies that are not Twilio JSON (an HTML 502
// from a load balancer) are rewritten into Twilio's error shape so they
// decode as one, with an excerpt scrubbed of the credentials sent.
type Transport struct {
	Base    *url.URL          // scheme and host that replace https://api.twilio.com; nil keeps them
	Limiter RequestLimiter    // nil: no limit
	Next    http.RoundTripper // nil: http.DefaultTransport
	Logger  *slog.Logger      // nil: no log
	Retry   RetryPolicy       // zero: no retries
	Timeout time.Duration     // per attempt, body included; 0: none
	// MaxResponseBytes bounds an answer's body once decompressed; 0:
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64

	inFlight semaphore    // caps concurrent attempts; nil: no cap
	creds    []credential // hidden from every excerpt of a body
}

// DefaultMaxResponseBytes is the largest answer read by default: a page of
// 1,000 resources is a few MiB, so 64 MiB leaves room and still bounds
// what a hostile or broken server can make the driver hold.
const DefaultMaxResponseBytes = 64 << 20

// sendState is what the transport learns about one request that the
// client needs after twilio-go has turned the answer into an error.
type sendState struct {
	// ambiguous is set when an attempt that may have been applied (a 5xx
	// or a lost connection after sending) was followed by a retry.
	ambiguous bool
}

type sendStateKey struct{}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var deadline time.Time
	if t.Retry.Timeout > 0 {
		deadline = time.Now().Add(t.Retry.Timeout)
	}
	state, _ := ctx.Value(sendStateKey{}).(*sendState)
	for attempt := 0; ; attempt++ {
		resp, err, left := t.attempt(ctx, req, attempt)
		retry, wait := t.shouldRetry(ctx, req.Method, resp, err, left, attempt, deadline)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests && t.Limiter != nil {
			if !retry {
				wait = t.Retry.backoff(attempt, resp)
			}
			t.Limiter.Throttled(wait) // a shared limiter slows every process down
		}
		if !retry {
			if !idempotent(req.Method) {
				// Once a write may have reached Twilio, every way it fails
				// says so: the caller's deadline included.
				if err != nil && left {
					return nil, t.outcomeUnknown(ctx, req, err)
				}
				if err == nil && resp.StatusCode >= 500 {
					return nil, t.outcomeUnknown(ctx, req, decodeError(resp, req))
				}
			}
			return resp, err
		}
		if state != nil && left && (err != nil || resp.StatusCode >= 500) {
			state.ambiguous = true
		}
		if t.Logger != nil {
			t.Logger.LogAttrs(ctx, slog.LevelWarn, "twilio request retried", slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.Int("attempt", attempt+1), slog.Duration("wait", wait), slog.String("reason", t.reason(req, resp, err)))
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// outcomeUnknown reports a write that may have been applied. It names the
// host the request really went to, and keeps the context's error
// reachable with errors.Is when the context ended it.
func (t *Transport) outcomeUnknown(ctx context.Context, req *http.Request, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if !errors.Is(err, ctxErr) {
			err = ctxErr
		}
	} else if t.Timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
		err = &attemptTimeoutError{timeout: t.Timeout, err: err}
	}
	return &OutcomeUnknownError{Method: req.Method, URL: t.target(req.URL).Scheme + "://" + t.target(req.URL).Host + req.URL.Path, Err: err}
}

// attemptTimeoutError is the per-attempt timeout (the DSN's timeout)
// ending a request while the caller's context was still live.
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no answer within timeout=%s", e.timeout)
}

func (e *attemptTimeoutError) Unwrap() error { return e.err }

// target is u as sent: on Base's scheme and host.
func (t *Transport) target(u *url.URL) *url.URL {
	out := *u
	if t.Base != nil {
		out.Scheme, out.Host = t.Base.Scheme, t.Base.Host
	}
	return &out
}

// attempt sends req once and reads the whole answer. left reports whether
// the request may have reached the server.
func (t *Transport) attempt(ctx context.Context, req *http.Request, n int) (*http.Response, error, bool) {
	releaseLimiter := func() {}
	if t.Limiter != nil {
		release, err := t.Limiter.Acquire(ctx)
		if err != nil {
			return nil, err, false
		}
		releaseLimiter = release
	}
	if err := t.inFlight.acquire(ctx); err != nil {
		releaseLimiter()
		return nil, err, false
	}
	inFlight := true
	free := func() { // gives back the request's place in flight, once
		if inFlight {
			inFlight = false
			t.inFlight.release()
			releaseLimiter()
		}
	}
	defer free()
	gate, _ := ctx.Value(beforeBodyKey{}).(BeforeBody)
	actx, cancel := ctx, context.CancelFunc(func() {})
	var timer *pausableTimeout
	switch {
	case t.Timeout > 0 && gate != nil:
		actx, timer = newPausableTimeout(ctx, t.Timeout)
		cancel = timer.cancel
	case t.Timeout > 0:
		actx, cancel = context.WithTimeout(ctx, t.Timeout)
	}
	defer cancel()
	// An http.Transport reports when it asks for a connection and when it
	// has one: a request that failed in between (dial, TLS handshake, a
	// proxy's CONNECT) never left. Other RoundTrippers report nothing, and
	// sent decides from the error.
	var getConn, gotConn atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		GetConn: func(string) { getConn.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) },
	})
	out := req.Clone(actx)
	if n > 0 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err, false
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
	left := true
	if err != nil {
		left = sent(err) && (!getConn.Load() || gotConn.Load())
	}
	if err == nil && gate != nil && resp.StatusCode < 300 {
		err = t.waitBeforeBody(ctx, resp, gate, timer, free)
	}
	if err == nil {
		err = t.bufferBody(resp, out)
	}
	if err != nil && timer != nil && timer.fired() && ctx.Err() == nil {
		err = &attemptTimedOut{err: err} // the cause a cancelled context hides
	}
	t.log(ctx, out, resp, err, time.Since(start))
	if err != nil {
		return nil, err, left
	}
	if resp.StatusCode >= 400 {
		t.normalizeErrorBody(resp, out)
	}
	return resp, nil, left
}

// shouldRetry decides whether to send again, and after how long.
func (t *Transport) shouldRetry(ctx context.Context, method string, resp *http.Response, err error, left bool, attempt int, deadline time.Time) (bool, time.Duration) {
	if attempt >= t.Retry.MaxRetries || ctx.Err() != nil {
		return false, 0
	}
	switch {
	case err != nil:
		// A request that never left (refused connection) is safe to resend
		// whatever its method.
		if !transient(ctx, err) || (!idempotent(method) && left) {
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

func (t *Transport) reason(req *http.Request, resp *http.Response, err error) string {
	if err != nil {
		return scrub(err.Error(), []string{req.Header.Get("Authorization")}, t.creds)
	}
	return resp.Status
}

// bufferBody reads a body in full, up to MaxResponseBytes, into one buffer
// of its announced size. A 2xx body shorter or longer than its
// Content-Length, or cut short with a matching one (not a whole JSON object
// or array, see complete), is errTruncated, retried like a dropped
// connection; one that is not JSON at all (an HTML page from a proxy) is a
// NotJSONError, and one past the limit a ResponseTooLargeError, neither of
// which a retry mends. The JSON itself is checked by the decoders, in the
// one pass that reads its values: json.Valid here was a quarter of a scan's
// CPU.
func (t *Transport) bufferBody(resp *http.Response, req *http.Request) error {
	limit := t.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	if resp.ContentLength > limit {
		resp.Body.Close()
		return &ResponseTooLargeError{Limit: limit, Size: resp.ContentLength}
	}
	var lent []byte
	decoded, _ := req.Context().Value(listDecodeKey{}).(*listDecode)
	if decoded != nil && decoded.dec != nil && resp.StatusCode < 300 {
		// A list page read in one pass: into the caller's spare buffer,
		// or a new one with room for a next page a little longer.
		if decoded.lent == nil {
			if lend, _ := req.Context().Value(lenderKey{}).(Lender); lend != nil {
				decoded.lent = lend() // kept across the attempts, as one passed in
			}
		}
		lent = decoded.lent
		if int64(cap(lent)) <= resp.ContentLength && resp.ContentLength > 0 && resp.ContentLength <= maxPresize {
			lent = make([]byte, 0, resp.ContentLength+resp.ContentLength/8+1)
		}
	}
	body, err := readAllSized(io.LimitReader(resp.Body, limit+1), resp.ContentLength, lent)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("%w: %v", errTruncated, err)
	}
	if int64(len(body)) > limit {
		return &ResponseTooLargeError{Limit: limit, Size: -1}
	}
	if resp.StatusCode < 300 && len(body) > 0 && !wholeListPage(req, body) && !complete(body) {
		if truncatedJSON(body) {
			return errTruncated
		}
		return &NotJSONError{Status: resp.Status, ContentType: resp.Header.Get("Content-Type"), Excerpt: excerptOf([]byte(scrub(string(body[:min(len(body), maxErrorBody)]), []string{req.Header.Get("Authorization")}, t.creds)))}
	}
	resp.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body}
	resp.ContentLength = int64(len(body))
	return nil
}

// truncatedJSON reports whether body is the start of a JSON value that
// ended early, as opposed to something that is not JSON at all.
func truncatedJSON(body []byte) bool {
	var v any
	err := json.Unmarshal(body, &v)
	var syn *json.SyntaxError
	return errors.As(err, &syn) && strings.Contains(syn.Error(), "unexpected end of JSON input")
}

// maxPresize caps the buffer allocated up front from a Content-Length: a
// 1000-row page of Calls is about 2 MB.
const maxPresize = 16 << 20

// readAllSized reads r in full into one buffer of the announced size, where
// io.ReadAll would grow one by doubling and leave two to three times the
// body as garbage (most of a scan's allocation, by bytes): into into when
// it has room, else a new one.
func readAllSized(r io.Reader, size int64, into []byte) ([]byte, error) {
	if size <= 0 || size > maxPresize {
		return io.ReadAll(r)
	}
	var buf []byte // one more byte than announced shows a body longer
	if int64(cap(into)) > size {
		buf = into[:size+1]
	} else {
		buf = make([]byte, size+1)
	}
	n, err := io.ReadFull(r, buf)
	switch {
	case err == nil:
		return nil, errors.New("the body is longer than its Content-Length")
	case err == io.ErrUnexpectedEOF && int64(n) == size, err == io.EOF && size == 0:
		if into != nil {
			return buf[:n], nil // its room stays, for the next page lent it
		}
		return buf[:n:n], nil
	case err == io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("the body ends after %d of the %d bytes of its Content-Length", n, size)
	}
	return nil, err
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
		// Parameter names only: their values are the statement's
		// arguments (phone numbers, bodies), which are never logged.
		slog.Any("params", paramNames(req.URL.RawQuery)),
		slog.Duration("took", took),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", scrub(err.Error(), []string{req.Header.Get("Authorization")}, t.creds)))
	} else {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	t.Logger.LogAttrs(ctx, slog.LevelDebug, "twilio request", attrs...)
}

// maxErrorBody bounds what is read of an error answer.
const maxErrorBody = 64 << 10

// normalizeErrorBody replaces an error body that is not a Twilio JSON error
// with one, keeping the HTTP status and a short excerpt of what came. Both
// are scrubbed of the credentials sent: a proxy or server may echo them.
func (t *Transport) normalizeErrorBody(resp *http.Response, req *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	body := []byte(scrub(string(raw), []string{req.Header.Get("Authorization"), req.Header.Get("Proxy-Authorization")}, t.creds))
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

// paramNames are the names of a query's parameters, sorted.
func paramNames(rawQuery string) []string {
	q, _ := url.ParseQuery(rawQuery)
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
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
