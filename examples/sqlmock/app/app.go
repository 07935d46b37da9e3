// Package app is ordinary application code written against database/sql.
// It knows nothing of Twilio's HTTP API: in production it runs on the
// "twilio" driver, in unit tests on go-sqlmock (see app_test.go), and in
// integration tests on the twiliotest emulator.
package app

import (
	"context"
	"database/sql"
	"fmt"
)

// RecentFailedCallsQuery is the SQL RecentFailedCalls runs. Status is a
// filter Twilio serves, so the driver sends Status=failed to the list
// endpoint instead of reading every call.
const RecentFailedCallsQuery = "SELECT Sid FROM Calls WHERE Status = ? ORDER BY DateCreated DESC LIMIT ?"

// MaxFailedCalls is how many calls RecentFailedCalls returns at most.
const MaxFailedCalls = 10

// RecentFailedCalls returns the Sids of the most recent failed calls, newest
// first.
func RecentFailedCalls(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, RecentFailedCallsQuery, "failed", MaxFailedCalls)
	if err != nil {
		return nil, fmt.Errorf("recent failed calls: %w", err)
	}
	defer rows.Close()
	var sids []string
	for rows.Next() {
		var sid string
		if err := rows.Scan(&sid); err != nil {
			return nil, fmt.Errorf("recent failed calls: %w", err)
		}
		sids = append(sids, sid)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent failed calls: %w", err)
	}
	return sids, nil
}

// RetryWindowQuery is the SQL RetryNumbers runs: the numbers of the most
// recent failed calls, newest first.
const RetryWindowQuery = "SELECT `To` FROM Calls WHERE Status = ? ORDER BY DateCreated DESC, Sid LIMIT ?"

// RetryWindow is how many recent failed calls RetryNumbers looks at.
const RetryWindow = 50

// MaxAttempts is how many failures within the window make a number not
// worth calling again (it is probably wrong).
const MaxAttempts = 3

// RetryNumbers returns the numbers worth calling again: the numbers of the
// recent failed calls, each once, in the order of their newest failure,
// without those that failed MaxAttempts times or more and without calls
// that had no number.
func RetryNumbers(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, RetryWindowQuery, "failed", RetryWindow)
	if err != nil {
		return nil, fmt.Errorf("retry numbers: %w", err)
	}
	defer rows.Close()
	var order []string
	failures := map[string]int{}
	for rows.Next() {
		var to sql.NullString
		if err := rows.Scan(&to); err != nil {
			return nil, fmt.Errorf("retry numbers: %w", err)
		}
		if !to.Valid || to.String == "" {
			continue
		}
		if failures[to.String] == 0 {
			order = append(order, to.String)
		}
		failures[to.String]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retry numbers: %w", err)
	}
	var out []string
	for _, n := range order {
		if failures[n] < MaxAttempts {
			out = append(out, n)
		}
	}
	return out, nil
}
