package driver_test

// Regression tests of issue 14 ("hardening"): each names its item.

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// hardeningDB opens a driver with cfg changed by mutate on a server at
// base (an emulator or a hostile handler in front of one).
func hardeningDB(t *testing.T, dsn string, mutate func(*driver.Config)) *sql.DB {
	t.Helper()
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(cfg)
	}
	db, err := driver.OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// frontDSN is srv's DSN pointed at front instead (same credentials).
func frontDSN(t *testing.T, srv *twiliotest.Server, front *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	f, _ := url.Parse(front.URL)
	u.Host = f.Host
	return u.String()
}

func writesApplied(srv *twiliotest.Server) []string {
	var out []string
	for _, w := range srv.Applied() {
		out = append(out, w.Method+" "+w.Path)
	}
	return out
}

// Item 1: a WHERE clause that is always true, or that matches every row
// without any filter or Sid narrowing the listing, is a bulk write.
func TestHardening1_BulkWriteGuard(t *testing.T) {
	srv := twiliotest.NewServer()
	defer srv.Close()
	strict := hardeningDB(t, srv.DSN(), nil)
	bulk := hardeningDB(t, srv.DSN(), func(c *driver.Config) { c.AllowBulkWrites = true })

	refused := []struct{ name, sql, rule string }{
		{"1=1", "DELETE FROM IncomingPhoneNumbers WHERE 1=1", "always true"},
		{"TRUE", "UPDATE OutgoingCallerIds SET FriendlyName = 'x' WHERE TRUE", "always true"},
		{"folded arithmetic", "DELETE FROM Recordings WHERE 2 > 1 AND 'a' = 'a'", "always true"},
		{"true disjunct", "DELETE FROM Calls WHERE Status = 'busy' OR 1 = 1", "always true"},
		{"not false", "UPDATE OutgoingCallerIds SET FriendlyName = 'x' WHERE NOT (1 = 0)", "always true"},
		{"local filter matching every row", "UPDATE OutgoingCallerIds SET FriendlyName = 'x' WHERE PhoneNumber LIKE '+%'", "matched every row"},
		{"column equal to itself", "DELETE FROM IncomingPhoneNumbers WHERE Sid = Sid", "matched every row"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := strict.Exec(tt.sql)
			if err == nil {
				t.Fatalf("%s: no error; %d writes applied", tt.sql, len(writesApplied(srv)))
			}
			for _, want := range []string{tt.rule, "bulk write", "allow_bulk_writes=true", "nothing was changed"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			for _, r := range srv.Requests() {
				if r.Method != "GET" {
					t.Errorf("a write was sent: %s %s", r.Method, r.Path)
				}
			}
		})
	}
	if got := writesApplied(srv); len(got) > 0 {
		t.Fatalf("%d writes applied, first %s", len(got), got[0])
	}

	// Narrowed writes pass, and allow_bulk_writes lifts the guard.
	allowed := []struct {
		db  *sql.DB
		sql string
	}{
		{strict, "UPDATE OutgoingCallerIds SET FriendlyName = 'y' WHERE FriendlyName = 'no such name'"},
		{strict, "UPDATE IncomingPhoneNumbers SET FriendlyName = 'WhatsApp Sender' WHERE PhoneNumber = '" + twiliotest.WhatsAppSender + "'"},
		{strict, "UPDATE OutgoingCallerIds SET FriendlyName = 'z' WHERE PhoneNumber LIKE '+1%' AND PhoneNumber LIKE '%0'"},
		{bulk, "UPDATE OutgoingCallerIds SET FriendlyName = 'Verified' WHERE 1=1"},
	}
	for _, tt := range allowed {
		if _, err := tt.db.Exec(tt.sql); err != nil {
			t.Errorf("%s: %v", tt.sql, err)
		}
	}
}

// Item 3: a Sid read from an answer is checked before it names a path; a
// malformed or missing one fails the statement before any write.
func TestHardening3_SidsFromAnswersValidated(t *testing.T) {
	srv := twiliotest.NewServer()
	defer srv.Close()
	for _, tt := range []struct{ name, sid string }{
		{"path traversal", `"../../AC99999999999999999999999999999999/Calls/CA00000000000000000000000000000001"`},
		{"missing", `null`},
		{"empty", `""`},
		{"query", `"CA0000000000000000000000000000000?x"`},
		{"wrong table", `"SM00000000000000000000000000000001"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var writes []string
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet {
					writes = append(writes, r.Method+" "+r.URL.Path)
					srv.Handler().ServeHTTP(w, r)
					return
				}
				if !strings.HasSuffix(r.URL.Path, "/Calls.json") {
					srv.Handler().ServeHTTP(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				// A good row first, then the hostile one: no write at all may go out.
				_, _ = w.Write([]byte(`{"calls":[{"sid":"CA00000000000000000000000000000002","status":"completed"},{"sid":` + tt.sid + `,"status":"completed"}],"next_page_uri":null}`))
			}))
			defer front.Close()
			db := hardeningDB(t, frontDSN(t, srv, front), nil)
			_, err := db.Exec("DELETE FROM Calls WHERE Status = 'completed'")
			if err == nil || !strings.Contains(err.Error(), "not a Calls Sid") || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("error = %v, want the bad Sid named and nothing changed", err)
			}
			if len(writes) > 0 {
				t.Errorf("writes sent: %v", writes)
			}
		})
	}
}
