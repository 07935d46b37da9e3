package planner

import (
	"database/sql/driver"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Regression tests for issue 9 item 6: answers that differed from MySQL's
// documented semantics.

func TestFidelity_LikeDefaultEscape(t *testing.T) {
	// https://dev.mysql.com/doc/refman/8.0/en/string-comparison-functions.html#operator_like
	// "\_ matches one _ character"; https://dev.mysql.com/doc/refman/8.0/en/string-literals.html:
	// "\%" and "\_" keep their backslash in a string literal.
	tests := []struct {
		expr string
		want driver.Value
	}{
		{`'\_'`, `\_`},
		{`LENGTH('\_')`, int64(2)},
		{`LENGTH('\%')`, int64(2)},
		{`LENGTH("\_")`, int64(2)},
		{`LENGTH('\\_')`, int64(2)},
		{`LENGTH('\n')`, int64(1)},
		{`'a_b' LIKE '%\_%'`, true},
		{`'ab' LIKE '%\_%'`, false},
		{`'50%' LIKE '50\%'`, true},
		{`'500' LIKE '50\%'`, false},
		{`'a_b' LIKE 'a|_b' ESCAPE '|'`, true},
		{`'axb' LIKE 'a|_b' ESCAPE '|'`, false},
	}
	for _, tc := range tests {
		got, err := scalar(t, tc.expr)
		if err != nil || got != tc.want {
			t.Errorf("SELECT %s = %#v, %v; want %#v", tc.expr, got, err, tc.want)
		}
	}
}

func TestFidelity_DateAddClampsMonths(t *testing.T) {
	// https://dev.mysql.com/doc/refman/8.0/en/date-and-time-functions.html#function_date-add:
	// "If you add MONTH, YEAR_MONTH, or YEAR and the resulting date has a day
	// that is larger than the maximum day for the new month, the day is
	// adjusted to the maximum days in the new month".
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		expr string
		want time.Time
	}{
		{"DATE_ADD('2026-01-31', INTERVAL 1 MONTH)", day(2026, 2, 28)},
		{"DATE_ADD('2024-01-31', INTERVAL 1 MONTH)", day(2024, 2, 29)},
		{"DATE_SUB('2026-03-31', INTERVAL 1 MONTH)", day(2026, 2, 28)},
		{"DATE_ADD('2024-02-29', INTERVAL 1 YEAR)", day(2025, 2, 28)},
		{"DATE_ADD('2026-08-31', INTERVAL 1 QUARTER)", day(2026, 11, 30)},
		{"'2026-01-31' + INTERVAL 13 MONTH", day(2027, 2, 28)},
		{"DATE_ADD('2026-01-31', INTERVAL -2 MONTH)", day(2025, 11, 30)},
		{"DATE_ADD('2026-12-31 10:00:00', INTERVAL 2 MONTH)", time.Date(2027, 2, 28, 10, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		got, err := scalar(t, tc.expr)
		if err != nil || got != tc.want {
			t.Errorf("SELECT %s = %v, %v; want %v", tc.expr, got, err, tc.want)
		}
	}
}

func TestFidelity_ExactDecimals(t *testing.T) {
	// https://dev.mysql.com/doc/refman/8.0/en/precision-math-examples.html:
	// "SELECT (.1 + .2) = .3" is 1; ROUND(1.005, 2)... exact values round
	// half away from zero (https://dev.mysql.com/doc/refman/8.0/en/mathematical-functions.html#function_round).
	tests := []struct {
		expr string
		want driver.Value
	}{
		{"0.1*2+0.1 = 0.3", true},
		{"(.1 + .2) = .3", true},
		{"ROUND(1.005, 2)", 1.01},
		{"ROUND(2.5)", 3.0},
		{"ROUND(-2.5)", -3.0},
		{"ROUND(1.298, 1)", 1.3},
		{"ROUND(23.298, -1)", 20.0},
		{".01 * 3 = .03", true},
		{"1.0 / 3", 0.33333}, // scale 1 + div_precision_increment 4
		{"CONCAT(1.50, '')", "1.50"},
		{"CONCAT(0.1 * 3, '')", "0.3"},
		{"CONCAT(1.20 * 1.5, '')", "1.800"},
		{"9223372036854775808 - 1", 9223372036854775807.0},
		{"2.5e0 = 2.5", true},
	}
	for _, tc := range tests {
		got, err := scalar(t, tc.expr)
		if err != nil || got != tc.want {
			t.Errorf("SELECT %s = %#v, %v; want %#v", tc.expr, got, err, tc.want)
		}
	}
}

func TestFidelity_DateValuedExpressions(t *testing.T) {
	tests := []struct {
		expr string
		typ  schema.Type
		want time.Time
	}{
		{"CURDATE()", schema.Date, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)},
		{"CURRENT_DATE()", schema.Date, time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)},
		{"DATE_SUB('2026-06-15', INTERVAL 7 DAY)", schema.Date, time.Date(2026, 6, 8, 0, 0, 0, 0, time.UTC)},
		{"DATE_ADD(CURDATE(), INTERVAL 1 MONTH)", schema.Date, time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)},
		{"DATE('2026-06-15 10:00:00') + INTERVAL 1 WEEK", schema.Date, time.Date(2026, 6, 22, 0, 0, 0, 0, time.UTC)},
		{"DATE_SUB('2026-06-15', INTERVAL 1 HOUR)", schema.Time, time.Date(2026, 6, 14, 23, 0, 0, 0, time.UTC)},
		{"DATE_SUB('2026-06-15 10:00:00', INTERVAL 1 DAY)", schema.Time, time.Date(2026, 6, 14, 10, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		st, err := Prepare("SELECT " + tc.expr)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.Query(t.Context(), testEnv(), nil)
		if err != nil {
			t.Fatal(err)
		}
		dest := make([]driver.Value, 1)
		if err := rows.Next(dest); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if typ := rows.Columns()[0].Type; typ != tc.typ || dest[0] != tc.want {
			t.Errorf("SELECT %s = %v of type %s, want %v of type %s", tc.expr, dest[0], typ, tc.want, tc.typ)
		}
	}
}

func TestFidelity_GroupBySidAllowsDependentColumns(t *testing.T) {
	srv := twiliotest.NewServer()
	defer srv.Close()
	env := emulatorEnv(t, srv, 1000, 1)
	// https://dev.mysql.com/doc/refman/8.0/en/group-by-functional-dependence.html
	got := runQuery(t, env, "SELECT Sid, Status, Duration, COUNT(*) FROM Calls GROUP BY Sid ORDER BY Sid LIMIT 5")
	want := runQuery(t, env, "SELECT Sid, Status, Duration, 1 FROM Calls ORDER BY Sid LIMIT 5")
	if len(got) != 5 || !reflect.DeepEqual(got, want) {
		t.Errorf("GROUP BY Sid:\n got %v\nwant %v", got, want)
	}
	got = runQuery(t, env, "SELECT c.Sid, c.Status FROM Calls c GROUP BY c.Sid HAVING c.Status <> '' ORDER BY c.Status, c.Sid LIMIT 3")
	want = runQuery(t, env, "SELECT c.Sid, c.Status FROM Calls c WHERE c.Status <> '' ORDER BY c.Status, c.Sid LIMIT 3")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GROUP BY c.Sid with HAVING and ORDER BY on a dependent column:\n got %v\nwant %v", got, want)
	}
	// Not dependent: still refused.
	st, err := Prepare("SELECT Status, Duration FROM Calls GROUP BY Status")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Query(t.Context(), env, nil); err == nil || !strings.Contains(err.Error(), "neither in GROUP BY") {
		t.Errorf("GROUP BY Status selecting Duration: %v, want the not-grouped error", err)
	}
}

