package driver_test

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// strs renders rows as strings for comparisons.
func strs(rows [][]any) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = make([]string, len(r))
		for j, v := range r {
			if v == nil {
				out[i][j] = "NULL"
			} else {
				out[i][j] = fmt.Sprint(v)
			}
		}
	}
	return out
}

func TestMetadata(t *testing.T) {
	db, srv := testdb.Open(t)
	tables := [][]string{{"Calls"}, {"Messages"}, {"Recordings"}, {"InboundPhoneNumbers"}, {"OutgoingCallerIds"}, {"Feedback"}, {"FeedbackSummary"}}
	tests := []struct {
		sql  string
		cols []string
		rows [][]string // nil: check only the columns; first rows otherwise
		n    int        // row count; -1: any
	}{
		{"SHOW TABLES", []string{"Tables_in_twilio"}, tables, len(schema.Tables())},
		{"show tables;", []string{"Tables_in_twilio"}, nil, len(schema.Tables())},
		{"SHOW FULL TABLES LIKE 'ca%'", []string{"Tables_in_twilio", "Table_type"}, [][]string{{"Calls", "BASE TABLE"}, {"CallEvents", "BASE TABLE"}}, 4},
		{"SHOW TABLES WHERE Tables_in_twilio LIKE 'Usage%s'", []string{"Tables_in_twilio"}, nil, 2},
		{"SHOW TABLES FROM information_schema", []string{"Tables_in_information_schema"}, [][]string{{"COLUMNS"}, {"SCHEMATA"}, {"STATISTICS"}, {"TABLES"}}, 4},
		{"SHOW DATABASES", []string{"Database"}, [][]string{{"information_schema"}, {"twilio"}}, 2},
		{"SHOW COLUMNS FROM Calls", []string{"Field", "Type", "Null", "Key", "Default", "Extra"},
			[][]string{{"Sid", "varchar", "YES", "PRI", "NULL", ""}, {"DateCreated", "datetime", "YES", "", "NULL", ""}}, 26},
		{"SHOW COLUMNS FROM twilio.Calls LIKE 'Status'", nil, [][]string{{"Status", "varchar", "NO", "MUL", "NULL", ""}}, 1},
		{"SHOW FIELDS IN `Recordings` WHERE `Key` <> ''", nil, [][]string{{"AccountSid", "varchar", "YES", "MUL", "NULL", ""}, {"CallSid", "varchar", "YES", "MUL", "NULL", ""}, {"ConferenceSid", "varchar", "YES", "MUL", "NULL", ""}, {"DateCreated", "datetime", "YES", "MUL", "NULL", ""}, {"Sid", "varchar", "YES", "PRI", "NULL", ""}}, 5},
		{"SHOW FULL COLUMNS FROM Messages LIKE 'Sender'", []string{"Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"}, nil, 0},
		{"SHOW FULL COLUMNS FROM InboundPhoneNumbers LIKE 'Beta'", nil,
			[][]string{{"Beta", "tinyint(1)", "NULL", "YES", "MUL", "NULL", "", "select,insert,update,delete", "pushed to Twilio as Beta: =, IN, OR; Beta=false leaves out numbers new to Twilio (rows with NULL stay): re-checked exactly; sent only for false"}}, 1},
		{"DESCRIBE Feedback", []string{"Field", "Type", "Null", "Key", "Default", "Extra"}, nil, 6},
		{"DESC Calls `To`", nil, [][]string{{"To", "varchar", "YES", "MUL", "NULL", ""}}, 1},
		{"DESCRIBE Calls 'Date%'", nil, nil, 2},
		{"EXPLAIN Recordings", []string{"Field", "Type", "Null", "Key", "Default", "Extra"}, nil, 19},
		{"DESCRIBE information_schema.tables", nil, nil, 8},
		{"SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.tables WHERE TABLE_SCHEMA = 'twilio' AND TABLE_NAME LIKE '%Feedback%' ORDER BY 1",
			[]string{"TABLE_NAME", "TABLE_TYPE"}, [][]string{{"Feedback", "BASE TABLE"}, {"FeedbackSummary", "BASE TABLE"}}, 2},
		{"SELECT c.COLUMN_NAME, c.DATA_TYPE, c.IS_NULLABLE, c.COLUMN_KEY FROM INFORMATION_SCHEMA.COLUMNS c WHERE c.TABLE_NAME = 'Calls' ORDER BY c.ORDINAL_POSITION LIMIT 2",
			[]string{"COLUMN_NAME", "DATA_TYPE", "IS_NULLABLE", "COLUMN_KEY"}, [][]string{{"Sid", "varchar", "YES", "PRI"}, {"DateCreated", "datetime", "YES", ""}}, 2},
		{"SELECT t.TABLE_NAME, COUNT(*) FROM information_schema.tables t JOIN information_schema.columns c ON c.TABLE_NAME = t.TABLE_NAME AND c.TABLE_SCHEMA = t.TABLE_SCHEMA WHERE t.TABLE_SCHEMA = 'twilio' GROUP BY t.TABLE_NAME ORDER BY 2 DESC LIMIT 1",
			nil, [][]string{{"InboundPhoneNumbers", "35"}}, 1},
		{"SELECT SCHEMA_NAME FROM information_schema.schemata ORDER BY 1", nil, [][]string{{"information_schema"}, {"twilio"}}, 2},
		{"SELECT DATABASE(), 1 + 1, UPPER('x')", []string{"DATABASE()", "1 + 1", "UPPER('x')"}, [][]string{{"twilio", "2", "X"}}, 1},
		{"SELECT COUNT(*) AS n FROM information_schema.columns WHERE TABLE_SCHEMA = 'twilio'", []string{"n"}, [][]string{{strconv.Itoa(columnCount())}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			srv.ResetRequests()
			cols, rows := testdb.Query(t, db, tt.sql)
			if got := testdb.RequestLines(srv); len(got) != 0 {
				t.Errorf("the catalog made requests: %q", got)
			}
			if tt.cols != nil && !reflect.DeepEqual(cols, tt.cols) {
				t.Errorf("columns = %q, want %q", cols, tt.cols)
			}
			if tt.n >= 0 && len(rows) != tt.n {
				t.Errorf("%d rows, want %d: %q", len(rows), tt.n, strs(rows))
			}
			got := strs(rows)
			if len(got) > len(tt.rows) {
				got = got[:len(tt.rows)]
			}
			if tt.rows != nil && !reflect.DeepEqual(got, tt.rows) {
				t.Errorf("rows = %q\nwant   %q", got, tt.rows)
			}
		})
	}
}

