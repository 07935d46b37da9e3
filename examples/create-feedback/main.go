// Command create-feedback rates the quality of a call.
//
//	go run ./examples/create-feedback
//
// Twilio removed Call Feedback from its live API in 2024: against a real
// account this example fails with Twilio's 404; the emulator still serves it.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

// callSid is the call to rate (a completed call without feedback in the emulator).
const callSid = "CAdefbf2b4caa7df11dc48106385e32345"

func main() { exampledb.Main(run) }

// run creates the feedback. A Feedback row is keyed by its call's Sid, so
// Sid is an INSERT parameter here. Run with QueryContext, the INSERT returns
// the row Twilio created.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	rows, err := db.QueryContext(ctx, "INSERT INTO Feedback (Sid, QualityScore) VALUES (?, 5)", callSid)
	if err != nil {
		return err
	}
	rec, err := exampledb.Record(rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "created feedback %v with quality score %v\n", rec["Sid"], rec["QualityScore"])
	return nil
}
