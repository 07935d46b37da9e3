// Command redact-message erases the body of a message, as Twilio's
// redaction does: POST Body="" to the message.
//
//	go run ./examples/redact-message
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

func main() { exampledb.Main(run) }

// run picks a delivered or received message that still has a body (Twilio
// redacts only messages in a final state) and redacts it.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	var sid, body string
	err := db.QueryRowContext(ctx,
		"SELECT Sid, Body FROM Messages WHERE Status IN ('delivered', 'received') AND Body <> '' LIMIT 1",
	).Scan(&sid, &body)
	if errors.Is(err, sql.ErrNoRows) {
		fmt.Fprintln(w, "no message to redact")
		return nil
	}
	if err != nil {
		return err
	}
	res, err := db.ExecContext(ctx, "UPDATE Messages SET Body = '' WHERE Sid = ?", sid)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "redacted message %s (%d characters removed, rows affected: %d)\n", sid, len([]rune(body)), n)
	return nil
}
