package testdb

import (
	"database/sql"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Harness is a database of the twilio driver on an emulator, closed when
// the test ends.
type Harness struct {
	// DB is the driver, opened with DSN and Config.
	DB *sql.DB
	// Emulator serves the requests (behind Front's server when Front was
	// given). Its log is what RequestLines reads.
	Emulator *twiliotest.Server
	// DSN is the data source name DB was opened with: the emulator's, with
	// the keys of DSN options (and tls_ca_file under TLS).
	DSN string
	// Config is DSN parsed and changed by Configure options.
	Config *driver.Config
	// Front is the server in front of the emulator (Front option), or nil.
	Front *httptest.Server

	shared    bool
	closeOnce sync.Once
}

// Option changes what New and Open start and how they open the driver.
type Option func(*options)

type options struct {
	emulator  []twiliotest.Option
	shared    *twiliotest.Server
	keys      []string
	configure []func(*driver.Config)
	tls       bool
	lenient   bool
	front     func(emulator http.Handler) http.Handler
}

// Emulator passes options to the emulator New starts (size, seed, faults,
// latency, rate limits, clock, credentials).
func Emulator(opts ...twiliotest.Option) Option {
	return func(o *options) { o.emulator = append(o.emulator, opts...) }
}

// Shared opens the driver on an emulator the test already runs, so that
// several databases with different settings read one account. The test
// that started srv closes it; options for a new emulator (Emulator, TLS,
// AllowSpecViolations) do not apply.
func Shared(srv *twiliotest.Server) Option { return func(o *options) { o.shared = srv } }

// DSN adds keys to the emulator's DSN, as a query string without "?" or
// "&": DSN("nodes=50&page_size=200"). Later keys come after earlier ones.
func DSN(keys string) Option {
	return func(o *options) {
		if keys = strings.TrimLeft(keys, "?&"); keys != "" {
			o.keys = append(o.keys, keys)
		}
	}
}

// Configure changes the parsed Config before the driver is opened, for
// what a DSN cannot say (a Logger, a Transport) or to set fields directly.
func Configure(f func(*driver.Config)) Option {
	return func(o *options) { o.configure = append(o.configure, f) }
}

// TLS starts the emulator on TLS and trusts its certificate through
// tls_ca_file, as a user of a private endpoint does.
func TLS() Option { return func(o *options) { o.tls = true } }

// AllowSpecViolations keeps the test from failing when the emulator
// records requests Twilio's OpenAPI description refuses: for tests that
// send such requests on purpose (a fuzz target's arbitrary statements).
// Without it the test fails naming every violation.
func AllowSpecViolations() Option { return func(o *options) { o.lenient = true } }

// Front puts an HTTP server in front of the emulator and points the DSN at
// it: wrap gets the emulator's handler and returns what the driver talks
// to, to answer some requests with hostile or broken replies and pass the
// others on.
func Front(wrap func(emulator http.Handler) http.Handler) Option {
	return func(o *options) { o.front = wrap }
}

// New starts an emulator (with the default seeded data unless Emulator
// says otherwise) and opens the driver on it. Both are closed when t ends;
// the test fails if the emulator recorded a request Twilio's OpenAPI
// description refuses (see AllowSpecViolations).
func New(t testing.TB, opts ...Option) *Harness {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	h := &Harness{}
	if o.shared != nil {
		h.Emulator, h.shared = o.shared, true
	} else {
		h.Emulator = startEmulator(t, &o)
	}
	dsn := h.Emulator.DSN()
	if o.front != nil {
		h.Front = httptest.NewServer(o.front(h.Emulator.Handler()))
		t.Cleanup(h.Front.Close)
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := url.Parse(h.Front.URL)
		u.Host = f.Host
		dsn = u.String()
	}
	keys := o.keys
	if o.tls && o.shared == nil {
		keys = append([]string{"tls_ca_file=" + url.QueryEscape(writeCA(t, h.Emulator))}, keys...)
	}
	for _, k := range keys {
		dsn = withKeys(dsn, k)
	}
	h.DSN = dsn
	h.DB, h.Config = open(t, dsn, o.configure)
	t.Cleanup(h.Close)
	return h
}

// Server starts an emulator as New does, without a database: for tests
// that open several databases on it (Shared), or hand its DSN to a
// program. Options about the database are ignored.
func Server(t testing.TB, opts ...Option) *twiliotest.Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return startEmulator(t, &o)
}

func startEmulator(t testing.TB, o *options) *twiliotest.Server {
	t.Helper()
	srv := twiliotest.NewUnstartedServer(o.emulator...)
	if o.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	if o.lenient {
		t.Cleanup(srv.Close)
	} else {
		srv.FailOnViolations(t)
	}
	return srv
}

// Open is New for the common case: the database and its emulator.
func Open(t testing.TB, opts ...Option) (*sql.DB, *twiliotest.Server) {
	t.Helper()
	h := New(t, opts...)
	return h.DB, h.Emulator
}

// OpenDSN opens the driver on any DSN (a server of the test's own, an
// emulator shared by several databases), with configure applied to the
// parsed Config; the database is closed when t ends.
func OpenDSN(t testing.TB, dsn string, configure ...func(*driver.Config)) *sql.DB {
	t.Helper()
	db, _ := open(t, dsn, configure)
	t.Cleanup(func() { db.Close() })
	return db
}

func open(t testing.TB, dsn string, configure []func(*driver.Config)) (*sql.DB, *driver.Config) {
	t.Helper()
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range configure {
		f(cfg)
	}
	db, err := driver.OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return db, cfg
}

// Close closes the database, the front server and the emulator (unless
// Shared), waiting for their goroutines, so that a goleak check deferred
// by the test sees none of them. It runs again, harmlessly, when the test
// ends.
func (h *Harness) Close() {
	h.closeOnce.Do(func() {
		h.DB.Close()
		if h.Front != nil {
			h.Front.Close()
		}
	})
	if !h.shared {
		h.Emulator.Close()
	}
}

// withKeys adds a query string of keys to dsn.
func withKeys(dsn, keys string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + keys
	}
	return dsn + "?" + keys
}

// writeCA writes the TLS emulator's certificate as a CA file for
// tls_ca_file.
func writeCA(t testing.TB, srv *twiliotest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "emulator-ca.pem")
	if err := os.WriteFile(path, PEM(srv.Certificate().Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// PEM encodes a DER certificate as PEM.
func PEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
