package twiliotest

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

var listEndpoints = []struct {
	resource, path, key string
}{
	{"Calls", "Calls.json", "calls"},
	{"Messages", "Messages.json", "messages"},
	{"Recordings", "Recordings.json", "recordings"},
	{"IncomingPhoneNumbers", "IncomingPhoneNumbers.json", "incoming_phone_numbers"},
	{"OutgoingCallerIds", "OutgoingCallerIds.json", "outgoing_caller_ids"},
}

func TestListEnvelope(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	for _, ep := range listEndpoints {
		t.Run(ep.resource, func(t *testing.T) {
			m := c.get(c.acct(ep.path))
			for _, k := range []string{"first_page_uri", "next_page_uri", "previous_page_uri", "uri", "page", "page_size", "start", "end", ep.key} {
				if _, ok := m[k]; !ok {
					t.Errorf("envelope lacks %s", k)
				}
			}
			if len(m) != 9 {
				t.Errorf("envelope has %d fields: %v", len(m), m)
			}
			items := m[ep.key].([]any)
			want := min(50, s.Count(ep.resource))
			if len(items) != want || m["page_size"] != 50.0 || m["page"] != 0.0 || m["start"] != 0.0 || m["end"] != float64(want-1) {
				t.Errorf("page: %d items, page_size %v page %v start %v end %v", len(items), m["page_size"], m["page"], m["start"], m["end"])
			}
			first := c.acct(ep.path) + "?PageSize=50&Page=0"
			if m["first_page_uri"] != first || m["uri"] != first || m["previous_page_uri"] != nil {
				t.Errorf("uris: %v %v %v", m["first_page_uri"], m["uri"], m["previous_page_uri"])
			}
			next := str(m["next_page_uri"])
			if s.Count(ep.resource) > 50 {
				if !strings.HasPrefix(next, c.acct(ep.path)+"?PageSize=50&Page=1&PageToken=PA") {
					t.Errorf("next_page_uri %q", next)
				}
			} else if m["next_page_uri"] != nil {
				t.Errorf("next_page_uri %v on the only page", m["next_page_uri"])
			}
		})
	}
}

func TestPagingYieldsEveryRowOnce(t *testing.T) {
	s := NewTestServer(t, WithSize(Size{Calls: 137, Messages: 301, Recordings: 45, IncomingPhoneNumbers: 23, OutgoingCallerIds: 9}))
	c := newClient(t, s)
	for _, ep := range listEndpoints {
		for _, size := range []int{1, 7, 50, 1000} {
			path := c.acct(ep.path) + "?PageSize=" + itoa(size)
			var got []string
			pages := 0
			for path != "" {
				m := c.get(path)
				items := m[ep.key].([]any)
				if m["page"] != float64(pages) || m["start"] != float64(pages*size) {
					t.Fatalf("%s size %d: page %v start %v at page %d", ep.path, size, m["page"], m["start"], pages)
				}
				for _, it := range items {
					got = append(got, str(it.(map[string]any)["sid"]))
				}
				next, _ := m["next_page_uri"].(string)
				if next == "" && len(items) == 0 && pages > 0 {
					t.Fatalf("%s size %d: empty last page", ep.path, size)
				}
				path = next
				pages++
			}
			if len(got) != s.Count(ep.resource) {
				t.Fatalf("%s size %d: %d rows, want %d", ep.path, size, len(got), s.Count(ep.resource))
			}
			seen := map[string]bool{}
			for _, sid := range got {
				if seen[sid] {
					t.Fatalf("%s size %d: %s twice", ep.path, size, sid)
				}
				seen[sid] = true
			}
		}
	}
}

func TestListOrderNewestFirst(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	for _, ep := range listEndpoints {
		items := c.all(c.acct(ep.path+"?PageSize=1000"), ep.key)
		var prev time.Time
		for i, it := range items {
			d, err := time.Parse(time.RFC1123Z, str(it["date_created"]))
			if err != nil {
				t.Fatalf("%s: date_created %v", ep.path, it["date_created"])
			}
			if i > 0 && d.After(prev) {
				t.Fatalf("%s: row %d is newer than row %d", ep.path, i, i-1)
			}
			prev = d
		}
	}
}