func TestFidelity_BacktickHintInSelectList(t *testing.T) {
	for _, q := range []string{
		"SELECT Sid, To FROM Calls",
		"SELECT To, Sid FROM Calls",
		"SELECT Sid, From FROM Calls",
		"SELECT From FROM Messages",
		"SELECT * FROM Calls WHERE To = '+1'",
		"SELECT Sid FROM Calls ORDER BY To",
	} {
		_, err := Prepare(q)
		if err == nil || !strings.Contains(err.Error(), "backticks") {
			t.Errorf("%s: %v, want the backtick hint", q, err)
		}
	}
	if _, err := Prepare("SELECT Sid FROM Calls WHERE"); err == nil || strings.Contains(err.Error(), "backticks") {
		t.Errorf("a syntax error without To or From: %v, want no backtick hint", err)
	}
}

func TestFidelity_HeadersAsWritten(t *testing.T) {
	// MySQL names an unaliased item by its text as written
	// (https://dev.mysql.com/doc/refman/8.0/en/problems-with-alias.html and
	// the mysql client's headers); a string literal by its value.
	tests := []struct {
		q    string
		want []string
	}{
		{"SELECT 1+1, 1 + 1, lower( 'A' ), 'abc', 0.1*2", []string{"1+1", "1 + 1", "lower( 'A' )", "abc", "0.1*2"}},
		{"SELECT CONCAT('a', (SELECT 'b')), 2 AS two", []string{"CONCAT('a', (SELECT 'b'))", "two"}},
		{"SELECT DISTINCT UPPER('x') /* c */, NOW() -- end", []string{"UPPER('x')", "NOW()"}},
		{"SELECT SUBSTRING('abc' FROM 2)", []string{"SUBSTRING('abc' FROM 2)"}},
	}
	for _, tc := range tests {
		names, _, err := queryOne(t, tc.q)
		if err != nil {
			t.Errorf("%s: %v", tc.q, err)
			continue
		}
		if !reflect.DeepEqual(names, tc.want) {
			t.Errorf("%s: columns %q, want %q", tc.q, names, tc.want)
		}
	}
	cols := runColumns(t, "SELECT Sid, status, LOWER(Status) FROM Calls WHERE Sid = 'CA00000000000000000000000000000001'")
	if want := []string{"Sid", "Status", "LOWER(Status)"}; !reflect.DeepEqual(cols, want) {
		t.Errorf("columns %q, want %q", cols, want)
	}
}

