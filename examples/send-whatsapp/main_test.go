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
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^sent message (SM[0-9a-f]{32}) from ` + regexp.QuoteMeta(from) + ` to ` + regexp.QuoteMeta(to) + ` \(status \w+\)\n$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output %q", out.String())
	}
	var got string
	if err := db.QueryRow("SELECT Body FROM Messages WHERE Sid = ?", m[1]).Scan(&got); err != nil || got != body {
		t.Errorf("read back %q, %v", got, err)
	}
	if !srv.Exists(m[1]) {
		t.Errorf("the emulator has no message %s", m[1])
	}
}
