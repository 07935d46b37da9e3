// Package exampletest gives the examples' tests a fresh emulator and a
// database on it.
package exampletest

import (
	"database/sql"
	"testing"

	_ "github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// DB starts an emulator with the default seeded data and opens the driver
// on it; both are closed when the test ends.
func DB(t testing.TB) (*sql.DB, *twiliotest.Server) {
	t.Helper()
	srv := twiliotest.NewTestServer(t) // fails the test on any spec violation
	db, err := sql.Open("twilio", srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, srv
}
