package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/schema"
)

// dsnKeys asks the driver which DSN keys it knows: its error for an unknown
// key lists them all.
func dsnKeys(t *testing.T) []string {
	t.Helper()
	_, err := driver.ParseDSN("twilio://AC00000000000000000000000000000000:token@/?not_a_dsn_key_at_all=1")
	if err == nil {
		t.Fatal("ParseDSN accepted an unknown key")
	}
	_, list, ok := strings.Cut(err.Error(), "use one of ")
	if !ok {
		t.Fatalf("cannot find the key list in %q: update this test to the driver's message", err)
	}
	var keys []string
	for _, k := range strings.Split(list, ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) < 5 {
		t.Fatalf("found only %v in %q", keys, err)
	}
	return keys
}

// TestReadmeDocumentsEveryDSNKey fails when a DSN key is missing from the
// README's DSN reference table.
func TestReadmeDocumentsEveryDSNKey(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range dsnKeys(t) {
		if !strings.Contains(string(readme), "\n| `"+k+"` |") {
			t.Errorf("README.md's DSN reference has no row for %s: add `| `%s` | default | allowed values | meaning |`", k, k)
		}
	}
}

func TestReadmeNamesEveryTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range schema.Tables() {
		if !strings.Contains(string(readme), "| `"+tb.Name+"`") {
			t.Errorf("README.md's table list has no row for %s", tb.Name)
		}
	}
}
