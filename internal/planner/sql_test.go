package planner

import (
	"database/sql/driver"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
)

// run executes a statement that needs no request (the catalog, dual) and
// returns its rows as strings.
func run(t *testing.T, q string) ([]string, [][]string) {
	t.Helper()
	st, err := Prepare(q)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", q, err)
	}
	rows, err := st.Query(t.Context(), testEnv(), nil)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var names []string
	for _, c := range rows.Columns() {
		names = append(names, c.Name)
	}
	var out [][]string
	for {
		dest := make([]driver.Value, len(names))
		if err := rows.Next(dest); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		row := make([]string, len(dest))
		for i, v := range dest {
			if v == nil {
				row[i] = "NULL"
			} else {
				row[i] = eval.ToString(v)
			}
		}
		out = append(out, row)
	}
	return names, out
}

func TestRecognise(t *testing.T) {
	tests := []struct {
		sql      string
		kind     string // meta, explain, none
		numInput int
		err      string
	}{
		{sql: "SHOW TABLES", kind: "meta"},
		{sql: "  show full tables from twilio like 'C%'", kind: "meta"},
		{sql: "SHOW COLUMNS FROM `Calls` FROM twilio", kind: "meta"},
		{sql: "DESCRIBE Calls", kind: "meta"},
		{sql: "desc twilio.Calls Status", kind: "meta"},
		{sql: "EXPLAIN Calls", kind: "meta"},
		{sql: "EXPLAIN SELECT * FROM Calls WHERE Sid = ? AND Status = ?", kind: "explain", numInput: 2},
		{sql: "EXPLAIN EXTENDED DELETE FROM Calls WHERE Sid = :sid", kind: "explain", numInput: -1},
		{sql: "SELECT 1", kind: "none"},
		// Comments are skipped as the parser skips them (internal/sqltext).
		{sql: "/* Metabase */ SHOW TABLES", kind: "meta"},
		{sql: "DESCRIBE -- the table\n Calls # and no column", kind: "meta"},
		{sql: "EXPLAIN /*+ hint */ SELECT * FROM Calls WHERE Sid = ?", kind: "explain", numInput: 1},
		{sql: "EXPLAIN ANALYZE SELECT * FROM Calls", err: "EXPLAIN ANALYZE is not supported"},
		{sql: "EXPLAIN", err: "EXPLAIN what?"},
		{sql: "EXPLAIN EXPLAIN SELECT 1", err: "EXPLAIN explains SELECT"},
		{sql: "SHOW COLUMNS Calls", err: "write SHOW COLUMNS FROM <table>"},
		{sql: "SHOW TABLES FROM mysql", err: `unknown database "mysql"`},
		{sql: "SHOW TABLES LIKE Calls", err: "write LIKE 'pattern' or WHERE condition"},
		{sql: "SHOW GRANTS", err: "SHOW GRANTS is not supported"},
		{sql: "DESCRIBE Cals", err: `unknown table "Cals" (did you mean Calls`},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st, err := Prepare(tt.sql)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			kind := "none"
			if st.meta != nil {
				kind = "meta"
			} else if st.explain != nil {
				kind = "explain"
			}
			if kind != tt.kind {
				t.Errorf("kind = %s, want %s", kind, tt.kind)
			}
			if st.NumInput() != tt.numInput {
				t.Errorf("NumInput = %d, want %d", st.NumInput(), tt.numInput)
			}
			if !st.IsQuery() {
				t.Error("not a query")
			}
		})
	}
}

func TestCatalogQueries(t *testing.T) {
	cols, rows := run(t, "SHOW FULL COLUMNS FROM Calls WHERE Field IN ('Sid', 'Status', 'Duration')")
	if want := []string{"Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"}; !reflect.DeepEqual(cols, want) {
		t.Errorf("columns = %q", cols)
	}
	want := [][]string{
		{"Sid", "varchar", "utf8mb4_bin", "YES", "PRI", "NULL", "", "select,insert,update,delete", "Sid = / Sid IN: fetched by Sid (GET Calls/{Sid}.json)"},
		{"Status", "varchar", "utf8mb4_bin", "NO", "MUL", "NULL", "", "select,insert,update,delete", "pushed to Twilio as Status: =, IN, OR; exact"},
		{"Duration", "bigint", "NULL", "YES", "", "NULL", "", "select,insert,update,delete", "evaluated here"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %q\nwant %q", rows, want)
	}
	_, rows = run(t, "SELECT COLUMN_NAME, COLUMN_COMMENT FROM information_schema.columns WHERE TABLE_NAME = 'Messages' AND COLUMN_NAME = 'From'")
	if len(rows) != 1 || !strings.Contains(rows[0][1], "also named Sender") || !strings.Contains(rows[0][1], "pushed to Twilio as From") {
		t.Errorf("Messages.From: %q", rows)
	}
	_, rows = run(t, "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME DESC SEPARATOR '|'), COUNT(DISTINCT TABLE_SCHEMA), MIN(TABLE_NAME), MAX(TABLE_ROWS) FROM information_schema.tables WHERE TABLE_SCHEMA = 'information_schema' OR TABLE_NAME IN ('Calls', 'Messages', 'Recordings', 'InboundPhoneNumbers', 'OutgoingCallerIds', 'Feedback', 'FeedbackSummary')")
	if want := [][]string{{"TABLES|STATISTICS|SCHEMATA|Recordings|OutgoingCallerIds|Messages|InboundPhoneNumbers|FeedbackSummary|Feedback|Calls|COLUMNS", "2", "COLUMNS", "NULL"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("aggregates = %q", rows)
	}
	_, rows = run(t, "SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_NAME IN (SELECT TABLE_NAME FROM information_schema.columns WHERE COLUMN_NAME = 'QualityScore')")
	if want := [][]string{{"Feedback"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("subquery = %q", rows)
	}
	_, rows = run(t, "SELECT COUNT(*), SUM(ORDINAL_POSITION), AVG(ORDINAL_POSITION) FROM information_schema.columns WHERE TABLE_NAME = 'nothing'")
	if want := [][]string{{"0", "NULL", "NULL"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("aggregates over no row = %q", rows)
	}
}

func TestSubqueryContains(t *testing.T) {
	q := &subquery{node: &plan.Subquery{}}
	if got := q.contains(nil); got != false {
		t.Errorf("NULL IN (empty) = %v, want false", got)
	}
	q = &subquery{node: &plan.Subquery{Ran: true, Values: []driver.Value{"a", nil, int64(3)}}}
	for _, tt := range []struct {
		v    driver.Value
		want driver.Value
	}{{"a", true}, {"b", nil}, {int64(3), true}, {"3", true}, {nil, nil}} {
		if got := q.contains(tt.v); got != tt.want {
			t.Errorf("%v IN (a, NULL, 3) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestEstimate(t *testing.T) {
	for _, tt := range []struct {
		e    estimate
		want string
	}{{exactly(0), "0"}, {exactly(2), "2"}, {estimate{1, -1}, "1+"}, {estimate{0, 50}, "0..50"}, {exactly(1).plus(estimate{0, 1}), "1..2"}, {exactly(1).plus(estimate{1, -1}), "2+"}} {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%v = %q, want %q", tt.e, got, tt.want)
		}
	}
}
