package driver_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
)

func TestErrorPredicates(t *testing.T) {
	unknown := &driver.OutcomeUnknownError{Method: "POST", URL: "https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json", Err: context.DeadlineExceeded}
	refused := &driver.Error{Status: 400, Code: 21211, Message: "invalid To", Method: "POST"}
	tests := []struct {
		name          string
		err           error
		unknown, safe bool
	}{
		{"nil", nil, false, false},
		{"plain", errors.New("x"), false, false},
		{"context", context.Canceled, false, false},
		{"outcome unknown", unknown, true, false},
		{"outcome unknown, wrapped", fmt.Errorf("statement: %w", unknown), true, false},
		{"twilio refused a create", refused, false, true},
		{"a 500 to a GET", &driver.Error{Status: 500, Method: "GET"}, false, true},
		{"a 500 to a POST", &driver.Error{Status: 500, Method: "POST"}, false, false},
		{"config", &driver.ConfigError{Key: "nodes", Problem: "is out of range"}, false, true},
		{"proxy refused", &driver.ProxyError{Proxy: "p:3128", Status: 407, Msg: "refused"}, false, true},
		{"too large", fmt.Errorf("GET: %w", &driver.ResponseTooLargeError{Limit: 1 << 20, Size: -1}), false, true},
		{"not JSON", &driver.NotJSONError{Status: "200 OK", ContentType: "text/html"}, false, true},
		{"partial write, nothing done, refused", &driver.PartialWriteError{Total: 2, Err: refused}, false, true},
		{"partial write, rows done", &driver.PartialWriteError{Total: 2, Done: []string{"SM1"}, Err: refused}, false, false},
		{"partial write, unknown", &driver.PartialWriteError{Total: 2, Err: unknown}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := driver.OutcomeUnknown(tt.err); got != tt.unknown {
				t.Errorf("OutcomeUnknown = %t, want %t", got, tt.unknown)
			}
			if got := driver.SafeToRetry(tt.err); got != tt.safe {
				t.Errorf("SafeToRetry = %t, want %t", got, tt.safe)
			}
		})
	}
	if !errors.Is(unknown, context.DeadlineExceeded) {
		t.Error("the outcome-unknown error hides the context's error")
	}
}
