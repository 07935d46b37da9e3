package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

func TestRun(t *testing.T) {
	db, _ := testdb.Open(t)
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	want := "renamed " + numberSid + " (" + twiliotest.WhatsAppNumber + ") to \"Support line\"\n"
	if out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	var name string
	if err := db.QueryRow("SELECT Name FROM IncomingPhoneNumbers WHERE Sid = ?", numberSid).Scan(&name); err != nil || name != "Support line" {
		t.Errorf("read back %q, %v", name, err)
	}
}
