package twiliotest

import (
	"crypto/subtle"
	"net/http"
)

// authenticate checks HTTP Basic credentials against the account's Sid and
// auth token. Twilio answers 401 with code 20003 and a WWW-Authenticate
// challenge when they are missing or wrong.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) *apiError {
	user, pass, ok := r.BasicAuth()
	if ok &&
		subtle.ConstantTimeCompare([]byte(user), []byte(s.AccountSid)) == 1 &&
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.AuthToken)) == 1 {
		return nil
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
	return newError(http.StatusUnauthorized, codeAuthenticate, "Authenticate")
}

// errForbidden is the answer to authenticated requests for another
// account's resources (the emulated account has no subaccounts).
func errForbidden() *apiError {
	return newError(http.StatusForbidden, codeAuthenticate, "Permission Denied: the authenticated account cannot access this account's resources")
}
