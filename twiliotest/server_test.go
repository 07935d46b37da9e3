package twiliotest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuth(t *testing.T) {
	s := NewTestServer(t)
	want := `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`
	for _, tc := range []struct {
		name, user, pass string
	}{
		{"missing", "", ""},
		{"wrong token", s.AccountSid, "00000000000000000000000000000000"},
		{"wrong sid", "AC00000000000000000000000000000000", s.AuthToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, s)
			c.user, c.pass = tc.user, tc.pass
			status, body := c.do("GET", c.acct("Calls.json"), nil)
			if status != 401 || string(body) != want {
				t.Fatalf("got %d %s", status, body)
			}
		})
	}
	// The challenge header.
	req, _ := http.NewRequest("GET", s.URL+"/2010-04-01/Accounts/"+s.AccountSid+"/Calls.json", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
		t.Fatalf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
	}
	// Another account's resources.
	c := newClient(t, s)
	c.apiErr("GET", "/2010-04-01/Accounts/AC00000000000000000000000000000000/Calls.json", nil, 403, 20003)
	c.apiErr("GET", "/2010-04-01/Accounts/AC00000000000000000000000000000000.json", nil, 403, 20003)
}

func TestCustomCredentials(t *testing.T) {
	s := NewTestServer(t, WithCredentials("AC11111111111111111111111111111111", "abcdefABCDEF0123456789abcdefABCD"))
	c := newClient(t, s)
	m := c.get("/2010-04-01/Accounts/AC11111111111111111111111111111111.json")
	if m["sid"] != s.AccountSid || m["auth_token"] != s.AuthToken || m["status"] != "active" {
		t.Fatalf("account %v", m)
	}
	if !strings.Contains(s.DSN(), "AC11111111111111111111111111111111:abcdefABCDEF0123456789abcdefABCD@127.0.0.1:") {
		t.Fatalf("DSN %s", s.DSN())
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	for _, p := range []string{
		c.acct("Calls/CA00000000000000000000000000000000.json"),
		c.acct("Messages/SM00000000000000000000000000000000.json"),
		c.acct("Messages/nonsense.json"),
		c.acct("Recordings/RE00000000000000000000000000000000.json"),
		c.acct("IncomingPhoneNumbers/PN00000000000000000000000000000000.json"),
		c.acct("OutgoingCallerIds/PN00000000000000000000000000000000.json"),
		c.acct("Calls/FeedbackSummary/FS00000000000000000000000000000000.json"),
		c.acct("Calls/CA00000000000000000000000000000000/Feedback.json"),
		c.acct("NoSuchResource.json"),
		c.acct("Calls.xml"),
		"/2010-04-01/Nope.json",
		"/",
	} {
		m := c.apiErr("GET", p, nil, 404, 20404)
		if want := "The requested resource " + p + " was not found"; m["message"] != want {
			t.Errorf("message %q, want %q", m["message"], want)
		}
	}
	// A message Sid with the wrong prefix is not found either.
	items := c.all(c.acct("Messages.json?PageSize=1000"), "messages")
	for _, it := range items {
		sid := str(it["sid"])
		other := "MM" + sid[2:]
		if sid[:2] == "MM" {
			other = "SM" + sid[2:]
		}
		c.apiErr("GET", c.acct("Messages/"+other+".json"), nil, 404, 20404)
		break
	}
	for _, tc := range []struct{ method, path string }{
		{"DELETE", c.acct("Calls.json")},
		{"PUT", c.acct("Messages.json")},
		{"POST", c.acct("Recordings.json")},
		{"POST", c.acct("Recordings/" + RecordingSid + ".json")},
		{"DELETE", "/2010-04-01/Accounts/" + s.AccountSid + ".json"},
		{"GET", c.acct("Calls/FeedbackSummary.json")},
	} {
		c.apiErr(tc.method, tc.path, url.Values{}, 405, 20004)
	}
}

func TestAccount(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	m := c.get("/2010-04-01/Accounts/" + s.AccountSid + ".json")
	for _, k := range []string{"auth_token", "date_created", "date_updated", "friendly_name", "owner_account_sid", "sid", "status", "subresource_uris", "type", "uri"} {
		if _, ok := m[k]; !ok {
			t.Errorf("account lacks %s", k)
		}
	}
	if m["status"] != "active" || m["type"] != "Full" || m["uri"] != "/2010-04-01/Accounts/"+s.AccountSid+".json" {
		t.Fatalf("account %v", m)
	}
	if s.AccountSid != DefaultAccountSid || s.AuthToken != DefaultAuthToken {
		t.Fatal("default credentials")
	}
}

func TestRequestLog(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	c.get(c.acct("Calls.json?StartTime%3E=2026-01-01&PageSize=2"))
	c.json("POST", c.acct("Messages.json"), url.Values{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "MediaUrl": {"https://a.example/1.png", "https://a.example/2.png"}}, 201)
	bad := newClient(t, s)
	bad.pass = "wrong"
	bad.do("GET", c.acct("Messages.json"), nil)

	reqs := s.Requests()
	if len(reqs) != 3 || s.RequestCount() != 3 {
		t.Fatalf("requests %d/%d", len(reqs), s.RequestCount())
	}
	r0 := reqs[0]
	if r0.Method != "GET" || r0.Path != c.acct("Calls.json") || r0.Query.Get("StartTime>") != "2026-01-01" || r0.Query.Get("PageSize") != "2" || r0.Status != 200 || r0.Form != nil {
		t.Fatalf("request 0: %+v", r0)
	}
	r1 := reqs[1]
	if r1.Method != "POST" || r1.Status != 201 || len(r1.Form["MediaUrl"]) != 2 || r1.Form.Get("To") != "+14155550100" {
		t.Fatalf("request 1: %+v", r1)
	}
	if reqs[2].Status != 401 {
		t.Fatalf("request 2: %+v", reqs[2])
	}
	// Requests returns a copy.
	reqs[0].Query.Set("PageSize", "9")
	if s.Requests()[0].Query.Get("PageSize") != "2" {
		t.Fatal("Requests is not a copy")
	}
	s.ResetRequests()
	if s.RequestCount() != 0 || len(s.Requests()) != 0 {
		t.Fatal("ResetRequests")
	}
}

func TestTLS(t *testing.T) {
	s := NewUnstartedServer()
	s.StartTLS()
	s.FailOnViolations(t)
	if !strings.HasPrefix(s.URL, "https://127.0.0.1:") || s.Certificate() == nil {
		t.Fatalf("URL %s", s.URL)
	}
	if strings.Contains(s.DSN(), "tls=false") || !strings.HasPrefix(s.DSN(), "twilio://"+s.AccountSid+":"+s.AuthToken+"@127.0.0.1:") {
		t.Fatalf("DSN %s", s.DSN())
	}
	c := newClient(t, s)
	c.get(c.acct("Calls.json"))

	p := NewTestServer(t)
	if !strings.HasSuffix(p.DSN(), "/?tls=false") || !strings.HasPrefix(p.URL, "http://127.0.0.1:") {
		t.Fatalf("DSN %s URL %s", p.DSN(), p.URL)
	}
}

func TestHandlerWithoutListener(t *testing.T) {
	s := NewUnstartedServer()
	req := httptest.NewRequest("GET", "/2010-04-01/Accounts/"+s.AccountSid+"/Calls/"+FeedbackCallSid+".json", nil)
	req.SetBasicAuth(s.AccountSid, s.AuthToken)
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	if w.Code != 200 || !strings.Contains(w.Body.String(), FeedbackCallSid) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	if v := s.SpecViolations(); len(v) > 0 {
		t.Fatal(v[0])
	}
}

func TestDeterminism(t *testing.T) {
	paths := []string{
		"Calls.json?PageSize=1000", "Messages.json?PageSize=1000", "Recordings.json?PageSize=1000&IncludeSoftDeleted=true",
		"IncomingPhoneNumbers.json", "OutgoingCallerIds.json", "Calls/" + FeedbackCallSid + ".json",
	}
	fetch := func(s *Server) [][]byte {
		c := newClient(t, s)
		var out [][]byte
		for _, p := range paths {
			status, b := c.do("GET", c.acct(p), nil)
			if status != 200 {
				t.Fatalf("%s: %d", p, status)
			}
			out = append(out, b)
		}
		status, b := c.do("POST", c.acct("Messages.json"), url.Values{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {"hi"}})
		if status != 201 {
			t.Fatal(status)
		}
		return append(out, b)
	}
	a, b, other := NewTestServer(t, WithSeed(42)), NewTestServer(t, WithSeed(42)), NewTestServer(t, WithSeed(43))
	ra, rb, ro := fetch(a), fetch(b), fetch(other)
	for i := range ra {
		if !bytes.Equal(ra[i], rb[i]) {
			t.Errorf("response %d differs between two servers with the same seed", i)
		}
	}
	if bytes.Equal(ra[1], ro[1]) {
		t.Error("different seeds serve the same messages")
	}
	// Changing the clock moves the data.
	n := NewTestServer(t, WithNow(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
	m := newClient(t, n).get(newClient(t, n).acct("Calls/" + FeedbackCallSid + ".json"))
	if !strings.Contains(str(m["date_created"]), "2029") {
		t.Errorf("WithNow: date_created %v", m["date_created"])
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := NewTestServer(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, s)
			for i := range 10 {
				switch (g + i) % 4 {
				case 0:
					c.all(c.acct("Messages.json?PageSize=200"), "messages")
				case 1:
					c.json("POST", c.acct("Messages.json"), url.Values{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {"hi"}}, 201)
				case 2:
					c.json("POST", c.acct("Calls.json"), url.Values{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Url": {"https://demo.twilio.com/docs/voice.xml"}}, 201)
				case 3:
					c.get(c.acct("Calls.json?Status=completed"))
				}
			}
		}()
	}
	wg.Wait()
	if s.Count("Messages") != 500+20 || s.Count("Calls") != 200+20 {
		t.Fatalf("counts %d %d", s.Count("Messages"), s.Count("Calls"))
	}
	if s.RequestCount() < 80 {
		t.Fatalf("request count %d", s.RequestCount())
	}
}
