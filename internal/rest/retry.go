package rest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// RetryPolicy says which failed requests are sent again and for how long.
//
// A 429 is never processed by Twilio, so it is retried for every method. A
// 5xx, a dropped connection or a truncated body is retried only for GET and
// DELETE, which are safe to repeat; for a POST the outcome is unknown (the
// message may have gone out) and the request fails with OutcomeUnknownError
// instead of risking a second SMS.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt; 0 disables retrying
	Timeout    time.Duration // total time a request may spend retrying; 0: no limit but the context
	BaseDelay  time.Duration // first backoff; doubles each retry, with jitter
	MaxDelay   time.Duration // cap on one backoff
}

// DefaultRetryPolicy suits Twilio's concurrency limit: short waits that
// grow to a few seconds, for up to a minute.
var DefaultRetryPolicy = RetryPolicy{MaxRetries: 8, Timeout: time.Minute, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second}

// OutcomeUnknownError reports a write whose result cannot be known: the
// request may have reached Twilio, but the answer was a 5xx, a dropped
// connection, a timeout, the caller's deadline or cancellation, or a body
// that could not be read. It is not retried; check the resource before
// trying again. errors.Is(err, context.DeadlineExceeded) (or Canceled)
// still holds when the context ended the request.
type OutcomeUnknownError struct {
	Method string
	URL    string // scheme, the host the request went to, and path; no query
	Err    error  // what ended the request
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("twilio: %s %s: the outcome is unknown (%s); Twilio may have applied it, so check the resource before retrying", e.Method, e.URL, causeText(e.Err))
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// SafeToRetry is false: the write may have been applied.
func (e *OutcomeUnknownError) SafeToRetry() bool { return false }

// causeText says what ended a request without repeating its method, path
// or URL, which the message around it names once.
func causeText(err error) string {
	var e *Error
	var urlErr *url.Error
	switch {
	case err == nil:
		return "no answer"
	case errors.As(err, new(*attemptTimeoutError)):
		return err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "the deadline passed before the answer came"
	case errors.Is(err, context.Canceled):
		return "the request was canceled before the answer came"
	case errors.As(err, &e):
		s := fmt.Sprintf("it answered %d", e.Status)
		if e.Code != 0 {
			s += fmt.Sprintf(" / %d", e.Code)
		}
		if e.Message != "" {
			s += ": " + e.Message
		}
		return s
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the connection closed before the answer came"
	case errors.As(err, &urlErr):
		return causeText(urlErr.Err)
	}
	return err.Error()
}

// ResponseTooLargeError is an answer whose body, once decompressed, is
// larger than the max_response_bytes limit: reading stopped there.
type ResponseTooLargeError struct {
	Limit int64 // max_response_bytes
	Size  int64 // the announced Content-Length; -1 when the body was longer than Limit
}

func (e *ResponseTooLargeError) Error() string {
	size := "is larger than"
	if e.Size >= 0 {
		size = fmt.Sprintf("announces %d bytes, over", e.Size)
	}
	return fmt.Sprintf("the answer %s max_response_bytes=%d (%s); reading stopped there: lower page_size, or raise max_response_bytes in the DSN if the answer is genuine", size, e.Limit, byteSize(e.Limit))
}

// SafeToRetry is true: a write answered this way is an OutcomeUnknownError
// around it, so a bare one ended a read (or a DELETE, which may be repeated).
func (e *ResponseTooLargeError) SafeToRetry() bool { return true }

// NotJSONError is a 2xx answer whose body is not JSON: an HTML page from a
// proxy, a captive portal or a wrong host answered instead of Twilio.
type NotJSONError struct {
	Status      string // "200 OK"
	ContentType string
	Excerpt     string // the first bytes, scrubbed of credentials
}

func (e *NotJSONError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "none"
	}
	return fmt.Sprintf("the answer (%s, Content-Type %s) is not JSON, it starts %q: something other than Twilio answered (a proxy, a captive portal, a wrong host?)", e.Status, ct, e.Excerpt)
}

// SafeToRetry is true, as for ResponseTooLargeError.
func (e *NotJSONError) SafeToRetry() bool { return true }

func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// idempotent methods may be sent twice without changing the outcome.
func idempotent(method string) bool {
	return method == http.MethodGet || method == http.MethodDelete || method == http.MethodHead
}

// backoff is the wait before retry n (0-based): exponential with jitter,
// and never shorter than the answer's Retry-After.
func (p RetryPolicy) backoff(n int, resp *http.Response) time.Duration {
	wait := p.exponential(n)
	if resp != nil {
		if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
			wait = max(wait, d)
		}
	}
	return wait
}

func (p RetryPolicy) exponential(n int) time.Duration {
	base := p.BaseDelay
	if base <= 0 {
		base = 100 * time.Millisecond
	}
	ceiling := base << min(n, 16)
	if p.MaxDelay > 0 && ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	// Half fixed, half random: spread retries without collapsing to zero.
	return ceiling/2 + rand.N(ceiling/2+1)
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// transient reports whether a transport error may pass on a second try:
// not the caller's own cancellation, not a proxy that refused us, and not a
// certificate that will be as untrusted next time. A per-attempt timeout is
// transient: the caller's context is still live.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return false
	}
	var gate *gateError
	if errors.As(err, &gate) {
		return false // the caller's own
	}
	var pe *ProxyError
	if errors.As(err, &pe) && !pe.Temporary() {
		return false // refused credentials or tunnel: the same request fails again
	}
	var tooLarge *ResponseTooLargeError
	var notJSON *NotJSONError
	if errors.As(err, &tooLarge) || errors.As(err, &notJSON) {
		return false // the same answer comes again
	}
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
	)
	return !errors.As(err, &verify) && !errors.As(err, &authority) && !errors.As(err, &hostname) &&
		!errors.As(err, &invalid) && !errors.As(err, &record)
}

// errTruncated marks a 2xx answer whose body ended early.
var errTruncated = errors.New("the answer's body was cut short")

// drain discards the rest of a body so its connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}
