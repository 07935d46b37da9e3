package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
)

func TestRun(t *testing.T) {
	db, _ := testdb.Open(t)
	var out bytes.Buffer
	if err := run(context.Background(), db, &out); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^redacted message ((SM|MM)[0-9a-f]{32}) \([1-9]\d* characters removed, rows affected: 1\)\n$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output %q", out.String())
	}
	var body string
	if err := db.QueryRow("SELECT Body FROM Messages WHERE Sid = ?", m[1]).Scan(&body); err != nil || body != "" {
		t.Errorf("body after redaction %q, %v", body, err)
	}
}
