package driver_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// The requests a create, an update, a list and a delete send carry the
// headers twilio-go v1.31.0's generated methods send (CreateCall,
// UpdateCall, PageCall, DeleteCall all pass Content-Type
// application/x-www-form-urlencoded), and no others.
func TestSDKHeadersOfEveryMethod(t *testing.T) {
	db, srv := testdb.Open(t)
	ctx := context.Background()
	steps := []struct {
		name, query string
		args        []any
	}{
		{"create", "INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", []any{twiliotest.WhatsAppSender, "whatsapp:+15005550006", "hi"}},
		{"update", "UPDATE InboundPhoneNumbers SET Name = 'Support line' WHERE Sid = ?", []any{twiliotest.WhatsAppNumberSid}},
		{"list", "SELECT Sid FROM Calls WHERE Status = 'completed' LIMIT 2", nil},
		{"delete", "DELETE FROM Calls WHERE Sid = ?", []any{twiliotest.DeletableCallSid}},
	}
	allowed := []string{"Authorization", "User-Agent", "Content-Type", "Accept-Encoding", "Content-Length"}
	for _, st := range steps {
		srv.ResetRequests()
		rows, err := db.QueryContext(ctx, st.query, st.args...)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if _, err := testdb.ScanAll(rows); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		reqs := srv.Requests()
		if len(reqs) == 0 {
			t.Fatalf("%s: no request", st.name)
		}
		for _, r := range reqs {
			h := r.Header
			what := fmt.Sprintf("%s: %s %s", st.name, r.Method, r.Path)
			if got := h.Values("Content-Type"); !slices.Equal(got, []string{"application/x-www-form-urlencoded"}) {
				t.Errorf("%s: Content-Type %q", what, got)
			}
			if ua := h.Get("User-Agent"); !strings.HasPrefix(ua, "twilio-go/1.31.0 (") {
				t.Errorf("%s: User-Agent %q", what, ua)
			}
			if user, _, ok := (&http.Request{Header: h}).BasicAuth(); !ok || user != srv.AccountSid {
				t.Errorf("%s: no Basic authorization for the account", what)
			}
			for k := range h {
				if !slices.Contains(allowed, k) {
					t.Errorf("%s: header %s, which twilio-go does not send", what, k)
				}
			}
			if r.Method == "POST" && len(r.Form) == 0 {
				t.Errorf("%s: the form was not read", what)
			}
		}
	}
}

// fakeT collects what a NewTestServer reports at the end of a test.
type fakeT struct {
	errors   []string
	cleanups []func()
}

func (f *fakeT) Helper()           {}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) end() string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return strings.Join(f.errors, "\n")
}

// A statement Twilio refuses (Status = 'finished' on a call) is answered
// as Twilio does, and the test it runs in fails naming the operation, the
// field and the value.
func TestSpecViolationOfAStatementFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	srv := twiliotest.NewTestServer(ft)
	db := testdb.OpenDSN(t, srv.DSN())
	_, err := db.Exec("UPDATE Calls SET Status = 'finished' WHERE Sid = ?", twiliotest.FeedbackCallSid)
	if err == nil || !strings.Contains(err.Error(), "20001") || !strings.Contains(err.Error(), "UpdateCall") || !strings.Contains(err.Error(), "finished") {
		t.Errorf("err = %v, want Twilio's 400 / 20001 naming UpdateCall, Status and the value", err)
	}
	failures := ft.end()
	for _, want := range []string{"request of UpdateCall", `field "Status"`, `value "finished"`} {
		if !strings.Contains(failures, want) {
			t.Errorf("the test's failure lacks %q:\n%s", want, failures)
		}
	}
}

