package driver

import (
	"errors"

	"github.com/twiliosql/twiliosql/internal/planner"
	"github.com/twiliosql/twiliosql/internal/rest"
)

// Every error a caller may want to test is reachable from this package:
// the types below with errors.As, ErrNoTransactions with errors.Is, and the
// predicates OutcomeUnknown, SafeToRetry and IsNotFound (modelled on
// pgconn's SafeToRetry). Context errors stay reachable with errors.Is
// (context.DeadlineExceeded, context.Canceled) whatever wraps them.

// ErrNoTransactions is returned by BeginTx: Twilio applies each request on
// its own and cannot roll one back.
var ErrNoTransactions = errors.New("twilio: Twilio has no transactions: run each statement on its own (a failed multi-row write reports which rows it changed)")

// Error is an error answer from Twilio (Status, Code, Message, MoreInfo).
// Reach it with errors.As(err, &e) where e is a *driver.Error.
type Error = rest.Error

// PartialWriteError reports a write that stopped part way and lists the
// resources it had already changed.
type PartialWriteError = planner.PartialWriteError

// OutcomeUnknownError reports a create or update that may or may not have
// been applied: the request may have reached Twilio, but no answer said
// what happened (a 5xx, a lost connection, a timeout, the context's
// deadline or cancellation). Check the resource before sending it again.
type OutcomeUnknownError = rest.OutcomeUnknownError

// ProxyError reports an HTTP proxy that refused or failed a request before
// passing it on (Proxy, Status, Msg).
type ProxyError = rest.ProxyError

// ResponseTooLargeError reports an answer larger than max_response_bytes.
type ResponseTooLargeError = rest.ResponseTooLargeError

// NotJSONError reports a successful answer whose body is not JSON, as sent
// by a proxy or captive portal answering instead of Twilio.
type NotJSONError = rest.NotJSONError

// OutcomeUnknown reports whether err says that a write may or may not have
// been applied (an *OutcomeUnknownError anywhere in its chain). Such a write
// must not be sent again blindly: look the resource up first.
func OutcomeUnknown(err error) bool {
	var e *OutcomeUnknownError
	return errors.As(err, &e)
}

// SafeToRetry reports whether err proves that running the statement again
// cannot apply a write twice: nothing was sent, Twilio refused the request,
// or only reads and repeatable deletes were involved. It says nothing about
// whether a retry will succeed (a 400 comes back the same). Like pgconn's
// SafeToRetry, it is false when unsure, and always false for an
// outcome-unknown write or a partial write that changed rows.
func SafeToRetry(err error) bool {
	var r interface{ SafeToRetry() bool }
	return errors.As(err, &r) && r.SafeToRetry()
}

// IsNotFound reports whether err is Twilio's 404 for a missing resource.
func IsNotFound(err error) bool { return rest.IsNotFound(err) }

// SafeToRetry is true: a configuration error stops a statement before any
// request.
func (e *ConfigError) SafeToRetry() bool { return true }
