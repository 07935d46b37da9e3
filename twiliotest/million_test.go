package twiliotest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMillionMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a million messages")
	}
	s := NewTestServer(t, WithSize(Size{Messages: 1_000_000}))
	if s.Count("Messages") != 1_000_000 {
		t.Fatalf("count %d", s.Count("Messages"))
	}
	c := newClient(t, s)
	m := c.get(c.acct("Messages.json?PageSize=1000"))
	if len(m["messages"].([]any)) != 1000 || m["next_page_uri"] == nil {
		t.Fatalf("page: %d rows", len(m["messages"].([]any)))
	}
	m = c.get(str(m["next_page_uri"]))
	if len(m["messages"].([]any)) != 1000 {
		t.Fatalf("second page: %d rows", len(m["messages"].([]any)))
	}
	// A selective filter scans the whole store.
	m = c.get(c.acct("Messages.json?PageSize=1000&To=%2B10000000000"))
	if len(m["messages"].([]any)) != 0 || m["next_page_uri"] != nil {
		t.Fatal("unexpected rows")
	}
}

func BenchmarkSeedMillion(b *testing.B) {
	for b.Loop() {
		NewUnstartedServer(WithSize(Size{Messages: 1_000_000}))
	}
}

// BenchmarkPage1000 serves a page of 1000 messages with the answer judged
// against the spec (the default) and without.
func BenchmarkPage1000(b *testing.B) {
	b.Run("judged", func(b *testing.B) { benchPage1000(b, true) })
	b.Run("unjudged", func(b *testing.B) { benchPage1000(b, false) })
}

func benchPage1000(b *testing.B, judged bool) {
	s := NewUnstartedServer(WithSize(Size{Messages: 1_000_000}), WithSpecValidation(judged))
	h := s.Handler()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/2010-04-01/Accounts/"+s.AccountSid+"/Messages.json?PageSize=1000&Page=0", nil)
		req.SetBasicAuth(s.AccountSid, s.AuthToken)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
		if w.Body.Len() < 500_000 {
			b.Fatalf("short body: %d bytes", w.Body.Len())
		}
	}
}
