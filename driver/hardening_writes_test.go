package driver_test

// Regression tests of issue 14 ("hardening"): each names its item.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// hardeningDB opens a driver on srv with cfg changed by mutate, through
// the options given (a hostile front server, DSN keys).
func hardeningDB(t *testing.T, srv *twiliotest.Server, mutate func(*driver.Config), opts ...testdb.Option) *sql.DB {
	t.Helper()
	opts = append(opts, testdb.Shared(srv))
	if mutate != nil {
		opts = append(opts, testdb.Configure(mutate))
	}
	return testdb.New(t, opts...).DB
}

// front puts h in front of the emulator (see testdb.Front).
func front(h http.HandlerFunc) testdb.Option {
	return testdb.Front(func(http.Handler) http.Handler { return h })
}

func writesApplied(srv *twiliotest.Server) []string {
	var out []string
	for _, w := range srv.Applied() {
		out = append(out, w.Method+" "+w.Path)
	}
	return out
}

// Item 1: a WHERE clause that is always true, or that matches every row
// without any filter or Sid narrowing the listing, is a bulk write.
func TestHardening1_BulkWriteGuard(t *testing.T) {
	srv := testdb.Server(t)
	strict := hardeningDB(t, srv, nil)
	bulk := hardeningDB(t, srv, func(c *driver.Config) { c.AllowBulkWrites = true })

	refused := []struct{ name, sql, rule string }{
		{"1=1", "DELETE FROM IncomingPhoneNumbers WHERE 1=1", "always true"},
		{"TRUE", "UPDATE OutgoingCallerIds SET FriendlyName = 'x' WHERE TRUE", "always true"},
		{"folded arithmetic", "DELETE FROM Recordings WHERE 2 > 1 AND 'a' = 'a'", "always true"},
		{"true disjunct", "DELETE FROM Calls WHERE Status = 'busy' OR 1 = 1", "always true"},
		{"not false", "UPDATE OutgoingCallerIds SET FriendlyName = 'x' WHERE NOT (1 = 0)", "always true"},
		{"local filter matching every row", "UPDATE OutgoingCallerIds SET FriendlyName = 'x' WHERE PhoneNumber LIKE '+%'", "matched every row"},
		{"column equal to itself", "DELETE FROM IncomingPhoneNumbers WHERE Sid = Sid", "matched every row"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			_, err := strict.Exec(tt.sql)
			if err == nil {
				t.Fatalf("%s: no error; %d writes applied", tt.sql, len(writesApplied(srv)))
			}
			for _, want := range []string{tt.rule, "bulk write", "allow_bulk_writes=true", "nothing was changed"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			for _, r := range srv.Requests() {
				if r.Method != "GET" {
					t.Errorf("a write was sent: %s %s", r.Method, r.Path)
				}
			}
		})
	}
	if got := writesApplied(srv); len(got) > 0 {
		t.Fatalf("%d writes applied, first %s", len(got), got[0])
	}

	// Narrowed writes pass, and allow_bulk_writes lifts the guard.
	allowed := []struct {
		db  *sql.DB
		sql string
	}{
		{strict, "UPDATE OutgoingCallerIds SET FriendlyName = 'y' WHERE FriendlyName = 'no such name'"},
		{strict, "UPDATE IncomingPhoneNumbers SET FriendlyName = 'WhatsApp Sender' WHERE PhoneNumber = '" + twiliotest.WhatsAppSender + "'"},
		{strict, "UPDATE OutgoingCallerIds SET FriendlyName = 'z' WHERE PhoneNumber LIKE '+1%' AND PhoneNumber LIKE '%0'"},
		{bulk, "UPDATE OutgoingCallerIds SET FriendlyName = 'Verified' WHERE 1=1"},
	}
	for _, tt := range allowed {
		if _, err := tt.db.Exec(tt.sql); err != nil {
			t.Errorf("%s: %v", tt.sql, err)
		}
	}
}

