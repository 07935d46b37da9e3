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
	"github.com/twiliosql/twiliosql/twiliotest"
)

// open starts an emulator and a *sql.DB on it.
func open(t *testing.T, opts ...twiliotest.Option) (*sql.DB, *twiliotest.Server) {
	t.Helper()
	srv := twiliotest.NewTestServer(t, opts...)
	db, err := sql.Open("twilio", srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, srv
}

// queryAll runs q and returns every row as strings.
func queryAll(t *testing.T, db *sql.DB, q string, args ...any) ([]string, [][]any) {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out, err := scanAll(rows)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return cols, out
}

// scanAll reads every row of rows as []any and closes them.
func scanAll(rows *sql.Rows) ([][]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// requestLine renders a request as "GET /Calls.json?PageSize=5", relative
// to the account.
func requestLine(srv *twiliotest.Server, r twiliotest.Request) string {
	path := strings.TrimPrefix(r.Path, "/2010-04-01/Accounts/"+srv.AccountSid+"/")
	line := r.Method + " " + path
	if len(r.Query) > 0 {
		line += "?" + r.Query.Encode()
	}
	return line
}

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

func requestLines(srv *twiliotest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, requestLine(srv, r))
	}
	return out
}

func TestSelectRequests(t *testing.T) {
	db, srv := open(t)
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
			_, rows := queryAll(t, db, tt.sql, tt.args...)
			if tt.rows >= 0 && len(rows) != tt.rows {
				t.Errorf("rows = %d, want %d", len(rows), tt.rows)
			}
			if got := requestLines(srv); !reflect.DeepEqual(got, tt.requests) {
				t.Errorf("requests = %q\nwant       %q", got, tt.requests)
			}
		})
	}
}

func TestPagingAcrossManyPages(t *testing.T) {
	db, srv := open(t, twiliotest.WithSize(twiliotest.Size{Messages: 2345}))
	cfg, err := driver.ParseDSN(srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	cfg.PageSize = 100
	small, err := driver.OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	srv.ResetRequests()
	_, rows := queryAll(t, small, "SELECT Sid FROM Messages")
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
	_ = db
}

func TestRowsStopPagingOnClose(t *testing.T) {
	_, srv := open(t, twiliotest.WithSize(twiliotest.Size{Calls: 500}))
	cfg, _ := driver.ParseDSN(srv.DSN())
	cfg.PageSize = 50
	db, _ := driver.OpenDB(cfg)
	defer db.Close()
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
	db, _ := open(t)
	rows, err := db.Query("SELECT Sid, Duration, Price, StartTime, Status, SubresourceUris FROM Calls LIMIT 1")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types, _ := rows.ColumnTypes()
	want := []struct {
		db   string
		scan reflect.Type
	}{
		{"VARCHAR", reflect.TypeFor[string]()},
		{"BIGINT", reflect.TypeFor[int64]()},
		{"DOUBLE", reflect.TypeFor[float64]()},
		{"DATETIME", reflect.TypeFor[time.Time]()},
		{"VARCHAR", reflect.TypeFor[string]()},
		{"JSON", reflect.TypeFor[string]()},
	}
	for i, ct := range types {
		if ct.DatabaseTypeName() != want[i].db || ct.ScanType() != want[i].scan {
			t.Errorf("column %s: %s %v, want %s %v", ct.Name(), ct.DatabaseTypeName(), ct.ScanType(), want[i].db, want[i].scan)
		}
		if _, ok := ct.Nullable(); !ok {
			t.Errorf("column %s: nullability unknown", ct.Name())
		}
	}
}

func TestTypedScan(t *testing.T) {
	db, _ := open(t)
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
}

func TestCreateUpdateDelete(t *testing.T) {
	db, srv := open(t)
	ctx := context.Background()

	// INSERT returns the created row, so the new Sid can be read back.
	srv.ResetRequests()
	cols, rows := queryAll(t, db, "INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)",
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
	cols, rows = queryAll(t, db, "UPDATE InboundPhoneNumbers SET Name = 'Support line' WHERE Sid = ?", twiliotest.WhatsAppNumberSid)
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
	if got := requestLines(srv); len(got) != 2 || !strings.HasPrefix(got[0], "GET OutgoingCallerIds.json?") || got[1] != "POST OutgoingCallerIds/"+twiliotest.OutgoingCallerIdSid+".json" {
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
	db, srv := open(t)
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
	db, _ := open(t)
	if _, err := db.Begin(); !errors.Is(err, driver.ErrNoTransactions) {
		t.Errorf("Begin error = %v", err)
	}
}

func TestPreparedStatementsAndNamedArgs(t *testing.T) {
	db, srv := open(t)
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
		if got := requestLines(srv); len(got) != 1 || got[0] != "GET Calls.json?PageSize=2&Status="+status {
			t.Errorf("requests = %q", got)
		}
	}
	// An injection attempt is a value, not SQL.
	_, rows := queryAll(t, db, "SELECT Sid FROM Calls WHERE Status = ?", "busy' OR '1'='1")
	if len(rows) != 0 {
		t.Errorf("an argument was spliced into the SQL: %d rows", len(rows))
	}
	// A list argument for IN.
	_, rows = queryAll(t, db, "SELECT Sid FROM Recordings WHERE Sid IN ::sids", sql.Named("sids", []string{twiliotest.RecordingSid}))
	if len(rows) != 1 {
		t.Errorf("IN ::sids rows = %d", len(rows))
	}
}

func TestCancelStopsQuery(t *testing.T) {
	db, _ := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.QueryContext(ctx, "SELECT * FROM Calls"); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// driverDB names *sql.DB in table tests.
type driverDB struct{ *sql.DB }
