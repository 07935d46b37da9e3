package main

import (
	"bytes"
	"context"
	"regexp"
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
	want := regexp.MustCompile(`^renamed caller id ` + callerIDSid + ` \(` + regexp.QuoteMeta(twiliotest.OutgoingCallerIdNumber) + `\) from ".*" to "Main office"\n$`)
	if !want.MatchString(out.String()) {
		t.Errorf("output %q", out.String())
	}
	var name string
	if err := db.QueryRow("SELECT FriendlyName FROM OutboundCallerIds WHERE Sid = ?", callerIDSid).Scan(&name); err != nil || name != "Main office" {
		t.Errorf("read back %q, %v", name, err)
	}
}
