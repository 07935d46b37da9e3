package server

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	vtlog "github.com/dolthub/vitess/go/vt/log"
)

// DatabaseName is the one database the server has.
const DatabaseName = "twilio"

// ServerVersion is what the handshake and VERSION() report: MySQL 8's
// dialect (clients pick their SQL by it), never "MariaDB".
const ServerVersion = "8.0.33-twiliosql"

// Config configures a Server.
type Config struct {
	// DB is the database every client connection uses: one *sql.DB, so one
	// Connector and one rate limiter for all clients.
	DB *sql.DB
	// Listener accepts the clients. Serve closes it.
	Listener net.Listener
	// Users maps user names to passwords. Empty: any user name is accepted
	// with an empty password (loopback demos only; see RequirePassword).
	Users map[string]string
	// TLS, when set, is offered to clients; caching_sha2_password is then
	// accepted besides mysql_native_password.
	TLS *tls.Config
	// MaxConnections caps client connections; more are refused with error
	// 1040. 0: no cap.
	MaxConnections int
	// IdleTimeout closes a connection that sends nothing for this long
	// between statements. 0: never.
	IdleTimeout time.Duration
	// Logger gets one line per statement and connection events. nil: none.
	Logger *slog.Logger
}

// Server is a MySQL wire-protocol server over a twilio *sql.DB.
type Server struct {
	cfg      Config
	listener *mysql.Listener
	handler  *handler
	log      *slog.Logger

	mu       sync.Mutex
	sessions map[uint32]*session
	conns    map[*clientConn]struct{} // every accepted connection not yet closed
	closing  bool
	gone     *sync.Cond // signalled when a connection closes
}

// New returns a Server for cfg; call Serve to accept clients.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("server: Config.DB is nil: open the twilio database first (driver.OpenDB)")
	}
	if cfg.Listener == nil {
		return nil, errors.New("server: Config.Listener is nil: pass net.Listen(\"tcp\", \"127.0.0.1:3306\")")
	}
	s := &Server{cfg: cfg, sessions: map[uint32]*session{}, conns: map[*clientConn]struct{}{}, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.gone = sync.NewCond(&s.mu)
	routeLibraryLog(s.log)
	s.handler = &handler{srv: s}
	l, err := mysql.NewListenerWithConfig(mysql.ListenerConfig{
		Listener:           &trackingListener{Listener: cfg.Listener, srv: s},
		AuthServer:         newAuthServer(cfg.Users, cfg.TLS != nil),
		Handler:            s.handler,
		ConnReadTimeout:    cfg.IdleTimeout,
		ConnReadBufferSize: mysql.DefaultConnBufferSize,
	})
	if err != nil {
		return nil, err
	}
	l.ServerVersion = ServerVersion
	l.TLSConfig = cfg.TLS
	s.listener = l
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.cfg.Listener.Addr() }

// Serve accepts clients until Shutdown or Close; it returns when the
// listener is closed.
func (s *Server) Serve() { s.listener.Accept() }

// Shutdown stops accepting clients and closes every connection at its
// next command boundary: an idle one at once, one running a statement
// once that statement's result is written to the end. When ctx is done
// first, the statements still running are cancelled and their connections
// closed. Shutdown returns when every connection is closed: nil, or
// ctx.Err() when the grace period ended first. See doc.go.
func (s *Server) Shutdown(ctx context.Context) error {
	s.listener.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closing = true
	for c := range s.conns {
		c.closeAtBoundary()
	}
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.gone.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	for len(s.conns) > 0 && ctx.Err() == nil {
		s.gone.Wait()
	}
	if len(s.conns) == 0 {
		return nil
	}
	// The grace period is over: cancel what runs (the driver stops
	// requesting pages) and close the sockets, which also ends a write
	// blocked on a client that stopped reading.
	for _, ss := range s.sessions {
		if ss.cancel != nil {
			ss.cancel(errShutdown)
		}
	}
	for c := range s.conns {
		c.Conn.Close()
	}
	for len(s.conns) > 0 {
		s.gone.Wait()
	}
	return ctx.Err()
}

