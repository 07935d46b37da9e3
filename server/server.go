package server

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
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
	closing  bool
	idle     *sync.Cond // signalled when a statement ends
}

// New returns a Server for cfg; call Serve to accept clients.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("server: Config.DB is nil: open the twilio database first (driver.OpenDB)")
	}
	if cfg.Listener == nil {
		return nil, errors.New("server: Config.Listener is nil: pass net.Listen(\"tcp\", \"127.0.0.1:3306\")")
	}
	s := &Server{cfg: cfg, sessions: map[uint32]*session{}, log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.idle = sync.NewCond(&s.mu)
	routeLibraryLog(s.log)
	s.handler = &handler{srv: s}
	ln := cfg.Listener
	if cfg.MaxConnections > 0 {
		ln = &cappedListener{Listener: ln, max: int64(cfg.MaxConnections)}
	}
	l, err := mysql.NewListenerWithConfig(mysql.ListenerConfig{
		Listener:           ln,
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

// Shutdown stops accepting clients, closes idle connections, lets running
// statements finish until ctx is done, then cancels them and closes every
// connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.listener.Close()
	s.mu.Lock()
	s.closing = true
	for _, ss := range s.sessions {
		if ss.cancel == nil {
			ss.conn.Close()
		}
	}
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.idle.Broadcast()
		s.mu.Unlock()
	})
	defer stop()
	waited := false
	for s.running() > 0 && ctx.Err() == nil {
		waited = true
		s.idle.Wait()
	}
	if waited {
		// The protocol library writes a result's last packets and flushes
		// them after the handler returns: give a statement that just ended
		// that moment before its connection is closed under it.
		s.mu.Unlock()
		select {
		case <-time.After(250 * time.Millisecond):
		case <-ctx.Done():
		}
		s.mu.Lock()
	}
	for _, ss := range s.sessions {
		if ss.cancel != nil {
			ss.cancel(errShutdown)
		}
		ss.conn.Close()
	}
	s.mu.Unlock()
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

// running counts statements under way; s.mu is held.
func (s *Server) running() int {
	n := 0
	for _, ss := range s.sessions {
		if ss.cancel != nil {
			n++
		}
	}
	return n
}

var errShutdown = errors.New("the server is shutting down")

// cappedListener refuses connections beyond max with MySQL's error 1040
// before the handshake, as mysqld does.
type cappedListener struct {
	net.Listener
	max int64

	mu   sync.Mutex
	open int64
}

func (l *cappedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.open >= l.max {
			l.mu.Unlock()
			refuse(c, 1040, "Too many connections")
			continue
		}
		l.open++
		l.mu.Unlock()
		return &countedConn{Conn: c, release: l.release}, nil
	}
}

func (l *cappedListener) release() {
	l.mu.Lock()
	l.open--
	l.mu.Unlock()
}

type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
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
