// Package examples_test runs every example program the way a reader would,
// with `go run ./examples/<name>`, against the embedded emulator. Each
// example's logic is tested in depth beside it (main_test.go); this test
// checks that each one builds, chooses the emulator without credentials,
// exits 0 and prints what it did.
package examples_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// want is what each example prints on success.
var want = map[string]string{
	"list-recordings":         `(?m)^RE2e915e78549694bd0a0742d2d39454e5 .*\n(.*\n)*\d+ recordings\n$`,
	"get-recording":           `^recording RE2e915e78549694bd0a0742d2d39454e5\n`,
	"delete-call":             `^deleted call CAaa4a99c300bd9d1bcc0d1ae9dcd248c6 \(rows affected: 1\)\n$`,
	"create-feedback":         `^created feedback CAdefbf2b4caa7df11dc48106385e32345 with quality score 5\n$`,
	"create-feedback-summary": `^created feedback summary FS[0-9a-f]{32} \(status queued\)\n$`,
	"send-whatsapp":           `^sent message SM[0-9a-f]{32} from whatsapp:\+14155238886 to whatsapp:\+15005550006 `,
	"redact-message":          `^redacted message (SM|MM)[0-9a-f]{32} `,
	"rename-inbound-number":   `^renamed PN4047ac009a15885690a50a1d388b8411 \(\+14155238886\) to "Support line"\n$`,
	"rename-caller-id":        `^renamed caller id PN6f5f9bf39cb1801a6e21a5a80d274bdd \(.*\) from ".*" to "Main office"\n$`,
	"sqlmock":                 `^\d+ recent failed calls\n(CA[0-9a-f]{32}\n)*$`,
}

func TestEveryExampleIsListedAndTested(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "internal" {
			dirs = append(dirs, e.Name())
			if _, err := os.Stat(filepath.Join(e.Name(), "main_test.go")); err != nil {
				t.Errorf("example %s has no main_test.go", e.Name())
			}
			if _, ok := want[e.Name()]; !ok {
				t.Errorf("example %s is missing from this test's table", e.Name())
			}
		}
	}
	for name := range want {
		if !slices.Contains(dirs, name) {
			t.Errorf("example %s does not exist", name)
		}
	}
}

func TestGoRunEveryExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example; skipped with -short")
	}
	// go test puts its own GOROOT/bin first in PATH, so "go" is the same toolchain.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "TWILIO_") })
	for name, pattern := range want {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(gobin, "run", "./"+name)
			cmd.Env = env
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go run ./examples/%s: %v\nstderr:\n%s", name, err, stderr.String())
			}
			if !regexp.MustCompile(pattern).Match(out) {
				t.Errorf("go run ./examples/%s printed:\n%s\nwant it to match %s", name, out, pattern)
			}
			if !strings.Contains(stderr.String(), "embedded Twilio emulator") {
				t.Errorf("go run ./examples/%s: stderr does not say it used the emulator:\n%s", name, stderr.String())
			}
		})
	}
}
