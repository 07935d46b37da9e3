package driver_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// column reads a string column of a row by name.
func column(cols []string, row []any, name string) string {
	for i, c := range cols {
		if c == name {
			s, _ := row[i].(string)
			return s
		}
	}
	return ""
}

func TestSelectRequests(t *testing.T) {
	db, srv := testdb.Open(t)
	acct := srv.AccountSid
	_ = acct
	tests := []struct {
		name     string
		sql      string
		args     []any
		rows     int // -1: don't check
		requests []string
	}{
		{"get by Sid", "SELECT Sid, Duration FROM Recordings WHERE Sid = ?", []any{twiliotest.RecordingSid}, 1,
			[]string{"GET Recordings/" + twiliotest.RecordingSid + ".json"}},
		{"get missing Sid is no row", "SELECT * FROM Calls WHERE Sid = 'CA00000000000000000000000000000000'", nil, 0,
			[]string{"GET Calls/CA00000000000000000000000000000000.json"}},
		{"limit shrinks the page", "SELECT Sid FROM Calls LIMIT 5", nil, 5,
			[]string{"GET Calls.json?PageSize=5"}},
		{"limit zero costs nothing", "SELECT Sid FROM Calls LIMIT 0", nil, 0, nil},
		{"equality pushed", "SELECT Sid, Status FROM Calls WHERE Status = 'busy' LIMIT 3", nil, 3,
			[]string{"GET Calls.json?PageSize=3&Status=busy"}},
		{"alias pushed", "SELECT Sid FROM Messages WHERE Sender = ? LIMIT 2", []any{twiliotest.WhatsAppSender}, 2,
			[]string{"GET Messages.json?From=whatsapp%3A%2B14155238886&PageSize=2"}},
		{"date range widened to days", "SELECT Sid FROM Calls WHERE StartTime >= '2026-06-01 08:00:00' AND StartTime < '2026-06-10'", nil, -1,
			[]string{"GET Calls.json?PageSize=1000&StartTime%3C=2026-06-09&StartTime%3E=2026-06-01"}},
		{"local filter keeps the full page", "SELECT Sid FROM Calls WHERE Duration > 30 LIMIT 2", nil, 2,
			[]string{"GET Calls.json?PageSize=1000"}},
		{"feedback by call Sid", "SELECT * FROM Feedback WHERE Sid = ?", []any{twiliotest.FeedbackCallSid}, 0,
			[]string{"GET Calls/" + twiliotest.FeedbackCallSid + "/Feedback.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, rows := testdb.Query(t, db, tt.sql, tt.args...)
			if tt.rows >= 0 && len(rows) != tt.rows {
				t.Errorf("rows = %d, want %d", len(rows), tt.rows)
			}
			if got := testdb.RequestLines(srv); !reflect.DeepEqual(got, tt.requests) {
				t.Errorf("requests = %q\nwant       %q", got, tt.requests)
			}
		})
	}
}

func TestPagingAcrossManyPages(t *testing.T) {
	small, srv := testdb.Open(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Messages: 2345})), testdb.DSN("page_size=100"))
	srv.ResetRequests()
	_, rows := testdb.Query(t, small, "SELECT Sid FROM Messages")
	if len(rows) != 2345 {
		t.Fatalf("rows = %d, want 2345", len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows {
		sid := r[0].(string)
		if seen[sid] {
			t.Fatalf("%s returned twice", sid)
		}
		seen[sid] = true
	}
	if got := srv.RequestCount(); got != 24 {
		t.Errorf("requests = %d, want 24 pages", got)
	}
}

func TestRowsStopPagingOnClose(t *testing.T) {
	db, srv := testdb.Open(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 500})), testdb.DSN("page_size=50"))
	srv.ResetRequests()
	rows, err := db.Query("SELECT Sid FROM Calls WHERE Duration >= 0")
	if err != nil {
		t.Fatal(err)
	}
	if srv.RequestCount() != 1 {
		t.Fatalf("QueryContext made %d requests, want the first page only", srv.RequestCount())
	}
	for i := 0; i < 60 && rows.Next(); i++ {
	}
	rows.Close()
	// Pages 1 and 2 were read; page 3 may have been prefetched (one page
	// ahead at most; the server may log it just after Close cancelled it),
	// and nothing more follows.
	time.Sleep(50 * time.Millisecond)
	if got := srv.RequestCount(); got != 2 && got != 3 {
		t.Errorf("requests after reading 60 rows and closing = %d, want 2 (3 with the page prefetched)", got)
	}
}

