package app_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/examples/sqlmock/app"
)

func newMock(t *testing.T) (sqlmock.Sqlmock, func() ([]string, error)) {
	t.Helper()
	db, mock, err := sqlmock.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		if err := mock.ExpectationsWereMet(); err != nil {
			t.Error(err)
		}
	})
	return mock, func() ([]string, error) { return app.RecentFailedCalls(context.Background(), db) }
}

var query = regexp.QuoteMeta(app.RecentFailedCallsQuery)

// The tests below give the application rows and check what it makes of
// them: the query and its arguments, the order kept, the errors wrapped and
// never a partial list. RetryNumbers has logic of its own (dedupe, a
// threshold, NULLs), which is what a unit test on a mock is for; that its
// SQL means what it should on Twilio is the emulator's part (main_test.go).

func TestRecentFailedCalls(t *testing.T) {
	mock, call := newMock(t)
	mock.ExpectQuery(query).
		WithArgs("failed", app.MaxFailedCalls).
		WillReturnRows(sqlmock.NewRows([]string{"Sid"}).
			AddRow("CA00000000000000000000000000000002").
			AddRow("CA00000000000000000000000000000001"))
	got, err := call()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CA00000000000000000000000000000002", "CA00000000000000000000000000000001"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRecentFailedCallsNone(t *testing.T) {
	mock, call := newMock(t)
	mock.ExpectQuery(query).WithArgs("failed", app.MaxFailedCalls).WillReturnRows(sqlmock.NewRows([]string{"Sid"}))
	got, err := call()
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want no Sids and no error", got, err)
	}
}

// A Twilio error answer reaches the caller intact: errors.As finds the
// *driver.Error with Twilio's status and code.
func TestRecentFailedCallsTwilioError(t *testing.T) {
	mock, call := newMock(t)
	mock.ExpectQuery(query).WithArgs("failed", app.MaxFailedCalls).
		WillReturnError(&driver.Error{Status: 401, Code: 20003, Message: "Authenticate", Method: "GET", Path: "/2010-04-01/Accounts/AC…/Calls.json"})
	got, err := call()
	var te *driver.Error
	if !errors.As(err, &te) || te.Code != 20003 || got != nil {
		t.Fatalf("got %v, %v; want no Sids and a *driver.Error with code 20003", got, err)
	}
	if !strings.HasPrefix(err.Error(), "recent failed calls: ") {
		t.Errorf("error %q does not say what failed", err)
	}
}

// A row that does not scan (a NULL Sid) is an error, not a skipped row or
// a partial list.
func TestRecentFailedCallsScanError(t *testing.T) {
	mock, call := newMock(t)
	mock.ExpectQuery(query).WithArgs("failed", app.MaxFailedCalls).
		WillReturnRows(sqlmock.NewRows([]string{"Sid"}).
			AddRow("CA00000000000000000000000000000002").
			AddRow(nil)).
		RowsWillBeClosed()
	got, err := call()
	if err == nil || got != nil || !strings.HasPrefix(err.Error(), "recent failed calls: ") {
		t.Errorf("got %v, %v; want no Sids and a scan error", got, err)
	}
}

func retryNumbers(t *testing.T, rows *sqlmock.Rows) ([]string, error) {
	t.Helper()
	db, mock, err := sqlmock.New()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mock.ExpectQuery(regexp.QuoteMeta(app.RetryWindowQuery)).
		WithArgs("failed", app.RetryWindow).
		WillReturnRows(rows).
		RowsWillBeClosed()
	got, err := app.RetryNumbers(context.Background(), db)
	if merr := mock.ExpectationsWereMet(); merr != nil {
		t.Error(merr)
	}
	return got, err
}

func TestRetryNumbers(t *testing.T) {
	tests := []struct {
		name string
		to   []any // the To of each failed call, newest first
		want []string
	}{
		{"none", nil, nil},
		{"each once, newest failure first", []any{"+1555", "+1444", "+1555", "+1333"}, []string{"+1555", "+1444", "+1333"}},
		{"three failures drop a number", []any{"+1555", "+1444", "+1555", "+1555", "+1333"}, []string{"+1444", "+1333"}},
		{"two failures keep it", []any{"+1444", "+1555", "+1444"}, []string{"+1444", "+1555"}},
		{"no number is skipped", []any{nil, "+1444", "", nil}, []string{"+1444"}},
		{"every number dropped", []any{"+1555", "+1555", "+1555"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := sqlmock.NewRows([]string{"To"})
			for _, to := range tt.to {
				rows.AddRow(to)
			}
			got, err := retryNumbers(t, rows)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("RetryNumbers = %q, want %q", got, tt.want)
			}
		})
	}
}

// An error after some rows (a later page that failed) is returned without
// the numbers read so far.
func TestRetryNumbersPagingError(t *testing.T) {
	pageErr := &driver.Error{Status: 429, Code: 20429, Message: "Too Many Requests"}
	got, err := retryNumbers(t, sqlmock.NewRows([]string{"To"}).AddRow("+1555").AddRow("+1444").RowError(1, pageErr))
	if !errors.Is(err, pageErr) || got != nil || !strings.HasPrefix(err.Error(), "retry numbers: ") {
		t.Errorf("got %q, %v; want no numbers and the page error", got, err)
	}
}

// An error on a later page (here: the second row) is returned, not
// swallowed with a partial list.
func TestRecentFailedCallsPagingError(t *testing.T) {
	mock, call := newMock(t)
	pageErr := &driver.Error{Status: 429, Code: 20429, Message: "Too Many Requests"}
	mock.ExpectQuery(query).WithArgs("failed", app.MaxFailedCalls).
		WillReturnRows(sqlmock.NewRows([]string{"Sid"}).
			AddRow("CA00000000000000000000000000000002").
			AddRow("CA00000000000000000000000000000001").
			RowError(1, pageErr))
	got, err := call()
	if !errors.Is(err, pageErr) || got != nil {
		t.Errorf("got %v, %v; want no Sids and the page error", got, err)
	}
}
