// Command list-recordings lists every recording of the account.
//
//	go run ./examples/list-recordings
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"time"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

func main() { exampledb.Main(run) }

// run lists the recordings, newest first as Twilio returns them. Rows
// stream page by page: memory stays flat however many there are.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	rows, err := db.QueryContext(ctx, "SELECT Sid, CallSid, Duration, Status, DateCreated FROM Recordings")
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			sid, status string
			callSid     sql.NullString
			duration    sql.NullInt64
			created     sql.NullTime
		)
		if err := rows.Scan(&sid, &callSid, &duration, &status, &created); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s  call %-34s  %5s  %-10s  %s\n", sid, orNone(callSid.String), seconds(duration), status, day(created))
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d recordings\n", n)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func seconds(d sql.NullInt64) string {
	if !d.Valid {
		return "-"
	}
	return fmt.Sprintf("%ds", d.Int64)
}

func day(t sql.NullTime) string {
	if !t.Valid {
		return "-"
	}
	return t.Time.Format(time.DateTime)
}
