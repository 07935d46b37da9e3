package rest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	whole := `{"calls":[{"sid":"CA1","to":"a\"}]{","n":[1,2,{"x":"\\"}]}],"next_page_uri":null}  `
	if !complete([]byte(whole)) {
		t.Fatalf("a whole body is not complete")
	}
	// Every cut of a whole body is found.
	body := strings.TrimSpace(whole)
	for i := range len(body) {
		if complete([]byte(body[:i])) {
			t.Errorf("the body cut at %d (%q) is complete", i, body[:i])
		}
	}
	for _, bad := range []string{"", "null", `"x"`, `{}}`, `{"a":1}{"b":2}`, `]`} {
		if complete([]byte(bad)) {
			t.Errorf("%q is complete", bad)
		}
	}
}

// FuzzComplete checks that every JSON object json.Valid accepts is
// complete, and that no proper prefix of one is.
func FuzzComplete(f *testing.F) {
	f.Add([]byte(`{"calls":[{"sid":"CA1"}],"next_page_uri":null}`))
	f.Add([]byte(`{"a":"\\\"}"}`))
	f.Add([]byte(`[{"a":[]},{}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ok := complete(body) // must not panic
		trimmed := strings.TrimSpace(string(body))
		if !json.Valid(body) || trimmed == "" || trimmed[0] != '{' && trimmed[0] != '[' {
			return
		}
		if !ok {
			t.Fatalf("valid %q is not complete", body)
		}
		for i := range len(trimmed) {
			if complete([]byte(trimmed[:i])) {
				t.Fatalf("%q cut at %d is complete", trimmed, i)
			}
		}
	})
}

func BenchmarkCompleteVersusValid(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"calls":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"sid":"CA%032d","to":"+14155550100","from":"client:alice","status":"completed","start_time":"Tue, 31 Aug 2010 20:36:28 +0000","duration":"42","price":"-0.0075","subresource_uris":{"notifications":"/2010-04-01/Accounts/AC1/Calls/CA1/Notifications.json"}}`, i)
	}
	sb.WriteString(`],"next_page_uri":null}`)
	body := []byte(sb.String())
	b.Run("complete", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if !complete(body) {
				b.Fatal("not complete")
			}
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if !json.Valid(body) {
				b.Fatal("not valid")
			}
		}
	})
}
