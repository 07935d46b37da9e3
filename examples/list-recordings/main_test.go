package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

func TestRun(t *testing.T) {
	db, srv := testdb.Open(t)
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := srv.Count("Recordings")
	if len(lines) != want+1 || lines[want] != fmt.Sprintf("%d recordings", want) {
		t.Fatalf("want %d recordings and a count, got:\n%s", want, out.String())
	}
	if !strings.Contains(out.String(), twiliotest.RecordingSid) {
		t.Errorf("%s missing from the list", twiliotest.RecordingSid)
	}
}
