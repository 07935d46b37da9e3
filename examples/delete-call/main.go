// Command delete-call deletes one call (its log entry) by Sid.
//
//	go run ./examples/delete-call
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

// callSid is the call to delete (the emulator keeps one for this example).
const callSid = "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"

func main() { exampledb.Main(run) }

// run deletes the call: one DELETE request. RowsAffected counts the calls
// Twilio deleted.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	res, err := db.ExecContext(ctx, "DELETE FROM Calls WHERE Sid = ?", callSid)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "deleted call %s (rows affected: %d)\n", callSid, n)
	return nil
}
