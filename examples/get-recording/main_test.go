package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

func TestRun(t *testing.T) {
	db, srv := testdb.Open(t)
	srv.ResetRequests()
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^recording ` + recordingSid + `\n  call      CA[0-9a-f]{32}\n  status    completed\n`)
	if !want.MatchString(out.String()) {
		t.Errorf("output:\n%s", out.String())
	}
	if n := srv.RequestCount(); n != 1 {
		t.Errorf("fetching by Sid took %d requests, want 1", n)
	}
}

func TestNotFound(t *testing.T) {
	db, _ := testdb.Open(t)
	if _, err := db.Exec("DELETE FROM Recordings WHERE Sid = ?", recordingSid); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "recording "+recordingSid+" not found\n" {
		t.Errorf("output: %q", out.String())
	}
}
