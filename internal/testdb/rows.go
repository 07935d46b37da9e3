package testdb

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/twiliotest"
)

// Querier is what runs a query: *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Query runs query and returns its columns and every row, each value as
// the driver gave it (Scan into any). A failure of the query or of a row
// fails the test, naming the query.
func Query(t testing.TB, db Querier, query string, args ...any) (columns []string, rows [][]any) {
	t.Helper()
	r, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	columns, _ = r.Columns()
	rows, err = ScanAll(r)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return columns, rows
}

// Rows is Query without the columns.
func Rows(t testing.TB, db Querier, query string, args ...any) [][]any {
	t.Helper()
	_, rows := Query(t, db, query, args...)
	return rows
}

// Strings runs query and returns its columns and every row as strings,
// "NULL" for NULL, as a client of the MySQL protocol shows them (each value
// scanned into sql.NullString).
func Strings(t testing.TB, db Querier, query string, args ...any) (columns []string, rows [][]string) {
	t.Helper()
	r, err := db.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return ScanStrings(t, r)
}

// ScanAll reads every row of rows as []any and closes them; it returns the
// first error of a Scan or of the rows.
func ScanAll(rows *sql.Rows) ([][]any, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// ScanStrings reads every row of rows as strings ("NULL" for NULL) and
// closes them; an error fails the test.
func ScanStrings(t testing.TB, rows *sql.Rows) (columns []string, out [][]string) {
	t.Helper()
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]sql.NullString, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := make([]string, len(columns))
		for i, v := range vals {
			r[i] = "NULL"
			if v.Valid {
				r[i] = v.String
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return columns, out
}

// RequestLine renders a request the emulator logged relative to its
// account: "GET Calls.json?PageSize=5".
func RequestLine(srv *twiliotest.Server, r twiliotest.Request) string {
	path := strings.TrimPrefix(r.Path, "/2010-04-01/Accounts/"+srv.AccountSid+"/")
	line := r.Method + " " + path
	if len(r.Query) > 0 {
		line += "?" + r.Query.Encode()
	}
	return line
}

// RequestLines renders every request the emulator logged since its last
// ResetRequests, in order (see RequestLine).
func RequestLines(srv *twiliotest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		out = append(out, RequestLine(srv, r))
	}
	return out
}

// CountRequests resets the emulator's log, runs f and returns the
// requests f made (see RequestLine).
func CountRequests(srv *twiliotest.Server, f func()) []string {
	srv.ResetRequests()
	f()
	return RequestLines(srv)
}
