package driver_test

import (
	"database/sql"
	"encoding/json"
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

// A Config marshals to JSON with its secrets redacted, so it can go into a
// diagnostics dump or a structured log as it is.
func ExampleConfig_MarshalJSON() {
	cfg, _ := driver.ParseDSN("twilio://AC0123456789abcdef0123456789abcdef:AuthToken0123456789@/?nodes=3")
	b, _ := json.Marshal(struct {
		Service string
		Twilio  *driver.Config
	}{"billing", cfg})
	var out struct{ Twilio map[string]any }
	_ = json.Unmarshal(b, &out)
	fmt.Println(out.Twilio["AccountSid"], out.Twilio["AuthToken"], out.Twilio["Nodes"])
	// Output: AC0123456789abcdef0123456789abcdef REDACTED 3
}

// Twilio's 404 for a resource that does not exist.
func ExampleIsNotFound() {
	srv := twiliotest.NewServer()
	defer srv.Close()
	db, _ := sql.Open("twilio", srv.DSN())
	defer db.Close()

	_, err := db.Exec("INSERT INTO Feedback (Sid, QualityScore) VALUES ('CA00000000000000000000000000000000', 5)")
	fmt.Println("not found:", driver.IsNotFound(err))
	// Output: not found: true
}
