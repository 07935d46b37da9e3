package twiliotest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fakeT records what NewTestServer reports, so a test can check that a
// violation fails the test it happens in, and how.
type fakeT struct {
	errors   []string
	cleanups []func()
}

func (f *fakeT) Helper()           {}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// end runs the cleanups as the end of a test does and returns the failures.
func (f *fakeT) end() string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return strings.Join(f.errors, "\n")
}

// sendRaw sends a raw request, with or without the form content type.
func sendRaw(t *testing.T, s *Server, method, path, body, contentType string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+"/2010-04-01/Accounts/"+s.AccountSid+"/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.SetBasicAuth(s.AccountSid, s.AuthToken)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

func wantAll(t *testing.T, what, got string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(got, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, got)
		}
	}
}

// A POST without the form content type has no parameters at Twilio: the
// answer is Twilio's error for the first missing one, and the test fails
// naming the operation and the header.
func TestSpecDroppedContentTypeFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	s := NewTestServer(ft)
	form := url.Values{"To": {"+15005550006"}, "From": {WhatsAppSender}, "Body": {"hi"}}
	status, body := sendRaw(t, s, "POST", "Messages.json", form.Encode(), "")
	if status != 400 || !strings.Contains(body, `"code":21604`) || !strings.Contains(body, "A 'To' phone number is required.") {
		t.Errorf("answer %d %s, want 400 / 21604", status, body)
	}
	if n := s.Count("Messages"); n != DefaultSize.Messages {
		t.Errorf("%d messages: a POST without a form was applied", n)
	}
	failures := ft.end()
	wantAll(t, "the failure", failures, "CreateMessage", `field "Content-Type"`, "application/x-www-form-urlencoded", "Twilio reads none of its parameters", `field "To": required parameter missing`)
}

// Status=finished on UpdateCall is refused 400 / 20001 naming the
// operation, the field and the value, and fails the test.
func TestSpecWrongEnumFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	s := NewTestServer(ft)
	status, body := sendRaw(t, s, "POST", "Calls/"+FeedbackCallSid+".json", "Status=finished", formType)
	if status != 400 || !strings.Contains(body, `"code":20001`) {
		t.Errorf("answer %d %s, want 400 / 20001", status, body)
	}
	wantAll(t, "the answer", body, "UpdateCall", "Status", "finished", "canceled", "completed")
	failures := ft.end()
	wantAll(t, "the failure", failures, "request of UpdateCall", `field "Status"`, `value "finished"`, "not one of the allowed values")
}

// Unknown or misspelt parameters, malformed values and values out of range
// are refused 400 / 20001 (derived from the spec), whether or not
// violations are recorded.
func TestSpecStrictParameters(t *testing.T) {
	for _, judging := range []bool{true, false} {
		s := NewServer(WithSpecValidation(judging))
		defer s.Close()
		for _, tc := range []struct {
			method, path, body string
			want               []string
		}{
			{"GET", "Calls.json?Statuss=completed", "", []string{"ListCall", "Statuss", "unknown query parameter"}},
			{"POST", "Messages.json", "To=%2B15005550006&From=%2B14155238886&Bodyy=hi", []string{"CreateMessage", "Bodyy", "unknown parameter"}},
			{"POST", "Calls/" + FeedbackCallSid + ".json", "Timeout=soon", []string{"UpdateCall", "Timeout", "unknown parameter"}},
			{"POST", "Calls/" + FeedbackCallSid + "/Feedback.json", "QualityScore=high", []string{"UpdateCallFeedback", "QualityScore", "high", "malformed value"}},
			{"POST", "Calls/" + FeedbackCallSid + "/Feedback.json", "QualityScore=9", []string{"QualityScore", "9"}},
			{"GET", "Calls.json?PageSize=5000", "", []string{"ListCall", "PageSize", "5000", "at most 1000"}},
			{"GET", "Calls.json?Status=finished", "", []string{"ListCall", "Status", "finished"}},
			{"GET", "IncomingPhoneNumbers.json?Beta=perhaps", "", []string{"ListIncomingPhoneNumber", "Beta", "perhaps"}},
		} {
			status, body := sendRaw(t, s, tc.method, tc.path, tc.body, formType)
			if status != 400 || !strings.Contains(body, `"code":20001`) {
				t.Errorf("judging=%v %s %s %s: answer %d %s, want 400 / 20001", judging, tc.method, tc.path, tc.body, status, body)
				continue
			}
			wantAll(t, tc.method+" "+tc.path, body, tc.want...)
		}
		if n := len(s.SpecViolations()); judging == (n == 0) {
			t.Errorf("judging=%v: %d violations recorded", judging, n)
		}
	}
}

