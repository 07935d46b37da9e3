// Command create-feedback-summary asks Twilio to summarise call feedback
// over a date range.
//
//	go run ./examples/create-feedback-summary
//
// Twilio removed FeedbackSummary from its live API in 2024: against a real
// account this example fails with Twilio's 404; the emulator still serves it.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

func main() { exampledb.Main(run) }

// run creates the summary. Twilio computes it asynchronously: the new row
// is "queued"; SELECT … FROM FeedbackSummary WHERE Sid = ? later reads it.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	rows, err := db.QueryContext(ctx, "INSERT INTO FeedbackSummary (StartDate, EndDate) VALUES ('2014-06-01', '2014-06-04')")
	if err != nil {
		return err
	}
	rec, err := exampledb.Record(rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "created feedback summary %v (status %v)\n", rec["Sid"], rec["Status"])
	return nil
}
