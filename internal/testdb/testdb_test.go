package testdb_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

func TestOpenQueryAndRequests(t *testing.T) {
	h := testdb.New(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 50})), testdb.DSN("page_size=20"),
		testdb.Configure(func(c *driver.Config) { c.Nodes = 7 }))
	if h.Config.PageSize != 20 || h.Config.Nodes != 7 || !strings.Contains(h.DSN, "page_size=20") {
		t.Fatalf("DSN %q, page size %d, nodes %d: want the DSN key and the Config change", h.DSN, h.Config.PageSize, h.Config.Nodes)
	}
	var rows [][]any
	lines := testdb.CountRequests(h.Emulator, func() {
		rows = testdb.Rows(t, h.DB, "SELECT Sid FROM Calls WHERE Status = ? LIMIT 3", "completed")
	})
	if len(rows) != 3 || !strings.HasPrefix(rows[0][0].(string), "CA") {
		t.Errorf("rows %v", rows)
	}
	if want := []string{"GET Calls.json?PageSize=3&Status=completed"}; !reflect.DeepEqual(lines, want) {
		t.Errorf("requests %q, want %q", lines, want)
	}
	if n := h.Emulator.Count("Calls"); n != 50 {
		t.Errorf("the emulator holds %d calls, want the 50 of its option", n)
	}
}

func TestStringsShowsNull(t *testing.T) {
	db, _ := testdb.Open(t)
	cols, rows := testdb.Strings(t, db, "SELECT 'a' AS x, NULL AS y, 1 + 1 AS z")
	if !reflect.DeepEqual(cols, []string{"x", "y", "z"}) || !reflect.DeepEqual(rows, [][]string{{"a", "NULL", "2"}}) {
		t.Errorf("columns %q, rows %q", cols, rows)
	}
}

func TestTLSTrustsTheEmulator(t *testing.T) {
	h := testdb.New(t, testdb.TLS())
	if !strings.HasPrefix(h.Emulator.URL, "https://") || !strings.Contains(h.DSN, "tls_ca_file=") {
		t.Fatalf("emulator at %s, DSN %s: want TLS and its CA", h.Emulator.URL, h.DSN)
	}
	if err := h.DB.Ping(); err != nil {
		t.Fatal(err)
	}
	untrusted := testdb.OpenDSN(t, h.Emulator.DSN())
	if err := untrusted.Ping(); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Ping without the CA = %v, want a certificate error", err)
	}
}

func TestFrontSeesEveryRequest(t *testing.T) {
	var seen atomic.Int32
	h := testdb.New(t, testdb.Front(func(emu http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Add(1); emu.ServeHTTP(w, r) })
	}))
	testdb.Rows(t, h.DB, "SELECT Sid FROM Calls LIMIT 2")
	if seen.Load() != 1 || h.Emulator.RequestCount() != 1 || strings.Contains(h.DSN, strings.TrimPrefix(h.Emulator.URL, "http://")) {
		t.Errorf("front saw %d, emulator %d requests; DSN %s", seen.Load(), h.Emulator.RequestCount(), h.DSN)
	}
}

func TestSharedEmulatorOutlivesAHarness(t *testing.T) {
	first := testdb.New(t)
	second := testdb.New(t, testdb.Shared(first.Emulator), testdb.DSN("page_size=5"))
	second.Close()
	if err := first.DB.Ping(); err != nil {
		t.Fatalf("closing a harness on a shared emulator closed the emulator: %v", err)
	}
	if second.Config.PageSize != 5 {
		t.Errorf("page size %d", second.Config.PageSize)
	}
}

func TestAllowSpecViolations(t *testing.T) {
	h := testdb.New(t, testdb.AllowSpecViolations())
	if _, err := h.DB.Exec("UPDATE Calls SET Status = 'finished' WHERE Sid = ?", twiliotest.FeedbackCallSid); err == nil {
		t.Fatal("Twilio refuses the status 'finished'; the emulator accepted it")
	}
	if len(h.Emulator.SpecViolations()) == 0 {
		t.Error("the refused update recorded no violation")
	}
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	h := testdb.New(t, testdb.Front(func(emu http.Handler) http.Handler { return emu }))
	testdb.Rows(t, h.DB, "SELECT Sid FROM Messages LIMIT 3")
	h.Close()
}

func TestSelfSignedOncePerProcess(t *testing.T) {
	c := testdb.SelfSigned(t)
	if testdb.SelfSigned(t) != c {
		t.Error("a second certificate was made")
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{c.TLS}}
	srv.StartTLS()
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.Pool}}}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("a client trusting Pool: %v", err)
	}
	resp.Body.Close()
	certFile, keyFile := c.Files(t)
	if _, err := tls.LoadX509KeyPair(certFile, keyFile); err != nil {
		t.Errorf("Files: %v", err)
	}
}
