package driver_test

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// faultyDB opens a driver with fast retries on a new emulator.
func faultyDB(t *testing.T, pageSize int, opts ...twiliotest.Option) (*sql.DB, *twiliotest.Server) {
	t.Helper()
	return testdb.Open(t, testdb.Emulator(opts...), testdb.Configure(func(c *driver.Config) {
		c.Nodes, c.PageSize, c.MaxRetries, c.RetryTimeout = 50, pageSize, 20, time.Minute
	}))
}

func sids(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows := testdb.Rows(t, db, q)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r[0].(string)
	}
	return out
}

// Under 10% injected faults of every kind, a 20,000-row scan returns exactly
// the rows of a clean scan, and each page is fetched again only where it
// failed.
func TestScanUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a 20,000-row scan")
	}
	db, srv := faultyDB(t, 200, twiliotest.WithSize(twiliotest.Size{Messages: 20000}))
	clean := sids(t, db, "SELECT Sid FROM Messages")
	if len(clean) != 20000 {
		t.Fatalf("clean scan: %d rows", len(clean))
	}
	srv.SetFaults(twiliotest.Faults{
		TooManyRequests: 0.02, TooManyRequestsRetryAfter: 0.02, RetryAfter: -1,
		InternalError: 0.015, Unavailable: 0.015, Reset: 0.01, Truncate: 0.01, Delay: 0.01, DelayDuration: 5 * time.Millisecond,
	})
	srv.ResetRequests()
	faulty := sids(t, db, "SELECT Sid FROM Messages")
	if !slices.Equal(clean, faulty) {
		t.Fatalf("the scan under faults differs: %d rows vs %d clean", len(faulty), len(clean))
	}
	faults := 0
	kinds := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			kinds[r.Fault]++
		}
		if r.Fault != "" && r.Fault != twiliotest.FaultDelay {
			faults++
		}
	}
	// The faults fired: at 10% of some 100 requests, about ten, of several
	// kinds; a scan that saw none proves nothing about retries.
	if faults < 3 || len(kinds) < 3 || srv.Stats().Faulted != faults+kinds[twiliotest.FaultDelay] {
		t.Errorf("faults fired: %v (%d failing, the server counts %d): want at least 3 of 3 kinds", kinds, faults, srv.Stats().Faulted)
	}
	// 100 pages; every extra request is a retry of a faulted one.
	if got := srv.RequestCount(); got-faults > 100 {
		t.Errorf("%d requests with %d faults for 100 pages: a scan restarted instead of resuming", got, faults)
	}
	t.Logf("%d requests, %d faulted (%v), for 100 pages", srv.RequestCount(), faults, kinds)
}

// Creates under faults: every create that Twilio applied was requested
// once, and each statement either succeeded or said its outcome is unknown.
func TestCreatesUnderFaults(t *testing.T) {
	db, srv := faultyDB(t, 50)
	srv.SetFaults(twiliotest.Faults{
		TooManyRequests: 0.03, TooManyRequestsRetryAfter: 0.03, RetryAfter: -1,
		InternalError: 0.02, Unavailable: 0.02, Reset: 0.02, ApplyThenFail: 0.03,
		Methods: []string{"POST"},
	})
	succeeded, unknown := map[string]bool{}, map[string]bool{}
	for i := range 200 {
		body := fmt.Sprintf("message %d", i)
		_, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", twiliotest.WhatsAppSender, "whatsapp:+15005550006", body)
		var ou *rest.OutcomeUnknownError
		switch {
		case err == nil:
			succeeded[body] = true
		case errors.As(err, &ou):
			unknown[body] = true
			if !strings.Contains(err.Error(), "outcome is unknown") || !strings.Contains(err.Error(), "Messages.json") {
				t.Errorf("unclear error: %v", err)
			}
		default:
			t.Fatalf("INSERT %d: %v", i, err)
		}
	}
	applied := map[string]int{}
	for _, w := range srv.Applied() {
		applied[w.Form.Get("Body")]++
	}
	for body, n := range applied {
		if n != 1 {
			t.Errorf("%q was applied %d times", body, n)
		}
		if !succeeded[body] && !unknown[body] {
			t.Errorf("%q was applied but its INSERT reported a failure", body)
		}
	}
	for body := range succeeded {
		if applied[body] != 1 {
			t.Errorf("%q succeeded but was applied %d times", body, applied[body])
		}
	}
	if len(unknown) == 0 {
		t.Error("no POST met an ambiguous fault: the test checks nothing about them")
	}
	t.Logf("%d succeeded, %d outcome unknown, %d applied", len(succeeded), len(unknown), len(srv.Applied()))
}

func TestPostAppliedThenFailed(t *testing.T) {
	db, srv := faultyDB(t, 50)
	srv.SetFaults(twiliotest.Faults{ApplyThenFail: 1, Methods: []string{"POST"}})
	_, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, 'once')", twiliotest.WhatsAppSender, "whatsapp:+15005550006")
	var ou *rest.OutcomeUnknownError
	if !errors.As(err, &ou) {
		t.Fatalf("error = %v, want the outcome-unknown error", err)
	}
	if n := len(srv.Applied()); n != 1 {
		t.Errorf("applied %d times, want once", n)
	}
	if srv.RequestCount() != 1 {
		t.Errorf("the POST was sent %d times", srv.RequestCount())
	}

	// A 429 is never processed, so it is retried, and applied once.
	srv.SetFaults(twiliotest.Faults{})
	srv.ResetRequests()
	before := len(srv.Applied())
	srv.SetFaults(twiliotest.Faults{TooManyRequestsRetryAfter: 1, RetryAfter: -1, Methods: []string{"POST"}})
	go func() {
		time.Sleep(50 * time.Millisecond)
		srv.SetFaults(twiliotest.Faults{})
	}()
	if _, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, 'after 429')", twiliotest.WhatsAppSender, "whatsapp:+15005550006"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Applied()) - before; n != 1 {
		t.Errorf("applied %d times after 429s, want once", n)
	}
	if srv.RequestCount() < 2 {
		t.Errorf("requests = %d, want the 429 retried", srv.RequestCount())
	}
}
