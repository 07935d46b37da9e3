package driver_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// FuzzSQLPath sends arbitrary statements the whole way: text, planner,
// requests, the emulator's answers, rows. Whatever the input, the driver
// answers rows or an error; it never panics or hangs (a deadline reached
// fails the target).
func FuzzSQLPath(f *testing.F) {
	for _, seed := range []string{
		"SELECT * FROM Calls LIMIT 3",
		"SELECT Sid, `To`, Status FROM Calls WHERE StartTime >= '2026-06-01' AND Status = 'completed' LIMIT 5",
		"SELECT Sid FROM Messages WHERE Sender LIKE 'whatsapp:%' ORDER BY DateSent DESC LIMIT 2 OFFSET 1",
		"SELECT DISTINCT Status FROM Calls WHERE Duration BETWEEN 1 AND 100 OR Price IS NULL",
		"SELECT * FROM Recordings WHERE Sid = '" + twiliotest.RecordingSid + "'",
		"SELECT * FROM Feedback WHERE Sid = '" + twiliotest.FeedbackCallSid + "'",
		"INSERT INTO Messages (`From`, `To`, Body) VALUES ('" + twiliotest.WhatsAppSender + "', 'whatsapp:+15005550006', 'x')",
		"UPDATE OutgoingCallerIds SET Name = 'x' WHERE Sid = '" + twiliotest.OutgoingCallerIdSid + "'",
		"DELETE FROM Messages WHERE Status = 'delivered' LIMIT 1",
		"INSERT INTO FeedbackSummary (StartDate, EndDate) VALUES ('2014-06-01', '2014-06-04')",
		"SELECT COUNT(*) FROM (SELECT * FROM Calls WHERE Status = 'busy') s WHERE Duration > 1 LIMIT 2",
		"SELECT Status FROM Calls UNION SELECT Status FROM Messages ORDER BY 1 LIMIT 2",
		"SELECT c.Sid, (SELECT COUNT(*) FROM Recordings r WHERE r.CallSid = c.Sid) FROM Recordings x RIGHT JOIN Calls c ON x.CallSid = c.Sid LIMIT 4",
		"WITH b AS (SELECT Sid FROM Calls WHERE Status = 'busy') SELECT * FROM b WHERE Sid IN (SELECT Sid FROM b) LIMIT 2",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		// A fresh emulator for each input: a statement that writes cannot
		// change what the next one sees, so a failure reproduces alone.
		// Arbitrary statements may send what Twilio refuses: the driver
		// must answer them, and the spec check must not fail the input.
		h := testdb.New(t, testdb.AllowSpecViolations(),
			testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 60, Messages: 60, Recordings: 20})),
			testdb.Configure(func(c *driver.Config) { c.Nodes, c.PageSize, c.MaxWriteRows = 50, 25, 5 }))
		defer h.Close()
		db := h.DB
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// A hang is a failure, not an error like any other.
		hung := func(stage string, err error) {
			t.Helper()
			if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
				t.Fatalf("%q did not finish within 5 s (%s: %v)", q, stage, err)
			}
		}
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			hung("query", err)
			return
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("%q: Columns: %v", q, err)
		}
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(any)
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("%q: Scan: %v", q, err)
			}
		}
		hung("rows", rows.Err())
		hung("close", rows.Close())
	})
}
