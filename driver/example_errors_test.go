package driver_test

import (
	"database/sql"
	"fmt"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// A create whose answer was lost may have been applied: OutcomeUnknown says
// so, and SafeToRetry says not to send it again blindly.
func ExampleOutcomeUnknown() {
	srv := twiliotest.NewServer()
	defer srv.Close()
	// Twilio applies the message, then the answer is a 500.
	srv.SetFaults(twiliotest.Faults{ApplyThenFail: 1, Methods: []string{"POST"}})
	db, _ := sql.Open("twilio", srv.DSN())
	defer db.Close()

	_, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, 'hello')", twiliotest.WhatsAppSender, "whatsapp:+15005550006")
	fmt.Println("outcome unknown:", driver.OutcomeUnknown(err))
	fmt.Println("safe to retry:", driver.SafeToRetry(err))
	fmt.Println("messages sent:", len(srv.Applied()))
	// Output:
	// outcome unknown: true
	// safe to retry: false
	// messages sent: 1
}

// Twilio refused the create, so nothing was applied: running the statement
// again cannot send the message twice (here it would fail the same way).
func ExampleSafeToRetry() {
	srv := twiliotest.NewServer()
	defer srv.Close()
	db, _ := sql.Open("twilio", srv.DSN())
	defer db.Close()

	_, err := db.Exec("INSERT INTO Messages (`To`, Body) VALUES ('+15005550006', 'no sender')")
	fmt.Println("safe to retry:", driver.SafeToRetry(err))
	fmt.Println("outcome unknown:", driver.OutcomeUnknown(err))
	fmt.Println("messages sent:", len(srv.Applied()))
	// Output:
	// safe to retry: true
	// outcome unknown: false
	// messages sent: 0
}