func TestExplainSendsNothing(t *testing.T) {
	db, srv := testdb.Open(t)
	for _, q := range []string{
		"EXPLAIN SELECT * FROM Calls WHERE Status IN ('busy', 'failed') AND Duration > 3 ORDER BY Sid LIMIT 5",
		"EXPLAIN SELECT c.Sid, COUNT(r.Sid) FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid GROUP BY c.Sid HAVING COUNT(r.Sid) > 1",
		"EXPLAIN FORMAT=TRADITIONAL SELECT * FROM Messages WHERE DateSent >= '2026-06-01'",
		"DESCRIBE SELECT * FROM Feedback WHERE Sid IN (SELECT Sid FROM Calls WHERE Status = 'completed')",
		"EXPLAIN DELETE FROM Calls WHERE Status = 'failed'",
		"EXPLAIN UPDATE Messages SET Body = '' WHERE Sid = 'SM0123456789abcdef0123456789abcdef'",
		"EXPLAIN INSERT INTO Messages (`To`, `From`, Body) VALUES ('+15005550006', '+14155238886', 'hi')",
	} {
		t.Run(q, func(t *testing.T) {
			srv.ResetRequests()
			cols, rows := testdb.Query(t, db, q)
			if want := []string{"step", "operation", "method", "path", "params", "requests", "detail"}; !reflect.DeepEqual(cols, want) {
				t.Errorf("columns = %q", cols)
			}
			if got := testdb.RequestLines(srv); len(got) != 0 {
				t.Errorf("EXPLAIN made requests: %q", got)
			}
			if len(rows) < 2 || rows[len(rows)-1][1] != "total" {
				t.Errorf("no total row: %q", strs(rows))
			}
		})
	}
	_, rows := testdb.Query(t, db, "EXPLAIN DELETE FROM Calls WHERE Status = 'failed'")
	joined := fmt.Sprint(strs(rows))
	for _, want := range []string{"target: list Calls", "Status=failed", "DELETE", "Calls/{Sid}.json"} {
		if !strings.Contains(joined, want) {
			t.Errorf("EXPLAIN DELETE lacks %q: %s", want, joined)
		}
	}
}

func TestResultColumnNames(t *testing.T) {
	db, _ := testdb.Open(t)
	tests := []struct {
		sql  string
		cols []string
	}{
		{"SELECT sid, status AS s, Duration * 2, COUNT(*) OVER_NOT_A_WINDOW FROM Calls GROUP BY sid, status, Duration LIMIT 1", []string{"Sid", "s", "Duration * 2", "OVER_NOT_A_WINDOW"}},
		{"SELECT c.Sid, r.Sid AS RecordingSid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid LIMIT 1", []string{"Sid", "RecordingSid"}},
		{"SELECT r.*, c.Status FROM Recordings r JOIN Calls c ON c.Sid = r.CallSid WHERE r.Sid = '" + twiliotest.RecordingSid + "'", nil},
		{"SELECT Sender FROM Messages LIMIT 1", []string{"From"}},
	}
	for _, tt := range tests {
		cols, rows := testdb.Query(t, db, tt.sql)
		if tt.cols != nil && !reflect.DeepEqual(cols, tt.cols) {
			t.Errorf("%s: columns = %q, want %q", tt.sql, cols, tt.cols)
		}
		if len(rows) == 0 {
			t.Errorf("%s: no row", tt.sql)
		}
	}
	cols, rows := testdb.Query(t, db, "SELECT r.*, c.Status FROM Recordings r JOIN Calls c ON c.Sid = r.CallSid WHERE r.Sid = '"+twiliotest.RecordingSid+"'")
	if len(cols) != 20 || cols[19] != "Status" || len(rows) != 1 {
		t.Errorf("r.*, c.Status: %d columns %q, %d rows", len(cols), cols, len(rows))
	}
}

