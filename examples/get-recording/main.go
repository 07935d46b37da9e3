// Command get-recording fetches one recording by its Sid.
//
//	go run ./examples/get-recording
package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

// recordingSid is the recording to fetch (one the emulator always has).
const recordingSid = "RE2e915e78549694bd0a0742d2d39454e5"

func main() { exampledb.Main(run) }

// run fetches the recording: WHERE Sid = ? is one GET of the recording,
// not a scan of the list. A Sid Twilio does not know gives no row.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	var (
		sid, status, source string
		callSid             sql.NullString
		duration, channels  sql.NullInt64
		created             sql.NullTime
	)
	err := db.QueryRowContext(ctx,
		"SELECT Sid, CallSid, Status, Source, Duration, Channels, DateCreated FROM Recordings WHERE Sid = ?",
		recordingSid,
	).Scan(&sid, &callSid, &status, &source, &duration, &channels, &created)
	if errors.Is(err, sql.ErrNoRows) {
		fmt.Fprintf(w, "recording %s not found\n", recordingSid)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "recording %s\n", sid)
	fmt.Fprintf(w, "  call      %s\n", callSid.String)
	fmt.Fprintf(w, "  status    %s\n", status)
	fmt.Fprintf(w, "  source    %s\n", source)
	if duration.Valid {
		fmt.Fprintf(w, "  duration  %ds\n", duration.Int64)
	}
	if channels.Valid {
		fmt.Fprintf(w, "  channels  %d\n", channels.Int64)
	}
	if created.Valid {
		fmt.Fprintf(w, "  created   %s\n", created.Time.Format("2006-01-02 15:04:05 MST"))
	}
	return nil
}
