package driver_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

// TestNestedAndSubaccountEfficiency counts the requests of the queries of
// issue 12: each reads only the collections it needs.
func TestNestedAndSubaccountEfficiency(t *testing.T) {
	db, srv := testdb.Open(t)
	day := srv.Now().Add(-24 * time.Hour).UTC().Format(time.DateOnly)
	next := srv.Now().UTC().Format(time.DateOnly)
	subs := len(srv.SubaccountSids())
	tests := []struct {
		name     string
		sql      string
		args     []any
		rows     int // -1: any number, at least one
		requests int
	}{
		{"usage by category", "SELECT Category, SUM(Price) FROM UsageRecordsLastMonth GROUP BY Category", nil, -1, 1},
		{"participants of the conferences of one day, joined",
			"SELECT c.Sid, p.CallSid FROM Conferences c JOIN ConferenceParticipants p ON p.ConferenceSid = c.Sid WHERE c.DateCreated >= ? AND c.DateCreated < ?", []any{day, next}, -1, 2},
		{"participants of the conferences of one day, IN subquery",
			"SELECT CallSid FROM ConferenceParticipants WHERE ConferenceSid IN (SELECT Sid FROM Conferences WHERE DateCreated >= ? AND DateCreated < ?)", []any{day, next}, -1, 2},
		{"participants of one conference", "SELECT CallSid FROM ConferenceParticipants WHERE ConferenceSid = 'CF0123456789abcdef0123456789abcdef'", nil, -1, 1},
		{"participants of every conference: the parents, then each one's", "SELECT COUNT(*) FROM ConferenceParticipants", nil, 1, 1 + 3},
		{"calls of every subaccount", "SELECT AccountSid, COUNT(*) FROM Calls WHERE AccountSid IN (SELECT Sid FROM Accounts) GROUP BY AccountSid", nil, 1 + subs, 1 + 1 + subs},
		{"calls of one subaccount", "SELECT COUNT(*) FROM Calls WHERE AccountSid = ?", []any{srv.SubaccountSids()[0]}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			rows, err := db.Query(tt.sql, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if tt.rows >= 0 && n != tt.rows || tt.rows < 0 && n == 0 {
				t.Errorf("%d rows, want %d", n, tt.rows)
			}
			if got := srv.RequestCount(); got != tt.requests {
				for _, r := range srv.Requests() {
					t.Logf("%s %s?%s", r.Method, r.Path, r.Query.Encode())
				}
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
		})
	}
}

// EXPLAIN shows the parents listed first when a nested table lacks its
// parent's key, and the path filled when the query gives it.
func TestExplainNested(t *testing.T) {
	db, _ := testdb.Open(t)
	for _, tt := range []struct{ sql, want string }{
		{"EXPLAIN SELECT * FROM ConferenceParticipants", "one listing per row of step 1 (ConferenceSid = its Sid)"},
		{"EXPLAIN SELECT * FROM ConferenceParticipants WHERE ConferenceSid = 'CF0123456789abcdef0123456789abcdef'", "Conferences/CF0123456789abcdef0123456789abcdef/Participants.json"},
		{"EXPLAIN SELECT * FROM Calls WHERE AccountSid = 'AC0123456789abcdef0123456789abcdef'", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls.json"},
	} {
		rows, err := db.Query(tt.sql)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var text string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			text += fmt.Sprintln(vals...)
		}
		rows.Close()
		if !strings.Contains(text, tt.want) {
			t.Errorf("%s:\n%s\nwant it to contain %q", tt.sql, text, tt.want)
		}
	}
}