// Item 3: a Sid read from an answer is checked before it names a path; a
// malformed or missing one fails the statement before any write.
func TestHardening3_SidsFromAnswersValidated(t *testing.T) {
	srv := testdb.Server(t)
	for _, tt := range []struct{ name, sid string }{
		{"path traversal", `"../../AC99999999999999999999999999999999/Calls/CA00000000000000000000000000000001"`},
		{"missing", `null`},
		{"empty", `""`},
		{"query", `"CA0000000000000000000000000000000?x"`},
		{"wrong table", `"SM00000000000000000000000000000001"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var writes []string
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodGet {
					writes = append(writes, r.Method+" "+r.URL.Path)
					srv.Handler().ServeHTTP(w, r)
					return
				}
				if !strings.HasSuffix(r.URL.Path, "/Calls.json") {
					srv.Handler().ServeHTTP(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				// A good row first, then the hostile one: no write at all may go out.
				_, _ = w.Write([]byte(`{"calls":[{"sid":"CA00000000000000000000000000000002","status":"completed"},{"sid":` + tt.sid + `,"status":"completed"}],"next_page_uri":null}`))
			})
			db := hardeningDB(t, srv, nil, front(handler))
			_, err := db.Exec("DELETE FROM Calls WHERE Status = 'completed'")
			if err == nil || !strings.Contains(err.Error(), "not a Calls Sid") || !strings.Contains(err.Error(), "nothing was changed") {
				t.Errorf("error = %v, want the bad Sid named and nothing changed", err)
			}
			if len(writes) > 0 {
				t.Errorf("writes sent: %v", writes)
			}
		})
	}
}

// Item 2: once a write may have left, the caller's deadline or cancellation
// ends it with the outcome-unknown error, which still unwraps to the
// context's error.
func TestHardening2_OutcomeUnknownOnCallerDeadline(t *testing.T) {
	srv := testdb.Server(t)
	db := hardeningDB(t, srv, nil)
	srv.SetFaults(twiliotest.Faults{Delay: 1, DelayDuration: 5 * time.Second, Methods: []string{"POST"}})
	insert := "INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, 'once')"

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := db.ExecContext(ctx, insert, twiliotest.WhatsAppSender, "whatsapp:+15005550006")
	var ou *rest.OutcomeUnknownError
	if !errors.As(err, &ou) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: error = %v, want the outcome-unknown error wrapping context.DeadlineExceeded", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel) // while the POST waits for its answer
	_, err = db.ExecContext(ctx, insert, twiliotest.WhatsAppSender, "whatsapp:+15005550006")
	if !errors.As(err, &ou) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: error = %v, want the outcome-unknown error wrapping context.Canceled", err)
	}
	if got := srv.Stats().Requests; got != 2 {
		t.Errorf("%d requests, want each POST sent once", got)
	}
}

// Item 4: a DELETE that Twilio applied but answered with a 500 is retried;
// the 404 of the retry means the first attempt deleted it.
func TestHardening4_RetriedDeleteAnswered404IsDeleted(t *testing.T) {
	srv := testdb.Server(t)
	db := hardeningDB(t, srv, func(c *driver.Config) { c.RetryTimeout = 10 * time.Second })
	_, rows := testdb.Query(t, db, "SELECT Sid FROM Calls LIMIT 2")
	srv.SetFaults(twiliotest.Faults{ApplyThenFail: 1, Methods: []string{"DELETE"}})
	for i, r := range rows { // a 500, then a reset: both are retried
		sid := r[0].(string)
		res, err := db.Exec("DELETE FROM Calls WHERE Sid = ?", sid)
		if err != nil {
			t.Fatalf("DELETE %d: %v", i, err)
		}
		if n, _ := res.RowsAffected(); n != 1 || srv.Exists(sid) {
			t.Errorf("DELETE %d: RowsAffected = %d, exists = %t; want 1 row deleted", i, n, srv.Exists(sid))
		}
	}
	// A first answer of 404 is still "no such row".
	srv.SetFaults(twiliotest.Faults{})
	res, err := db.Exec("DELETE FROM Calls WHERE Sid = ?", rows[0][0])
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 0 {
		t.Errorf("DELETE of a missing call: RowsAffected = %d, want 0", n)
	}
}

// Item 6: a server or proxy that echoes the request's credentials in an
// error page does not get them into the error text, in any encoding.
func TestHardening6_ExcerptsScrubbedOfCredentials(t *testing.T) {
	srv := testdb.Server(t)
	authBasic := func(r *http.Request) string { return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ") }
	echo := map[string]func(r *http.Request) string{
		"header":  func(r *http.Request) string { return r.Header.Get("Authorization") },
		"base64":  authBasic,
		"percent": func(r *http.Request) string { return url.QueryEscape(authBasic(r)) },
		"lowercase percent": func(r *http.Request) string {
			return strings.ReplaceAll(url.QueryEscape(authBasic(r)), "%3D", "%3d")
		},
		"user:password": func(r *http.Request) string { u, p, _ := r.BasicAuth(); return u + ":" + p },
		"raw secret":    func(r *http.Request) string { _, p, _ := r.BasicAuth(); return p },
		"json message": func(r *http.Request) string {
			_, p, _ := r.BasicAuth()
			return `{"code":20003,"message":"bad token ` + p + `","status":401}`
		},
	}
	for name, reflect := range echo {
		t.Run(name, func(t *testing.T) {
			handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadGateway)
				io.WriteString(w, reflect(r))
			})
			db := hardeningDB(t, srv, func(c *driver.Config) { c.MaxRetries = 0 }, front(handler))
			_, err := db.Exec("SELECT * FROM Calls LIMIT 1")
			if err == nil {
				t.Fatal("no error")
			}
			assertNoCredentials(t, err.Error(), srv.AccountSid, srv.AuthToken)
		})
	}

	// A listing whose values echo the credentials: the decoding error that
	// quotes one is scrubbed, and is still the same error underneath.
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, p, _ := r.BasicAuth()
		fmt.Fprintf(w, `{"calls":[{"sid":"CA00000000000000000000000000000002","duration":"%s %s"}],"next_page_uri":null}`, r.Header.Get("Authorization"), p)
	})
	db := hardeningDB(t, srv, nil, front(handler))
	for _, q := range []string{"SELECT Duration FROM Calls", "DELETE FROM Calls WHERE Duration > 5"} {
		_, err := db.Exec(q)
		if err == nil || !strings.Contains(err.Error(), "Duration") {
			t.Fatalf("%s: error = %v, want a decoding error", q, err)
		}
		assertNoCredentials(t, err.Error(), srv.AccountSid, srv.AuthToken)
	}
	rows, err := db.Query("SELECT Duration FROM Calls")
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	if err == nil {
		t.Fatal("no error while reading rows")
	}
	assertNoCredentials(t, err.Error(), srv.AccountSid, srv.AuthToken)

	// A forwarding proxy that echoes Proxy-Authorization in its 502 page.
	const proxyUser, proxyPass = "svc-user", "s3cr3t/p@ss+word"
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := r.Header.Get("Proxy-Authorization")
		tok := strings.TrimPrefix(v, "Basic ")
		plain, _ := base64.StdEncoding.DecodeString(tok)
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "upstream failed; you sent %s (%s) = %s, %s", v, url.QueryEscape(tok), plain, url.PathEscape(proxyPass))
	}))
	defer proxy.Close()
	keys := "proxy_enabled=true&proxy_url=" + url.QueryEscape(proxy.URL) + "&proxy_auth_scheme=BASIC&proxy_user=" + url.QueryEscape(proxyUser) + "&proxy_password=" + url.QueryEscape(proxyPass) + "&max_retries=0"
	db = hardeningDB(t, srv, nil, testdb.DSN(keys))
	_, err = db.Exec("SELECT * FROM Calls LIMIT 1")
	if err == nil || !strings.Contains(err.Error(), "upstream failed") {
		t.Fatalf("error = %v, want the proxy's page quoted", err)
	}
	assertNoCredentials(t, err.Error(), proxyUser, proxyPass)
	assertNoCredentials(t, err.Error(), srv.AccountSid, srv.AuthToken)
}

// assertNoCredentials fails if text holds password, or user:password, in
// plain, base64 or percent-encoded form.
func assertNoCredentials(t *testing.T, text, user, password string) {
	t.Helper()
	pair := user + ":" + password
	for _, s := range []string{password, pair} {
		b64 := base64.StdEncoding.EncodeToString([]byte(s))
		for _, form := range []string{s, b64, url.QueryEscape(s), url.QueryEscape(b64), strings.ReplaceAll(url.QueryEscape(b64), "%3D", "%3d"), url.PathEscape(s)} {
			if strings.Contains(text, form) {
				t.Errorf("the error holds a credential (%q): %s", form, text)
			}
		}
	}
}

// Item 8: DEBUG logs name a list request's parameters, never their values.
func TestHardening8_DebugLogsNoParameterValues(t *testing.T) {
	srv := testdb.Server(t)
	var logs bytes.Buffer
	db := hardeningDB(t, srv, func(c *driver.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	testdb.Query(t, db, "SELECT Sid FROM Messages WHERE `To` = ? AND Body = ?", "+15557654321", "my secret note")
	// A failed statement whose error quotes its argument.
	if _, err := db.Exec("DELETE FROM Calls WHERE Sid = ?", "CA-my-secret-note"); err == nil || !strings.Contains(err.Error(), "secret") {
		t.Fatalf("error = %v, want it to quote the bad Sid", err)
	}
	out := logs.String()
	if !strings.Contains(out, "twilio statement failed") {
		t.Fatalf("the failure is not logged:\n%s", out)
	}
	if !strings.Contains(out, "twilio request") || !strings.Contains(out, "To") {
		t.Fatalf("no request logged with its parameter names:\n%s", out)
	}
	for _, value := range []string{"5557654321", "secret", "note"} {
		if strings.Contains(out, value) {
			t.Errorf("the log holds the argument %q:\n%s", value, out)
		}
	}
}

// Item 14: the outcome-unknown error is one sentence that names the host
// the request went to and the path once, without net/url's wrapping.
func TestHardening14_OutcomeUnknownText(t *testing.T) {
	srv := testdb.Server(t)
	db := hardeningDB(t, srv, nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, fault := range []twiliotest.Faults{
		{InternalError: 1, Methods: []string{"POST"}},
		{Reset: 1, Methods: []string{"POST"}},
	} {
		srv.SetFaults(fault)
		_, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, 'x')", twiliotest.WhatsAppSender, "whatsapp:+15005550006")
		if err == nil {
			t.Fatal("no error")
		}
		msg := err.Error()
		path := "/2010-04-01/Accounts/" + srv.AccountSid + "/Messages.json"
		if n := strings.Count(msg, path); n != 1 {
			t.Errorf("the path appears %d times, want once: %s", n, msg)
		}
		for _, bad := range []string{`Post "`, "api.twilio.com", "\n"} {
			if strings.Contains(msg, bad) {
				t.Errorf("the error holds %q: %s", bad, msg)
			}
		}
		if !strings.Contains(msg, host) || !strings.Contains(msg, "outcome is unknown") {
			t.Errorf("the error does not name the host %s and the unknown outcome: %s", host, msg)
		}
		if strings.Count(msg, "twilio:") != 1 {
			t.Errorf("the error repeats its prefix: %s", msg)
		}
	}
}

