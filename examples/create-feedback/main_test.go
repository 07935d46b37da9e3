package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

func TestRun(t *testing.T) {
	db, srv := testdb.Open(t)
	before := srv.Count("Feedback")
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "created feedback "+callSid+" with quality score 5\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if srv.Count("Feedback") != before+1 {
		t.Errorf("feedback count %d, want %d", srv.Count("Feedback"), before+1)
	}
	var score int
	if err := db.QueryRow("SELECT QualityScore FROM Feedback WHERE Sid = ?", callSid).Scan(&score); err != nil || score != 5 {
		t.Errorf("read back: score %d, err %v", score, err)
	}
}
