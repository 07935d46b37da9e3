package server

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/dolthub/vitess/go/sqltypes"
)

// FuzzTokenize: any text tokenizes without panic into tokens that lie in
// order within it.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"SELECT @@session.x, 'a''b' -- c\n", "SHOW `t``x` LIKE \"p\\%\"", "/* x", "'unterminated", "#\n;;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		last := 0
		for _, tk := range tokenize(q) {
			if tk.start < last || tk.end <= tk.start || tk.end > len(q) {
				t.Fatalf("token %+v out of place in %q", tk, q)
			}
			last = tk.end
		}
		first, rest := splitFirst(q)
		if len(first)+len(rest) > len(q) {
			t.Fatalf("splitFirst(%q) = %q, %q", q, first, rest)
		}
	})
}

// FuzzIntercept: any statement the server recognises itself is answered
// or refused with an error, never a panic; rewritten SELECTs stay SELECTs.
func FuzzIntercept(f *testing.F) {
	for _, s := range []string{
		"SHOW VARIABLES WHERE Variable_name IN ('a', 'b') OR NOT (Value LIKE 'x%')",
		"SHOW INDEX FROM twilio.Calls FROM twilio WHERE Key_name = 'PRIMARY'",
		"SELECT @@version_comment LIMIT 1", "SELECT VERSION(), DATABASE() FROM dual",
		"SHOW CREATE TABLE `Calls`", "KILL QUERY 99", "USE twilio", "SHOW FULL PROCESSLIST",
	} {
		f.Add(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	defer ln.Close()
	srv := &Server{cfg: Config{Listener: ln}, sessions: map[uint32]*session{}}
	f.Fuzz(func(t *testing.T, q string) {
		ts := trimSemicolons(tokenize(q))
		if len(ts) == 0 {
			return
		}
		switch ts[0].lower {
		case "kill", "processlist":
			return // they touch live connections
		}
		ss := &session{user: "u", db: DatabaseName}
		res, rewritten, err := srv.interceptForFuzz(ss, q, ts)
		if err == nil && res != nil {
			for _, r := range res.Rows {
				if len(r) != len(res.Fields) {
					t.Fatalf("%q: a row of %d values for %d columns", q, len(r), len(res.Fields))
				}
			}
		}
		if rewritten != "" && !strings.EqualFold(tokenize(rewritten)[0].text, ts[0].text) {
			t.Fatalf("%q rewritten as %q", q, rewritten)
		}
	})
}

// interceptForFuzz runs intercept where no client connection exists: the
// statements that read one (USER(), SHOW PROCESSLIST, KILL) are left out.
func (s *Server) interceptForFuzz(ss *session, q string, ts []token) (*sqltypes.Result, string, error) {
	for _, tk := range ts {
		switch tk.lower {
		case "user", "session_user", "system_user", "processlist":
			return nil, "", nil
		}
	}
	return s.intercept(nil, ss, q, ts, nil)
}

// FuzzAppendTime: the hand-written DATETIME encoding equals time's own.
func FuzzAppendTime(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(1781524800), int64(123456789))
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		tm := time.Unix(sec%(400*365*86400), nsec%1e9).UTC()
		want := tm.Format("2006-01-02 15:04:05")
		if us := tm.Nanosecond() / 1000; us != 0 {
			want += fmt.Sprintf(".%06d", us)
		}
		if got := string(appendTime(nil, tm, false)); got != want {
			t.Fatalf("appendTime(%v) = %q, want %q", tm, got, want)
		}
		if got := string(appendTime(nil, tm, true)); got != tm.Format(time.DateOnly) {
			t.Fatalf("appendTime(%v, date) = %q", tm, got)
		}
	})
}
