package driver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/twiliosql/twiliosql/twiliotest"
)

// The differential test's reference data is read from the emulator's raw
// JSON pages with net/http and encoding/json: none of the driver, planner,
// rest or schema code takes part, so a bug there cannot hide by shaping the
// reference too. The tables' columns are written out below (name and type),
// as the test expects the driver to show them; each JSON field is the
// column's name in snake_case.

// refTable is one table of the reference, as the test expects it.
type refTable struct {
	name     string // SQL table name
	path     string // list path relative to the account, "" for Feedback
	key      string // list key in a page
	resource string // name for twiliotest.Server.Count
	columns  []refColumn
}

// refColumn is a column and its expected type: "" (text), "int", "float",
// "bool", "time" or "json".
type refColumn struct {
	name, field, typ string
}

// refColumns parses "Sid DateCreated:time Duration:int …".
func refColumns(spec string) []refColumn {
	var cols []refColumn
	for _, f := range strings.Fields(spec) {
		name, typ, _ := strings.Cut(f, ":")
		cols = append(cols, refColumn{name: name, field: snakeCase(name), typ: typ})
	}
	return cols
}

func snakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

var refTables = []refTable{
	{name: "Calls", path: "Calls.json", key: "calls", resource: "Calls", columns: refColumns(
		"Sid DateCreated:time DateUpdated:time ParentCallSid AccountSid To ToFormatted From FromFormatted PhoneNumberSid Status StartTime:time EndTime:time Duration:int Price:float PriceUnit Direction AnsweredBy ApiVersion ForwardedFrom GroupSid CallerName QueueTime:int TrunkSid Uri SubresourceUris:json")},
	{name: "Messages", path: "Messages.json", key: "messages", resource: "Messages", columns: refColumns(
		"Body NumSegments:int Direction From To DateUpdated:time Price:float ErrorMessage Uri AccountSid NumMedia:int Status MessagingServiceSid Sid DateSent:time DateCreated:time ErrorCode:int PriceUnit ApiVersion SubresourceUris:json")},
	{name: "Recordings", path: "Recordings.json", key: "recordings", resource: "Recordings", columns: refColumns(
		"AccountSid ApiVersion CallSid ConferenceSid DateCreated:time DateUpdated:time StartTime:time Duration:int Sid Price:float PriceUnit Status Channels:int Source ErrorCode:int Uri EncryptionDetails:json SubresourceUris:json MediaUrl")},
	{name: "InboundPhoneNumbers", path: "IncomingPhoneNumbers.json", key: "incoming_phone_numbers", resource: "IncomingPhoneNumbers", columns: refColumns(
		"AccountSid AddressSid AddressRequirements ApiVersion Beta:bool Capabilities:json DateCreated:time DateUpdated:time FriendlyName IdentitySid PhoneNumber Origin Sid SmsApplicationSid SmsFallbackMethod SmsFallbackUrl SmsMethod SmsUrl StatusCallback StatusCallbackMethod TrunkSid Uri VoiceReceiveMode VoiceApplicationSid VoiceCallerIdLookup:bool VoiceFallbackMethod VoiceFallbackUrl VoiceMethod VoiceUrl EmergencyStatus EmergencyAddressSid EmergencyAddressStatus BundleSid Status Type")},
	{name: "OutgoingCallerIds", path: "OutgoingCallerIds.json", key: "outgoing_caller_ids", resource: "OutgoingCallerIds", columns: refColumns(
		"Sid DateCreated:time DateUpdated:time FriendlyName AccountSid PhoneNumber Uri")},
	{name: "Feedback", resource: "Feedback", columns: refColumns(
		"AccountSid DateCreated:time DateUpdated:time Issues:json QualityScore:int Sid")},
}

// sqliteType is the declared SQLite type of a reference column. modernc's
// SQLite hands DATETIME columns back as time.Time; BOOLEAN marks the
// columns whose 0/1 the driver must give as bool.
func (c refColumn) sqliteType() string {
	switch c.typ {
	case "int":
		return "INTEGER"
	case "float":
		return "REAL"
	case "bool":
		return "BOOLEAN"
	case "time":
		return "DATETIME"
	}
	return "TEXT"
}

// rawClient reads the emulator's JSON with plain net/http.
type rawClient struct {
	srv *twiliotest.Server
	hc  *http.Client
}

func (c rawClient) base() string {
	return c.srv.URL + "/2010-04-01/Accounts/" + c.srv.AccountSid + "/"
}