// Item 5: json.Marshal and slog print a Config without its secrets, as fmt
// does, whether it is a value, a pointer, or nested in an exported field.
func TestHardening5_ConfigJSONAndLogRedacted(t *testing.T) {
	const token, apiSecret, proxyPass, urlPass = "AuthTok3nS3cretValue", "ApiS3cretValue99", "Pr0xyPassw0rd", "UrlPassw0rd"
	cfg := driver.NewConfig()
	cfg.AccountSid, cfg.AuthToken, cfg.APISecret = "AC0123456789abcdef0123456789abcdef", token, apiSecret
	cfg.Proxy = driver.ProxyConfig{Enabled: true, URL: "http://user:" + urlPass + "@proxy.example.com:3128", AuthScheme: "BASIC", User: "bob", Password: proxyPass}
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	type holder struct {
		Cfg  driver.Config
		Ptr  *driver.Config
		Prox driver.ProxyConfig
	}
	var outs []string
	for _, v := range []any{cfg, *cfg, holder{*cfg, cfg, cfg.Proxy}, cfg.Proxy, &cfg.Proxy} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%T): %v", v, err)
		}
		outs = append(outs, string(b))
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	logger.Info("config", "cfg", cfg, "value", *cfg, "proxy", cfg.Proxy)
	outs = append(outs, logs.String())
	for _, out := range outs {
		for _, secret := range []string{token, apiSecret, proxyPass, urlPass} {
			if strings.Contains(out, secret) {
				t.Errorf("a secret (%s) is printed: %s", secret, out)
			}
		}
	}
	// Redacted, not dropped: the other fields are still there.
	if !strings.Contains(outs[0], `"AuthToken":"REDACTED"`) || !strings.Contains(outs[0], `"Nodes":2`) || !strings.Contains(outs[0], `"User":"bob"`) {
		t.Errorf("json: %s", outs[0])
	}
}

// Item 2, the last failure path: Twilio answered a write with success but
// the answer cannot be read. The write was applied, and the error says so;
// it is never "nothing changed" or safe to retry.
func TestHardening2_AppliedWriteWithUnreadableAnswer(t *testing.T) {
	srv := testdb.Server(t)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"sid": ["not", "a", "string"], "num_segments": "many"}`)
			return
		}
		srv.Handler().ServeHTTP(w, r)
	})
	db := hardeningDB(t, srv, nil, front(handler))
	_, err := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, 'x')", twiliotest.WhatsAppSender, "whatsapp:+15005550006")
	if err == nil || !strings.Contains(err.Error(), "Twilio applied it") || strings.Contains(err.Error(), "no earlier row was changed") {
		t.Fatalf("error = %v, want it to say the write was applied", err)
	}
	if driver.SafeToRetry(err) {
		t.Errorf("SafeToRetry(%v) = true for an applied write", err)
	}
}
