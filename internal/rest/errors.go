package rest

import (
	"errors"
	"fmt"

	twclient "github.com/twilio/twilio-go/client"
)

// Error is an error answer from the Twilio API, reachable with errors.As from
// any error the driver returns.
type Error struct {
	Status   int    // HTTP status, e.g. 404
	Code     int    // Twilio error code, e.g. 20404; 0 when the body carried none
	Message  string // Twilio's message
	MoreInfo string // link to Twilio's documentation of the code
	Method   string // the request's method
	Path     string // the request's path, without the query
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("twilio: %s %s: %d", e.Method, e.Path, e.Status)
	if e.Code != 0 {
		msg += fmt.Sprintf(" / %d", e.Code)
	}
	msg += ": " + e.Message
	if hint := hintFor(e.Code, e.Status); hint != "" {
		msg += " (" + hint + ")"
	}
	if e.MoreInfo != "" {
		msg += " " + e.MoreInfo
	}
	return msg
}

// SafeToRetry reports whether sending the request again cannot apply it
// twice: Twilio answered with an error, so a create or update was not
// applied (a 5xx to a POST becomes OutcomeUnknownError instead), and a GET
// or DELETE may be repeated anyway.
func (e *Error) SafeToRetry() bool { return e.Status < 500 || idempotent(e.Method) }

// Twilio error codes the driver treats specially.
const (
	CodeAuthenticate    = 20003
	CodeNotFound        = 20404
	CodeTooManyRequests = 20429
)

// hintFor says what to do about the errors people meet most.
func hintFor(code, status int) string {
	switch {
	case code == CodeAuthenticate || status == 401:
		return "check the Account SID and Auth Token, or the API key and secret, in the DSN or TWILIO_* variables"
	case code == CodeTooManyRequests || status == 429:
		return "Twilio's concurrency limit was reached; lower nodes or retry later"
	case code == 20004 && status == 400:
		return "Twilio keeps messages for 400 days; narrow the date range"
	}
	return ""
}

// IsNotFound reports whether err is Twilio's 404 for a missing resource.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == 404
}

// fromTwilio turns twilio-go's error into ours, keeping what it says.
func fromTwilio(err error, method, path string) error {
	var te *twclient.TwilioRestError
	if errors.As(err, &te) {
		return &Error{Status: te.Status, Code: te.Code, Message: te.Message, MoreInfo: te.MoreInfo, Method: method, Path: path}
	}
	return err
}