func TestColumnTypes(t *testing.T) {
	db, _ := testdb.Open(t)
	rows, err := db.Query("SELECT Sid, Duration, Price, StartTime, Status, SubresourceUris FROM Calls LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		db   string
		scan reflect.Type
	}{
		{"Sid", "VARCHAR", reflect.TypeFor[string]()},
		{"Duration", "BIGINT", reflect.TypeFor[int64]()},
		{"Price", "DOUBLE", reflect.TypeFor[float64]()},
		{"StartTime", "DATETIME", reflect.TypeFor[time.Time]()},
		{"Status", "VARCHAR", reflect.TypeFor[string]()},
		{"SubresourceUris", "JSON", reflect.TypeFor[string]()},
	}
	if len(types) != len(want) {
		t.Fatalf("%d column types, want %d", len(types), len(want))
	}
	for i, ct := range types {
		if ct.Name() != want[i].name || ct.DatabaseTypeName() != want[i].db || ct.ScanType() != want[i].scan {
			t.Errorf("column %d: %s %s %v, want %s %s %v", i, ct.Name(), ct.DatabaseTypeName(), ct.ScanType(), want[i].name, want[i].db, want[i].scan)
		}
		if _, ok := ct.Nullable(); !ok {
			t.Errorf("column %s: nullability unknown", ct.Name())
		}
	}
}

func TestTypedScan(t *testing.T) {
	db, _ := testdb.Open(t)
	var (
		sid      string
		duration sql.NullInt64
		price    sql.NullFloat64
		start    sql.NullTime
		beta     bool
	)
	err := db.QueryRow("SELECT Sid, Duration, Price, StartTime FROM Calls WHERE Status = 'completed' LIMIT 1").Scan(&sid, &duration, &price, &start)
	if err != nil {
		t.Fatal(err)
	}
	if !duration.Valid || !start.Valid || !price.Valid {
		t.Errorf("a completed call has duration %v, start %v, price %v", duration, start, price)
	}
	if err := db.QueryRow("SELECT Beta FROM InboundPhoneNumbers WHERE Sid = ?", twiliotest.WhatsAppNumberSid).Scan(&beta); err != nil {
		t.Fatalf("false must scan as a value, not NULL: %v", err)
	}
	if beta {
		t.Error("Beta of the WhatsApp number scanned as true; Twilio sends false")
	}
	// The same false as a nullable: a value, not NULL; and a true one.
	var nb sql.NullBool
	if err := db.QueryRow("SELECT Beta FROM InboundPhoneNumbers WHERE Sid = ?", twiliotest.WhatsAppNumberSid).Scan(&nb); err != nil || !nb.Valid || nb.Bool {
		t.Errorf("Beta as sql.NullBool = %+v, %v; want a valid false", nb, err)
	}
	var trues int
	if err := db.QueryRow("SELECT COUNT(*) FROM InboundPhoneNumbers WHERE Beta").Scan(&trues); err != nil || trues == 0 {
		t.Errorf("%d numbers with Beta true (%v): the false above may be the only value the driver gives", trues, err)
	}
}

func TestCreateUpdateDelete(t *testing.T) {
	db, srv := testdb.Open(t)
	ctx := context.Background()

	// INSERT returns the created row, so the new Sid can be read back.
	srv.ResetRequests()
	cols, rows := testdb.Query(t, db, "INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)",
		twiliotest.WhatsAppSender, "whatsapp:+15005550006", "Message is sent from Google Cloud")
	sid, status := column(cols, rows[0], "Sid"), column(cols, rows[0], "Status")
	if !strings.HasPrefix(sid, "SM") || status != "queued" {
		t.Errorf("created message %q status %q", sid, status)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Form.Get("Body") != "Message is sent from Google Cloud" || reqs[0].Form.Get("From") != twiliotest.WhatsAppSender {
		t.Fatalf("requests = %+v", reqs)
	}

	// Exec reports RowsAffected.
	res, err := db.ExecContext(ctx, "INSERT INTO FeedbackSummary (StartDate, EndDate) VALUES ('2014-06-01', '2014-06-04')")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("RowsAffected = %d", n)
	}
	if _, err := res.LastInsertId(); err == nil || !strings.Contains(err.Error(), "QueryRow") {
		t.Errorf("LastInsertId error = %v", err)
	}

	// UPDATE by Sid is one POST; it returns the updated row.
	srv.ResetRequests()
	cols, rows = testdb.Query(t, db, "UPDATE InboundPhoneNumbers SET Name = 'Support line' WHERE Sid = ?", twiliotest.WhatsAppNumberSid)
	name := column(cols, rows[0], "FriendlyName")
	if name != "Support line" || srv.RequestCount() != 1 {
		t.Errorf("FriendlyName = %q after %d requests", name, srv.RequestCount())
	}

	// UPDATE by another WHERE lists the targets first.
	srv.ResetRequests()
	res, err = db.ExecContext(ctx, "UPDATE OutgoingCallerIds SET Name = 'Verified' WHERE PhoneNumber = ?", twiliotest.OutgoingCallerIdNumber)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Errorf("RowsAffected = %d", n)
	}
	if got := testdb.RequestLines(srv); len(got) != 2 || !strings.HasPrefix(got[0], "GET OutgoingCallerIds.json?") || got[1] != "POST OutgoingCallerIds/"+twiliotest.OutgoingCallerIdSid+".json" {
		t.Errorf("requests = %q", got)
	}

	// DELETE by Sid; deleting again changes nothing.
	for want := int64(1); want >= 0; want-- {
		res, err = db.ExecContext(ctx, "DELETE FROM Calls WHERE Sid = ?", twiliotest.DeletableCallSid)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != want {
			t.Errorf("RowsAffected = %d, want %d", n, want)
		}
	}
	if srv.Exists(twiliotest.DeletableCallSid) {
		t.Error("the call still exists")
	}
}

