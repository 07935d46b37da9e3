package planner

import (
	"database/sql/driver"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

var testNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

func testEnv() *exec.Env {
	return &exec.Env{PageSize: 1000, Now: func() time.Time { return testNow }}
}

// parseSelect parses a SELECT for the tests.
func parseSelect(t *testing.T, q string) *sqlparser.Select {
	t.Helper()
	st, err := Prepare(q)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", q, err)
	}
	sel, ok := st.ast.(*sqlparser.Select)
	if !ok {
		t.Fatalf("%q is not a SELECT", q)
	}
	return sel
}

// callsRow is a Calls row with the given columns set.
func callsRow(t *testing.T, set map[string]driver.Value) []driver.Value {
	t.Helper()
	row := make([]driver.Value, len(schema.Calls.Columns))
	for name, v := range set {
		i, ok := schema.Calls.Column(name)
		if !ok {
			t.Fatalf("Calls has no column %s", name)
		}
		row[i] = v
	}
	return row
}

func TestExpressions(t *testing.T) {
	start := time.Date(2024, 3, 5, 10, 30, 0, 0, time.UTC)
	row := map[string]driver.Value{
		"Sid":       "CA00000000000000000000000000000001",
		"Status":    "completed",
		"To":        "+14155550100",
		"From":      "whatsapp:+14155238886",
		"Duration":  int64(42),
		"Price":     -0.0075,
		"StartTime": start,
		"EndTime":   nil,
	}
	tests := []struct {
		expr string
		want driver.Value
	}{
		{"Status = 'completed'", true},
		{"Status = 'Completed'", false}, // strings compare exactly, as Twilio's filters do
		{"Status <> 'busy'", true},
		{"EndTime = '2024-03-05'", nil},
		{"EndTime IS NULL", true},
		{"EndTime IS NOT NULL", false},
		{"EndTime = 1 OR Status = 'completed'", true},
		{"EndTime = 1 OR Status = 'busy'", nil},
		{"EndTime = 1 AND Status = 'busy'", false},
		{"NOT (EndTime = 1)", nil},
		{"EndTime <=> NULL", true},
		{"Duration > 40", true},
		{"Duration BETWEEN 42 AND 50", true},
		{"Duration NOT BETWEEN 1 AND 41", true},
		{"Duration IN (1, 42)", true},
		{"Duration IN (1, NULL)", nil},
		{"Duration NOT IN (1, 2)", true},
		{"Duration * 2 + 1", int64(85)},
		{"Duration / 4", 10.5}, // DECIMAL 10.5000
		{"Duration DIV 4", int64(10)},
		{"Duration % 5", int64(2)},
		{"Duration / 0", nil},
		{"-Duration", int64(-42)},
		{"Price < 0", true},
		{"`From` LIKE 'WHATSAPP:%'", true},
		{"`From` LIKE 'whatsapp:+1415523888_'", true},
		{"`From` NOT LIKE '%sip%'", true},
		{"'50%' LIKE '50!%' ESCAPE '!'", true},
		{"'50x' LIKE '50!%' ESCAPE '!'", false},
		{"`To` REGEXP '^\\\\+1415'", true},
		{"StartTime >= '2024-03-05'", true},
		{"StartTime < '2024-03-05 10:00:00'", false},
		{"StartTime = '2024-03-05 10:30:00'", true},
		{"DATE(StartTime) = '2024-03-05'", true},
		{"YEAR(StartTime)", int64(2024)},
		{"MONTH(StartTime) = 3 AND DAY(StartTime) = 5", true},
		{"StartTime > DATE_SUB(NOW(), INTERVAL 30 DAY)", false},
		{"DATE_ADD(StartTime, INTERVAL 1 DAY) = '2024-03-06 10:30:00'", true},
		{"LOWER('AbC')", "abc"},
		{"UPPER(Status)", "COMPLETED"},
		{"LENGTH(Status)", int64(9)},
		{"CONCAT(Status, '-', Duration)", "completed-42"},
		{"CONCAT(Status, EndTime)", nil},
		{"SUBSTRING(Status, 1, 4)", "comp"},
		{"SUBSTRING(Status, -3)", "ted"},
		{"TRIM('  x ')", "x"},
		{"COALESCE(EndTime, StartTime) = StartTime", true},
		{"IFNULL(EndTime, 'none')", "none"},
		{"ROUND(Price, 2)", -0.01},
		{"ABS(Price)", 0.0075},
		{"CASE Status WHEN 'busy' THEN 1 WHEN 'completed' THEN 2 ELSE 3 END", int64(2)},
		{"CASE WHEN Duration > 100 THEN 'long' ELSE 'short' END", "short"},
		{"CAST(Duration AS CHAR)", "42"},
		{"CAST('12' AS SIGNED) + 1", int64(13)},
		{"'10' = 10", true},
		{"TRUE AND NULL", nil},
		{"FALSE AND NULL", false},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			sel := parseSelect(t, "SELECT "+tt.expr+" FROM Calls")
			c := &eval.Compiler{Cols: tableScope{table: schema.Calls}, Now: testEnv().NowValue}
			e, err := c.Expr(sel.SelectExprs[0].(*sqlparser.AliasedExpr).Expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(callsRow(t, row))
			if err != nil {
				t.Fatal(err)
			}
			got = eval.Outward(got) // a DECIMAL as database/sql gets it
			if f, ok := got.(float64); ok {
				if w, ok := tt.want.(float64); ok && abs(f-w) < 1e-9 {
					return
				}
			}
			if got != tt.want {
				t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func TestPushdown(t *testing.T) {
	const sid = "CA0123456789abcdef0123456789abcdef"
	tests := []struct {
		sql      string
		query    string // encoded query parameters pushed to the list
		sids     []string
		lists    []string // encoded listings, when several
		none     bool
		exact    bool
		pageSize int
	}{
		{sql: "SELECT * FROM Calls", query: "", exact: true, pageSize: 1000},
		{sql: "SELECT * FROM Calls LIMIT 20", exact: true, pageSize: 20},
		{sql: "SELECT * FROM Calls LIMIT 5 OFFSET 10", exact: true, pageSize: 15},
		{sql: "SELECT * FROM Calls WHERE Status = 'busy' LIMIT 5", query: "Status=busy", exact: true, pageSize: 5},
		{sql: "SELECT * FROM Calls WHERE 'busy' = Status", query: "Status=busy", exact: true, pageSize: 1000},
		{sql: "SELECT * FROM Calls WHERE `To` = '+14155550100' AND `From` = '+14155550101'", query: "From=%2B14155550101&To=%2B14155550100", exact: true, pageSize: 1000},
		{sql: "SELECT * FROM Calls WHERE Duration > 10 LIMIT 5", exact: false, pageSize: 1000},
		{sql: "SELECT * FROM Calls WHERE StartTime >= '2024-03-05 10:00:00' LIMIT 5", query: "StartTime%3E=2024-03-05", exact: false, pageSize: 1000},
		{sql: "SELECT * FROM Calls WHERE StartTime < '2024-03-05'", query: "StartTime%3C=2024-03-04"},
		{sql: "SELECT * FROM Calls WHERE StartTime < '2024-03-05 00:00:01'", query: "StartTime%3C=2024-03-05"},
		{sql: "SELECT * FROM Calls WHERE StartTime BETWEEN '2024-03-01' AND '2024-03-31 23:59:59'", query: "StartTime%3C=2024-03-31&StartTime%3E=2024-03-01"},
		{sql: "SELECT * FROM Calls WHERE StartTime = '2024-03-05 10:30:00'", query: "StartTime=2024-03-05"},
		{sql: "SELECT * FROM Calls WHERE StartTime >= '2024-03-01' AND StartTime > '2024-03-03'", query: "StartTime%3E=2024-03-03"},
		{sql: "SELECT * FROM Calls WHERE Status = 'busy' OR Status = 'failed' LIMIT 5", lists: []string{"Status=busy", "Status=failed"}, exact: true, pageSize: 5},
		{sql: "SELECT * FROM Calls WHERE Status IN ('busy', 'failed', NULL, 'busy') AND Duration > 3", lists: []string{"Status=busy", "Status=failed"}, exact: false, pageSize: 1000},
		{sql: "SELECT * FROM Calls WHERE `To` IN ('+1', '+2') AND StartTime >= '2026-06-01'", query: "StartTime%3E=2026-06-01", lists: []string{"StartTime%3E=2026-06-01&To=%2B1", "StartTime%3E=2026-06-01&To=%2B2"}},
		{sql: "SELECT * FROM Calls WHERE Status IN ('busy', 'failed') AND Status = 'busy'", query: "Status=busy", exact: true},
		{sql: "SELECT * FROM Calls WHERE Status = 'busy' AND Status = 'failed'", none: true, exact: true},
		{sql: "SELECT * FROM Calls WHERE StartTime > '2026-06-10' AND StartTime < '2026-06-01'", none: true, exact: true},
		{sql: "SELECT * FROM Calls WHERE Status = 'busy' OR `To` = '+1'", lists: []string{"Status=busy", "To=%2B1"}, exact: true},
		{sql: "SELECT * FROM Calls WHERE (Status = 'busy' AND Duration > 1) OR (Status = 'failed' AND `From` = '+2')", lists: []string{"Status=busy", "From=%2B2&Status=failed"}},
		{sql: "SELECT * FROM Calls WHERE Status = 'busy' OR Duration > 1", exact: false},
		{sql: "SELECT * FROM Calls WHERE Status = ''", exact: false},
		{sql: "SELECT * FROM Calls WHERE Sid = '" + sid + "' OR Sid = '" + sid + "'", sids: []string{sid}, exact: true},
		{sql: "SELECT * FROM InboundPhoneNumbers WHERE Beta = true", exact: false},
		{sql: "SELECT * FROM InboundPhoneNumbers WHERE PhoneNumber = '+1' LIMIT 1", query: "PhoneNumber=%2B1", exact: false, pageSize: 1000},
		{sql: "SELECT * FROM Calls WHERE Sid = '" + sid + "'", sids: []string{sid}, exact: true},
		{sql: "SELECT * FROM Calls WHERE Sid IN ('" + sid + "', '" + sid + "')", sids: []string{sid}, exact: true},
		{sql: "SELECT * FROM Messages WHERE Sender = 'whatsapp:+14155238886'", query: "From=whatsapp%3A%2B14155238886", exact: true, pageSize: 1000},
		{sql: "SELECT * FROM Messages WHERE DateSent > '2026-01-01'", query: "DateSent%3E=2026-01-01"},
		{sql: "SELECT * FROM Recordings WHERE CallSid = '" + sid + "'", query: "CallSid=" + sid, exact: true, pageSize: 1000},
		{sql: "SELECT * FROM InboundPhoneNumbers WHERE Beta = false AND Name = 'Main'", query: "Beta=false&FriendlyName=Main", exact: false, pageSize: 1000},
		{sql: "SELECT * FROM OutgoingCallerIds WHERE PhoneNumber = '+14155550100'", query: "PhoneNumber=%2B14155550100", exact: true, pageSize: 1000},
		{sql: "SELECT * FROM Feedback WHERE Sid = '" + sid + "'", sids: []string{sid}, exact: true},
		{sql: "SELECT * FROM Calls WHERE Sid = ? AND Status = ?", sids: []string{sid}, exact: false},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			sel := parseSelect(t, tt.sql)
			a := eval.Args{{Ordinal: 1, Value: sid}, {Ordinal: 2, Value: "busy"}}
			p, err := planSelect(sel, testEnv(), a)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.access.query.Encode(); got != tt.query {
				t.Errorf("query = %q, want %q", got, tt.query)
			}
			if strings.Join(p.access.sids, ",") != strings.Join(tt.sids, ",") {
				t.Errorf("sids = %v, want %v", p.access.sids, tt.sids)
			}
			var lists []string
			for _, q := range p.access.lists {
				lists = append(lists, q.Encode())
			}
			if strings.Join(lists, " ") != strings.Join(tt.lists, " ") {
				t.Errorf("lists = %q, want %q", lists, tt.lists)
			}
			if p.access.none != tt.none {
				t.Errorf("none = %v, want %v", p.access.none, tt.none)
			}
			if p.access.exact != tt.exact {
				t.Errorf("exact = %v, want %v", p.access.exact, tt.exact)
			}
			if tt.pageSize != 0 {
				// The page size is the rules' (limit_page_size).
				got := 0
				switch d := spineOf(p.tree()).drive.(type) {
				case *plan.Scan:
					got = d.PageSize
				case *plan.MergedListing:
					got = d.PageSize
				}
				if got != tt.pageSize {
					t.Errorf("pageSize = %d, want %d", got, tt.pageSize)
				}
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"SELECT * FROM Feedback", "add WHERE Sid = '<call Sid>'"},
		{"SELECT * FROM FeedbackSummary WHERE Status = 'queued'", "has no list"},
		{"SELECT * FROM Cals", `unknown table "Cals" (did you mean Calls`},
		{"SELECT Statuss FROM Calls", `no column "Statuss" (did you mean Status`},
		{"SELECT * FROM Calls WHERE Sid = '../Accounts'", "is not a Calls Sid"},
		{"SELECT * FROM Calls WHERE Sid = 'CA0123456789abcdef0123456789abcdeg'", "is not a Calls Sid"},
		{"SELECT * FROM Calls WHERE StartTime > 'yesterday'", "is not a time"},
		{"SELECT * FROM Calls LIMIT -1", "LIMIT must be a whole number"},
		{"SELECT * FROM Calls WHERE Sid = ?", "placeholder number 1"},
		{"SELECT * FROM Calls WHERE Sid = :sid", `no argument named "sid"`},
		{"SELECT SUM(*) FROM Calls", "only COUNT(*) takes *"},
		{"SELECT Status, COUNT(*) FROM Calls", "neither in GROUP BY nor inside an aggregate"},
		{"SELECT * FROM Calls WHERE COUNT(*) > 1", "aggregate"},
		{"SELECT * FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE Sid = 'x'", `column "Sid" is in more than one table`},
		{"SELECT * FROM Calls JOIN Calls ON 1", "appears twice in FROM"},
		{"SELECT * FROM Calls c JOIN Feedback f ON f.QualityScore = c.Duration", "can only be joined on its Sid"},
		{"SELECT * FROM Calls c JOIN Messages m ON m.Sid = c.Sid RIGHT JOIN Recordings r ON r.CallSid = c.Sid", "write the RIGHT JOIN first"},
		{"SELECT * FROM Calls WHERE Duration = 'long'", `Duration is a BIGINT but "long" is not a number`},
		{"SELECT * FROM Calls WHERE DateUpdated > 'soon'", `DateUpdated is a DATETIME but "soon" is not a time`},
		{"SELECT * FROM InboundPhoneNumbers WHERE Beta = 'yes'", "compare it with TRUE or FALSE"},
		{"SELECT * FROM Calls WHERE Sid IN (SELECT Sid, Status FROM Calls)", "exactly one column"},
		{"SELECT * FROM Calls c WHERE Sid IN (SELECT CallSid FROM Recordings r WHERE r.Duration = k.Duration)", "those of the query around it"},
		{"SELECT * FROM information_schema.views", "it has COLUMNS, SCHEMATA, STATISTICS, TABLES"},
		{"SELECT * FROM other.Calls", "the only schema is twilio"},
		{"SELECT * FROM Calls HAVING Duration > 1", "not"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st, err := Prepare(tt.sql)
			if err == nil {
				_, err = planSelect(st.ast.(*sqlparser.Select), testEnv(), nil)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestWritePlans(t *testing.T) {
	const sid = "SM0123456789abcdef0123456789abcdef"
	tests := []struct {
		sql  string
		args eval.Args
		want []writeRequest
		err  string
	}{
		{
			sql:  "INSERT INTO Messages (`From`, `To`, Body) VALUES ('whatsapp:+14155238886', ?, 'hi')",
			args: eval.Args{{Ordinal: 1, Value: "whatsapp:+15005550006"}},
			want: []writeRequest{{method: "POST", path: "Messages.json", form: url.Values{"From": {"whatsapp:+14155238886"}, "To": {"whatsapp:+15005550006"}, "Body": {"hi"}}}},
		},
		{
			sql:  "INSERT INTO Messages (Sender, `To`, MediaUrl) VALUES ('+1', '+2', :media)",
			args: eval.Args{{Name: "media", Value: []string{"https://a", "https://b"}}},
			want: []writeRequest{{method: "POST", path: "Messages.json", form: url.Values{"From": {"+1"}, "To": {"+2"}, "MediaUrl": {"https://a", "https://b"}}}},
		},
		{
			sql:  "INSERT INTO Feedback (Sid, QualityScore, Issue) VALUES ('CAdefbf2b4caa7df11dc48106385e32345', 5, 'dropped-call,one-way-audio')",
			want: []writeRequest{{method: "POST", path: "Calls/CAdefbf2b4caa7df11dc48106385e32345/Feedback.json", sid: "CAdefbf2b4caa7df11dc48106385e32345", form: url.Values{"QualityScore": {"5"}, "Issue": {"dropped-call", "one-way-audio"}}}},
		},
		{
			sql:  "INSERT INTO FeedbackSummary (StartDate, EndDate) VALUES ('2014-06-01', '2014-06-04')",
			want: []writeRequest{{method: "POST", path: "Calls/FeedbackSummary.json", form: url.Values{"StartDate": {"2014-06-01"}, "EndDate": {"2014-06-04"}}}},
		},
		{
			sql:  "UPDATE Messages SET Body = '' WHERE Sid = '" + sid + "'",
			want: []writeRequest{{method: "POST", path: "Messages/" + sid + ".json", sid: sid, form: url.Values{"Body": {""}}}},
		},
		{
			sql:  "UPDATE InboundPhoneNumbers SET Name = 'Support' WHERE Sid IN ('PN4047ac009a15885690a50a1d388b8411')",
			want: []writeRequest{{method: "POST", path: "IncomingPhoneNumbers/PN4047ac009a15885690a50a1d388b8411.json", sid: "PN4047ac009a15885690a50a1d388b8411", form: url.Values{"FriendlyName": {"Support"}}}},
		},
		{
			sql:  "DELETE FROM Calls WHERE Sid = 'CAaa4a99c300bd9d1bcc0d1ae9dcd248c6'",
			want: []writeRequest{{method: "DELETE", path: "Calls/CAaa4a99c300bd9d1bcc0d1ae9dcd248c6.json", sid: "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"}},
		},
		{sql: "UPDATE Recordings SET Status = 'x' WHERE Sid = 'RE2e915e78549694bd0a0742d2d39454e5'", err: "UPDATE is not supported on Recordings: it supports SELECT, DELETE"},
		{sql: "INSERT INTO Recordings (CallSid) VALUES ('x')", err: "INSERT is not supported on Recordings"},
		{sql: "DELETE FROM Feedback WHERE Sid = 'CAdefbf2b4caa7df11dc48106385e32345'", err: "DELETE is not supported on Feedback"},
		{sql: "INSERT INTO Messages (Body) VALUES ('hi')", err: "needs a value for To"},
		{sql: "INSERT INTO Messages (`To`, Bodyy) VALUES ('+1', 'hi')", err: `cannot set "Bodyy" (did you mean Body`},
		{sql: "INSERT INTO Feedback (Sid, QualityScore) VALUES ('CA1', 5)", err: "is not a Feedback Sid"},
		{sql: "INSERT INTO Feedback (Sid, QualityScore) VALUES ('CAdefbf2b4caa7df11dc48106385e32345', 'five')", err: "QualityScore takes an integer"},
		{sql: "INSERT INTO FeedbackSummary (StartDate, EndDate) VALUES ('soon', '2014-06-04')", err: "StartDate takes a date"},
		{sql: "INSERT INTO Messages (`To`, Body) VALUES ('+1', 'a'), ('+2')", err: "row 2 of the INSERT has 1 values for 2 columns"},
		{sql: "UPDATE Messages SET Body = NULL WHERE Sid = '" + sid + "'", err: "cannot clear a value"},
		{sql: "UPDATE Messages SET `To` = '+1' WHERE Sid = '" + sid + "'", err: `cannot set "To"`},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st, err := Prepare(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			var w *writePlan
			switch x := st.ast.(type) {
			case *sqlparser.Insert:
				w, err = planInsert(x, testEnv(), tt.args)
			case *sqlparser.Update:
				w, err = planUpdate(x, testEnv(), tt.args)
			case *sqlparser.Delete:
				w, err = planDelete(x, testEnv(), tt.args)
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if w.target != nil {
				t.Fatal("a write by Sid should not list targets first")
			}
			if len(w.requests) != len(tt.want) {
				t.Fatalf("requests = %+v, want %+v", w.requests, tt.want)
			}
			for i, r := range w.requests {
				want := tt.want[i]
				if r.method != want.method || r.path != want.path || r.sid != want.sid || r.form.Encode() != want.form.Encode() {
					t.Errorf("request %d = %+v, want %+v", i, r, want)
				}
			}
		})
	}
}

func TestPrepare(t *testing.T) {
	tests := []struct {
		sql      string
		numInput int
		err      string
	}{
		{sql: "SELECT * FROM Calls WHERE Sid = ? AND Status = ?", numInput: 2},
		{sql: "SELECT * FROM Calls WHERE Sid = :sid", numInput: -1},
		{sql: "SELECT * FROM Calls WHERE Sid IN ::sids", numInput: -1},
		{sql: "SELECT * FROM Calls;", numInput: 0},
		{sql: "WITH x AS (SELECT ? AS n) SELECT * FROM x WHERE n > ?", numInput: 2},
		{sql: "WITH RECURSIVE x AS (SELECT 1) SELECT * FROM x", err: "WITH RECURSIVE is not supported"},
		{sql: "SELECT * FROM Calls WHERE Status ILIKE 'b%'", err: "LIKE already ignores case"},
		{sql: "SELECT * FROM Calls WHERE Sid = $1", err: "use ? or :name"},
		{sql: "SELECT ROW_NUMBER() OVER (ORDER BY Sid) FROM Calls", err: "window functions"},
		{sql: "SELECT * FROM Calls WHERE To = '+1'", err: "backticks"},
		{sql: "BEGIN", err: "no transactions"},
		{sql: "DROP TABLE Calls", err: "DROP statements are not supported"},
		{sql: "  ", err: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st, err := Prepare(tt.sql)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.NumInput() != tt.numInput {
				t.Errorf("NumInput = %d, want %d", st.NumInput(), tt.numInput)
			}
		})
	}
}

func TestLike(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"%", "", true},
		{"a%", "ABC", true},
		{"%c", "abC", true},
		{"a_c", "abc", true},
		{"a_c", "ac", false},
		{"%b%", "abc", true},
		{"%x%", "abc", false},
		{"a%b%c", "aXbYc", true},
		{"a%b%c", "aXcYb", false},
		{`100\%`, "100%", true},
		{`100\%`, "1000", false},
		{"é%", "Éclair", true},
	}
	for _, tt := range tests {
		if got := eval.CompileLike(tt.pattern, '\\').Match(tt.s); got != tt.want {
			t.Errorf("%q LIKE %q = %v, want %v", tt.s, tt.pattern, got, tt.want)
		}
	}
}
