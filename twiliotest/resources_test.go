package twiliotest

import (
	"net/url"
	"strings"
	"testing"
)

type form = url.Values

func TestCreateMessage(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	before := s.Count("Messages")
	m := c.json("POST", c.acct("Messages.json"), form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {"Hello & <welcome>"}}, 201)
	sid := str(m["sid"])
	if !strings.HasPrefix(sid, "SM") || len(sid) != 34 || m["status"] != "queued" || m["direction"] != "outbound-api" ||
		m["price"] != nil || m["date_sent"] != nil || m["num_segments"] != "1" || m["num_media"] != "0" ||
		m["body"] != "Hello & <welcome>" || m["date_created"] != "Mon, 15 Jun 2026 12:00:00 +0000" ||
		m["uri"] != c.acct("Messages/"+sid+".json") {
		t.Fatalf("created %v", m)
	}
	if s.Count("Messages") != before+1 || !s.Exists(sid) {
		t.Fatal("not stored")
	}
	if got := c.get(c.acct("Messages/" + sid + ".json")); got["sid"] != sid {
		t.Fatalf("fetch %v", got)
	}
	// Newest first: the new message heads the list.
	if first := c.get(c.acct("Messages.json?PageSize=1"))["messages"].([]any)[0].(map[string]any); first["sid"] != sid {
		t.Fatalf("list head %v", first["sid"])
	}
	// MMS: repeated MediaUrl, MM prefix.
	m = c.json("POST", c.acct("Messages.json"), form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "MediaUrl": {"https://a.example/1.png", "https://a.example/2.png"}}, 201)
	if !strings.HasPrefix(str(m["sid"]), "MM") || m["num_media"] != "2" || m["body"] != "" {
		t.Fatalf("mms %v", m)
	}
	// WhatsApp.
	m = c.json("POST", c.acct("Messages.json"), form{"To": {"whatsapp:+447700900123"}, "From": {WhatsAppSender}, "Body": {"hi"}}, 201)
	if m["from"] != WhatsAppSender || m["to"] != "whatsapp:+447700900123" {
		t.Fatalf("whatsapp %v", m)
	}
	// Messaging service: accepted, from null.
	m = c.json("POST", c.acct("Messages.json"), form{"To": {"+14155550100"}, "MessagingServiceSid": {"MG0123456789abcdef0123456789abcdef"}, "Body": {"hi"}}, 201)
	if m["status"] != "accepted" || m["from"] != nil || m["messaging_service_sid"] != "MG0123456789abcdef0123456789abcdef" {
		t.Fatalf("service %v", m)
	}
	// Long unicode body: segments.
	m = c.json("POST", c.acct("Messages.json"), form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {strings.Repeat("é👍", 40)}}, 201)
	if m["num_segments"] != "2" {
		t.Fatalf("segments %v", m["num_segments"])
	}

	errs := []struct {
		name string
		f    form
		code int
	}{
		{"no To", form{"From": {WhatsAppNumber}, "Body": {"x"}}, 21604},
		{"no From", form{"To": {"+14155550100"}, "Body": {"x"}}, 21603},
		{"no Body", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}}, 21602},
		{"bad To", form{"To": {"12345"}, "From": {WhatsAppNumber}, "Body": {"x"}}, 21211},
		{"bad From", form{"To": {"+14155550100"}, "From": {"nope"}, "Body": {"x"}}, 21212},
		{"From not owned", form{"To": {"+14155550100"}, "From": {"+14155550199"}, "Body": {"x"}}, 21606},
		{"channel pair", form{"To": {"+14155550100"}, "From": {WhatsAppSender}, "Body": {"x"}}, 21910},
		{"too long", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {strings.Repeat("x", 1601)}}, 21617},
		{"bad media", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "MediaUrl": {"ftp://x"}}, 21620},
		{"schedule without service", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {"x"}, "ScheduleType": {"fixed"}, "SendAt": {"2026-06-16T12:00:00Z"}}, 35111},
		{"schedule too soon", form{"To": {"+14155550100"}, "MessagingServiceSid": {"MG0123456789abcdef0123456789abcdef"}, "Body": {"x"}, "ScheduleType": {"fixed"}, "SendAt": {"2026-06-15T12:05:00Z"}}, 35114},
	}
	for _, e := range errs {
		t.Run(e.name, func(t *testing.T) { c.apiErr("POST", c.acct("Messages.json"), e.f, 400, e.code) })
	}
	m = c.json("POST", c.acct("Messages.json"), form{"To": {"+14155550100"}, "MessagingServiceSid": {"MG0123456789abcdef0123456789abcdef"}, "Body": {"x"}, "ScheduleType": {"fixed"}, "SendAt": {"2026-06-16T12:00:00Z"}}, 201)
	if m["status"] != "scheduled" {
		t.Fatalf("scheduled %v", m)
	}
}

