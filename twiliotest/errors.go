package twiliotest

import (
	"fmt"
	"strconv"
)

// apiError is Twilio's JSON error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

func newError(status, code int, format string, args ...any) *apiError {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &apiError{Code: code, Message: msg, MoreInfo: "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), Status: status}
}

// Twilio error codes used by the emulator.
const (
	codeInvalidParam      = 20001 // invalid or missing parameter
	codeAuthenticate      = 20003 // bad credentials / permission denied
	codeMethodNotAllowed  = 20004 // method not allowed; also the Messages retention window
	codeCannotDelete      = 20009 // cannot delete an in-flight resource
	codeNotFound          = 20404
	codeTooManyRequests   = 20429 // rate or concurrency limit
	codeInternalError     = 20500
	codeCallNoTo          = 21201 // no 'To' number
	codeCallBadURL        = 21205 // Url/Twiml/ApplicationSid missing or invalid
	codeCallerNotVerified = 21210 // From not owned nor verified
	codeInvalidTo         = 21211
	codeInvalidFrom       = 21212
	codeCallNoFrom        = 21213
	codeCallNotInProgress = 21220
	codeInvalidPhone      = 21401 // caller id validation: bad or missing PhoneNumber
	codeNumberNotAvail    = 21422
	codeAlreadyVerified   = 21450
	codeBadAreaCode       = 21451
	codeNoNumberOrArea    = 21452
	codeBadCallbackURL    = 21502
	codeMsgNoBody         = 21602
	codeMsgNoFrom         = 21603
	codeMsgNoTo           = 21604
	codeMsgFromNotOwned   = 21606
	codeMsgBodyTooLong    = 21617
	codeMsgBadMediaURL    = 21620
	codeMsgChannelPair    = 21910
	codeMsgSchedService   = 35111
	codeMsgSchedSendAt    = 35114
)

func errNotFound(path string) *apiError {
	return newError(404, codeNotFound, "The requested resource %s was not found", path)
}

func errParam(format string, args ...any) *apiError {
	return newError(400, codeInvalidParam, format, args...)
}

func errMethod(method, path string) *apiError {
	return newError(405, codeMethodNotAllowed, "Method %s is not allowed for the requested resource %s", method, path)
}
