// Command sqlmock runs application code (package app) against the emulator,
// or against your account when TWILIO_ACCOUNT_SID is set. The same code is
// unit-tested with go-sqlmock in app/app_test.go:
//
//	go run ./examples/sqlmock
//	go test ./examples/sqlmock/...
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
	"github.com/twiliosql/twiliosql/examples/sqlmock/app"
)

func main() { exampledb.Main(run) }

// run prints the most recent failed calls.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	sids, err := app.RecentFailedCalls(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d recent failed calls\n", len(sids))
	for _, sid := range sids {
		fmt.Fprintln(w, sid)
	}
	return nil
}