func TestPreviousPage(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	p0 := c.get(c.acct("Messages.json?PageSize=10"))
	p1 := c.get(str(p0["next_page_uri"]))
	p2 := c.get(str(p1["next_page_uri"]))
	prev := str(p2["previous_page_uri"])
	if !strings.Contains(prev, "Page=1&PageToken=PB") {
		t.Fatalf("previous_page_uri %q", prev)
	}
	back := c.get(prev)
	if got, want := sidsOf(back, "messages"), sidsOf(p1, "messages"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("previous page differs:\n%v\n%v", got, want)
	}
	if back["page"] != 1.0 || str(back["next_page_uri"]) != str(p1["next_page_uri"]) {
		t.Fatalf("previous page envelope %v", back)
	}
	if p1["previous_page_uri"] == nil {
		t.Fatal("page 1 has no previous_page_uri")
	}
}

func sidsOf(page map[string]any, key string) []string {
	var out []string
	for _, it := range page[key].([]any) {
		out = append(out, str(it.(map[string]any)["sid"]))
	}
	return out
}

func TestPageParams(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	for _, v := range []string{"0", "1001", "-1", "abc", "1.5"} {
		m := c.apiErr("GET", c.acct("Calls.json?PageSize="+v), nil, 400, 20001)
		if !strings.Contains(str(m["message"]), "PageSize") {
			t.Errorf("PageSize=%s: message %q does not name PageSize", v, m["message"])
		}
	}
	for _, v := range []int{1, 1000} {
		m := c.get(c.acct("Messages.json?PageSize=" + itoa(v)))
		if len(m["messages"].([]any)) != min(v, s.Count("Messages")) {
			t.Errorf("PageSize=%d: %d rows", v, len(m["messages"].([]any)))
		}
	}
	for _, tok := range []string{"garbage", "PACA00000000000000000000000000000000", "PA" + FeedbackCallSid[:10]} {
		c.apiErr("GET", c.acct("Messages.json?PageToken="+url.QueryEscape(tok)), nil, 400, 20001)
	}
	// A call token is no good for messages.
	c.apiErr("GET", c.acct("Messages.json?PageToken=PA"+FeedbackCallSid), nil, 400, 20001)
	c.apiErr("GET", c.acct("Messages.json?Page=-2"), nil, 400, 20001)
	// Page without a token skips Page*PageSize rows.
	all := sids(c.all(c.acct("Messages.json?PageSize=1000"), "messages"))
	m := c.get(c.acct("Messages.json?PageSize=5&Page=3"))
	if got := sidsOf(m, "messages"); strings.Join(got, ",") != strings.Join(all[15:20], ",") || m["start"] != 15.0 || m["end"] != 19.0 {
		t.Fatalf("Page=3: %v", got)
	}
	// A token stays valid after its row is deleted.
	p0 := c.get(c.acct("Calls.json?PageSize=20&Status=completed"))
	items := p0["calls"].([]any)
	last := str(items[len(items)-1].(map[string]any)["sid"])
	c.json("DELETE", c.acct("Calls/"+last+".json"), nil, 204)
	p1 := c.get(str(p0["next_page_uri"]))
	if len(p1["calls"].([]any)) != 20 {
		t.Fatalf("page after a deleted token row: %d rows", len(p1["calls"].([]any)))
	}
}

func TestNextPageCarriesFilters(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	q := "Status=completed&StartTime%3E=2025-11-01&StartTime%3C=2026-06-30&PageSize=3"
	m := c.get(c.acct("Calls.json?" + q))
	next := str(m["next_page_uri"])
	for _, want := range []string{"Status=completed", "StartTime%3E=2025-11-01", "StartTime%3C=2026-06-30", "PageSize=3", "Page=1", "PageToken=PA"} {
		if !strings.Contains(next, want) {
			t.Errorf("next_page_uri %q lacks %s", next, want)
		}
	}
	if first := str(m["first_page_uri"]); first != c.acct("Calls.json?Status=completed&StartTime%3E=2025-11-01&StartTime%3C=2026-06-30&PageSize=3&Page=0") {
		t.Errorf("first_page_uri %s", first)
	}
	// Every row reached through the pages matches the filter.
	for _, it := range c.all(c.acct("Calls.json?"+q), "calls") {
		if it["status"] != "completed" {
			t.Fatalf("row %v", it)
		}
	}
	// '+' in values is encoded.
	m = c.get(c.acct("Messages.json?From=" + url.QueryEscape(WhatsAppSender) + "&PageSize=1"))
	if next := str(m["next_page_uri"]); next != "" && !strings.Contains(next, "From=whatsapp%3A%2B14155238886") {
		t.Errorf("next_page_uri %s", next)
	}
}
