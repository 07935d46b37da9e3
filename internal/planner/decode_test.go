package planner

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// referenceDecode is the decoder this package had before the byte walker:
// a map per resource and json.Unmarshal per value. The walker must give the
// same rows and fail on the same inputs.
func referenceDecode(t *schema.Table, item []byte, row []driver.Value) error {
	clear(row)
	index := map[string]int{}
	for i, c := range t.Columns {
		index[c.Field] = i
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(item, &fields); err != nil {
		return err
	}
	for name, raw := range fields {
		i, ok := index[name]
		if !ok {
			continue
		}
		v, err := referenceValue(raw, t.Columns[i].Type)
		if err != nil {
			return err
		}
		row[i] = v
	}
	return nil
}

func referenceValue(raw json.RawMessage, typ schema.Type) (driver.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if typ == schema.JSON {
		return string(raw), nil
	}
	var text string
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	} else {
		text = string(raw)
	}
	switch typ {
	case schema.String:
		return text, nil
	case schema.Int:
		if text == "" {
			return nil, nil
		}
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", text)
		}
		if f < math.MinInt64 || f >= math.MaxInt64 || f != f {
			return nil, fmt.Errorf("%s is out of range", text)
		}
		return int64(f), nil
	case schema.Float:
		if text == "" {
			return nil, nil
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", text)
		}
		return f, nil
	case schema.Bool:
		switch strings.ToLower(text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean", text)
	case schema.Time:
		if text == "" {
			return nil, nil
		}
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
			if t, err := time.Parse(layout, text); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not an RFC 2822 time", text)
	case schema.Date:
		if text == "" {
			return nil, nil
		}
		t, err := time.Parse(time.DateOnly, text)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date", text)
		}
		return t, nil
	}
	return text, nil
}

// sameDecode checks the decoder against the reference on one item.
func sameDecode(t *testing.T, tbl *schema.Table, item []byte) {
	t.Helper()
	want := make([]driver.Value, len(tbl.Columns))
	got := make([]driver.Value, len(tbl.Columns))
	werr := referenceDecode(tbl, item, want)
	gerr := exec.NewDecoder(tbl).Decode(item, got)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%s %s: error %v, reference error %v", tbl.Name, item, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("%s.%s of %s = %#v, reference %#v", tbl.Name, tbl.Columns[i].Name, item, got[i], want[i])
			}
		}
	}
}