func TestSQLErrors(t *testing.T) {
	db, srv := testdb.Open(t)
	tests := []struct{ sql, want string }{
		{"WITH RECURSIVE x AS (SELECT Sid FROM Calls) SELECT * FROM x", "WITH RECURSIVE is not supported"},
		{"SELECT Sid, ROW_NUMBER() OVER (ORDER BY Sid) FROM Calls", "window functions (… OVER (…)) are not supported: use GROUP BY"},
		{"SELECT Sid FROM Calls WHERE Status ILIKE 'B%'", "ILIKE is not SQL this driver speaks: LIKE already ignores case"},
		{"SELECT Sttus FROM Calls", `Calls has no column "Sttus" (did you mean Status`},
		{"SELECT * FROM Cals", `unknown table "Cals" (did you mean Calls`},
		{"SELECT c.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid WHERE r.Durration > 1", `Recordings has no column "Durration" (did you mean Duration`},
		{"SELECT Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid", `column "Sid" is in more than one table: write c.Sid or r.Sid`},
		{"SELECT x.Sid FROM Calls c", "refers to x, which is not in FROM"},
		{"SELECT * FROM Calls WHERE Duration > 'ten'", `Duration is a BIGINT but "ten" is not a number`},
		{"SELECT * FROM Calls WHERE StartTime >= 'last week'", `StartTime is a DATETIME but "last week" is not a time`},
		{"SELECT * FROM Calls WHERE EndTime BETWEEN '2026-01-01' AND 'now'", `EndTime is a DATETIME but "now" is not a time`},
		{"SELECT * FROM Calls c LEFT JOIN Messages m ON m.Sid = c.Sid RIGHT JOIN Recordings r ON r.CallSid = c.Sid", "write the RIGHT JOIN first"},
		{"SELECT * FROM Calls WHERE Sid IN (SELECT CallSid FROM Recordings r WHERE r.Duration = Callz.Duration)", "those of the query around it"},
		{"SELECT Status, Duration FROM Calls GROUP BY Status", "Duration is neither in GROUP BY nor inside an aggregate"},
		{"UPDATE Calls c JOIN Recordings r ON r.CallSid = c.Sid SET c.Status = 'completed'", "UPDATE of several tables (a join) is not supported"},
		{"SELECT * FROM (SELECT c.Sid, r.Sid FROM Calls c JOIN Recordings r ON r.CallSid = c.Sid) x", "two columns named Sid"},
		{"SELECT Sid FROM Calls UNION SELECT Sid, Status FROM Calls", "as many columns each"},
		{"SELECT COUNT(*) FROM (SELECT Sid FROM Calls) WHERE Sid <> ''", "a derived table needs an alias"},
		{"SHOW PROCESSLIST", "SHOW PROCESSLIST is not supported: use SHOW TABLES"},
		{"SHOW COLUMNS FROM Nope", `unknown table "Nope"`},
		{"SELECT (SELECT Sid FROM Calls) FROM dual", "returned 200 rows where one value was expected"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			rows, err := db.Query(tt.sql)
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tt.want)
			}
		})
	}
	_ = srv
}

func TestListArgumentsAndConcurrency(t *testing.T) {
	db, srv := testdb.Open(t)
	srv.ResetRequests()
	_, rows := testdb.Query(t, db, "SELECT Sid FROM Calls WHERE Status IN ::st", sql.Named("st", []string{"busy", "failed"}))
	if len(rows) != 21 {
		t.Errorf("busy or failed: %d rows, want 21", len(rows))
	}
	if got := testdb.RequestLines(srv); len(got) != 2 {
		t.Errorf("requests = %q, want one listing per value", got)
	}
	// One prepared join with a subquery, run from several goroutines.
	st, err := db.Prepare("SELECT c.Sid, r.Sid FROM Calls c LEFT JOIN Recordings r ON r.CallSid = c.Sid WHERE c.Sid IN (SELECT CallSid FROM Recordings WHERE Duration > ?) ORDER BY c.Sid, r.Sid")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var wg sync.WaitGroup
	counts := make([]int, 6)
	for i := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows, err := st.QueryContext(context.Background(), 600)
			if err != nil {
				t.Error(err)
				return
			}
			defer rows.Close()
			for rows.Next() {
				counts[i]++
			}
		}()
	}
	wg.Wait()
	for _, n := range counts[1:] {
		if n != counts[0] || n == 0 {
			t.Errorf("concurrent runs returned %v rows", counts)
			break
		}
	}
}

func columnCount() int {
	n := 0
	for _, t := range schema.Tables() {
		n += len(t.Columns)
	}
	return n
}
