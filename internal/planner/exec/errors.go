package exec

import (
	"errors"
	"fmt"
	"strings"
)

// PartialWriteError reports a statement that stopped part way: which
// resources it had already changed, and which request failed. Nothing is
// rolled back (Twilio has no transactions), so the caller learns exactly
// what happened.
type PartialWriteError struct {
	Verb   string   // INSERT, UPDATE or DELETE
	Table  string   //
	Done   []string // Sids changed before the failure, in order
	Total  int      // requests the statement needed
	Index  int      // the failed request's position (0-based)
	Failed string   // the failed request's Sid, when known
	Err    error    // why it failed
}

func (e *PartialWriteError) Error() string {
	what := fmt.Sprintf("request %d of %d", e.Index+1, e.Total)
	if e.Failed != "" {
		what += " (" + e.Failed + ")"
	}
	msg := fmt.Sprintf("twilio: %s %s failed at %s: %v", e.Verb, e.Table, what, e.Err)
	if len(e.Done) > 0 {
		msg += fmt.Sprintf("; %d row(s) had already been changed and stay changed: %s", len(e.Done), strings.Join(e.Done, ", "))
	} else {
		msg += "; no earlier row was changed"
	}
	return msg
}

func (e *PartialWriteError) Unwrap() error { return e.Err }

// SafeToRetry reports whether running the statement again cannot apply a
// write twice: no row was changed yet and the failed request's error says
// it was not applied.
func (e *PartialWriteError) SafeToRetry() bool {
	if len(e.Done) > 0 {
		return false
	}
	var r interface{ SafeToRetry() bool }
	return errors.As(e.Err, &r) && r.SafeToRetry()
}
