package driver_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// The DSN's retry_timeout bounds the retries of a request: against an
// emulator that answers every request 429, a query with retry_timeout=300ms
// and max_retries=20 fails within about that time with Twilio's 429, not
// at its context's deadline.
func TestRetryTimeoutFromDSN(t *testing.T) {
	db, srv := testdb.Open(t, testdb.Emulator(twiliotest.WithFaults(twiliotest.Faults{TooManyRequests: 1})), testdb.DSN("nodes=50&max_retries=20&retry_timeout=300ms"))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	start := time.Now()
	_, err := db.QueryContext(ctx, "SELECT Sid FROM Calls LIMIT 1")
	took := time.Since(start)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("retried for %v, until the context's deadline: retry_timeout=300ms was not applied", took)
	}
	var e *rest.Error
	if !errors.As(err, &e) || e.Status != http.StatusTooManyRequests {
		t.Fatalf("error = %v, want Twilio's 429", err)
	}
	if !strings.Contains(err.Error(), "concurrency limit") {
		t.Errorf("error %q does not say what to do", err)
	}
	if took > 3*time.Second {
		t.Errorf("gave up after %v, want about 300ms", took)
	}
	if n := srv.Stats().Faulted; n < 2 {
		t.Errorf("%d requests answered 429: the request was not retried", n)
	}
}
