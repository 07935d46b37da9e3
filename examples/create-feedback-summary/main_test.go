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
	m := regexp.MustCompile(`^created feedback summary (FS[0-9a-f]{32}) \(status queued\)\n$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output %q", out.String())
	}
	if !srv.Exists(m[1]) {
		t.Errorf("the emulator has no summary %s", m[1])
	}
}
