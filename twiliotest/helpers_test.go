package twiliotest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// client is a tiny Twilio REST client for the tests.
type client struct {
	t    testing.TB
	s    *Server
	user string
	pass string
}

func newClient(t testing.TB, s *Server) *client {
	return &client{t: t, s: s, user: s.AccountSid, pass: s.AuthToken}
}

// acct returns the account-relative path of p.
func (c *client) acct(p string) string { return "/2010-04-01/Accounts/" + c.s.AccountSid + "/" + p }

// do sends a request to a path (absolute path with optional query) and
// returns status and raw body.
func (c *client) do(method, path string, form url.Values) (int, []byte) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.s.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := c.s.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// json sends a request and decodes the JSON object answered, checking the status.
func (c *client) json(method, path string, form url.Values, wantStatus int) map[string]any {
	c.t.Helper()
	status, b := c.do(method, path, form)
	if status != wantStatus {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, status, wantStatus, b)
	}
	if len(b) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("%s %s: bad JSON %q: %v", method, path, b, err)
	}
	return m
}

func (c *client) get(path string) map[string]any { return c.json("GET", path, nil, 200) }

// apiErr checks a Twilio error answer.
// The request is a deliberate mistake: the request-side spec violations it
// causes are expected and forgotten (those of the answer are kept).
func (c *client) apiErr(method, path string, form url.Values, status, code int) map[string]any {
	c.t.Helper()
	before := len(c.s.SpecViolations())
	m := c.json(method, path, form, status)
	c.s.forgetRequestViolations(before)
	if int(m["code"].(float64)) != code || int(m["status"].(float64)) != status {
		c.t.Fatalf("%s %s: error %v, want code %d status %d", method, path, m, code, status)
	}
	if m["more_info"] != "https://www.twilio.com/docs/errors/"+itoa(code) || m["message"] == "" {
		c.t.Fatalf("%s %s: bad error body %v", method, path, m)
	}
	return m
}

// all follows next_page_uri from a list path and returns every item.
func (c *client) all(path, key string) []map[string]any {
	c.t.Helper()
	var out []map[string]any
	for path != "" {
		page := c.get(path)
		for _, it := range page[key].([]any) {
			out = append(out, it.(map[string]any))
		}
		next, _ := page["next_page_uri"].(string)
		path = next
	}
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func sids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = str(it["sid"])
	}
	return out
}

// forgetRequestViolations drops the request-side violations recorded after
// the first n.
func (s *Server) forgetRequestViolations(n int) {
	s.violMu.Lock()
	defer s.violMu.Unlock()
	kept := s.violations[:n]
	for _, v := range s.violations[n:] {
		if v.Response {
			kept = append(kept, v)
		}
	}
	s.violations = kept
}
