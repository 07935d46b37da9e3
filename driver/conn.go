package driver

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner"
)

// conn is one database/sql connection. Twilio's API is stateless: a
// connection is a handle on the connector's client, and closing it closes
// nothing remote.
type conn struct {
	connector *Connector
	closed    bool
}

func (c *conn) env() *planner.Env { return c.connector.env }

// Prepare parses query; see PrepareContext.
func (c *conn) Prepare(query string) (sqldriver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext parses query once. Arguments ("?" or ":name") are bound
// into the parsed statement at each execution, never spliced into SQL text.
func (c *conn) PrepareContext(_ context.Context, query string) (sqldriver.Stmt, error) {
	if c.closed {
		return nil, sqldriver.ErrBadConn
	}
	st, err := planner.Prepare(query)
	if err != nil {
		return nil, err
	}
	return &stmt{conn: c, st: st}, nil
}

// Close marks the connection closed.
func (c *conn) Close() error {
	c.closed = true
	return nil
}

// Begin refuses: Twilio has no transactions.
func (c *conn) Begin() (sqldriver.Tx, error) { return nil, ErrNoTransactions }

// BeginTx refuses: Twilio has no transactions.
func (c *conn) BeginTx(context.Context, sqldriver.TxOptions) (sqldriver.Tx, error) {
	return nil, ErrNoTransactions
}

// QueryContext runs a statement and returns its rows. The first page is
// fetched before it returns, so request and authentication errors surface
// here rather than at the first Next.
func (c *conn) QueryContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	if c.closed {
		return nil, sqldriver.ErrBadConn
	}
	st, err := planner.Prepare(query)
	if err != nil {
		return nil, err
	}
	return c.query(ctx, st, args)
}

func (c *conn) query(ctx context.Context, st *planner.Statement, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	start := time.Now()
	r, err := st.Query(ctx, c.env(), args)
	c.logStatement(ctx, "query", start, err)
	if err != nil {
		return nil, c.connector.client.ScrubError(err)
	}
	return &rows{r: r, client: c.connector.client}, nil
}

// ExecContext runs a statement and reports how many resources it changed.
func (c *conn) ExecContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	if c.closed {
		return nil, sqldriver.ErrBadConn
	}
	st, err := planner.Prepare(query)
	if err != nil {
		return nil, err
	}
	return c.exec(ctx, st, args)
}

func (c *conn) exec(ctx context.Context, st *planner.Statement, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	start := time.Now()
	res, err := st.Exec(ctx, c.env(), args)
	c.logStatement(ctx, "exec", start, err)
	if err != nil {
		// A server's answer quoted in an error (a value that would not
		// decode) may echo the credentials sent.
		return nil, c.connector.client.ScrubError(err)
	}
	return res, nil
}

// logStatement records each statement at DEBUG, failed or not: a failure is
// returned to the caller, whose call it is to log it. Arguments are never
// logged (they may be personal data).
func (c *conn) logStatement(ctx context.Context, kind string, start time.Time, err error) {
	log := c.connector.logger
	if err != nil {
		log.LogAttrs(ctx, slog.LevelDebug, "twilio statement failed", append([]slog.Attr{slog.String("kind", kind)}, errorAttrs(err)...)...)
		return
	}
	log.LogAttrs(ctx, slog.LevelDebug, "twilio statement", slog.String("kind", kind), slog.Duration("took", time.Since(start)))
}

// errorAttrs describe a failed statement for the log without its text:
// an error's message may quote the statement's arguments (a phone number
// Twilio refused, a value that is not a Sid), which are never logged. The
// caller has the whole error.
func errorAttrs(err error) []slog.Attr {
	attrs := []slog.Attr{slog.String("error_type", fmt.Sprintf("%T", err))}
	var te *Error
	if errors.As(err, &te) {
		attrs = append(attrs, slog.Int("status", te.Status), slog.Int("code", te.Code), slog.String("path", te.Path))
	}
	attrs = append(attrs, slog.Bool("outcome_unknown", OutcomeUnknown(err)))
	return attrs
}

// Ping fetches the account: wrong credentials fail with Twilio's 20003.
func (c *conn) Ping(ctx context.Context) error {
	if c.closed {
		return sqldriver.ErrBadConn
	}
	_, err := c.connector.client.Get(ctx, c.connector.client.AccountPath(), nil)
	return c.connector.client.ScrubError(err)
}

// ResetSession keeps a pooled connection usable: there is no session state.
func (c *conn) ResetSession(context.Context) error {
	if c.closed {
		return sqldriver.ErrBadConn
	}
	return nil
}

// IsValid reports whether the pool may reuse the connection.
func (c *conn) IsValid() bool { return !c.closed }

// CheckNamedValue accepts what the planner binds: the standard driver
// values, and []string for list parameters (MediaUrl, Issue) and IN (::list).
func (c *conn) CheckNamedValue(nv *sqldriver.NamedValue) error {
	switch v := nv.Value.(type) {
	case []string:
		nv.Value = append([]string(nil), v...)
		return nil
	case time.Time:
		nv.Value = v.UTC()
		return nil
	}
	v, err := sqldriver.DefaultParameterConverter.ConvertValue(nv.Value)
	if err != nil {
		return fmt.Errorf("twilio: argument %s: %w", argLabel(nv), err)
	}
	switch x := v.(type) {
	case []byte:
		v = string(x)
	case time.Time:
		v = x.UTC()
	}
	nv.Value = v
	return nil
}

func argLabel(nv *sqldriver.NamedValue) string {
	if nv.Name != "" {
		return ":" + nv.Name
	}
	return fmt.Sprintf("%d", nv.Ordinal)
}

var (
	_ sqldriver.Conn               = (*conn)(nil)
	_ sqldriver.ConnPrepareContext = (*conn)(nil)
	_ sqldriver.ConnBeginTx        = (*conn)(nil)
	_ sqldriver.QueryerContext     = (*conn)(nil)
	_ sqldriver.ExecerContext      = (*conn)(nil)
	_ sqldriver.Pinger             = (*conn)(nil)
	_ sqldriver.SessionResetter    = (*conn)(nil)
	_ sqldriver.Validator          = (*conn)(nil)
	_ sqldriver.NamedValueChecker  = (*conn)(nil)
)
