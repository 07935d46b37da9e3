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
