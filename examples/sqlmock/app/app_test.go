package app_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
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
	_, err := call()
	var te *driver.Error
	if !errors.As(err, &te) || te.Code != 20003 {
		t.Fatalf("err = %v, want a *driver.Error with code 20003", err)
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