// findRow returns the first listed row with this status.
func findRow(t *testing.T, c *client, path, key, status string) map[string]any {
	t.Helper()
	for _, it := range c.all(c.acct(path+"?PageSize=1000"), key) {
		if it["status"] == status {
			return it
		}
	}
	t.Fatalf("no %s row with status %s", path, status)
	return nil
}

func TestUpdateAndDeleteMessage(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	delivered := str(findRow(t, c, "Messages.json", "messages", "delivered")["sid"])
	p := c.acct("Messages/" + delivered + ".json")
	c.apiErr("POST", p, form{"Body": {"new text"}}, 400, 20001)
	c.apiErr("POST", p, form{"Status": {"delivered"}}, 400, 20001)
	c.apiErr("POST", p, form{"Status": {"canceled"}}, 400, 20009)
	m := c.json("POST", p, form{"Body": {""}}, 200)
	if m["body"] != "" || m["date_updated"] != "Mon, 15 Jun 2026 12:00:00 +0000" {
		t.Fatalf("redacted %v", m)
	}
	scheduled := str(findRow(t, c, "Messages.json", "messages", "scheduled")["sid"])
	m = c.json("POST", c.acct("Messages/"+scheduled+".json"), form{"Status": {"canceled"}}, 200)
	if m["status"] != "canceled" {
		t.Fatalf("canceled %v", m)
	}
	// Deleting in-flight messages is refused.
	for _, st := range []string{"queued", "sending", "accepted"} {
		sid := str(findRow(t, c, "Messages.json", "messages", st)["sid"])
		m := c.apiErr("DELETE", c.acct("Messages/"+sid+".json"), nil, 400, 20009)
		if !strings.Contains(str(m["message"]), "Cannot delete message") {
			t.Errorf("message %q", m["message"])
		}
	}
	n := s.Count("Messages")
	c.json("DELETE", p, nil, 204)
	status, body := c.do("DELETE", c.acct("Messages/"+scheduled+".json"), nil)
	if status != 204 || len(body) != 0 {
		t.Fatalf("delete canceled: %d %q", status, body)
	}
	if s.Count("Messages") != n-2 {
		t.Fatalf("count %d", s.Count("Messages"))
	}
	c.apiErr("GET", p, nil, 404, 20404)
	c.apiErr("DELETE", p, nil, 404, 20404)
	c.apiErr("POST", p, form{"Body": {""}}, 404, 20404)
	for _, it := range c.all(c.acct("Messages.json?PageSize=1000"), "messages") {
		if it["sid"] == delivered {
			t.Fatal("deleted message still listed")
		}
	}
}