// An answer that breaks the response schema is recorded with the field.
func TestSpecJudgesAnswers(t *testing.T) {
	v, err := loadValidator()
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/2010-04-01/Accounts/"+DefaultAccountSid+"/Calls.json?PageSize=1", nil)
	for _, tc := range []struct {
		status int
		body   string
		want   []string
	}{
		{200, `{"calls": [{"sid": "XX1", "status": "finished"}], "uri": "/2010-04-01/x", "first_page_uri": "/2010-04-01/x", "next_page_uri": null, "previous_page_uri": null, "page": 0, "page_size": 1, "start": 0, "end": 0}`,
			[]string{`answer 200 of ListCall`, `field "calls/0/sid"`, `value "XX1"`, `field "calls/0/status"`, `value "finished"`}},
		{200, `{"calls": [], "uri": "https://elsewhere.example/x", "first_page_uri": "/2010-04-01/x", "page": 0, "page_size": 1, "start": 0, "end": 0}`,
			[]string{`field "uri"`}},
		{200, `{"calls": [{"date_created": "2026-06-15T12:00:00Z"}], "uri": "/2010-04-01/x", "first_page_uri": "/2010-04-01/x", "page": 0, "page_size": 1, "start": 0, "end": 0}`,
			[]string{`field "calls/0/date_created"`, "RFC 2822"}},
		{201, `{}`, []string{"answer 201 of ListCall", "status is not supported"}},
		{404, `{"message": "gone"}`, []string{"lacks one of code, message, more_info, status"}},
		{400, `{"code": 20001, "message": "x", "more_info": "https://www.twilio.com/docs/errors/20001", "status": 404}`, []string{"differs from the HTTP status"}},
		{500, `<html>`, []string{"not a JSON object"}},
	} {
		j := v.judgeRequest(req, nil)
		if len(j.found) != 0 {
			t.Fatalf("the request: %v", j.found)
		}
		j.judgeResponse(tc.status, http.Header{"Content-Type": {"application/json"}}, []byte(tc.body))
		var all []string
		for _, f := range j.found {
			all = append(all, f.String())
		}
		wantAll(t, fmt.Sprintf("violations of %d %s", tc.status, tc.body), strings.Join(all, "\n"), tc.want...)
	}
	// Twilio's own error shape passes.
	j := v.judgeRequest(req, nil)
	j.judgeResponse(404, nil, []byte(`{"code": 20404, "message": "The requested resource was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}`))
	if len(j.found) != 0 {
		t.Errorf("a Twilio error answer: %v", j.found)
	}
}

// The exceptions allowed are exactly the listed ones.
func TestSpecExceptionsAllowed(t *testing.T) {
	v, err := loadValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		ok    bool
	}{
		{"StartTime%3E=2008-01-02", true},
		{"StartTime%3E=2008-01-02T10:00:00Z", true},
		{"StartTime%3E=2008-01-02%2010:00", false},
		{"StartTime%3E=02/01/2008", false},
		{"EndTime%3C=2009-01-02", true},
	} {
		req, _ := http.NewRequest("GET", "http://127.0.0.1/2010-04-01/Accounts/"+DefaultAccountSid+"/Calls.json?"+tc.query, nil)
		j := v.judgeRequest(req, nil)
		if ok := len(j.found) == 0; ok != tc.ok {
			t.Errorf("%s: allowed %v, want %v (%v)", tc.query, ok, tc.ok, j.found)
		}
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1/2010-04-01/Accounts/"+DefaultAccountSid+"/IncomingPhoneNumbers/"+WhatsAppNumberSid+".json", nil)
	for _, tc := range []struct {
		body string
		ok   bool
	}{
		{`{"voice_application_sid": "", "sms_application_sid": ""}`, true},
		{`{"voice_application_sid": null}`, true},
		{`{"voice_application_sid": "AP0123456789abcdef0123456789abcdef"}`, true},
		{`{"voice_application_sid": "AP1"}`, false},
		{`{"voice_url": ""}`, false}, // not an exception: unset URLs are null
		{`{"uri": "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers/PN1.json"}`, true},
	} {
		j := v.judgeRequest(req, nil)
		j.judgeResponse(200, http.Header{"Content-Type": {"application/json"}}, []byte(tc.body))
		if ok := len(j.found) == 0; ok != tc.ok {
			t.Errorf("%s: allowed %v, want %v (%v)", tc.body, ok, tc.ok, j.found)
		}
	}
}
