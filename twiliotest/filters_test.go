package twiliotest

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkFilter lists path with query q and compares the Sids with those of
// all rows for which want is true.
func checkFilter(t *testing.T, c *client, all []map[string]any, path, key, q string, want func(map[string]any) bool) int {
	t.Helper()
	var exp []string
	for _, it := range all {
		if want(it) {
			exp = append(exp, str(it["sid"]))
		}
	}
	got := sids(c.all(c.acct(path+"?PageSize=37&"+q), key))
	if strings.Join(got, ",") != strings.Join(exp, ",") {
		t.Errorf("%s?%s: got %d rows, want %d\n got %v\nwant %v", path, q, len(got), len(exp), got, exp)
	}
	return len(exp)
}

func utcDay(v any) string {
	s := str(v)
	if s == "" {
		return ""
	}
	tm, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		panic(err)
	}
	return tm.UTC().Format("2006-01-02")
}

func TestCallFilters(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	all := c.all(c.acct("Calls.json?PageSize=1000"), "calls")
	var child map[string]any
	for _, it := range all {
		if it["parent_call_sid"] != nil {
			child = it
			break
		}
	}
	if child == nil {
		t.Fatal("no child call")
	}
	ref := child
	d := utcDay(ref["start_time"])
	prevDay := mustDay(d).AddDate(0, 0, -1).Format("2006-01-02")
	nextDay := mustDay(d).AddDate(0, 0, 1).Format("2006-01-02")
	tests := []struct {
		q    string
		want func(map[string]any) bool
	}{
		{"To=" + url.QueryEscape(str(ref["to"])), func(m map[string]any) bool { return m["to"] == ref["to"] }},
		{"From=" + url.QueryEscape(str(ref["from"])), func(m map[string]any) bool { return m["from"] == ref["from"] }},
		{"To=client%3Aalice", func(m map[string]any) bool { return m["to"] == "client:alice" }},
		{"ParentCallSid=" + str(ref["parent_call_sid"]), func(m map[string]any) bool { return m["parent_call_sid"] == ref["parent_call_sid"] }},
		{"Status=busy", func(m map[string]any) bool { return m["status"] == "busy" }},
		{"Status=in-progress", func(m map[string]any) bool { return m["status"] == "in-progress" }},
		{"StartTime=" + d, func(m map[string]any) bool { return utcDay(m["start_time"]) == d }},
		// The time of day is ignored: day-granular and inclusive.
		{"StartTime=" + d + "T23:59:59Z", func(m map[string]any) bool { return utcDay(m["start_time"]) == d }},
		{"StartTime%3E=" + d + "T23:00:00Z", func(m map[string]any) bool { s := utcDay(m["start_time"]); return s != "" && s >= d }},
		{"StartTime%3C=" + d + "T00:00:01Z", func(m map[string]any) bool { s := utcDay(m["start_time"]); return s != "" && s <= d }},
		{"StartTime%3E=" + prevDay + "&StartTime%3C=" + nextDay, func(m map[string]any) bool {
			s := utcDay(m["start_time"])
			return s != "" && s >= prevDay && s <= nextDay
		}},
		{"StartTime%3E=" + nextDay + "&StartTime%3C=" + prevDay, func(m map[string]any) bool { return false }},
		{"EndTime%3E=" + d, func(m map[string]any) bool { s := utcDay(m["end_time"]); return s != "" && s >= d }},
		{"EndTime%3C=" + d, func(m map[string]any) bool { s := utcDay(m["end_time"]); return s != "" && s <= d }},
		{"EndTime=" + d, func(m map[string]any) bool { return utcDay(m["end_time"]) == d }},
		{"Status=completed&StartTime%3E=2026-03-01", func(m map[string]any) bool {
			return m["status"] == "completed" && utcDay(m["start_time"]) >= "2026-03-01"
		}},
		{"To=", func(m map[string]any) bool { return true }},
	}
	for _, tc := range tests {
		checkFilter(t, c, all, "Calls.json", "calls", tc.q, tc.want)
	}
	if n := checkFilter(t, c, all, "Calls.json", "calls", "StartTime="+d, func(m map[string]any) bool { return m["sid"] == ref["sid"] || utcDay(m["start_time"]) == d }); n == 0 {
		t.Fatal("reference call not matched by its own day")
	}
	for _, q := range []string{"StartTime=yesterday", "StartTime%3E=2026-13-01", "EndTime%3C=15/06/2026"} {
		m := c.apiErr("GET", c.acct("Calls.json?"+q), nil, 400, 20001)
		name, _, _ := strings.Cut(q, "=")
		name, _ = url.QueryUnescape(name)
		if !strings.Contains(str(m["message"]), name) {
			t.Errorf("%s: message %q does not name %s", q, m["message"], name)
		}
	}
}

func mustDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMessageFilters(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	all := c.all(c.acct("Messages.json?PageSize=1000"), "messages")
	var ref map[string]any
	for _, it := range all {
		if it["status"] == "delivered" {
			ref = it
			break
		}
	}
	d := utcDay(ref["date_sent"])
	tests := []struct {
		q    string
		want func(map[string]any) bool
	}{
		{"To=" + url.QueryEscape(str(ref["to"])), func(m map[string]any) bool { return m["to"] == ref["to"] }},
		{"From=" + url.QueryEscape(str(ref["from"])), func(m map[string]any) bool { return m["from"] == ref["from"] }},
		{"From=" + url.QueryEscape(WhatsAppSender), func(m map[string]any) bool { return m["from"] == WhatsAppSender }},
		{"To=%2B10000000000", func(m map[string]any) bool { return false }},
		{"DateSent=" + d, func(m map[string]any) bool { return utcDay(m["date_sent"]) == d }},
		{"DateSent=" + d + "T12:34:56-07:00", func(m map[string]any) bool { return utcDay(m["date_sent"]) == d }},
		{"DateSent%3E=" + d, func(m map[string]any) bool { s := utcDay(m["date_sent"]); return s != "" && s >= d }},
		{"DateSent%3C=" + d, func(m map[string]any) bool { s := utcDay(m["date_sent"]); return s != "" && s <= d }},
		{"DateSent%3C=" + d + "&DateSent%3E=" + d, func(m map[string]any) bool { return utcDay(m["date_sent"]) == d }},
	}
	for _, tc := range tests {
		checkFilter(t, c, all, "Messages.json", "messages", tc.q, tc.want)
	}
	if n := checkFilter(t, c, all, "Messages.json", "messages", "From="+url.QueryEscape(WhatsAppSender), func(m map[string]any) bool { return m["from"] == WhatsAppSender }); n == 0 {
		t.Error("no message from the WhatsApp sender")
	}
	// The 400-day retention window.
	old := s.Now().AddDate(0, 0, -401).Format("2006-01-02")
	for _, q := range []string{"DateSent=" + old, "DateSent%3E=" + old, "DateSent%3C=2020-01-01"} {
		m := c.apiErr("GET", c.acct("Messages.json?"+q), nil, 400, 20004)
		if !strings.Contains(str(m["message"]), "400-day retention window") {
			t.Errorf("%s: message %q", q, m["message"])
		}
	}
	ok := s.Now().AddDate(0, 0, -399).Format("2006-01-02")
	c.get(c.acct("Messages.json?DateSent%3E=" + ok))
	m := c.apiErr("GET", c.acct("Messages.json?DateSent%3E=notadate"), nil, 400, 20001)
	if !strings.Contains(str(m["message"]), "DateSent>") {
		t.Errorf("message %q", m["message"])
	}
}

