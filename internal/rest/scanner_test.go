package rest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// A page cut short anywhere fails with "unexpected end of JSON input",
// whatever the scanner was reading; it never panics or reads past the end.
func TestDecodePageTruncated(t *testing.T) {
	full := `{"calls":[{"sid":"CA1","n":[10,-29.5e+3,true,false,null]},"s\"\\",90],"next_page_uri":"\/2010\"x"}`
	for n := range len(full) - 1 {
		body := full[:n]
		t.Run(body, func(t *testing.T) {
			_, err := DecodePage([]byte(body), "calls", nil)
			if err == nil {
				t.Fatal("a truncated page decoded")
			}
			if n > 0 && !errors.Is(err, errEnd) {
				t.Errorf("error %v, want it to wrap %v", err, errEnd)
			}
		})
	}
	for _, body := range []string{`{"next_page_uri":`, `{"next_page_uri":null`, `{"calls":null`, `{"calls":[1`, `{"calls":[{`, `{"calls":[1,`, `{`, `{"`} {
		if _, err := DecodePage([]byte(body), "calls", nil); !errors.Is(err, errEnd) {
			t.Errorf("%s: error %v, want it to wrap %v", body, err, errEnd)
		}
	}
	// A literal cut short is not one: an error, not a panic.
	for _, body := range []string{`{"next_page_uri":nul`, `{"calls":nu`, `{"calls":[tru`, `{"calls":[f`} {
		b := []byte(body)
		b = b[:len(b):len(b)] // no spare capacity to read past the end into
		if _, err := DecodePage(b, "calls", nil); err == nil {
			t.Errorf("%s decoded", body)
		}
	}
}

// Items and next_page_uri come out exactly, through escaped quotes, runs of
// backslashes, an escape as the first character, and numbers of every
// digit.
func TestDecodePageExact(t *testing.T) {
	tests := []struct {
		body  string
		items []string
		next  string
	}{
		{`{"calls":[0,1,9,10,19,-0.5,3.5e-1,2E+9,90],"next_page_uri":null}`,
			[]string{`0`, `1`, `9`, `10`, `19`, `-0.5`, `3.5e-1`, `2E+9`, `90`}, ""},
		{`{"calls":["a\"b","c\\","d\\\"e","\\\\",""],"next_page_uri":"\/2010-04-01\/x"}`,
			[]string{`"a\"b"`, `"c\\"`, `"d\\\"e"`, `"\\\\"`, `""`}, "/2010-04-01/x"},
		{`{"next_page_uri":"\u002Fp?a=1\u0026b=2","calls":[{"k":"}]\"{["}]}`,
			[]string{`{"k":"}]\"{["}`}, "/p?a=1&b=2"},
		{"{\"calls\":[1],\"next_page_uri\":\"/plain\"}", []string{`1`}, "/plain"},
	}
	for _, tt := range tests {
		page, err := DecodePage([]byte(tt.body), "calls", nil)
		if err != nil {
			t.Errorf("%s: %v", tt.body, err)
			continue
		}
		var got []string
		for _, it := range page.Items {
			got = append(got, string(it))
		}
		if strings.Join(got, "|") != strings.Join(tt.items, "|") || page.NextPageURI != tt.next {
			t.Errorf("%s:\n items %q next %q\n want %q next %q", tt.body, got, page.NextPageURI, tt.items, tt.next)
		}
	}
}

// The exponential backoff: base << n halved plus up to as much again at
// random, capped by MaxDelay (0: no cap), 100 ms when the base is unset.
func TestExponentialBackoff(t *testing.T) {
	tests := []struct {
		p        RetryPolicy
		n        int
		min, max time.Duration
	}{
		{RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 0, 50 * time.Millisecond, 100 * time.Millisecond},
		{RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 1, 100 * time.Millisecond, 200 * time.Millisecond},
		{RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 3, 400 * time.Millisecond, 800 * time.Millisecond},
		{RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 4, 500 * time.Millisecond, time.Second},
		{RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}, 40, 500 * time.Millisecond, time.Second},
		{RetryPolicy{BaseDelay: 10 * time.Millisecond}, 5, 160 * time.Millisecond, 320 * time.Millisecond},
		{RetryPolicy{}, 0, 50 * time.Millisecond, 100 * time.Millisecond},
		{RetryPolicy{BaseDelay: -time.Second}, 1, 100 * time.Millisecond, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for range 200 {
			d := tt.p.exponential(tt.n)
			lo, hi = min(lo, d), max(hi, d)
		}
		if lo < tt.min || hi > tt.max {
			t.Errorf("%+v retry %d: waits %v to %v, want within %v to %v", tt.p, tt.n, lo, hi, tt.min, tt.max)
		}
		// Jitter: 200 draws over half the range are not all the same.
		if hi-lo < (tt.max-tt.min)/4 {
			t.Errorf("%+v retry %d: waits %v to %v, too little spread", tt.p, tt.n, lo, hi)
		}
	}
}

// Get puts the query in the URL: after a '?' or, when the path has its own
// query (a next_page_uri), after a '&'; without a query, no '?' at all.
func TestGetQuery(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.RequestURI)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	calls := "/2010-04-01/Accounts/" + testAccount + "/Calls.json"
	for _, tt := range []struct {
		path  string
		query url.Values
		want  string
	}{
		{"Calls.json", nil, calls},
		{"Calls.json", url.Values{}, calls},
		{"Calls.json", url.Values{"Status": {"busy"}}, calls + "?Status=busy"},
		{calls + "?PageSize=2&Page=1", url.Values{"Status": {"busy"}}, calls + "?PageSize=2&Page=1&Status=busy"},
		{calls + "?PageSize=2", nil, calls + "?PageSize=2"},
	} {
		mu.Lock()
		got = nil
		mu.Unlock()
		if _, err := c.Get(ctx, tt.path, tt.query); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("Get(%q, %v) requested %q, want %q", tt.path, tt.query, got, tt.want)
		}
		mu.Unlock()
	}
}

// An error names what went wrong, adds a hint for the usual codes, and ends
// with Twilio's link only when there is one.
func TestErrorText(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Status: 404, Code: 20404, Message: "not found", Method: "GET", Path: "/p"}, "twilio: GET /p: 404 / 20404: not found"},
		{Error{Status: 404, Code: 20404, Message: "not found", MoreInfo: "https://x/20404", Method: "GET", Path: "/p"}, "twilio: GET /p: 404 / 20404: not found https://x/20404"},
		{Error{Status: 502, Message: "bad gateway", Method: "GET", Path: "/p"}, "twilio: GET /p: 502: bad gateway"},
		{Error{Status: 429, Code: 20429, Message: "busy", Method: "GET", Path: "/p"}, "twilio: GET /p: 429 / 20429: busy (Twilio's concurrency limit was reached; lower nodes or retry later)"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant      %q", got, tt.want)
		}
	}
}
