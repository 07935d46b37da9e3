package driver_test

import (
	"context"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// FuzzSQLPath sends arbitrary statements the whole way: text, planner,
// requests, the emulator's answers, rows. Whatever the input, the driver
// answers rows or an error; it never panics or hangs.
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
	} {
		f.Add(seed)
	}
	srv := twiliotest.NewTestServer(f, twiliotest.WithSize(twiliotest.Size{Calls: 60, Messages: 60, Recordings: 20}))
	cfg, err := driver.ParseDSN(srv.DSN())
	if err != nil {
		f.Fatal(err)
	}
	cfg.Nodes, cfg.PageSize, cfg.MaxWriteRows = 50, 25, 5
	db, err := driver.OpenDB(cfg)
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	f.Fuzz(func(t *testing.T, q string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		dest := make([]any, len(cols))
		for i := range dest {
			dest[i] = new(any)
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				t.Fatalf("%q: Scan: %v", q, err)
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("%q did not finish within 5 s", q)
		}
	})
}
