package server

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// testServer is a server over an emulator, listening on loopback.
type testServer struct {
	srv    *Server
	emu    *twiliotest.Server
	direct *sql.DB // the driver, for answers to compare with
	addr   string
}

type serverOptions struct {
	users    map[string]string
	tls      bool
	maxConns int
	idle     time.Duration
	emu      []twiliotest.Option
	dsnExtra string // extra driver DSN keys, e.g. "&page_size=100"
	log      *slog.Logger
}

func startServer(t testing.TB, o serverOptions) *testServer {
	t.Helper()
	h := testdb.New(t, testdb.Emulator(o.emu...), testdb.DSN(o.dsnExtra),
		testdb.Configure(func(c *driver.Config) { c.Logger = slog.New(CountRequests(slog.DiscardHandler)) }))
	emu, db := h.Emulator, h.DB
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := Config{DB: db, Listener: ln, Users: o.users, MaxConnections: o.maxConns, IdleTimeout: o.idle, Logger: o.log}
	if o.tls {
		c.TLS, err = SelfSignedTLS("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { srv.Serve(); close(served) }()
	t.Cleanup(func() {
		srv.Close()
		<-served
	})
	return &testServer{srv: srv, emu: emu, direct: db, addr: ln.Addr().String()}
}

// dsn is a go-sql-driver/mysql DSN for the test server.
func (ts *testServer) dsn(user, password, db, params string) string {
	return fmt.Sprintf("%s:%s@tcp(%s)/%s?%s", user, password, ts.addr, db, params)
}

// client opens go-sql-driver/mysql against the server.
func (ts *testServer) client(t testing.TB, params string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", ts.dsn("twilio", "", "twilio", params))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// requireTool finds an external client program. Under CI=true a missing
// one fails the test (CI installs them: .ci/run); elsewhere it skips.
func requireTool(t testing.TB, path, install string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: %s (.ci/run installs it)", path, install)
		}
		t.Skipf("%s is missing: %s", path, install)
	}
	return p
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