func TestDecodeMatchesReference(t *testing.T) {
	cases := []struct {
		table *schema.Table
		item  string
	}{
		{schema.Calls, `{}`},
		{schema.Calls, ` { } `},
		{schema.Calls, `null`},
		{schema.Calls, `{"sid":"CA1","duration":"0","price":"-0.0075","status":"completed"}`},
		{schema.Calls, `{"sid":"CA1","duration":0,"price":-0.0075,"queue_time":"1000"}`},
		{schema.Calls, `{"duration":"","price":"","start_time":"","end_time":null}`},
		{schema.Calls, `{"duration":"12.9"}`},
		{schema.Calls, `{"duration":"1e3"}`},
		{schema.Calls, `{"duration":"-12"}`},
		{schema.Calls, `{"duration":"+12"}`},
		{schema.Calls, `{"duration":"9223372036854775807"}`},
		{schema.Calls, `{"duration":"99999999999999999999"}`},
		{schema.Calls, `{"duration":"abc"}`},
		{schema.Calls, `{"duration":true}`},
		{schema.Calls, `{"price":"x"}`},
		{schema.Calls, `{"to":"whatsapp:+14155238886","from":"client:alice","caller_name":"Zoë \u00e9 \"q\" \\ \n"}`},
		{schema.Calls, `{"to":"\ud83d\ude00 emoji"}`},
		{schema.Calls, "{\"to\":\"bad \xff utf8\"}"},
		{schema.Calls, "{\"to\":\"ok ü\"}"},
		{schema.Calls, `{"to":123,"from":true,"status":{"a":1}}`},
		{schema.Calls, `{"subresource_uris":{"notifications":"/x.json","recordings":"/y.json"}}`},
		{schema.Calls, `{"subresource_uris":[1,2,{"a":[3]}]}`},
		{schema.Calls, `{"subresource_uris":"text"}`},
		{schema.Calls, `{"subresource_uris": { "a" : "}" } }`},
		{schema.Calls, `{"start_time":"Tue, 31 Aug 2010 20:36:28 +0000"}`},
		{schema.Calls, `{"start_time":"tue, 31 aug 2010 20:36:28 +0000"}`},
		{schema.Calls, `{"start_time":"Tue, 31 Aug 2010 20:36:28 +0200"}`},
		{schema.Calls, `{"start_time":"Tue, 31 Aug 2010 20:36:28 GMT"}`},
		{schema.Calls, `{"start_time":"2010-08-31T20:36:28Z"}`},
		{schema.Calls, `{"start_time":"2010-08-31T20:36:28+05:30"}`},
		{schema.Calls, `{"start_time":"Tue, 31 Feb 2010 20:36:28 +0000"}`},
		{schema.Calls, `{"start_time":"Tue, 29 Feb 2024 23:59:59 +0000"}`},
		{schema.Calls, `{"start_time":"Tue, 31 Aug 2010 24:36:28 +0000"}`},
		{schema.Calls, `{"start_time":"Tue, 31 Aug 2010 20:36:60 +0000"}`},
		{schema.Calls, `{"start_time":"Xyz, 31 Aug 2010 20:36:28 +0000"}`},
		{schema.Calls, `{"start_time":"yesterday"}`},
		{schema.Calls, `{"sid":"CA1","sid":"CA2"}`},
		{schema.Calls, `{"sid":"CA1","sid":null}`},
		{schema.Calls, `{"sid":null,"sid":"CA2"}`},
		{schema.Calls, `{"price":"-1","price":null,"price":"2","start_time":null,"start_time":"Tue, 31 Aug 2010 20:36:28 +0000"}`},
		{schema.Calls, `{"start_time":"Tue, 31 Aug 2010 20:36:28 +0000","start_time":null,"price":"1","price":null}`},
		{schema.Calls, `{"unknown":{"deep":[{"x":"]}"}]},"sid":"CA3"}`},
		{schema.Calls, `{"s\u0069d":"escaped key"}`},
		{schema.Calls, `{"sid":"CA1",}`},
		{schema.Calls, `{"sid":"CA1"`},
		{schema.Calls, `{"sid" "CA1"}`},
		{schema.Calls, `{"sid":"CA1"} x`},
		{schema.Calls, `[1,2]`},
		{schema.Calls, `"text"`},
		{schema.Calls, ``},
		{schema.Calls, `{"sid":nul}`},
		{schema.Calls, `{"sid":"a` + "\n" + `b"}`},
		{schema.InboundPhoneNumbers, `{"beta":false,"capabilities":{"voice":true},"sms_method":"POST"}`},
		{schema.InboundPhoneNumbers, `{"beta":"FALSE"}`},
		{schema.InboundPhoneNumbers, `{"beta":"True"}`},
		{schema.InboundPhoneNumbers, `{"beta":"yes"}`},
		{schema.InboundPhoneNumbers, `{"beta":0}`},
	}
	for _, c := range cases {
		sameDecode(t, c.table, []byte(c.item))
	}
	for _, tbl := range schema.Tables() {
		for i, col := range tbl.Columns {
			if col.Type == schema.Date {
				for _, v := range []string{`"2014-06-01"`, `"2014-6-1"`, `""`, `null`, `20140601`} {
					sameDecode(t, tbl, []byte(`{"`+tbl.Columns[i].Field+`":`+v+`}`))
				}
			}
		}
	}
}