// get fetches a URL (absolute, or a path from the server's root) and
// returns the status and body.
func (c rawClient) get(t *testing.T, uri string) (int, []byte) {
	t.Helper()
	if strings.HasPrefix(uri, "/") {
		uri = c.srv.URL + uri
	}
	req, err := http.NewRequest(http.MethodGet, uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(c.srv.AccountSid, c.srv.AuthToken)
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// records lists every record of a list endpoint, following next_page_uri.
// The page size is odd on purpose: no page boundary the driver uses.
func (c rawClient) records(t *testing.T, tb refTable) []map[string]json.RawMessage {
	t.Helper()
	next := c.base() + tb.path + "?PageSize=37"
	var out []map[string]json.RawMessage
	for pages := 0; next != ""; pages++ {
		if pages > 1000 {
			t.Fatalf("%s: more than 1000 pages", tb.path)
		}
		status, body := c.get(t, next)
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", next, status, body)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil {
			t.Fatalf("GET %s: %v", next, err)
		}
		var nextURI *string
		if err := json.Unmarshal(fields["next_page_uri"], &nextURI); err != nil {
			t.Fatalf("GET %s: next_page_uri: %v", next, err)
		}
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(fields[tb.key], &items); err != nil {
			t.Fatalf("GET %s: %q: %v", next, tb.key, err)
		}
		out = append(out, items...)
		next = ""
		if nextURI != nil {
			next = *nextURI
		}
	}
	return out
}

// feedbackRecords reads each call's feedback (404: none).
func (c rawClient) feedbackRecords(t *testing.T, calls []map[string]any) []map[string]json.RawMessage {
	t.Helper()
	var out []map[string]json.RawMessage
	for _, call := range calls {
		sid := call["Sid"].(string)
		status, body := c.get(t, c.base()+"Calls/"+url.PathEscape(sid)+"/Feedback.json")
		switch status {
		case http.StatusNotFound:
			continue
		case http.StatusOK:
		default:
			t.Fatalf("feedback of %s: %d %s", sid, status, body)
		}
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(body, &rec); err != nil {
			t.Fatalf("feedback of %s: %v", sid, err)
		}
		out = append(out, rec)
	}
	return out
}

// refValue converts a raw JSON value to the Go value the column holds:
// nil, string, int64, float64, bool, time.Time, or the JSON text.
func refValue(c refColumn, raw json.RawMessage) (any, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	if c.typ == "json" {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		return buf.String(), nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	// Twilio sends numbers as strings or numbers; both are read.
	text := func() (string, error) {
		switch x := v.(type) {
		case string:
			return x, nil
		case json.Number:
			return x.String(), nil
		}
		return "", fmt.Errorf("%s is not a string or number", raw)
	}
	switch c.typ {
	case "":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s is not a string", raw)
		}
		return s, nil
	case "int":
		s, err := text()
		if err != nil {
			return nil, err
		}
		return strconv.ParseInt(s, 10, 64)
	case "float":
		s, err := text()
		if err != nil {
			return nil, err
		}
		return strconv.ParseFloat(s, 64)
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s is not a boolean", raw)
		}
		return b, nil
	case "time":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s is not a string", raw)
		}
		tm, err := time.Parse(time.RFC1123Z, s)
		if err != nil {
			return nil, err
		}
		return tm.UTC(), nil
	}
	return nil, fmt.Errorf("unknown column type %q", c.typ)
}

// refRows converts records to rows keyed by column name, checking that every
// field of a record is a column and in the columns' order.
func refRows(t *testing.T, tb refTable, recs []map[string]json.RawMessage) []map[string]any {
	t.Helper()
	known := map[string]bool{}
	for _, c := range tb.columns {
		known[c.field] = true
	}
	rows := make([]map[string]any, 0, len(recs))
	for i, rec := range recs {
		for f := range rec {
			if !known[f] {
				t.Fatalf("%s record %d has field %q, which no column of the reference shows", tb.name, i, f)
			}
		}
		row := make(map[string]any, len(tb.columns))
		for _, c := range tb.columns {
			v, err := refValue(c, rec[c.field])
			if err != nil {
				t.Fatalf("%s record %d, %s: %v", tb.name, i, c.field, err)
			}
			row[c.name] = v
		}
		rows = append(rows, row)
	}
	return rows
}

// sqliteValue stores a reference value: times as 'YYYY-MM-DD HH:MM:SS'
// text, booleans as 0/1.
func sqliteValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.DateTime)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}