func TestWriteErrors(t *testing.T) {
	db, srv := testdb.Open(t)
	tests := []struct{ sql, want string }{
		{"UPDATE Recordings SET Status = 'x' WHERE Sid = 'RE2e915e78549694bd0a0742d2d39454e5'", "UPDATE is not supported on Recordings: it supports SELECT, DELETE"},
		{"INSERT INTO Messages (`To`, Body) VALUES ('+15005550006', 'hi')", "21603"},
		{"INSERT INTO Messages (`From`, Body) VALUES ('+15005550006', 'hi')", "needs a value for To"},
		{"INSERT INTO Feedback (Sid, QualityScore) VALUES ('" + twiliotest.FeedbackCallSid + "', 9)", "QualityScore"},
		{"INSERT INTO FeedbackSummary (StartDate) VALUES ('2014-06-01')", "needs a value for EndDate"},
		{"DELETE FROM Calls WHERE Sid = '../../Accounts'", "is not a Calls Sid"},
		{"SELECT * FROM FeedbackSummary", "add WHERE Sid"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			srv.ResetRequests()
			_, err := db.Exec(tt.sql)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if !strings.Contains(tt.want, "216") && !strings.Contains(tt.want, "Quality") && srv.RequestCount() != 0 {
				t.Errorf("%d requests were sent for a statement refused before any", srv.RequestCount())
			}
		})
	}
}

func TestTwilioErrorsAndSecrets(t *testing.T) {
	srv := twiliotest.NewTestServer(t)
	u, _ := url.Parse(srv.DSN())
	const badToken = "wrongtoken0123456789abcdefabcdef"
	u.User = url.UserPassword(srv.AccountSid, badToken)
	cfg, err := driver.ParseDSN(u.String())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := driver.OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	err = db.Ping()
	var te *driver.Error
	if !errors.As(err, &te) || te.Code != 20003 || te.Status != 401 {
		t.Fatalf("Ping error = %v, want Twilio's 20003", err)
	}
	_, qerr := db.Query("SELECT * FROM Calls")
	if qerr == nil || !errors.As(qerr, &te) {
		t.Fatalf("Query error = %v, want it in QueryContext", qerr)
	}
	for _, text := range []string{err.Error(), qerr.Error(), fmt.Sprintf("%v %+v %#v", cfg, cfg, *cfg), logs.String()} {
		if strings.Contains(text, badToken) {
			t.Errorf("the auth token leaked: %s", text)
		}
	}
	if !strings.Contains(logs.String(), "twilio request") {
		t.Error("DEBUG logging recorded no request")
	}
}

func TestNoTransactions(t *testing.T) {
	db, _ := testdb.Open(t)
	if _, err := db.Begin(); !errors.Is(err, driver.ErrNoTransactions) {
		t.Errorf("Begin error = %v", err)
	}
}

func TestPreparedStatementsAndNamedArgs(t *testing.T) {
	db, srv := testdb.Open(t)
	stmt, err := db.Prepare("SELECT Sid FROM Calls WHERE Status = :status LIMIT :n")
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	for _, status := range []string{"busy", "failed"} {
		srv.ResetRequests()
		rows, err := stmt.Query(sql.Named("status", status), sql.Named("n", 2))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != 2 {
			t.Errorf("%s: rows = %d", status, n)
		}
		if got := testdb.RequestLines(srv); len(got) != 1 || got[0] != "GET Calls.json?PageSize=2&Status="+status {
			t.Errorf("requests = %q", got)
		}
	}
	// An injection attempt is a value, not SQL.
	_, rows := testdb.Query(t, db, "SELECT Sid FROM Calls WHERE Status = ?", "busy' OR '1'='1")
	if len(rows) != 0 {
		t.Errorf("an argument was spliced into the SQL: %d rows", len(rows))
	}
	// A list argument for IN.
	_, rows = testdb.Query(t, db, "SELECT Sid FROM Recordings WHERE Sid IN ::sids", sql.Named("sids", []string{twiliotest.RecordingSid}))
	if len(rows) != 1 {
		t.Errorf("IN ::sids rows = %d", len(rows))
	}
}

func TestCancelStopsQuery(t *testing.T) {
	db, _ := testdb.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.QueryContext(ctx, "SELECT * FROM Calls"); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}