// Close stops the server at once: running statements are cancelled.
func (s *Server) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Shutdown(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

var errShutdown = errors.New("the server is shutting down")

// trackingListener registers every connection with the server (for
// Shutdown) and refuses those beyond MaxConnections with MySQL's error
// 1040 before the handshake, as mysqld does.
type trackingListener struct {
	net.Listener
	srv *Server
}

func (l *trackingListener) Accept() (net.Conn, error) {
	s := l.srv
	for {
		nc, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		switch {
		case s.closing:
			s.mu.Unlock()
			refuse(nc, 1053, "Server shutdown in progress")
			continue
		case s.cfg.MaxConnections > 0 && len(s.conns) >= s.cfg.MaxConnections:
			s.mu.Unlock()
			refuse(nc, 1040, "Too many connections")
			continue
		}
		c := &clientConn{Conn: nc, srv: s}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		return c, nil
	}
}

// clientConn is one client's socket. The protocol library reads from it
// only to take the client's next command, after it has written and
// flushed the whole answer to the previous one: a Read is the command
// boundary where a shutting-down server closes the connection.
type clientConn struct {
	net.Conn
	srv *Server

	mu      sync.Mutex
	reading bool // blocked in Read: idle between commands
	closing bool // close at the next command boundary
	closed  bool
}

func (c *clientConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		c.Conn.Close()
		return 0, io.EOF
	}
	c.reading = true
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.reading = false
	closing := c.closing
	c.mu.Unlock()
	if closing && err != nil {
		// Shutdown closed the socket under an idle connection.
		err = io.EOF
	}
	return n, err
}

// closeAtBoundary closes the connection now if it waits for a command,
// else at its next Read.
func (c *clientConn) closeAtBoundary() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = true
	if c.reading {
		c.Conn.Close()
	}
}

func (c *clientConn) Close() error {
	err := c.Conn.Close()
	c.mu.Lock()
	already := c.closed
	c.closed = true
	c.mu.Unlock()
	if !already {
		c.srv.mu.Lock()
		delete(c.srv.conns, c)
		c.srv.gone.Broadcast()
		c.srv.mu.Unlock()
	}
	return err
}

// refuse writes one MySQL error packet (sequence 0, no SQL state, as a
// server does before the handshake) and closes c.
func refuse(c net.Conn, code uint16, msg string) {
	payload := append([]byte{0xff, byte(code), byte(code >> 8)}, msg...)
	pkt := append([]byte{byte(len(payload)), byte(len(payload) >> 8), byte(len(payload) >> 16), 0}, payload...)
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write(pkt)
	_ = c.Close()
}

func (s *Server) String() string { return fmt.Sprintf("twiliosql server on %s", s.Addr()) }

// libraryLog receives the protocol library's own log lines (connection
// errors, failed handshakes) at DEBUG: they go to the most recent server's
// logger instead of the standard logger. They never hold a password.
var libraryLog atomic.Pointer[slog.Logger]

var routeOnce sync.Once

func routeLibraryLog(l *slog.Logger) {
	libraryLog.Store(l)
	// The library's log functions are package variables its goroutines
	// read: set them once, before any server runs, and switch loggers
	// through libraryLog.
	routeOnce.Do(func() {
		printf := func(format string, args ...any) {
			if lg := libraryLog.Load(); lg != nil {
				lg.Debug("mysql protocol: " + strings.TrimSpace(fmt.Sprintf(format, args...)))
			}
		}
		print := func(args ...any) { printf("%s", fmt.Sprint(args...)) }
		vtlog.Info, vtlog.Warning, vtlog.Error = print, print, print
		vtlog.Infof, vtlog.Warningf, vtlog.Errorf = printf, printf, printf
	})
}
