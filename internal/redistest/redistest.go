// Package redistest runs a real redis-server (Debian's package) for tests:
// on 127.0.0.1, a free port and a temporary directory, without persistence,
// stopped when the test ends. Without redis-server the test is skipped,
// except under CI=true, where it fails.
package redistest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is one redis-server.
type Server struct {
	Addr   string // 127.0.0.1:port
	URL    string // redis://127.0.0.1:port/0, or rediss://… with TLS
	CAFile string // with TLS: the PEM of the CA that signed the server's certificate

	opts Options
	t    testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
	exit chan struct{}
}

// Options change how the server runs.
type Options struct {
	Password string // requirepass; "": none
	TLS      bool   // TLS only, with a certificate for 127.0.0.1 signed by a new CA (CAFile)
}

// Start starts a redis-server for t and stops it at t's end.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith starts a redis-server with opts for t and stops it at t's end.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is missing: apt-get install -y redis-server (.ci/run installs it)")
		}
		t.Skip("redis-server is not installed (apt-get install -y redis-server)")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), port: freePort(t), opts: opts}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	s.URL = "redis://" + s.Addr + "/0"
	if opts.TLS {
		s.URL = "rediss://" + s.Addr + "/0"
		s.CAFile = writeCertificates(t, s.dir)
	}
	s.start()
	t.Cleanup(s.Stop)
	return s
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (s *Server) start() {
	s.t.Helper()
	args := []string{"--bind", "127.0.0.1", "--port", strconv.Itoa(s.port), "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"}
	if s.opts.Password != "" {
		args = append(args, "--requirepass", s.opts.Password)
	}
	if s.opts.TLS {
		args = append(args, "--port", "0", "--tls-port", strconv.Itoa(s.port),
			"--tls-cert-file", s.dir+"/server.pem", "--tls-key-file", s.dir+"/server.key",
			"--tls-ca-cert-file", s.CAFile, "--tls-auth-clients", "no")
	}
	s.cmd = exec.Command(s.bin, args...)
	out, err := os.Create(s.dir + "/redis.log")
	if err != nil {
		s.t.Fatal(err)
	}
	defer out.Close()
	s.cmd.Stdout, s.cmd.Stderr = out, out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("starting redis-server: %v", err)
	}
	s.exit = make(chan struct{})
	go func(cmd *exec.Cmd, exit chan struct{}) {
		_ = cmd.Wait()
		close(exit)
	}(s.cmd, s.exit)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := s.Ping(); err == nil {
			return
		}
		select {
		case <-s.exit:
			log, _ := os.ReadFile(s.dir + "/redis.log")
			s.t.Fatalf("redis-server exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			s.Stop()
			s.t.Fatal("redis-server did not answer PING within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Ping sends PING and expects PONG.
func (s *Server) Ping() error {
	return s.Do("PING", "PONG")
}

// Do sends one command (words separated by spaces) and checks that the
// reply's first line is want (without its type byte); want "" accepts any.
// It returns the reply line in the error when it differs.
func (s *Server) Do(command, want string) error {
	line, err := s.Reply(command)
	if err != nil {
		return err
	}
	if want != "" && line != want {
		return fmt.Errorf("%s answered %q, want %q", command, line, want)
	}
	return nil
}

// Reply sends one command (words separated by spaces, inline protocol) and
// returns the first line of the answer without its type byte.
func (s *Server) Reply(command string) (string, error) {
	var c net.Conn
	var err error
	if s.opts.TLS {
		pool := x509.NewCertPool()
		pem, _ := os.ReadFile(s.CAFile)
		pool.AppendCertsFromPEM(pem)
		c, err = tls.DialWithDialer(&net.Dialer{Timeout: time.Second}, "tcp", s.Addr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
	} else {
		c, err = net.DialTimeout("tcp", s.Addr, time.Second)
	}
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	r := bufio.NewReader(c)
	if s.opts.Password != "" {
		if _, err := fmt.Fprintf(c, "AUTH %s\r\n", s.opts.Password); err != nil {
			return "", err
		}
		if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "+OK") {
			return "", fmt.Errorf("AUTH failed: %q %v", strings.TrimSpace(line), err)
		}
	}
	if _, err := fmt.Fprintf(c, "%s\r\n", command); err != nil {
		return "", err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if strings.HasPrefix(line, "-") {
		return "", fmt.Errorf("%s: %s", command, line[1:])
	}
	if len(line) > 0 {
		line = line[1:]
	}
	return line, nil
}

// Stop kills the server (as a crash would) and waits for it to exit. It
// may be called more than once.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exit
	s.cmd = nil
}

// Restart starts the server again on the same port, empty.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}
