package driver_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
)

func TestWriteSafety(t *testing.T) {
	srv := testdb.Server(t)
	openWith := func(mutate func(*driver.Config)) *sql.DB {
		return testdb.New(t, testdb.Shared(srv), testdb.Configure(mutate)).DB
	}
	strict := openWith(func(*driver.Config) {})
	small := openWith(func(c *driver.Config) { c.MaxWriteRows = 2 })
	bulk := openWith(func(c *driver.Config) { c.AllowBulkWrites = true; c.MaxWriteRows = 1000 })

	tests := []struct {
		name     string
		db       *sql.DB
		sql      string
		err      string
		requests int // requests sent before the refusal
	}{
		{"update without where", strict, "UPDATE Messages SET Body = ''", "has no WHERE clause, so it would change every row", 0},
		{"delete without where", strict, "DELETE FROM Calls", "allow_bulk_writes=true", 0},
		{"too many by Sid", small, "DELETE FROM Calls WHERE Sid IN ('CA00000000000000000000000000000001', 'CA00000000000000000000000000000002', 'CA00000000000000000000000000000003')", "would change 3 rows, over max_write_rows=2", 0},
		{"too many by listing", small, "UPDATE OutgoingCallerIds SET Name = 'x' WHERE PhoneNumber LIKE '+%'", "more than 2 rows, over max_write_rows=2; nothing was changed", 1},
		{"sid injection", strict, "DELETE FROM Calls WHERE Sid = 'CA/../../Messages'", "is not a Calls Sid", 0},
		{"sid with query", strict, "UPDATE Messages SET Body = '' WHERE Sid = 'SM0123456789abcdef0123456789abcde?'", "is not a Messages Sid", 0},
		{"encoded slash", strict, "SELECT * FROM Recordings WHERE Sid = 'RE%2F0123456789abcdef0123456789abcd'", "is not a Recordings Sid", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := tt.db.Exec(tt.sql)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error = %v, want %q", err, tt.err)
			}
			for _, r := range srv.Requests() {
				if r.Method != "GET" {
					t.Errorf("a write was sent: %s %s", r.Method, r.Path)
				}
			}
			if got := srv.RequestCount(); got != tt.requests {
				t.Errorf("requests = %d, want %d", got, tt.requests)
			}
		})
	}

	// With allow_bulk_writes a WHERE-less UPDATE works.
	srv.ResetRequests()
	res, err := bulk.Exec("UPDATE OutgoingCallerIds SET Name = 'Verified'")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := res.RowsAffected()
	if n != int64(srv.Count("OutgoingCallerIds")) {
		t.Errorf("RowsAffected = %d, want every caller id (%d)", n, srv.Count("OutgoingCallerIds"))
	}
}