// Creates, updates and deletes of all seven tables, and reads of all seven
// with every filter the catalog pushes down, pass the spec validator: any
// violation fails this test (NewTestServer).
func TestSpecEveryTableUnderTheValidator(t *testing.T) {
	db, srv := testdb.Open(t)
	ctx := context.Background()
	var lastCols []string
	run := func(q string, args ...any) [][]any {
		t.Helper()
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
		lastCols, _ = rows.Columns()
		out, err := testdb.ScanAll(rows)
		if err != nil {
			t.Fatalf("%s %v: %v", q, args, err)
		}
		return out
	}
	// sidOf is the Sid of the one row a statement returned.
	sidOf := func(rows [][]any) string {
		t.Helper()
		i := slices.Index(lastCols, "Sid")
		if len(rows) != 1 || i < 0 {
			t.Fatalf("%d rows, columns %v: want one row with a Sid", len(rows), lastCols)
		}
		return rows[0][i].(string)
	}

	// Writes, table by table. INSERT and UPDATE return the rows, Sid first.
	call := sidOf(run("INSERT INTO Calls (`To`, `From`, Url) VALUES (?, ?, ?)", "+15005550006", twiliotest.WhatsAppNumber, "https://demo.twilio.com/welcome/voice/"))
	// Typed and list parameters: integers, booleans, repeated keys.
	run("INSERT INTO Calls (`To`, `From`, Twiml, Timeout, Record, StatusCallback, StatusCallbackEvent, StatusCallbackMethod) VALUES (?, ?, ?, 30, true, ?, ?, 'POST')",
		"+15005550006", twiliotest.WhatsAppNumber, "<Response><Say>hi</Say></Response>", "https://example.com/status", "initiated,answered,completed")
	run("UPDATE Calls SET Status = 'canceled' WHERE Sid = ?", call)
	run("DELETE FROM Calls WHERE Sid = ?", twiliotest.DeletableCallSid)

	run("INSERT INTO Messages (`From`, `To`, Body, StatusCallback) VALUES (?, ?, ?, ?)", twiliotest.WhatsAppSender, "whatsapp:+15005550006", "hi", "https://example.com/status")
	msg := sidOf(run("SELECT Sid FROM Messages WHERE Status = 'delivered' LIMIT 1"))
	run("UPDATE Messages SET Body = '' WHERE Sid = ?", msg)
	run("DELETE FROM Messages WHERE Sid = ?", msg)

	run("DELETE FROM Recordings WHERE Sid = ?", twiliotest.RecordingSid)

	number := sidOf(run("INSERT INTO InboundPhoneNumbers (AreaCode) VALUES ('415')"))
	run("UPDATE InboundPhoneNumbers SET Name = 'Support line', VoiceUrl = 'https://example.com/voice' WHERE Sid = ?", twiliotest.WhatsAppNumberSid)
	run("DELETE FROM InboundPhoneNumbers WHERE Sid = ?", number)

	run("INSERT INTO OutgoingCallerIds (PhoneNumber, FriendlyName) VALUES ('+14155550199', 'Desk')")
	run("UPDATE OutgoingCallerIds SET Name = 'Main office' WHERE Sid = ?", twiliotest.OutgoingCallerIdSid)
	run("DELETE FROM OutgoingCallerIds WHERE Sid = ?", twiliotest.OutgoingCallerIdSid)

	run("INSERT INTO Feedback (Sid, QualityScore, Issue) VALUES (?, 3, 'dropped-call,one-way-audio')", twiliotest.FeedbackCallSid)
	run("UPDATE Feedback SET QualityScore = 4 WHERE Sid = ?", twiliotest.FeedbackCallSid)

	summary := sidOf(run("INSERT INTO FeedbackSummary (StartDate, EndDate) VALUES ('2014-06-01', '2014-06-04')"))
	run("SELECT * FROM FeedbackSummary WHERE Sid = ?", summary)
	run("DELETE FROM FeedbackSummary WHERE Sid = ?", summary)
	run("SELECT * FROM Feedback WHERE Sid = ?", twiliotest.FeedbackCallSid)

	// Reads: every table listed and fetched, every pushed filter with a
	// value from the data, dates with every operator.
	filters := 0
	for _, tb := range schema.Tables() {
		if !tb.Supports(schema.List) || !handServed[tb.Name] {
			continue // the resources served from the spec: TestCatalogWalk
		}
		for _, f := range tb.Filters {
			if schema.IsKeyParam(f.Param) {
				continue
			}
			idx, ok := tb.Column(f.Column)
			if !ok {
				t.Fatalf("%s: filter on unknown column %s", tb.Name, f.Column)
			}
			col := "`" + tb.Columns[idx].Name + "`"
			vals := run(fmt.Sprintf("SELECT Sid, %s FROM %s WHERE %s IS NOT NULL LIMIT 1", col, tb.Name, col))
			if len(vals) == 0 {
				t.Fatalf("%s.%s: no value in the seeded data", tb.Name, f.Column)
			}
			sid, v := vals[0][0], vals[0][1]
			run(fmt.Sprintf("SELECT * FROM %s WHERE Sid = ?", tb.Name), sid)
			if tb.Columns[idx].Type == schema.Bool {
				v = false // the value Twilio's Beta filter serves
			}
			if f.DayGranular {
				day := v.(time.Time)
				for _, op := range []string{"=", "<", "<=", ">", ">="} {
					run(fmt.Sprintf("SELECT Sid FROM %s WHERE %s %s ?", tb.Name, col, op), day)
				}
				run(fmt.Sprintf("SELECT Sid FROM %s WHERE %s BETWEEN ? AND ?", tb.Name, col), day.AddDate(0, 0, -3), day)
			} else {
				run(fmt.Sprintf("SELECT Sid FROM %s WHERE %s = ?", tb.Name, col), v)
			}
			filters++
		}
	}
	if filters < 15 {
		t.Errorf("%d filters walked", filters)
	}
	if v := srv.SpecViolations(); len(v) > 0 {
		t.Errorf("%d spec violations, the first: %s", len(v), v[0])
	}
}

// stripContentType is a transport that loses the Content-Type header, as
// the driver did before it sent twilio-go's headers.
type stripContentType struct{ next http.RoundTripper }

func (s stripContentType) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Content-Type")
	return s.next.RoundTrip(r)
}

// An INSERT whose request loses its Content-Type gets Twilio's answer (no
// parameters were read: 21604) and fails the test naming CreateMessage and
// the header.
func TestSpecDroppedContentTypeFailsTheTest(t *testing.T) {
	ft := &fakeT{}
	srv := twiliotest.NewTestServer(ft)
	db := testdb.OpenDSN(t, srv.DSN(), func(c *driver.Config) { c.Transport = stripContentType{http.DefaultTransport} })
	_, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", twiliotest.WhatsAppSender, "whatsapp:+15005550006", "hi")
	if err == nil || !strings.Contains(err.Error(), "21604") {
		t.Errorf("err = %v, want Twilio's 21604 (no To read)", err)
	}
	failures := ft.end()
	for _, want := range []string{"request of CreateMessage", `field "Content-Type"`, "Twilio reads none of its parameters", `field "To": required parameter missing`} {
		if !strings.Contains(failures, want) {
			t.Errorf("the test's failure lacks %q:\n%s", want, failures)
		}
	}
}

// handServed are the tables the emulator serves with hand-written handlers
// and seeded data; the others are served from the spec's examples.
var handServed = map[string]bool{"Calls": true, "Messages": true, "Recordings": true, "InboundPhoneNumbers": true, "OutgoingCallerIds": true, "Feedback": true, "FeedbackSummary": true}
