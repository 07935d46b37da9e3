// Command rename-caller-id changes the friendly name of a verified caller id.
//
//	go run ./examples/rename-caller-id
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

// callerIDSid is the caller id to rename (one the emulator always has).
const callerIDSid = "PN6f5f9bf39cb1801a6e21a5a80d274bdd"

func main() { exampledb.Main(run) }

// run renames the caller id and prints its name before and after.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	var number string
	var old sql.NullString
	err := db.QueryRowContext(ctx, "SELECT PhoneNumber, Name FROM OutgoingCallerIds WHERE Sid = ?", callerIDSid).Scan(&number, &old)
	if err != nil {
		return fmt.Errorf("caller id %s: %w", callerIDSid, err)
	}
	res, err := db.ExecContext(ctx, "UPDATE OutgoingCallerIds SET Name = ? WHERE Sid = ?", "Main office", callerIDSid)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("caller id %s: %d rows updated (%v)", callerIDSid, n, err)
	}
	fmt.Fprintf(w, "renamed caller id %s (%s) from %q to %q\n", callerIDSid, number, old.String, "Main office")
	return nil
}