// TestDecodeEmulatorRows compares the decoder with the reference on every row
// the emulator lists for each table.
func TestDecodeEmulatorRows(t *testing.T) {
	srv := twiliotest.NewTestServer(t)
	client := testClient(t, srv)
	for _, tbl := range schema.Tables() {
		if !tbl.Supports(schema.List) || exec.SidKey(tbl) < 0 && len(tbl.Keys) > 1 {
			continue // nested under a parent: read by TestCatalogWalk in driver
		}
		uri := client.FirstPageURI(tbl.ListPath, url.Values{"PageSize": {"1000"}})
		for uri != "" {
			page, err := client.ListPage(context.Background(), uri, tbl.ListKey)
			if err != nil {
				t.Fatalf("%s: %v", tbl.Name, err)
			}
			for _, item := range page.Items {
				sameDecode(t, tbl, item)
			}
			uri = page.NextPageURI
		}
	}
}

// testClient is a client of the emulator with no limiter and its own
// transport.
func testClient(t testing.TB, srv *twiliotest.Server) *rest.Client {
	t.Helper()
	return testClientVia(t, srv, func(tr http.RoundTripper) http.RoundTripper { return tr })
}

// testClientVia is testClient with its transport wrapped by wrap.
func testClientVia(t testing.TB, srv *twiliotest.Server, wrap func(http.RoundTripper) http.RoundTripper) *rest.Client {
	t.Helper()
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	c, err := rest.New(rest.Options{AccountSid: srv.AccountSid, Username: srv.AccountSid, Password: srv.AuthToken, Base: base, Transport: wrap(tr)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"sid":"CA1","duration":"3","price":-1.5,"start_time":"Tue, 31 Aug 2010 20:36:28 +0000","subresource_uris":{"a":"b"}}`, `{"to":"\u00e9"}`, `null`, `{}`,
		`{"sid":"SM1","body":"a\"b\\","num_segments":"300","price":"-0.0075","date_sent":"Tue, 31 Aug 2010 20:36:28 +0000"}`, `{"sid":"CA1"`, `{"sid":"CA1","duration":`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, item []byte) {
		for _, tbl := range []*schema.Table{schema.Calls, schema.Messages} {
			if !json.Valid(item) {
				// The transport no longer runs json.Valid: a malformed item
				// must give an error (or, where the walker skims, the values
				// of the fields it read), never a panic.
				_ = exec.NewDecoder(tbl).Decode(item, make([]driver.Value, len(tbl.Columns)))
				continue
			}
			sameDecode(t, tbl, item)
			// The values of a row live in its own arena: decoding the next
			// row into the same slice does not change the first's values.
			d := exec.NewDecoder(tbl)
			row := make([]driver.Value, len(tbl.Columns))
			if err := d.Decode(item, row); err != nil {
				continue
			}
			kept := append([]driver.Value(nil), row...)
			if err := d.Decode([]byte(`{"sid":"XX00000000000000000000000000000000","status":"zzzzzzzz","body":"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz","duration":"99999","price":"-9.99"}`), row); err != nil {
				t.Fatal(err)
			}
			again := make([]driver.Value, len(tbl.Columns))
			if err := d.Decode(item, again); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept, again) {
				t.Fatalf("%s: values changed after the next row was decoded:\n%v\n%v", tbl.Name, kept, again)
			}
		}
	})
}

// TestDecodeFieldOrder: the field order learnt from one object never
// stands in for reading the next one's names (escaped names, an empty
// name, a malformed one, another order).
func TestDecodeFieldOrder(t *testing.T) {
	items := []string{
		`{"s\u0069d":"CA1","to":"+1"}`,
		`{""":"CA3","to":"+3"}`,
		`{"s\u0069d":"CA1","to":"+1"}`,
		`{"":"CA2","to":"+2"}`,
		`{"to":"+4","sid":"CA4"}`,
		`{"sid":"CA5","to":"+5","from":"+6"}`,
		`{"sid":"CA6"}`,
		`{"sidx":"CA7","to":"+7"}`,
	}
	d := exec.NewDecoder(schema.Calls)
	for _, item := range items {
		want := make([]driver.Value, len(schema.Calls.Columns))
		got := make([]driver.Value, len(schema.Calls.Columns))
		werr := referenceDecode(schema.Calls, []byte(item), want)
		gerr := d.Decode([]byte(item), got)
		if (werr != nil) != (gerr != nil) || werr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s after the others: %v %v, reference %v %v", item, got, gerr, want, werr)
		}
	}
}

// TestDecodeAllocations holds decode to two allocations a row (the row's
// text and its values, see rowLayout), whatever its columns: a change in
// how reflect boxes a field of a non-addressable struct would show here.
func TestDecodeAllocations(t *testing.T) {
	for _, c := range []struct {
		table *schema.Table
		item  string
	}{
		{schema.Messages, `{"body":"Thanks! We'll be in touch shortly.","num_segments":"1","direction":"outbound-api","from":"+13128383301","to":"+12068867419","date_updated":"Mon, 15 Jun 2026 11:59:30 +0000","price":"-0.0075","error_message":null,"uri":"/2010-04-01/Accounts/AC5ef872f6da5a21de157d80997a64bd33/Messages/SM1894b9721068a7f94d2cd83255845da7.json","account_sid":"AC5ef872f6da5a21de157d80997a64bd33","num_media":"300","status":"queued","sid":"SM1894b9721068a7f94d2cd83255845da7","date_sent":null,"date_created":"Mon, 15 Jun 2026 11:59:30 +0000","error_code":30008,"price_unit":"USD","api_version":"2010-04-01","subresource_uris":{"media":"/x/Media.json"}}`},
		{schema.InboundPhoneNumbers, `{"beta":false,"capabilities":{"voice":true},"sms_method":"POST","date_created":"Mon, 15 Jun 2026 11:59:30 +0000"}`},
	} {
		d := exec.NewDecoder(c.table)
		row := make([]driver.Value, len(c.table.Columns))
		item := []byte(c.item)
		allocs := testing.AllocsPerRun(100, func() {
			if err := d.Decode(item, row); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 2 {
			t.Errorf("%s: decode made %v allocations a row, want 2", c.table.Name, allocs)
		}
		sameDecode(t, c.table, item)
	}
}

// FuzzParseRFC2822UTC holds the fixed-layout date parser to time.Parse:
// whatever it accepts, time.Parse reads as the same instant in UTC, and it
// accepts every time Twilio would write.
func FuzzParseRFC2822UTC(f *testing.F) {
	for _, s := range []string{"Tue, 31 Aug 2010 20:36:28 +0000", "Thu, 29 Feb 2024 23:59:59 +0000", "Mon, 01 Jan 0001 00:00:00 +0000",
		"Fri, 31 Dec 9999 23:59:59 +0000", "Tue, 29 Feb 2100 00:00:00 +0000", "Tue, 31 Apr 2010 20:36:28 +0000", "tue, 31 aug 2010 20:36:28 +0000"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		got, ok := exec.ParseRFC2822UTC([]byte(s))
		want, err := time.Parse(time.RFC1123Z, s)
		if ok && (err != nil || !reflect.DeepEqual(got, want.UTC())) {
			t.Fatalf("%q: %v, time.Parse %v (%v)", s, got, want.UTC(), err)
		}
		// Any instant Twilio can write is read by the fast path.
		const first, last = -62135596800, 253402300799 // 0001-01-01 to 9999-12-31, in Unix seconds
		span := int64(last - first + 1)
		ts := time.Unix(first+(unix%span+span)%span, 0).UTC()
		text := ts.Format(time.RFC1123Z)
		got, ok = exec.ParseRFC2822UTC([]byte(text))
		if !ok || !reflect.DeepEqual(got, ts) {
			t.Fatalf("%q: %v %v, want %v", text, got, ok, ts)
		}
	})
}