// runColumns plans a query (without running it) and returns its column
// names.
func runColumns(t *testing.T, q string) []string {
	t.Helper()
	plan, err := planSelect(parseSelect(t, q), testEnv(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range plan.columns {
		names = append(names, c.Name)
	}
	return names
}

func TestFidelity_ParserGapsRewritten(t *testing.T) {
	// Forms MySQL accepts that the parser does not, rewritten before parsing
	// (https://dev.mysql.com/doc/refman/8.0/en/cast-functions.html#function_cast,
	// string-functions.html#function_position, date-and-time-functions.html#function_extract).
	tests := []struct {
		expr string
		want driver.Value
	}{
		{"CAST('1.5' AS DOUBLE)", 1.5},
		{"CAST(3 AS FLOAT) / 2", 1.5},
		{"CAST(NULL AS REAL)", nil},
		{"CONVERT('2.25', DOUBLE PRECISION)", 2.25},
		{"CAST(1 = 1 OR 0 AS DOUBLE)", 1.0},
		{"CAST('7' AS SIGNED)", int64(7)},
		{"POSITION('bar' IN 'foobarbar')", int64(4)},
		{"POSITION('x' IN 'abc')", int64(0)},
		{"EXTRACT(HOUR FROM '2026-06-15 14:05:09')", int64(14)},
	}
	for _, tc := range tests {
		got, err := scalar(t, tc.expr)
		if err != nil || got != tc.want {
			t.Errorf("SELECT %s = %#v, %v; want %#v", tc.expr, got, err, tc.want)
		}
	}
	names, _, err := queryOne(t, "SELECT CAST('1.5' AS DOUBLE), POSITION('a' IN 'cba')")
	if err != nil || !reflect.DeepEqual(names, []string{"CAST('1.5' AS DOUBLE)", "POSITION('a' IN 'cba')"}) {
		t.Errorf("headers %q, %v: want the text as written", names, err)
	}
}
