package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestNullDeviceIsNotATerminal: twiliosql </dev/null runs the (empty)
// script and exits 0 without a prompt; -e "" runs nothing.
func TestNullDeviceIsNotATerminal(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	for _, args := range [][]string{nil, {"-e", ""}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, devNull, &stdout, &stderr); code != 0 {
			t.Errorf("%q: exit %d: %s", args, code, stderr.String())
		}
		if strings.Contains(stdout.String(), prompt) || strings.Contains(stdout.String(), "Enter SQL") {
			t.Errorf("%q: a prompt on a null device:\n%s", args, stdout.String())
		}
	}
}

// TestDemoDataEndsToday: the demo's calls reach the last 7 days.
func TestDemoDataEndsToday(t *testing.T) {
	t.Setenv("TWILIO_ACCOUNT_SID", "")
	t.Setenv("TWILIO_API_KEY", "")
	var stdout, stderr bytes.Buffer
	q := "SELECT COUNT(*) AS n FROM Calls WHERE StartTime >= NOW() - INTERVAL 7 DAY"
	if code := run(context.Background(), []string{"-e", q, "--format", "csv"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := strings.TrimSpace(stdout.String()); got == "n\n0" || !strings.HasPrefix(got, "n\n") {
		t.Errorf("calls in the last 7 days:\n%s", got)
	}
}

// TestTableTellsNullFromTheTextNULL: NULL prints as NULL, the string
// 'NULL' quoted.
func TestTableTellsNullFromTheTextNULL(t *testing.T) {
	t.Setenv("TWILIO_ACCOUNT_SID", "")
	t.Setenv("TWILIO_API_KEY", "")
	var stdout, stderr bytes.Buffer
	q := "SELECT NULL AS a, 'NULL' AS b, 'x' AS c"
	if code := run(context.Background(), []string{"-e", q}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(stdout.String(), "\n")
	if len(lines) < 3 || strings.Join(strings.Fields(lines[2]), " ") != "NULL | 'NULL' | x" {
		t.Errorf("table:\n%s", stdout.String())
	}
}
