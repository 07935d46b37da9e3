package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/schema"
)

// TestTablesDocUpToDate fails when docs/TABLES.md differs from what the
// catalog generates.
func TestTablesDocUpToDate(t *testing.T) {
	var want bytes.Buffer
	render(&want, schema.Tables())
	path := filepath.Join("..", "..", "docs", "TABLES.md")
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v; create it with `%s`", path, err, regenerate)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("docs/TABLES.md is stale: the schema catalog changed. Run `%s` from the repository root and commit the result", regenerate)
	}
}

func TestRenderMentionsEveryTableAndColumn(t *testing.T) {
	var buf bytes.Buffer
	render(&buf, schema.Tables())
	out := buf.String()
	for _, tb := range schema.Tables() {
		if !strings.Contains(out, "## "+tb.Name+"\n") {
			t.Errorf("no section for %s", tb.Name)
		}
		for _, c := range tb.Columns {
			if !strings.Contains(out, "| `"+c.Name+"` |") {
				t.Errorf("%s.%s missing", tb.Name, c.Name)
			}
		}
	}
	if !strings.Contains(out, "| `StartTime` | `=`, `<`, `<=`, `>`, `>=`, `BETWEEN` | `StartTime`, `StartTime>`, `StartTime<` |") {
		t.Errorf("Calls.StartTime filter row not rendered as expected")
	}
}
