package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

func TestRun(t *testing.T) {
	db, srv := testdb.Open(t)
	before := srv.Count("Calls")
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "deleted call "+callSid+" (rows affected: 1)\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if srv.Exists(callSid) || srv.Count("Calls") != before-1 {
		t.Errorf("call %s was not deleted", callSid)
	}
}
