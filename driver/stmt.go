package driver

import (
	"context"
	sqldriver "database/sql/driver"

	"github.com/twiliosql/twiliosql/internal/planner"
)

// stmt is a prepared statement: parsed once, run with new arguments each
// time.
type stmt struct {
	conn *conn
	st   *planner.Statement
}

func (s *stmt) Close() error { return nil }

// NumInput is the count of "?" placeholders, or -1 for named ones.
func (s *stmt) NumInput() int { return s.st.NumInput() }

func (s *stmt) Exec(args []sqldriver.Value) (sqldriver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []sqldriver.Value) (sqldriver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) ExecContext(ctx context.Context, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	if s.conn.closed {
		return nil, sqldriver.ErrBadConn
	}
	return s.conn.exec(ctx, s.st, args)
}

func (s *stmt) QueryContext(ctx context.Context, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	if s.conn.closed {
		return nil, sqldriver.ErrBadConn
	}
	return s.conn.query(ctx, s.st, args)
}

// CheckNamedValue applies the connection's argument rules to statements too.
func (s *stmt) CheckNamedValue(nv *sqldriver.NamedValue) error { return s.conn.CheckNamedValue(nv) }

func named(args []sqldriver.Value) []sqldriver.NamedValue {
	out := make([]sqldriver.NamedValue, len(args))
	for i, v := range args {
		out[i] = sqldriver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

var (
	_ sqldriver.Stmt              = (*stmt)(nil)
	_ sqldriver.StmtExecContext   = (*stmt)(nil)
	_ sqldriver.StmtQueryContext  = (*stmt)(nil)
	_ sqldriver.NamedValueChecker = (*stmt)(nil)
)