func TestCalls(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	m := c.json("POST", c.acct("Calls.json"), form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Url": {"https://demo.twilio.com/docs/voice.xml"}}, 201)
	sid := str(m["sid"])
	if !strings.HasPrefix(sid, "CA") || m["status"] != "queued" || m["direction"] != "outbound-api" || m["start_time"] != nil ||
		m["phone_number_sid"] != WhatsAppNumberSid || m["to_formatted"] != "(415) 555-0100" {
		t.Fatalf("created %v", m)
	}
	// From a verified caller id, to a client.
	c.json("POST", c.acct("Calls.json"), form{"To": {"client:alice"}, "From": {OutgoingCallerIdNumber}, "Twiml": {"<Response><Say>Hi</Say></Response>"}}, 201)
	errs := []struct {
		name string
		f    form
		code int
	}{
		{"no To", form{"From": {WhatsAppNumber}, "Url": {"https://x.example/"}}, 21201},
		{"no From", form{"To": {"+14155550100"}, "Url": {"https://x.example/"}}, 21213},
		{"no Url", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}}, 21205},
		{"bad Url", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Url": {"not a url"}}, 21205},
		{"bad To", form{"To": {"555"}, "From": {WhatsAppNumber}, "Url": {"https://x.example/"}}, 21211},
		{"bad From", form{"To": {"+14155550100"}, "From": {"x"}, "Url": {"https://x.example/"}}, 21212},
		{"unverified From", form{"To": {"+14155550100"}, "From": {"+14155550199"}, "Url": {"https://x.example/"}}, 21210},
		{"bad Timeout", form{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Url": {"https://x.example/"}, "Timeout": {"soon"}}, 20001},
	}
	for _, e := range errs {
		t.Run(e.name, func(t *testing.T) { c.apiErr("POST", c.acct("Calls.json"), e.f, 400, e.code) })
	}
	// Update: cancel the queued call.
	m = c.json("POST", c.acct("Calls/"+sid+".json"), form{"Status": {"canceled"}}, 200)
	if m["status"] != "canceled" || m["end_time"] == nil {
		t.Fatalf("canceled %v", m)
	}
	live := str(findRow(t, c, "Calls.json", "calls", "in-progress")["sid"])
	c.json("POST", c.acct("Calls/"+live+".json"), form{"Url": {"https://x.example/redirect"}}, 200)
	m = c.json("POST", c.acct("Calls/"+live+".json"), form{"Status": {"completed"}}, 200)
	if m["status"] != "completed" || m["duration"] == nil || m["price"] == nil {
		t.Fatalf("completed %v", m)
	}
	c.apiErr("POST", c.acct("Calls/"+live+".json"), form{"Status": {"completed"}}, 400, 21220)
	c.apiErr("POST", c.acct("Calls/"+FeedbackCallSid+".json"), form{"Status": {"busy"}}, 400, 20001)
	// Delete the well-known call.
	n := s.Count("Calls")
	c.json("DELETE", c.acct("Calls/"+DeletableCallSid+".json"), nil, 204)
	c.apiErr("GET", c.acct("Calls/"+DeletableCallSid+".json"), nil, 404, 20404)
	if s.Count("Calls") != n-1 || s.Exists(DeletableCallSid) {
		t.Fatal("not deleted")
	}
}

func TestFeedback(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	if s.Count("Feedback") == 0 {
		t.Fatal("no seeded feedback")
	}
	p := c.acct("Calls/" + FeedbackCallSid + "/Feedback.json")
	c.apiErr("GET", p, nil, 404, 20404)
	c.apiErr("POST", p, form{}, 400, 20001)
	c.apiErr("POST", p, form{"QualityScore": {"6"}}, 400, 20001)
	c.apiErr("POST", p, form{"QualityScore": {"x"}}, 400, 20001)
	c.apiErr("POST", p, form{"QualityScore": {"3"}, "Issue": {"loud-music"}}, 400, 20001)
	c.apiErr("POST", c.acct("Calls/CA00000000000000000000000000000000/Feedback.json"), form{"QualityScore": {"3"}}, 404, 20404)
	n := s.Count("Feedback")
	m := c.json("POST", p, form{"QualityScore": {"2"}, "Issue": {"dropped-call", "one-way-audio"}}, 200)
	if m["sid"] != FeedbackCallSid || m["quality_score"] != 2.0 || len(m["issues"].([]any)) != 2 || m["account_sid"] != s.AccountSid {
		t.Fatalf("feedback %v", m)
	}
	for _, k := range []string{"account_sid", "date_created", "date_updated", "issues", "quality_score", "sid"} {
		if _, ok := m[k]; !ok {
			t.Errorf("feedback lacks %s", k)
		}
	}
	m = c.json("POST", p, form{"QualityScore": {"5"}}, 200)
	if m["quality_score"] != 5.0 || len(m["issues"].([]any)) != 0 {
		t.Fatalf("updated %v", m)
	}
	if got := c.get(p); got["quality_score"] != 5.0 {
		t.Fatalf("fetched %v", got)
	}
	if s.Count("Feedback") != n+1 {
		t.Fatal("feedback count")
	}
}

func TestFeedbackSummary(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	p := c.acct("Calls/FeedbackSummary.json")
	c.apiErr("POST", p, form{"EndDate": {"2026-06-01"}}, 400, 20001)
	c.apiErr("POST", p, form{"StartDate": {"2026-01-01"}}, 400, 20001)
	c.apiErr("POST", p, form{"StartDate": {"2026-01-01"}, "EndDate": {"June"}}, 400, 20001)
	c.apiErr("POST", p, form{"StartDate": {"2026-06-01"}, "EndDate": {"2026-01-01"}}, 400, 20001)
	m := c.json("POST", p, form{"StartDate": {"2025-09-01"}, "EndDate": {"2026-06-15"}}, 201)
	sid := str(m["sid"])
	if !strings.HasPrefix(sid, "FS") || m["status"] != "queued" || m["start_date"] != "2025-09-01" || m["end_date"] != "2026-06-15" || m["include_subaccounts"] != false {
		t.Fatalf("summary %v", m)
	}
	for _, k := range []string{"account_sid", "call_count", "call_feedback_count", "date_created", "date_updated", "end_date", "include_subaccounts", "issues", "quality_score_average", "quality_score_median", "quality_score_standard_deviation", "sid", "start_date", "status"} {
		if _, ok := m[k]; !ok {
			t.Errorf("summary lacks %s", k)
		}
	}
	got := c.get(c.acct("Calls/FeedbackSummary/" + sid + ".json"))
	if got["status"] != "completed" || got["call_count"].(float64) == 0 || got["call_feedback_count"].(float64) == 0 || got["quality_score_average"] == nil {
		t.Fatalf("fetched %v", got)
	}
	if s.Count("FeedbackSummary") != 1 {
		t.Fatal("count")
	}
	c.json("DELETE", c.acct("Calls/FeedbackSummary/"+sid+".json"), nil, 204)
	c.apiErr("GET", c.acct("Calls/FeedbackSummary/"+sid+".json"), nil, 404, 20404)
}

func TestIncomingPhoneNumbers(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	wa := c.get(c.acct("IncomingPhoneNumbers/" + WhatsAppNumberSid + ".json"))
	if wa["phone_number"] != WhatsAppNumber || wa["sid"] != WhatsAppNumberSid {
		t.Fatalf("whatsapp number %v", wa)
	}
	p := c.acct("IncomingPhoneNumbers.json")
	m := c.json("POST", p, form{"PhoneNumber": {"+14155550177"}, "VoiceUrl": {"https://x.example/voice"}, "FriendlyName": {"New line"}}, 201)
	sid := str(m["sid"])
	if !strings.HasPrefix(sid, "PN") || m["voice_url"] != "https://x.example/voice" || m["friendly_name"] != "New line" || m["status"] != "in-use" {
		t.Fatalf("created %v", m)
	}
	m = c.json("POST", p, form{"AreaCode": {"628"}}, 201)
	if !strings.HasPrefix(str(m["phone_number"]), "+1628") || m["friendly_name"] == "" {
		t.Fatalf("area code %v", m)
	}
	c.apiErr("POST", p, form{}, 400, 21452)
	c.apiErr("POST", p, form{"PhoneNumber": {"+14155550177"}}, 400, 21422)
	c.apiErr("POST", p, form{"PhoneNumber": {"555"}}, 400, 21421)
	c.apiErr("POST", p, form{"AreaCode": {"4x5"}}, 400, 21451)
	c.apiErr("POST", p, form{"PhoneNumber": {"+14155550178"}, "FriendlyName": {strings.Repeat("n", 65)}}, 400, 20001)
	c.apiErr("POST", p, form{"PhoneNumber": {"+14155550178"}, "SmsUrl": {"nope"}}, 400, 21502)
	ip := c.acct("IncomingPhoneNumbers/" + sid + ".json")
	m = c.json("POST", ip, form{"FriendlyName": {"Renamed"}, "SmsMethod": {"GET"}}, 200)
	if m["friendly_name"] != "Renamed" || m["sms_method"] != "GET" {
		t.Fatalf("updated %v", m)
	}
	c.apiErr("POST", ip, form{"VoiceMethod": {"PUT"}}, 400, 20001)
	if c.get(ip)["voice_method"] != "POST" {
		t.Fatal("a rejected update changed the row")
	}
	c.json("DELETE", ip, nil, 204)
	c.apiErr("GET", ip, nil, 404, 20404)
	// The number is free again.
	c.json("POST", p, form{"PhoneNumber": {"+14155550177"}}, 201)
}

func TestOutgoingCallerIds(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	p := c.acct("OutgoingCallerIds.json")
	n := s.Count("OutgoingCallerIds")
	m := c.json("POST", p, form{"PhoneNumber": {"+14155550123"}, "FriendlyName": {"Desk"}}, 200)
	if len(m) != 5 || m["phone_number"] != "+14155550123" || m["friendly_name"] != "Desk" || len(str(m["validation_code"])) != 6 || !strings.HasPrefix(str(m["call_sid"]), "CA") {
		t.Fatalf("validation request %v", m)
	}
	if s.Count("OutgoingCallerIds") != n+1 {
		t.Fatal("caller id not stored")
	}
	list := c.get(p + "?PhoneNumber=%2B14155550123")["outgoing_caller_ids"].([]any)
	if len(list) != 1 {
		t.Fatalf("listed %v", list)
	}
	sid := str(list[0].(map[string]any)["sid"])
	c.apiErr("POST", p, form{"PhoneNumber": {"+14155550123"}}, 400, 21450)
	c.apiErr("POST", p, form{}, 400, 21401)
	c.apiErr("POST", p, form{"PhoneNumber": {"12"}}, 400, 21401)
	m = c.json("POST", c.acct("OutgoingCallerIds/"+sid+".json"), form{"FriendlyName": {"Front desk"}}, 200)
	if m["friendly_name"] != "Front desk" {
		t.Fatalf("updated %v", m)
	}
	c.apiErr("POST", c.acct("OutgoingCallerIds/"+sid+".json"), form{"FriendlyName": {strings.Repeat("x", 65)}}, 400, 20001)
	c.json("DELETE", c.acct("OutgoingCallerIds/"+sid+".json"), nil, 204)
	c.apiErr("GET", c.acct("OutgoingCallerIds/"+sid+".json"), nil, 404, 20404)
	if got := c.get(c.acct("OutgoingCallerIds/" + OutgoingCallerIdSid + ".json")); got["phone_number"] != OutgoingCallerIdNumber {
		t.Fatalf("well-known caller id %v", got)
	}
}

func TestRecordingDelete(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	r := c.get(c.acct("Recordings/" + RecordingSid + ".json"))
	if r["status"] != "completed" || r["price"] == nil {
		t.Fatalf("recording %v", r)
	}
	// Its call exists.
	c.get(c.acct("Calls/" + str(r["call_sid"]) + ".json"))
	c.json("DELETE", c.acct("Recordings/"+RecordingSid+".json"), nil, 204)
	c.apiErr("GET", c.acct("Recordings/"+RecordingSid+".json"), nil, 404, 20404)
}

func TestWellKnownSids(t *testing.T) {
	for _, seed := range []int64{1, 2, 99} {
		s := NewTestServer(t, WithSeed(seed))
		c := newClient(t, s)
		for _, p := range []string{
			"Recordings/" + RecordingSid + ".json",
			"Calls/" + DeletableCallSid + ".json",
			"Calls/" + FeedbackCallSid + ".json",
			"IncomingPhoneNumbers/" + WhatsAppNumberSid + ".json",
			"OutgoingCallerIds/" + OutgoingCallerIdSid + ".json",
		} {
			c.get(c.acct(p))
		}
		if m := c.get(c.acct("Calls/" + FeedbackCallSid + ".json")); m["status"] != "completed" {
			t.Fatalf("seed %d: feedback call %v", seed, m["status"])
		}
		c.apiErr("GET", c.acct("Calls/"+FeedbackCallSid+"/Feedback.json"), nil, 404, 20404)
		s.Close()
	}
	// Tiny sizes still carry them.
	s := NewTestServer(t, WithSize(Size{Calls: 2, Messages: 1, Recordings: 1, IncomingPhoneNumbers: 1, OutgoingCallerIds: 1}))
	for _, sid := range []string{RecordingSid, DeletableCallSid, FeedbackCallSid, WhatsAppNumberSid, OutgoingCallerIdSid} {
		if !s.Exists(sid) {
			t.Errorf("%s missing at tiny size", sid)
		}
	}
	// Negative sizes mean none.
	e := NewTestServer(t, WithSize(Size{Calls: -1, Messages: -1, Recordings: -1, IncomingPhoneNumbers: -1, OutgoingCallerIds: -1}))
	c := newClient(t, e)
	for _, ep := range listEndpoints {
		m := c.get(c.acct(ep.path))
		if len(m[ep.key].([]any)) != 0 || m["next_page_uri"] != nil || m["end"] != 0.0 {
			t.Errorf("%s: %v", ep.path, m)
		}
	}
}
