package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/dolthub/vitess/go/vt/sqlparser"
)

// session is one client connection's state.
type session struct {
	conn *mysql.Conn
	id   uint32
	user string
	db   string // the current database: "" (none), "twilio" or "information_schema"

	// cancel is set while a statement runs (guarded by Server.mu).
	cancel context.CancelCauseFunc

	// remote and client are read from other connections' goroutines
	// (SHOW PROCESSLIST, KILL), which must not touch the protocol
	// library's Conn while its own goroutine uses it.
	remote net.Addr
	client *clientConn // nil if not found (a test's own listener)
}

func (ss *session) remoteAddr() string {
	if ss.remote == nil {
		return ""
	}
	return ss.remote.String()
}

// closeSocket ends the connection from another goroutine: its reads and
// writes fail and the protocol library closes it.
func (ss *session) closeSocket() {
	if ss.client != nil {
		ss.client.Conn.Close()
		return
	}
	ss.conn.Close()
}

// handler answers vitess's callbacks for every connection.
type handler struct{ srv *Server }

var _ mysql.Handler = (*handler)(nil)

func (h *handler) NewConnection(c *mysql.Conn) {
	ss := &session{conn: c, id: c.ConnectionID, remote: c.RemoteAddr()}
	h.srv.mu.Lock()
	for cc := range h.srv.conns {
		if cc.RemoteAddr().String() == ss.remoteAddr() {
			ss.client = cc
		}
	}
	h.srv.sessions[c.ConnectionID] = ss
	h.srv.mu.Unlock()
}

func (h *handler) ConnectionClosed(c *mysql.Conn) {
	h.srv.mu.Lock()
	if ss := h.srv.sessions[c.ConnectionID]; ss != nil && ss.cancel != nil {
		ss.cancel(errors.New("the client closed the connection"))
	}
	delete(h.srv.sessions, c.ConnectionID)
	h.srv.mu.Unlock()
}

func (h *handler) ConnectionAborted(c *mysql.Conn, reason string) error {
	h.srv.log.Debug("connection aborted", slog.Uint64("conn", uint64(c.ConnectionID)), slog.String("reason", reason))
	return nil
}

func (h *handler) session(c *mysql.Conn) *session {
	h.srv.mu.Lock()
	defer h.srv.mu.Unlock()
	ss := h.srv.sessions[c.ConnectionID]
	if ss == nil {
		ss = &session{conn: c, id: c.ConnectionID, remote: c.RemoteAddr()}
		h.srv.sessions[c.ConnectionID] = ss
	}
	if ss.user == "" {
		ss.user = c.User
	}
	return ss
}

func (h *handler) ComInitDB(c *mysql.Conn, name string) error {
	ss := h.session(c)
	db, err := knownDatabase(name)
	if err != nil {
		return err
	}
	ss.db = db
	return nil
}

// knownDatabase is name's canonical spelling, or MySQL's error 1049.
func knownDatabase(name string) (string, error) {
	switch {
	case strings.EqualFold(name, DatabaseName):
		return DatabaseName, nil
	case strings.EqualFold(name, "information_schema"):
		return "information_schema", nil
	}
	return "", mysql.NewSQLError(1049, "42000", "Unknown database '%s': the server has the database %s", name, DatabaseName)
}

func (h *handler) ComQuery(ctx context.Context, c *mysql.Conn, query string, callback mysql.ResultSpoolFn) error {
	if table, ok := fieldListTable(query); ok && inFieldList(c) {
		return h.srv.fieldList(h.session(c), table, callback)
	}
	return h.srv.run(ctx, h.session(c), query, nil, func(r *sqltypes.Result) error { return callback(r, false) })
}

func (h *handler) ComMultiQuery(ctx context.Context, c *mysql.Conn, query string, callback mysql.ResultSpoolFn) (string, error) {
	first, rest := splitFirst(query)
	more := rest != ""
	err := h.srv.run(ctx, h.session(c), first, nil, func(r *sqltypes.Result) error { return callback(r, more) })
	if err != nil {
		// As MySQL does, the statements after a failed one do not run.
		return "", err
	}
	return rest, nil
}

// splitFirst splits q after its first statement; rest is "" when nothing
// but blanks, comments and semicolons follow.
func splitFirst(q string) (first, rest string) {
	ts := tokenize(q)
	for i, t := range ts {
		if t.quote == 0 && t.text == ";" {
			for _, u := range ts[i+1:] {
				if u.quote != 0 || u.text != ";" {
					return q[:t.start], q[t.end:]
				}
			}
			return q[:t.start], ""
		}
	}
	return q, ""
}

func (h *handler) ComPrepare(ctx context.Context, c *mysql.Conn, query string, prepare *mysql.PrepareData) ([]*querypb.Field, error) {
	// The result's columns are sent with each execution; clients read them
	// there (COM_STMT_PREPARE may announce none).
	return nil, nil
}

func (h *handler) ComStmtExecute(ctx context.Context, c *mysql.Conn, prepare *mysql.PrepareData, callback func(*sqltypes.Result) error) error {
	args, err := bindArgs(prepare)
	if err != nil {
		return err
	}
	return h.srv.run(ctx, h.session(c), prepare.PrepareStmt, args, callback)
}

