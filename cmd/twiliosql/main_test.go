package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// cli runs the program in-process and returns its exit status and output.
func cli(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// noEnv makes sure the tests reach the emulator, not a real account.
func noEnv(t *testing.T) {
	for _, k := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"} {
		t.Setenv(k, "")
	}
}

func TestCSVDemo(t *testing.T) {
	noEnv(t)
	code, out, errOut := cli(t, "", "-e", "SELECT Sid, Status FROM Calls LIMIT 5", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	if !strings.Contains(errOut, "embedded Twilio emulator") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("stderr should be one line about the emulator, got %q", errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	if len(recs) != 6 {
		t.Fatalf("want a header and 5 rows, got %d records:\n%s", len(recs), out)
	}
	if recs[0][0] != "Sid" || recs[0][1] != "Status" {
		t.Errorf("header = %v", recs[0])
	}
	for _, r := range recs[1:] {
		if !regexp.MustCompile(`^CA[0-9a-f]{32}$`).MatchString(r[0]) || r[1] == "" {
			t.Errorf("bad row %v", r)
		}
	}
}

func TestJSON(t *testing.T) {
	noEnv(t)
	code, out, errOut := cli(t, "", "-e", "SELECT Sid, DateCreated, Price, SubresourceUris, ParentCallSid FROM Calls ORDER BY DateCreated DESC LIMIT 3", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(got) != 3 {
		t.Fatalf("want 3 objects, got %d", len(got))
	}
	for _, o := range got {
		if _, ok := o["Sid"].(string); !ok {
			t.Errorf("Sid = %#v", o["Sid"])
		}
		if s, ok := o["DateCreated"].(string); !ok || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`).MatchString(s) {
			t.Errorf("DateCreated = %#v, want RFC 3339", o["DateCreated"])
		}
		if v, ok := o["SubresourceUris"]; ok && v != nil {
			if _, isObj := v.(map[string]any); !isObj {
				t.Errorf("SubresourceUris = %#v, want an embedded object", v)
			}
		}
		if _, ok := o["ParentCallSid"]; !ok {
			t.Errorf("ParentCallSid missing from %v", o)
		}
	}
	// NULL is null: some calls have no parent.
	code, out, _ = cli(t, "", "-e", "SELECT Sid, ParentCallSid FROM Calls WHERE ParentCallSid IS NULL LIMIT 1", "--format", "json")
	if code != 0 || !strings.Contains(out, `"ParentCallSid": null`) {
		t.Errorf("exit %d, want a null ParentCallSid in %s", code, out)
	}
	// An empty result is an empty array.
	code, out, _ = cli(t, "", "-e", "SELECT Sid FROM Calls WHERE 1 = 0", "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("exit %d, empty result printed %q", code, out)
	}
}

func TestTable(t *testing.T) {
	noEnv(t)
	code, out, errOut := cli(t, "", "-e", "SELECT Sid, Status, Duration FROM Calls LIMIT 3")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("want header, rule, 3 rows and a count, got:\n%s", out)
	}
	if !regexp.MustCompile(`^Sid +\| Status +\| Duration$`).MatchString(lines[0]) {
		t.Errorf("header = %q", lines[0])
	}
	if !regexp.MustCompile(`^-+-\+-+-\+-+$`).MatchString(lines[1]) {
		t.Errorf("rule = %q", lines[1])
	}
	bar := strings.Index(lines[0], "|")
	for _, l := range lines[2:5] {
		if strings.Index(l, "|") != bar {
			t.Errorf("row not aligned with header:\n%s\n%s", lines[0], l)
		}
	}
	if lines[5] != "(3 rows)" {
		t.Errorf("footer = %q", lines[5])
	}
}

func TestInsertPrintsNewSid(t *testing.T) {
	noEnv(t)
	srv := testdb.Server(t)
	before := srv.Count("Messages")
	code, out, errOut := cli(t, "", "--dsn", srv.DSN(), "--format", "csv", "-e",
		"INSERT INTO Messages (`From`, `To`, Body) VALUES ('"+twiliotest.WhatsAppSender+"', 'whatsapp:+15005550006', 'hello from the CLI')")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("stderr with --dsn should be empty, got %q", errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("want a header and one row, got %v:\n%s", err, out)
	}
	sid := ""
	for i, name := range recs[0] {
		if name == "Sid" {
			sid = recs[1][i]
		}
	}
	if !regexp.MustCompile(`^(SM|MM)[0-9a-f]{32}$`).MatchString(sid) {
		t.Fatalf("new Sid = %q in\n%s", sid, out)
	}
	if !srv.Exists(sid) || srv.Count("Messages") != before+1 {
		t.Errorf("the emulator does not hold the new message %s", sid)
	}
}

func TestUpdatePrintsRow(t *testing.T) {
	noEnv(t)
	code, out, errOut := cli(t, "", "--format", "json", "-e",
		"UPDATE InboundPhoneNumbers SET Name = 'CLI line' WHERE Sid = '"+twiliotest.WhatsAppNumberSid+"'")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 {
		t.Fatalf("want one object, got %v:\n%s", err, out)
	}
	if got[0]["Sid"] != twiliotest.WhatsAppNumberSid || got[0]["FriendlyName"] != "CLI line" {
		t.Errorf("updated row = %v", got[0])
	}
}

func TestDeletePrintsCount(t *testing.T) {
	noEnv(t)
	srv := testdb.Server(t)
	code, out, errOut := cli(t, "", "--dsn", srv.DSN(), "-e", "DELETE FROM Calls WHERE Sid = '"+twiliotest.DeletableCallSid+"'")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	if out != "1 row deleted\n" {
		t.Errorf("stdout = %q, want %q", out, "1 row deleted\n")
	}
	if srv.Exists(twiliotest.DeletableCallSid) {
		t.Errorf("call %s still exists", twiliotest.DeletableCallSid)
	}
}

func TestSyntaxError(t *testing.T) {
	noEnv(t)
	srv := testdb.Server(t)
	code, out, errOut := cli(t, "", "--dsn", srv.DSN(), "-e", "SELEC Sid FROM Calls")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	if !strings.Contains(errOut, "syntax error") {
		t.Errorf("stderr = %q, want a syntax error", errOut)
	}
	if strings.Contains(errOut, srv.AuthToken) || strings.Contains(errOut, srv.DSN()) {
		t.Errorf("stderr leaks the DSN: %q", errOut)
	}
}

func TestErrorsNeverPrintTheDSN(t *testing.T) {
	noEnv(t)
	srv := testdb.Server(t)
	const token = "0123456789abcdef0123456789abcdef" // not the emulator's
	dsn := strings.Replace(srv.DSN(), srv.AuthToken, token, 1)
	code, _, errOut := cli(t, "", "--dsn", dsn, "-e", "SELECT Sid FROM Calls LIMIT 1")
	if code != 1 || !strings.Contains(errOut, "20003") {
		t.Fatalf("exit %d, stderr %q: want Twilio's authentication error", code, errOut)
	}
	if strings.Contains(errOut, token) {
		t.Errorf("stderr leaks the token: %q", errOut)
	}
	code, _, errOut = cli(t, "", "--dsn", "twilio://"+twiliotest.DefaultAccountSid+":"+token+"@/?nodes=x")
	if code != 1 || !strings.Contains(errOut, "nodes") || strings.Contains(errOut, token) {
		t.Errorf("exit %d, stderr %q: want a DSN error without the token", code, errOut)
	}
}

func TestStatementsFromStdin(t *testing.T) {
	noEnv(t)
	srv := testdb.Server(t)
	script := `-- a comment; with a semicolon
SELECT Sid FROM Recordings WHERE Sid = '` + twiliotest.RecordingSid + `';
SELECT Sid, Status
  FROM Calls
  WHERE Status = 'completed' LIMIT 2;;
DELETE FROM Recordings WHERE Sid = '` + twiliotest.RecordingSid + `';
SELECT 'a;b' AS s, Sid FROM Calls LIMIT 1`
	code, out, errOut := cli(t, script, "--dsn", srv.DSN(), "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s\nstdout: %s", code, errOut, out)
	}
	want := regexp.MustCompile(`^Sid\n` + twiliotest.RecordingSid + `\n` +
		`Sid,Status\n(CA[0-9a-f]{32},completed\n){2}` +
		`1 row deleted\n` +
		`s,Sid\na;b,CA[0-9a-f]{32}\n$`)
	if !want.MatchString(out) {
		t.Errorf("stdout:\n%s", out)
	}
	if srv.Exists(twiliotest.RecordingSid) {
		t.Errorf("recording not deleted")
	}
}

func TestStdinStopsAtFirstError(t *testing.T) {
	noEnv(t)
	code, out, errOut := cli(t, "SELECT Sid FROM Calls LIMIT 1;\nSELECT Nope FROM Calls;\nSELECT Sid FROM Calls LIMIT 1;\n", "--format", "csv")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if strings.Count(out, "Sid\n") != 1 {
		t.Errorf("want only the first statement's output, got:\n%s", out)
	}
	if !strings.Contains(errOut, "Nope") {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestBadFlags(t *testing.T) {
	noEnv(t)
	if code, _, errOut := cli(t, "", "--format", "xml", "-e", "SELECT 1"); code != 2 || !strings.Contains(errOut, "table, csv or json") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := cli(t, "", "SELECT 1"); code != 2 {
		t.Errorf("a positional argument: exit %d, want 2", code)
	}
}

func TestSplitter(t *testing.T) {
	var sp splitter
	in := "SELECT 'x;y' FROM Calls; UPDATE Messages SET Body = 'it\\'s; ok' WHERE Sid = ?;\n" +
		"SELECT `a;b` FROM t /* ; */ WHERE x = \"q;\"; # tail;\n" +
		"SELECT 1 -- c;\n; SELECT 2"
	var got []string
	for _, line := range strings.SplitAfter(in, "\n") {
		got = append(got, sp.feed(line)...)
	}
	got = append(got, sp.flush()...)
	want := []string{
		"SELECT 'x;y' FROM Calls",
		"UPDATE Messages SET Body = 'it\\'s; ok' WHERE Sid = ?",
		"SELECT `a;b` FROM t   WHERE x = \"q;\"",
		"SELECT 1",
		"SELECT 2",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statements %q, want %q", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("statement %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestKind(t *testing.T) {
	for q, want := range map[string]string{
		"select 1":                   "SELECT",
		"  Delete from Calls":        "DELETE",
		"(SELECT 1)":                 "SELECT",
		"INSERT INTO Feedback(Sid)":  "INSERT",
		"update`Messages` SET x = 1": "UPDATE",
	} {
		if got := kind(q); got != want {
			t.Errorf("kind(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestCanceled(t *testing.T) {
	noEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"-e", "SELECT Sid FROM Calls"}, strings.NewReader(""), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "canceled") {
		t.Errorf("exit %d, stderr %q: want 1 and a cancellation message", code, errOut.String())
	}
}

func TestInteractive(t *testing.T) {
	srv := testdb.Server(t)
	t.Setenv("TWILIO_ACCOUNT_SID", "")
	db, closeDB, err := openDB(srv.DSN(), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	defer closeDB()
	var out, errOut bytes.Buffer
	s := &session{db: db, stdout: &out, stderr: &errOut, newOut: formats["csv"]}
	in := "SELECT Sid FROM Recordings\n  WHERE Sid = '" + twiliotest.RecordingSid + "';\nSELECT nope FROM Calls;\nexit\nSELECT 1;\n"
	s.interactive(context.Background(), strings.NewReader(in))
	want := "twilio>      -> Sid\n" + twiliotest.RecordingSid + "\ntwilio> twilio> "
	if got := out.String(); !strings.HasSuffix(got, want) {
		t.Errorf("stdout %q, want it to end with %q", got, want)
	}
	if !strings.Contains(errOut.String(), "nope") {
		t.Errorf("the error was not reported: %q", errOut.String())
	}
}