func TestRecordingFilters(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	all := c.all(c.acct("Recordings.json?PageSize=1000"), "recordings")
	withDeleted := c.all(c.acct("Recordings.json?PageSize=1000&IncludeSoftDeleted=true"), "recordings")
	if len(withDeleted) != len(all)+1 || len(all) != s.Count("Recordings") {
		t.Fatalf("%d recordings, %d with soft-deleted, count %d", len(all), len(withDeleted), s.Count("Recordings"))
	}
	for _, it := range all {
		if it["status"] == "deleted" {
			t.Fatal("soft-deleted recording listed by default")
		}
	}
	var ref, conf map[string]any
	for _, it := range all {
		if it["sid"] == RecordingSid {
			ref = it
		}
		if it["conference_sid"] != nil && conf == nil {
			conf = it
		}
	}
	if ref == nil || conf == nil {
		t.Fatal("missing reference rows")
	}
	d := utcDay(ref["date_created"])
	tests := []struct {
		q    string
		want func(map[string]any) bool
	}{
		{"CallSid=" + str(ref["call_sid"]), func(m map[string]any) bool { return m["call_sid"] == ref["call_sid"] }},
		{"ConferenceSid=" + str(conf["conference_sid"]), func(m map[string]any) bool { return m["conference_sid"] == conf["conference_sid"] }},
		{"CallSid=CA00000000000000000000000000000000", func(m map[string]any) bool { return false }},
		{"DateCreated=" + d, func(m map[string]any) bool { return utcDay(m["date_created"]) == d }},
		{"DateCreated%3E=" + d, func(m map[string]any) bool { return utcDay(m["date_created"]) >= d }},
		{"DateCreated%3C=" + d + "T00:00:00Z", func(m map[string]any) bool { return utcDay(m["date_created"]) <= d }},
	}
	for _, tc := range tests {
		checkFilter(t, c, all, "Recordings.json", "recordings", tc.q, tc.want)
	}
	c.apiErr("GET", c.acct("Recordings.json?DateCreated=2026-02-30"), nil, 400, 20001)
}

func TestNumberAndCallerIDFilters(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	nums := c.all(c.acct("IncomingPhoneNumbers.json"), "incoming_phone_numbers")
	wa := func(m map[string]any) bool { return m["phone_number"] == WhatsAppNumber }
	checkFilter(t, c, nums, "IncomingPhoneNumbers.json", "incoming_phone_numbers", "PhoneNumber=%2B14155238886", wa)
	checkFilter(t, c, nums, "IncomingPhoneNumbers.json", "incoming_phone_numbers", "FriendlyName=WhatsApp+Sender", wa)
	checkFilter(t, c, nums, "IncomingPhoneNumbers.json", "incoming_phone_numbers", "Origin=hosted", func(m map[string]any) bool { return m["origin"] == "hosted" })
	checkFilter(t, c, nums, "IncomingPhoneNumbers.json", "incoming_phone_numbers", "Beta=false", func(m map[string]any) bool { return m["beta"] == false })
	checkFilter(t, c, nums, "IncomingPhoneNumbers.json", "incoming_phone_numbers", "Beta=true", func(m map[string]any) bool { return true })
	if !slices.ContainsFunc(nums, func(m map[string]any) bool { return m["beta"] == true }) {
		t.Error("no beta number")
	}
	c.apiErr("GET", c.acct("IncomingPhoneNumbers.json?Beta=maybe"), nil, 400, 20001)

	ids := c.all(c.acct("OutgoingCallerIds.json"), "outgoing_caller_ids")
	checkFilter(t, c, ids, "OutgoingCallerIds.json", "outgoing_caller_ids", "PhoneNumber="+url.QueryEscape(OutgoingCallerIdNumber), func(m map[string]any) bool { return m["phone_number"] == OutgoingCallerIdNumber })
	checkFilter(t, c, ids, "OutgoingCallerIds.json", "outgoing_caller_ids", "FriendlyName="+url.QueryEscape(str(ids[0]["friendly_name"])), func(m map[string]any) bool { return m["friendly_name"] == ids[0]["friendly_name"] })
}
