package server

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// TestPipelinedQueries sends two queries before reading either answer, as
// JDBC drivers do on connect, through vitess's own MySQL client.
func TestPipelinedQueries(t *testing.T) {
	ts := startServer(t, serverOptions{})
	host, port := "127.0.0.1", ts.port()
	p, _ := strconv.Atoi(port)
	ctx := context.Background()
	c, err := mysql.Connect(ctx, &mysql.ConnParams{Host: host, Port: p, Uname: "twilio", DbName: "twilio"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The first query through the client library, the second as raw bytes
	// on the socket right behind it, before any answer is read. (The
	// library's own bookkeeping cannot pipeline: its third query only
	// resets the packet sequence for reading the second answer.)
	if err := c.WriteComQuery("set autocommit=1, sql_mode = concat(@@sql_mode,',STRICT_TRANS_TABLES')"); err != nil {
		t.Fatal(err)
	}
	q := "SELECT @@max_allowed_packet,@@system_time_zone,@@time_zone,@@auto_increment_increment"
	pkt := append([]byte{byte(len(q) + 1), 0, 0, 0, mysql.ComQuery}, q...)
	if _, err := c.Conn.Write(pkt); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := c.ReadQueryResult(ctx, 10, true); err != nil {
		t.Fatalf("the SET: %v", err)
	}
	if err := c.WriteComQuery("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	res, _, _, err := c.ReadQueryResult(ctx, 10, true)
	if err != nil {
		t.Fatalf("the SELECT: %v", err)
	}
	if len(res.Rows) != 1 || res.Rows[0][0].ToString() != "67108864" || res.Rows[0][2].ToString() != "SYSTEM" {
		t.Errorf("rows %v", res.Rows)
	}
}

// TestClientGoneStopsTheScan: a client that drops its connection mid-scan
// stops the driver: Twilio gets no further requests.
func TestClientGoneStopsTheScan(t *testing.T) {
	ts := startServer(t, serverOptions{
		emu:      []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Messages: 4000}), twiliotest.WithLatency(50*time.Millisecond, 0)},
		dsnExtra: "&page_size=50",
	})
	client := ts.client(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	rows, err := client.QueryContext(ctx, "SELECT * FROM Messages")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60 && rows.Next(); i++ {
	}
	cancel() // go-sql-driver closes the connection on a cancelled context
	rows.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		before := ts.emu.RequestCount()
		time.Sleep(400 * time.Millisecond)
		after := ts.emu.RequestCount()
		if after == before {
			if after >= 80 {
				t.Errorf("the scan read %d of 80 pages although the client left", after)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Twilio still gets requests (%d) 5 s after the client left", after)
		}
	}
}

// TestStatementLog checks the per-statement log line: user, kind, rows,
// Twilio requests, and never the statement's values.
func TestStatementLog(t *testing.T) {
	var buf lockedBuffer
	ts := startServer(t, serverOptions{log: newTestLogger(&buf)})
	client := ts.client(t, "")
	var sid string
	if err := client.QueryRow("SELECT Sid FROM Calls WHERE Status = 'completed' LIMIT 1").Scan(&sid); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Exec("SELECT * FROM Nope"); err == nil {
		t.Fatal("no error for an unknown table")
	}
	log := buf.String()
	for _, want := range []string{"msg=statement user=twilio", "kind=SELECT rows=1 twilio_requests=1", "error=1146"} {
		if !contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if contains(log, "completed") || contains(log, "Nope") {
		t.Errorf("the log shows a statement's text:\n%s", log)
	}
}

// TestBindValues checks the bind types prepared statements arrive with:
// INT64, DOUBLE (mysql2 binds every JS number so) and strings.
func TestBindValues(t *testing.T) {
	ts := startServer(t, serverOptions{})
	client := ts.client(t, "")
	var want int
	if err := ts.direct.QueryRow("SELECT COUNT(*) FROM Calls WHERE Duration > 30").Scan(&want); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []any{int64(30), float64(30), "30", uint64(30)} {
		var got int
		if err := client.QueryRow("SELECT COUNT(*) FROM Calls WHERE Duration > ?", arg).Scan(&got); err != nil {
			t.Fatalf("%T: %v", arg, err)
		}
		if got != want {
			t.Errorf("%T bind: %d rows, want %d", arg, got, want)
		}
	}
	var n sql.NullInt64
	if err := client.QueryRow("SELECT COUNT(*) FROM Calls WHERE Duration > ?", nil).Scan(&n); err != nil || n.Int64 != 0 {
		t.Errorf("NULL bind: %v %v", n, err)
	}
}
