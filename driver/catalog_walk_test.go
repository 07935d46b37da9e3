package driver_test

import (
	"database/sql"
	"testing"

	_ "github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// TestCatalogWalk reads every table of the catalog against the emulator,
// judged by the spec: every list or fetch operation of the 2010 API
// answers a SELECT.
func TestCatalogWalk(t *testing.T) {
	srv := twiliotest.NewTestServer(t)
	db, err := sql.Open("twilio", srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tb := range schema.Tables() {
		if !tb.Supports(schema.List) && !tb.Singleton {
			continue
		}
		t.Run(tb.Name, func(t *testing.T) {
			rows, err := db.Query("SELECT * FROM " + tb.Name + " LIMIT 3")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Errorf("no rows")
			}
		})
	}
}
