package driver_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// The proxy settings end to end, against a real squid on loopback in front
// of the emulator. squid comes from Debian's package:
//
//	apt-get update && apt-get install -y squid
//
// Without it these tests skip, except under CI=true, where they fail.

const (
	squidBin       = "/usr/sbin/squid"
	squidLibDir    = "/usr/lib/squid"
	squidUser      = "alice"
	squidPassword  = "Squid-Pr0xy-S3cret!"
	squidWrongPass = "Wr0ng-Pr0xy-Passw0rd"
	squidInstall   = "apt-get update && apt-get install -y squid"
)

// needSquid returns squid's path, or skips (fails under CI=true) when it or
// its auth helpers are missing.
func needSquid(t *testing.T) string {
	t.Helper()
	for _, p := range []string{squidBin, filepath.Join(squidLibDir, "basic_ncsa_auth"), filepath.Join(squidLibDir, "digest_file_auth")} {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing: CI must install squid (%s)", p, squidInstall)
			}
			t.Skipf("%s is missing: install squid to run the proxy tests (%s)", p, squidInstall)
		}
	}
	return squidBin
}

// squid is a running squid with a plain port and a TLS port.
type squid struct {
	dir                 string
	httpPort, httpsPort int
	caPEM               []byte // the TLS port's self-signed certificate
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startSquid starts squid in the foreground with auth "NONE", "BASIC" or
// "DIGEST" (user squidUser, password squidPassword), trusting upstream the
// certificate in emulatorPEM. It is stopped when the test ends.
func startSquid(t *testing.T, bin, auth string, emulatorPEM []byte) *squid {
	t.Helper()
	// squid drops to user proxy when started as root: its files must be
	// readable, and its logs' folder writable, by that user.
	dir, err := os.MkdirTemp("", "twiliosql-squid-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	logs := filepath.Join(dir, "logs")
	if err := os.Mkdir(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, logs} {
		mode := os.FileMode(0o755)
		if d == logs {
			mode = 0o777
		}
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert := testdb.SelfSigned(t)
	certPEM, keyPEM := cert.CertPEM, cert.KeyPEM
	sq := &squid{dir: dir, httpPort: freePort(t), httpsPort: freePort(t), caPEM: certPEM}
	var conf strings.Builder
	fmt.Fprintf(&conf, "http_port 127.0.0.1:%d\n", sq.httpPort)
	fmt.Fprintf(&conf, "https_port 127.0.0.1:%d tls-cert=%s tls-key=%s\n", sq.httpsPort, write("proxy-cert.pem", certPEM), write("proxy-key.pem", keyPEM))
	fmt.Fprintf(&conf, "pid_filename %s\n", filepath.Join(logs, "squid.pid"))
	fmt.Fprintf(&conf, "cache_log %s\n", filepath.Join(logs, "cache.log"))
	// Local port (which squid port), result, method, URL and user.
	conf.WriteString("logformat twiliosql %ts.%03tu %>lp %Ss/%03>Hs %rm %ru %un\n")
	fmt.Fprintf(&conf, "access_log stdio:%s twiliosql\n", filepath.Join(logs, "access.log"))
	conf.WriteString("cache deny all\ncache_mem 8 MB\nvisible_hostname twiliosql-test\n")
	// Targets are IP literals: no DNS, no pinger, no traffic off this machine.
	conf.WriteString("dns_nameservers 127.0.0.1\npinger_enable off\nshutdown_lifetime 0 seconds\n")
	// Debian's squid is built with GnuTLS, whose TLS 1.3 client fails to
	// read the answers of Go's TLS server (ERR_READ_ERROR after the
	// handshake): NEVER's upstream TLS is held to 1.2.
	fmt.Fprintf(&conf, "tls_outgoing_options cafile=%s options=NORMAL:-VERS-TLS1.3\n", write("emulator-ca.pem", emulatorPEM))
	switch auth {
	case "BASIC":
		fmt.Fprintf(&conf, "auth_param basic program %s %s\n", filepath.Join(squidLibDir, "basic_ncsa_auth"),
			write("basic.passwd", []byte(squidUser+":"+apr1(squidPassword, "tWsQl5al")+"\n")))
		conf.WriteString("auth_param basic children 2 startup=1\nauth_param basic realm twiliosql-test\n")
		conf.WriteString("acl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all\n")
	case "DIGEST":
		fmt.Fprintf(&conf, "auth_param digest program %s %s\n", filepath.Join(squidLibDir, "digest_file_auth"),
			write("digest.passwd", []byte(squidUser+":"+squidPassword+"\n")))
		conf.WriteString("auth_param digest children 2 startup=1\nauth_param digest realm twiliosql-test\n")
		conf.WriteString("acl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all\n")
	default:
		conf.WriteString("http_access allow localhost\nhttp_access deny all\n")
	}
	confPath := write("squid.conf", []byte(conf.String()))

	out, err := os.Create(filepath.Join(dir, "squid.out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-N", "-f", confPath)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting squid: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); out.Close(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c1, err1 := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", sq.httpPort), time.Second)
		c2, err2 := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", sq.httpsPort), time.Second)
		for _, c := range []net.Conn{c1, c2} {
			if c != nil {
				c.Close()
			}
		}
		if err1 == nil && err2 == nil {
			return sq
		}
		select {
		case <-exited:
			t.Fatalf("squid exited at start:\n%s\n%s", sq.file("squid.out"), sq.file("logs/cache.log"))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("squid did not listen within 10s:\n%s\n%s", sq.file("squid.out"), sq.file("logs/cache.log"))
		}
	}
}

func (sq *squid) file(name string) string {
	b, _ := os.ReadFile(filepath.Join(sq.dir, name))
	return string(b)
}

// accessLine is one line of the access log (format "twiliosql").
type accessLine struct {
	port           int
	result, method string
	url, user      string
}

func (sq *squid) accessLog() []accessLine {
	var out []accessLine
	for _, l := range strings.Split(sq.file("logs/access.log"), "\n") {
		f := strings.Fields(l)
		if len(f) != 6 {
			continue
		}
		port, _ := strconv.Atoi(f[1])
		out = append(out, accessLine{port: port, result: f[2], method: f[3], url: f[4], user: f[5]})
	}
	return out
}

// waitLog waits (10 s at most) until ok holds for the access log's lines.
func (sq *squid) waitLog(t *testing.T, what string, ok func([]accessLine) bool) []accessLine {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		lines := sq.accessLog()
		if ok(lines) {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("squid's access log never showed %s:\n%s", what, sq.file("logs/access.log"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// apr1 is Apache's MD5 password hash ("$apr1$"), which basic_ncsa_auth
// reads from an htpasswd file.
func apr1(password, salt string) string {
	const magic = "$apr1$"
	pw := []byte(password)
	sum := func(parts ...[]byte) []byte {
		h := md5.New()
		for _, p := range parts {
			h.Write(p)
		}
		return h.Sum(nil)
	}
	alt := sum(pw, []byte(salt), pw)
	h := md5.New()
	h.Write(pw)
	h.Write([]byte(magic + salt))
	for i := len(pw); i > 0; i -= 16 {
		h.Write(alt[:min(i, 16)])
	}
	for i := len(pw); i > 0; i >>= 1 {
		if i&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(pw[:1])
		}
	}
	final := h.Sum(nil)
	for i := range 1000 {
		h := md5.New()
		if i&1 != 0 {
			h.Write(pw)
		} else {
			h.Write(final)
		}
		if i%3 != 0 {
			h.Write([]byte(salt))
		}
		if i%7 != 0 {
			h.Write(pw)
		}
		if i&1 != 0 {
			h.Write(final)
		} else {
			h.Write(pw)
		}
		final = h.Sum(nil)
	}
	const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	var out []byte
	enc := func(a, b, c byte, n int) {
		v := uint(a)<<16 | uint(b)<<8 | uint(c)
		for ; n > 0; n-- {
			out = append(out, itoa64[v&0x3f])
			v >>= 6
		}
	}
	enc(final[0], final[6], final[12], 4)
	enc(final[1], final[7], final[13], 4)
	enc(final[2], final[8], final[14], 4)
	enc(final[3], final[9], final[15], 4)
	enc(final[4], final[10], final[5], 4)
	enc(0, 0, final[11], 2)
	return magic + salt + "$" + string(out)
}

func TestAPR1(t *testing.T) {
	// openssl passwd -apr1 -salt tWsQl5al 'Squid-Pr0xy-S3cret!'
	if got, want := apr1(squidPassword, "tWsQl5al"), "$apr1$tWsQl5al$/lzIIsa4.15O6bLGm1w9Y."; got != want {
		t.Fatalf("apr1 = %s, want %s", got, want)
	}
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proxyCase is one run of the driver through squid.
type proxyCase struct {
	auth, ssl string
	proxyURL  string
	password  string
	tlsTarget bool
}

// proxyEmulator starts an emulator, on TLS or not.
func proxyEmulator(t *testing.T, useTLS bool) *twiliotest.Server {
	t.Helper()
	opts := []testdb.Option{testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 5, Messages: 3, Recordings: -1}))}
	if useTLS {
		opts = append(opts, testdb.TLS())
	}
	return testdb.Server(t, opts...)
}

// proxyDB opens the driver on srv through the proxy, logging at DEBUG into
// logs. caPEM is what tls_ca_file holds.
func proxyDB(t *testing.T, srv *twiliotest.Server, pc proxyCase, caPEM []byte, logs *syncBuffer) *sql.DB {
	t.Helper()
	q := url.Values{}
	if len(caPEM) > 0 {
		caFile := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		q.Set("tls_ca_file", caFile)
	}
	q.Set("proxy_enabled", "true")
	q.Set("proxy_url", pc.proxyURL)
	q.Set("proxy_auth_scheme", pc.auth)
	if pc.auth != "NONE" {
		q.Set("proxy_user", squidUser)
		q.Set("proxy_password", pc.password)
	}
	q.Set("proxy_ssltype", pc.ssl)
	q.Set("log_level", "DEBUG")
	q.Set("max_retries", "2")
	return testdb.New(t, testdb.Shared(srv), testdb.DSN(q.Encode()), testdb.Configure(func(c *driver.Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})).DB
}

// assertNoProxySecret fails if s shows a proxy password, in clear or in a
// Basic header.
func assertNoProxySecret(t *testing.T, where, s string) {
	t.Helper()
	for _, pw := range []string{squidPassword, squidWrongPass} {
		for _, secret := range []string{pw, base64.StdEncoding.EncodeToString([]byte(squidUser + ":" + pw)), url.QueryEscape(pw)} {
			if strings.Contains(s, secret) {
				t.Errorf("%s shows the proxy password (%q):\n%s", where, secret, s)
			}
		}
	}
}

// The matrix: {NONE, BASIC, DIGEST} × {AUTO, ALWAYS, NEVER, TUNNEL}, to an
// emulator on TLS (and, for the forwarding rules, on plain HTTP), plus a
// wrong password in every mode.
func TestProxySquid(t *testing.T) {
	bin := needSquid(t)
	probe := proxyEmulator(t, true)
	emulatorPEM := testdb.PEM(probe.Certificate().Raw)
	probe.Close()

	for _, auth := range []string{"NONE", "BASIC", "DIGEST"} {
		t.Run(auth, func(t *testing.T) {
			sq := startSquid(t, bin, auth, emulatorPEM)
			for _, ssl := range []string{"AUTO", "ALWAYS", "NEVER", "TUNNEL"} {
				for _, tlsTarget := range []bool{true, false} {
					name := ssl
					if !tlsTarget {
						name += "/http-target"
					}
					t.Run(name, func(t *testing.T) {
						pc := proxyCase{auth: auth, ssl: ssl, password: squidPassword, tlsTarget: tlsTarget,
							proxyURL: fmt.Sprintf("http://127.0.0.1:%d", sq.httpPort)}
						if ssl == "ALWAYS" {
							// An http:// URL: ALWAYS speaks TLS to the proxy whatever the scheme.
							pc.proxyURL = fmt.Sprintf("http://127.0.0.1:%d", sq.httpsPort)
						}
						runProxyCase(t, sq, pc, emulatorPEM)
					})
				}
			}
			t.Run("AUTO/https-proxy-url", func(t *testing.T) {
				runProxyCase(t, sq, proxyCase{auth: auth, ssl: "AUTO", password: squidPassword, tlsTarget: true,
					proxyURL: fmt.Sprintf("https://127.0.0.1:%d", sq.httpsPort)}, emulatorPEM)
			})
			if auth == "NONE" {
				return
			}
			for _, ssl := range []string{"AUTO", "ALWAYS", "NEVER", "TUNNEL"} {
				t.Run(ssl+"/wrong-password", func(t *testing.T) {
					pc := proxyCase{auth: auth, ssl: ssl, password: squidWrongPass, tlsTarget: true,
						proxyURL: fmt.Sprintf("http://127.0.0.1:%d", sq.httpPort)}
					if ssl == "ALWAYS" {
						pc.proxyURL = fmt.Sprintf("https://127.0.0.1:%d", sq.httpsPort)
					}
					runWrongPassword(t, sq, pc, emulatorPEM)
				})
			}
			t.Run("no-credentials", func(t *testing.T) {
				srv := proxyEmulator(t, true)
				defer srv.Close()
				logs := &syncBuffer{}
				db := proxyDB(t, srv, proxyCase{auth: "NONE", ssl: "AUTO", proxyURL: fmt.Sprintf("http://127.0.0.1:%d", sq.httpPort)}, emulatorPEM, logs)
				_, err := db.Query("SELECT Sid FROM Calls LIMIT 3")
				if err == nil || !strings.Contains(err.Error(), "407") || !strings.Contains(err.Error(), "asks for authentication") || !strings.Contains(err.Error(), "proxy_auth_scheme") {
					t.Fatalf("err = %v, want a 407 that says the proxy asks for authentication", err)
				}
				if n := srv.RequestCount(); n != 0 {
					t.Errorf("the emulator got %d requests", n)
				}
			})
		})
	}
}

// runProxyCase queries and inserts through squid and checks, in squid's
// access log, that the requests went the way the mode says.
func runProxyCase(t *testing.T, sq *squid, pc proxyCase, emulatorPEM []byte) {
	t.Helper()
	srv := proxyEmulator(t, pc.tlsTarget)
	closed := false
	defer func() {
		if !closed {
			srv.Close()
		}
	}()
	logs := &syncBuffer{}
	db := proxyDB(t, srv, pc, append(append([]byte{}, emulatorPEM...), sq.caPEM...), logs)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	rows, err := db.QueryContext(ctx, "SELECT Sid FROM Calls LIMIT 3")
	if err != nil {
		t.Fatalf("SELECT: %v\nsquid's cache.log:\n%s", err, sq.file("logs/cache.log"))
	}
	var sids []string
	for rows.Next() {
		var sid string
		if err := rows.Scan(&sid); err != nil {
			t.Fatal(err)
		}
		sids = append(sids, sid)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	rows.Close()
	if len(sids) != 3 || !strings.HasPrefix(sids[0], "CA") {
		t.Fatalf("SELECT gave %q", sids)
	}
	res, err := db.ExecContext(ctx, "INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)",
		twiliotest.WhatsAppSender, "whatsapp:+15005550006", "through squid")
	if err != nil {
		t.Fatalf("INSERT: %v", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("INSERT affected %d rows", n)
	}
	var gets, posts int
	for _, r := range srv.Requests() {
		switch {
		case r.Method == "GET" && strings.HasSuffix(r.Path, "/Calls.json") && r.Status == 200:
			gets++
		case r.Method == "POST" && strings.HasSuffix(r.Path, "/Messages.json") && r.Status == 201:
			posts++
		}
	}
	if gets == 0 || posts == 0 {
		t.Fatalf("the emulator saw %d GET Calls and %d POST Messages: %+v", gets, posts, srv.Requests())
	}

	// squid logs a tunnel when it closes: closing the emulator closes them.
	hostPort := strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "http://")
	db.Close()
	srv.Close()
	closed = true

	tunnels := pc.ssl == "TUNNEL" || (pc.ssl != "NEVER" && pc.tlsTarget)
	wantPort := sq.httpPort
	if pc.ssl == "ALWAYS" || strings.HasPrefix(pc.proxyURL, "https://") {
		wantPort = sq.httpsPort
	}
	wantUser := "-"
	if pc.auth != "NONE" {
		wantUser = squidUser
	}
	scheme := "http"
	if pc.tlsTarget {
		scheme = "https"
	}
	mine := func(lines []accessLine) (connects, gets, posts []accessLine) {
		for _, l := range lines {
			switch {
			case l.method == "CONNECT" && l.url == hostPort:
				connects = append(connects, l)
			case l.method == "GET" && strings.HasPrefix(l.url, scheme+"://"+hostPort+"/2010-04-01/Accounts/"+srv.AccountSid+"/Calls.json"):
				gets = append(gets, l)
			case l.method == "POST" && l.url == scheme+"://"+hostPort+"/2010-04-01/Accounts/"+srv.AccountSid+"/Messages.json":
				posts = append(posts, l)
			}
		}
		return
	}
	granted := func(ls []accessLine, result string) int {
		n := 0
		for _, l := range ls {
			if strings.HasPrefix(l.result, result) && l.user == wantUser && l.port == wantPort {
				n++
			}
		}
		return n
	}
	if tunnels {
		lines := sq.waitLog(t, "the CONNECT to "+hostPort, func(ls []accessLine) bool {
			c, _, _ := mine(ls)
			return granted(c, "TCP_TUNNEL/200") > 0
		})
		if _, g, p := mine(lines); len(g)+len(p) != 0 {
			t.Errorf("%s tunnels, but squid forwarded %d requests", pc.ssl, len(g)+len(p))
		}
	} else {
		lines := sq.waitLog(t, "the forwarded GET and POST to "+hostPort, func(ls []accessLine) bool {
			_, g, p := mine(ls)
			return granted(g, "TCP_MISS/200") > 0 && granted(p, "TCP_MISS/201") > 0
		})
		if c, _, _ := mine(lines); len(c) != 0 {
			t.Errorf("%s forwards, but squid opened %d tunnels", pc.ssl, len(c))
		}
	}
	assertNoProxySecret(t, "the DEBUG log", logs.String())
	if !strings.Contains(logs.String(), "level=DEBUG") {
		t.Error("nothing was logged at DEBUG")
	}
}

// runWrongPassword checks that refused credentials fail at once with a 407
// that names the proxy and shows no password.
func runWrongPassword(t *testing.T, sq *squid, pc proxyCase, emulatorPEM []byte) {
	t.Helper()
	srv := proxyEmulator(t, pc.tlsTarget)
	defer srv.Close()
	logs := &syncBuffer{}
	db := proxyDB(t, srv, pc, append(append([]byte{}, emulatorPEM...), sq.caPEM...), logs)
	denied := func(ls []accessLine) int {
		n := 0
		for _, l := range ls {
			if l.result == "TCP_DENIED/407" {
				n++
			}
		}
		return n
	}
	before := denied(sq.accessLog())
	start := time.Now()
	_, qerr := db.Query("SELECT Sid FROM Calls LIMIT 3")
	_, xerr := db.Exec("INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", twiliotest.WhatsAppSender, "whatsapp:+15005550006", "never sent")
	for _, err := range []error{qerr, xerr} {
		if err == nil {
			t.Fatal("a wrong proxy password was accepted")
		}
		msg := err.Error()
		t.Logf("error: %s", msg)
		var pe *rest.ProxyError
		if !errors.As(err, &pe) || pe.Status != 407 {
			t.Errorf("err = %v, want a *rest.ProxyError with status 407", err)
		}
		for _, want := range []string{"407", fmt.Sprintf("proxy 127.0.0.1:%d", proxyPort(pc.proxyURL)), "rejected the", squidUser, "proxy_password"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error %q lacks %q", msg, want)
			}
		}
		if strings.Contains(msg, "outcome is unknown") {
			t.Errorf("a write the proxy refused is reported as of unknown outcome: %s", msg)
		}
		assertNoProxySecret(t, "the error", msg)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refused credentials took %s: were they retried?", d)
	}
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("the emulator got %d requests", n)
	}
	assertNoProxySecret(t, "the DEBUG log", logs.String())
	sq.waitLog(t, "a TCP_DENIED/407", func(ls []accessLine) bool { return denied(ls) > before })
}

func proxyPort(u string) int {
	pu, _ := url.Parse(u)
	p, _ := strconv.Atoi(pu.Port())
	return p
}

// The proxy password shows in no error and no DEBUG log line, whatever
// fails: refused credentials, an unreachable proxy, an untrusted one, a
// rejected setting.
func TestProxySecretsStayHidden(t *testing.T) {
	bin := needSquid(t)
	srv := proxyEmulator(t, true)
	defer srv.Close()
	emulatorPEM := testdb.PEM(srv.Certificate().Raw)
	sq := startSquid(t, bin, "BASIC", emulatorPEM)
	both := append(append([]byte{}, emulatorPEM...), sq.caPEM...)

	check := func(t *testing.T, pc proxyCase, caPEM []byte, wantErr string) {
		t.Helper()
		logs := &syncBuffer{}
		db := proxyDB(t, srv, pc, caPEM, logs)
		_, err := db.Query("SELECT Sid FROM Calls LIMIT 3")
		if err == nil {
			if wantErr != "" {
				t.Fatalf("no error, want one with %q", wantErr)
			}
		} else {
			if wantErr == "" || !strings.Contains(err.Error(), wantErr) {
				t.Fatalf("err = %v, want %q", err, wantErr)
			}
			assertNoProxySecret(t, "the error", err.Error())
		}
		assertNoProxySecret(t, "the DEBUG log", logs.String())
		if strings.Contains(logs.String(), "Proxy-Authorization") || strings.Contains(logs.String(), base64.StdEncoding.EncodeToString([]byte(squidUser + ":"))[:8]) {
			t.Errorf("the DEBUG log shows a Basic header:\n%s", logs.String())
		}
	}
	plain := fmt.Sprintf("http://127.0.0.1:%d", sq.httpPort)
	tlsURL := fmt.Sprintf("https://127.0.0.1:%d", sq.httpsPort)
	t.Run("right password", func(t *testing.T) {
		for _, ssl := range []string{"AUTO", "NEVER", "TUNNEL"} {
			check(t, proxyCase{auth: "BASIC", ssl: ssl, proxyURL: plain, password: squidPassword}, both, "")
		}
		check(t, proxyCase{auth: "BASIC", ssl: "ALWAYS", proxyURL: tlsURL, password: squidPassword}, both, "")
	})
	t.Run("wrong password", func(t *testing.T) {
		check(t, proxyCase{auth: "BASIC", ssl: "NEVER", proxyURL: plain, password: squidWrongPass}, both, "407")
		check(t, proxyCase{auth: "DIGEST", ssl: "AUTO", proxyURL: plain, password: squidWrongPass}, both, "Digest")
	})
	t.Run("unreachable", func(t *testing.T) {
		check(t, proxyCase{auth: "BASIC", ssl: "AUTO", proxyURL: fmt.Sprintf("http://127.0.0.1:%d", freePort(t)), password: squidPassword}, both, "cannot be reached")
	})
	t.Run("untrusted proxy certificate", func(t *testing.T) {
		check(t, proxyCase{auth: "BASIC", ssl: "ALWAYS", proxyURL: tlsURL, password: squidPassword}, emulatorPEM, "not trusted")
	})
	t.Run("rejected setting", func(t *testing.T) {
		_, err := driver.ParseDSN(srv.DSN() + "?proxy_enabled=true&proxy_url=" + url.QueryEscape(tlsURL) +
			"&proxy_ssltype=NEVER&proxy_auth_scheme=BASIC&proxy_user=" + squidUser + "&proxy_password=" + url.QueryEscape(squidPassword))
		var ce *driver.ConfigError
		if !errors.As(err, &ce) || ce.Key != "proxy_ssltype" {
			t.Fatalf("err = %v, want a proxy_ssltype ConfigError", err)
		}
		assertNoProxySecret(t, "the error", err.Error())
	})
}

// Digest under concurrency: requests on many connections share the nonce,
// so squid sees nonce counts out of order; stale nonces are renewed.
func TestProxySquidDigestConcurrent(t *testing.T) {
	bin := needSquid(t)
	srv := proxyEmulator(t, true)
	defer srv.Close()
	emulatorPEM := testdb.PEM(srv.Certificate().Raw)
	sq := startSquid(t, bin, "DIGEST", emulatorPEM)
	for _, ssl := range []string{"NEVER", "TUNNEL"} {
		t.Run(ssl, func(t *testing.T) {
			logs := &syncBuffer{}
			db := proxyDB(t, srv, proxyCase{auth: "DIGEST", ssl: ssl, password: squidPassword,
				proxyURL: fmt.Sprintf("http://127.0.0.1:%d", sq.httpPort)}, append(append([]byte{}, emulatorPEM...), sq.caPEM...), logs)
			db.SetMaxOpenConns(16)
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for g := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 4 {
						var sid string
						if err := db.QueryRow("SELECT Sid FROM Calls LIMIT 1").Scan(&sid); err != nil {
							errs <- fmt.Errorf("goroutine %d query %d: %w", g, i, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			denied := 0
			for _, l := range sq.accessLog() {
				if l.result == "TCP_DENIED/407" {
					denied++
				}
			}
			t.Logf("%d requests answered 407 so far (first challenges and stale nonces)", denied)
			assertNoProxySecret(t, "the DEBUG log", logs.String())
		})
	}
}
