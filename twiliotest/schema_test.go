package twiliotest

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// specProperties are the properties of each response schema in
// twilio_api_v2010.json: every one must be present (null when no value).
var specProperties = map[string][]string{
	"calls":                  {"sid", "date_created", "date_updated", "parent_call_sid", "account_sid", "to", "to_formatted", "from", "from_formatted", "phone_number_sid", "status", "start_time", "end_time", "duration", "price", "price_unit", "direction", "answered_by", "api_version", "forwarded_from", "group_sid", "caller_name", "queue_time", "trunk_sid", "uri", "subresource_uris"},
	"messages":               {"body", "num_segments", "direction", "from", "to", "date_updated", "price", "error_message", "uri", "account_sid", "num_media", "status", "messaging_service_sid", "sid", "date_sent", "date_created", "error_code", "price_unit", "api_version", "subresource_uris"},
	"recordings":             {"account_sid", "api_version", "call_sid", "conference_sid", "date_created", "date_updated", "start_time", "duration", "sid", "price", "price_unit", "status", "channels", "source", "error_code", "uri", "encryption_details", "subresource_uris", "media_url"},
	"incoming_phone_numbers": {"account_sid", "address_sid", "address_requirements", "api_version", "beta", "capabilities", "date_created", "date_updated", "friendly_name", "identity_sid", "phone_number", "origin", "sid", "sms_application_sid", "sms_fallback_method", "sms_fallback_url", "sms_method", "sms_url", "status_callback", "status_callback_method", "trunk_sid", "uri", "voice_receive_mode", "voice_application_sid", "voice_caller_id_lookup", "voice_fallback_method", "voice_fallback_url", "voice_method", "voice_url", "emergency_status", "emergency_address_sid", "emergency_address_status", "bundle_sid", "status", "type"},
	"outgoing_caller_ids":    {"sid", "date_created", "date_updated", "friendly_name", "account_sid", "phone_number", "uri"},
}

var (
	priceRe  = regexp.MustCompile(`^-?\d+\.\d{5}$`)
	sidRe    = regexp.MustCompile(`^[A-Z]{2}[0-9a-f]{32}$`)
	intStrRe = regexp.MustCompile(`^-?\d+$`)
)

func TestEveryPropertyAndTypes(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	for _, ep := range listEndpoints {
		items := c.all(c.acct(ep.path+"?PageSize=1000"+softDeleted(ep.path)), ep.key)
		if len(items) == 0 {
			t.Fatalf("%s: empty", ep.path)
		}
		props := specProperties[ep.key]
		for _, it := range items {
			for _, p := range props {
				if _, ok := it[p]; !ok {
					t.Fatalf("%s: %s lacks %s", ep.path, it["sid"], p)
				}
			}
			if len(it) != len(props) {
				t.Fatalf("%s: %d properties, spec has %d", ep.path, len(it), len(props))
			}
			if !sidRe.MatchString(str(it["sid"])) || it["account_sid"] != s.AccountSid {
				t.Fatalf("%s: sid %v account %v", ep.path, it["sid"], it["account_sid"])
			}
			if it["uri"] != c.acct(strings.TrimSuffix(ep.path, ".json")+"/"+str(it["sid"])+".json") {
				t.Fatalf("%s: uri %v", ep.path, it["uri"])
			}
			for _, k := range []string{"date_created", "date_updated", "date_sent", "start_time", "end_time"} {
				if v, ok := it[k].(string); ok {
					tm, err := time.Parse(time.RFC1123Z, v)
					if err != nil || !strings.HasSuffix(v, " +0000") || tm.After(s.Now()) {
						t.Fatalf("%s: %s %q", ep.path, k, v)
					}
				}
			}
			if v, ok := it["price"]; ok && v != nil && !priceRe.MatchString(str(v)) {
				t.Fatalf("%s: price %#v", ep.path, v)
			}
			for _, k := range []string{"duration", "num_segments", "num_media", "queue_time"} {
				if v, ok := it[k]; ok && v != nil && !intStrRe.MatchString(str(v)) {
					t.Fatalf("%s: %s %#v is not an integer string", ep.path, k, v)
				}
			}
		}
	}
}

