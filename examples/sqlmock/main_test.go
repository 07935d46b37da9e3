package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/examples/sqlmock/app"
	"github.com/twiliosql/twiliosql/internal/testdb"
)

// TestRun is the integration test of package app: the same query on the
// driver and the emulator.
func TestRun(t *testing.T) {
	db, _ := testdb.Open(t)
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	n := len(lines) - 1
	if n < 1 || n > app.MaxFailedCalls || lines[0] != fmt.Sprintf("%d recent failed calls", n) {
		t.Fatalf("output:\n%s", out.String())
	}
	// Every Sid is a failed call, newest first.
	var prev time.Time
	for i, sid := range lines[1:] {
		if !regexp.MustCompile(`^CA[0-9a-f]{32}$`).MatchString(sid) {
			t.Fatalf("line %q is not a call Sid", sid)
		}
		var status string
		var created time.Time
		if err := db.QueryRow("SELECT Status, DateCreated FROM Calls WHERE Sid = ?", sid).Scan(&status, &created); err != nil {
			t.Fatal(err)
		}
		if status != "failed" {
			t.Errorf("%s has status %s", sid, status)
		}
		if i > 0 && created.After(prev) {
			t.Errorf("%s is newer than the call before it", sid)
		}
		prev = created
	}
	// And they are the newest ones.
	var total int
	rows, err := db.Query("SELECT Sid FROM Calls WHERE Status = 'failed'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		total++
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	if n != min(total, app.MaxFailedCalls) {
		t.Errorf("got %d calls, the emulator has %d failed ones", n, total)
	}
}

// TestRetryNumbersOnEmulator checks RetryNumbers' SQL on the emulator: its
// answer is the one computed here from every failed call, sorted and cut
// to the window in Go rather than by the query.
func TestRetryNumbersOnEmulator(t *testing.T) {
	db, _ := testdb.Open(t)
	got, err := app.RetryNumbers(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	type call struct {
		sid, to string
		created time.Time
	}
	var calls []call
	rows, err := db.Query("SELECT Sid, `To`, DateCreated FROM Calls WHERE Status = 'failed'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c call
		var to sql.NullString
		if err := rows.Scan(&c.sid, &to, &c.created); err != nil {
			t.Fatal(err)
		}
		c.to = to.String
		calls = append(calls, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(calls, func(a, b call) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(a.sid, b.sid)
	})
	calls = calls[:min(len(calls), app.RetryWindow)]
	count := map[string]int{}
	var order []string
	for _, c := range calls {
		if c.to == "" {
			continue
		}
		if count[c.to] == 0 {
			order = append(order, c.to)
		}
		count[c.to]++
	}
	var want []string
	for _, n := range order {
		if count[n] < app.MaxAttempts {
			want = append(want, n)
		}
	}
	if len(calls) == 0 || len(want) == 0 {
		t.Fatalf("%d failed calls, %d numbers to retry: the emulator's data does not exercise RetryNumbers", len(calls), len(want))
	}
	if !slices.Equal(got, want) {
		t.Errorf("RetryNumbers = %q\nwant %q", got, want)
	}
}
