// Package exampledb opens the database the examples run against: a real
// Twilio account when TWILIO_ACCOUNT_SID is set (with TWILIO_AUTH_TOKEN, or
// TWILIO_API_KEY and TWILIO_API_SECRET), else the embedded emulator with its
// seeded sample data, so every example runs on a fresh machine.
package exampledb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"os"

	_ "github.com/twiliosql/twiliosql/driver" // registers the "twilio" driver
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Notice is where Open says which database it chose.
var Notice io.Writer = os.Stderr

// Open returns the database and a func that closes it (and stops the
// emulator when one was started).
func Open(ctx context.Context) (*sql.DB, func(), error) {
	if os.Getenv("TWILIO_ACCOUNT_SID") != "" {
		// The driver reads the credentials from TWILIO_* for a DSN without them.
		db, err := sql.Open("twilio", "twilio://")
		if err != nil {
			return nil, nil, err
		}
		// Ping fetches the account: bad credentials fail here, not mid-example.
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, nil, err
		}
		fmt.Fprintln(Notice, "using the Twilio account in TWILIO_ACCOUNT_SID")
		return db, func() { db.Close() }, nil
	}
	srv := twiliotest.NewServer()
	db, err := sql.Open("twilio", srv.DSN())
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Fprintln(Notice, "using the embedded Twilio emulator (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to use your account)")
	return db, func() { db.Close(); srv.Close() }, nil
}

// Record reads the first row of rows into a map from column name to value
// and closes rows. INSERT and UPDATE run with QueryContext return the rows
// Twilio created or changed, so Record(rows)["Sid"] is the new Sid. It
// returns sql.ErrNoRows when there is no row.
func Record(rows *sql.Rows) (map[string]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, sql.ErrNoRows
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	rec := make(map[string]any, len(cols))
	for i, c := range cols {
		rec[c] = vals[i]
	}
	return rec, rows.Close()
}

// Main opens the database, runs an example's run function with it, writing
// to standard output, and exits non-zero on an error: every example's main.
func Main(run func(ctx context.Context, db *sql.DB, w io.Writer) error) {
	ctx := context.Background()
	db, closeDB, err := Open(ctx)
	if err != nil {
		log.Fatal(err)
	}
	err = run(ctx, db, os.Stdout)
	closeDB()
	if err != nil {
		log.Fatal(err)
	}
}