// bindArgs turns the bound values v1…vN into driver arguments: integers,
// floats, strings and NULL, as clients send them (mysql2 binds every JS
// number as a DOUBLE).
func bindArgs(p *mysql.PrepareData) ([]any, error) {
	args := make([]any, p.ParamsCount)
	for i := range args {
		bv := p.BindVars["v"+itoa(i+1)]
		if bv == nil {
			return nil, mysql.NewSQLError(1210, "HY000", "Incorrect arguments to EXECUTE: parameter %d was not bound", i+1)
		}
		v, err := sqltypes.BindVariableToValue(bv)
		if err != nil {
			return nil, mysql.NewSQLError(1210, "HY000", "Incorrect arguments to EXECUTE: parameter %d: %v", i+1, err)
		}
		switch {
		case v.IsNull():
			args[i] = nil
		case v.IsSigned():
			n, err := strconv.ParseInt(v.ToString(), 10, 64)
			if err != nil {
				return nil, mysql.NewSQLError(1210, "HY000", "Incorrect arguments to EXECUTE: parameter %d: %v", i+1, err)
			}
			args[i] = n
		case v.IsUnsigned():
			n, err := strconv.ParseUint(v.ToString(), 10, 64)
			if err != nil {
				return nil, mysql.NewSQLError(1210, "HY000", "Incorrect arguments to EXECUTE: parameter %d: %v", i+1, err)
			}
			args[i] = int64(n)
		case v.IsFloat():
			f, err := strconv.ParseFloat(v.ToString(), 64)
			if err != nil {
				return nil, mysql.NewSQLError(1210, "HY000", "Incorrect arguments to EXECUTE: parameter %d: %v", i+1, err)
			}
			if f == float64(int64(f)) && f < 1<<53 && f > -(1<<53) {
				// A whole JS number: the driver compares it as an integer.
				args[i] = int64(f)
			} else {
				args[i] = f
			}
		default:
			args[i] = v.ToString()
		}
	}
	return args, nil
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}

func (h *handler) WarningCount(c *mysql.Conn) uint16 { return 0 }

func (h *handler) ComResetConnection(c *mysql.Conn) error { return nil }

func (h *handler) ParserOptionsForConnection(c *mysql.Conn) (sqlparser.ParserOptions, error) {
	return sqlparser.ParserOptions{}, nil
}

// statementKinds that change data run with ExecContext.
var writeKinds = map[string]bool{"insert": true, "update": true, "delete": true, "replace": true}

// run executes one statement for a session and sends its result.
func (s *Server) run(ctx context.Context, ss *session, query string, args []any, send func(*sqltypes.Result) error) error {
	start := time.Now()
	ts := trimSemicolons(tokenize(query))
	kind := "EMPTY"
	if len(ts) > 0 {
		kind = strings.ToUpper(ts[0].text)
	}
	var requests atomic.Int64
	ctx, cancel := context.WithCancelCause(withRequestCounter(ctx, &requests))
	defer cancel(nil)
	if err := s.begin(ss, cancel); err != nil {
		return err
	}
	var rows int64
	err := func() error {
		if len(ts) == 0 {
			return mysql.NewSQLError(1065, "42000", "Query was empty")
		}
		res, rewritten, err := s.intercept(ctx, ss, query, ts, args)
		if err != nil || res != nil {
			if res != nil {
				rows = int64(len(res.Rows)) + int64(res.RowsAffected)
				err = send(res)
			}
			return err
		}
		if rewritten != "" {
			query = rewritten
		}
		if writeKinds[ts[0].lower] {
			r, err := s.cfg.DB.ExecContext(ctx, query, args...)
			if err != nil {
				return toSQLError(ctx, err)
			}
			n, _ := r.RowsAffected()
			rows = n
			return send(&sqltypes.Result{RowsAffected: uint64(n)})
		}
		rows, err = queryRows(ctx, cancel, s.cfg.DB, query, args, ss.conn, send)
		return err
	}()
	s.end(ss)
	attrs := []slog.Attr{
		slog.String("user", ss.user),
		slog.Uint64("conn", uint64(ss.id)),
		slog.String("kind", kind),
		slog.Int64("rows", rows),
		slog.Int64("twilio_requests", requests.Load()),
		slog.Duration("took", time.Since(start)),
	}
	if err != nil {
		var se *mysql.SQLError
		if errors.As(err, &se) {
			attrs = append(attrs, slog.Int("error", se.Number()))
		} else {
			attrs = append(attrs, slog.String("error", "stream aborted"))
		}
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "statement", attrs...)
	return err
}

// begin registers a running statement; it refuses new ones while the
// server shuts down.
func (s *Server) begin(ss *session, cancel context.CancelCauseFunc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return mysql.NewSQLError(1053, "08S01", "Server shutdown in progress")
	}
	ss.cancel = cancel
	return nil
}

func (s *Server) end(ss *session) {
	s.mu.Lock()
	ss.cancel = nil
	s.mu.Unlock()
}

// toSQLError maps a driver error to a MySQL error; see errors.go.
func toSQLError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
		if errors.Is(cause, errShutdown) {
			return mysql.NewSQLError(1053, "08S01", "Server shutdown in progress")
		}
		return mysql.NewSQLError(1317, "70100", "Query execution was interrupted: %v", cause)
	}
	return mapError(err)
}