func TestSeededVariety(t *testing.T) {
	s := NewTestServer(t)
	c := newClient(t, s)
	values := func(path, key, field string) []string {
		var out []string
		for _, it := range c.all(c.acct(path+"?PageSize=1000"+softDeleted(path)), key) {
			if v, ok := it[field].(string); ok && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	for _, tc := range []struct {
		path, key, field string
		want             []string
	}{
		{"Calls.json", "calls", "status", callStatuses},
		{"Calls.json", "calls", "direction", callDirections},
		{"Messages.json", "messages", "status", msgStatuses},
		{"Messages.json", "messages", "direction", msgDirections},
		{"Recordings.json", "recordings", "status", recStatuses},
		{"Recordings.json", "recordings", "source", recSources},
	} {
		got := values(tc.path, tc.key, tc.field)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: no %s %q (have %v)", tc.path, tc.field, w, got)
			}
		}
	}
	calls := c.all(c.acct("Calls.json?PageSize=1000"), "calls")
	var nullPrice, nullEnd, parents, clients, sips int
	for _, it := range calls {
		if it["price"] == nil {
			nullPrice++
		}
		if it["status"] == "in-progress" && it["end_time"] != nil {
			t.Errorf("in-progress call with end_time")
		}
		if it["end_time"] == nil {
			nullEnd++
		}
		if it["parent_call_sid"] != nil {
			parents++
			c.get(c.acct("Calls/" + str(it["parent_call_sid"]) + ".json"))
		}
		for _, k := range []string{"to", "from"} {
			if strings.HasPrefix(str(it[k]), "client:") {
				clients++
			}
			if strings.HasPrefix(str(it[k]), "sip:") {
				sips++
			}
		}
	}
	if nullPrice == 0 || nullEnd == 0 || parents == 0 || parents > len(calls)/3 || clients == 0 || sips == 0 {
		t.Errorf("calls: %d null prices, %d null end times, %d children, %d client, %d sip", nullPrice, nullEnd, parents, clients, sips)
	}
	msgs := c.all(c.acct("Messages.json?PageSize=1000"), "messages")
	var wa, uk, queuedNullPrice, mm int
	oldest := s.Now()
	for _, it := range msgs {
		if strings.HasPrefix(str(it["from"]), "whatsapp:") || strings.HasPrefix(str(it["to"]), "whatsapp:") {
			wa++
		}
		if strings.HasPrefix(str(it["to"]), "+44") || strings.HasPrefix(str(it["from"]), "+44") {
			uk++
		}
		if it["status"] == "queued" && it["price"] == nil {
			queuedNullPrice++
		}
		if strings.HasPrefix(str(it["sid"]), "MM") {
			mm++
		}
		d, _ := time.Parse(time.RFC1123Z, str(it["date_created"]))
		if d.Before(oldest) {
			oldest = d
		}
	}
	if wa == 0 || uk == 0 || queuedNullPrice == 0 || mm == 0 {
		t.Errorf("messages: %d whatsapp, %d UK, %d queued without price, %d MMS", wa, uk, queuedNullPrice, mm)
	}
	if age := s.Now().Sub(oldest); age < 200*24*time.Hour || age > 310*24*time.Hour {
		t.Errorf("oldest message is %v old", age)
	}
	recs := c.all(c.acct("Recordings.json?PageSize=1000"), "recordings")
	var conf int
	for _, it := range recs {
		if it["conference_sid"] != nil {
			conf++
		}
		if sid := str(it["call_sid"]); sid != "" && !s.Exists(sid) {
			t.Errorf("recording %s: call %s does not exist", it["sid"], sid)
		}
	}
	if conf == 0 || conf > len(recs)/2 {
		t.Errorf("recordings: %d with a conference", conf)
	}
}

// softDeleted asks for soft-deleted rows too where the operation has the
// parameter (Recordings).
func softDeleted(path string) string {
	if strings.HasPrefix(path, "Recordings") {
		return "&IncludeSoftDeleted=true"
	}
	return ""
}
