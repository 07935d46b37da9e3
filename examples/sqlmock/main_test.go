package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/examples/internal/exampletest"
	"github.com/twiliosql/twiliosql/examples/sqlmock/app"
)

// TestRun is the integration test of package app: the same query on the
// driver and the emulator.
func TestRun(t *testing.T) {
	db, _ := exampletest.DB(t)
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
