package exampledb

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestOpenEmulator(t *testing.T) {
	t.Setenv("TWILIO_ACCOUNT_SID", "")
	var notice bytes.Buffer
	Notice = &notice
	ctx := context.Background()
	db, closeDB, err := Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT 1 FROM Calls LIMIT 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("query: %v (n = %d)", err, n)
	}
	if !strings.Contains(notice.String(), "emulator") {
		t.Errorf("notice = %q", notice.String())
	}
}

func TestOpenAccountBadCredentials(t *testing.T) {
	t.Setenv("TWILIO_ACCOUNT_SID", "not-a-sid")
	t.Setenv("TWILIO_AUTH_TOKEN", "")
	if _, _, err := Open(context.Background()); err == nil {
		t.Fatal("Open accepted an invalid TWILIO_ACCOUNT_SID")
	}
}
