package spec

import (
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
