package spec

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/gorillamux"
)

func TestLoad(t *testing.T) {
	start := time.Now()
	doc, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %v", time.Since(start))
	start = time.Now()
	if _, err := gorillamux.NewRouter(doc); err != nil {
		t.Fatal(err)
	}
	t.Logf("router in %v", time.Since(start))
	for _, id := range []string{"ListCall", "CreateCall", "UpdateCall", "DeleteCall", "FetchCallFeedback", "UpdateCallFeedback", "CreateCallFeedbackSummary", "FetchCallFeedbackSummary", "DeleteCallFeedbackSummary"} {
		if _, _, op := Operation(doc, id); op == nil {
			t.Errorf("no operation %s", id)
		}
	}
	if len(doc.Servers) != 0 {
		t.Errorf("servers %v", doc.Servers)
	}
}

// README's testing section lists the exceptions exactly as the validator
// applies them.
func TestReadmeListsTheExceptions(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if table := ExceptionsMarkdown(); !strings.Contains(string(readme), table) {
		t.Errorf("README.md lacks the table of exceptions; put this in its testing section:\n%s", table)
	}
}
