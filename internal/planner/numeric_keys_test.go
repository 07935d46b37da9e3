package planner

import (
	"database/sql/driver"
	"reflect"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Numbers of equal value are one value wherever rows are told apart by
// value: DISTINCT, GROUP BY, UNION DISTINCT, COUNT/SUM(DISTINCT …) and IN
// (subquery). MySQL compares numbers numerically, whatever their type
// (https://dev.mysql.com/doc/refman/8.0/en/type-conversion.html: "If both
// arguments in a comparison operation are ... numbers, they are compared
// as numbers"; DISTINCT and GROUP BY use that equality,
// https://dev.mysql.com/doc/refman/8.0/en/distinct-optimization.html), and
// keeps the first row of each set of equal ones. SQLite agrees on these
// (its 1 and 1.0 are equal too); the driver's differential test holds the
// same cases over table data.
func TestNumericValuesOfEqualValueAreOneKey(t *testing.T) {
	tests := []struct {
		sql  string
		want [][]driver.Value
	}{
		// The union's column is a DECIMAL: its BIGINT 1 is 1 as a DECIMAL.
		{"SELECT DISTINCT x FROM (SELECT 1 AS x UNION ALL SELECT 1.0) t",
			[][]driver.Value{{1.0}}},
		{"SELECT DISTINCT x FROM (SELECT 1.0 AS x UNION ALL SELECT 1) t",
			[][]driver.Value{{1.0}}},
		{"SELECT DISTINCT x FROM (SELECT 2 AS x UNION ALL SELECT 2e0 UNION ALL SELECT 2.00 UNION ALL SELECT 3) t",
			[][]driver.Value{{2.0}, {3.0}}},
		{"SELECT DISTINCT x FROM (SELECT 0.1 AS x UNION ALL SELECT 1e-1 UNION ALL SELECT 0.10) t",
			[][]driver.Value{{0.1}}},
		{"SELECT DISTINCT x FROM (SELECT 0 AS x UNION ALL SELECT -0.0 UNION ALL SELECT -0e0 UNION ALL SELECT FALSE) t",
			[][]driver.Value{{0.0}}},
		{"SELECT 1 UNION SELECT 1.0 UNION SELECT 1e0",
			[][]driver.Value{{1.0}}},
		// The first of equal values is the one kept: its scale shows it.
		{"SELECT CONCAT(x, '') FROM (SELECT DISTINCT x FROM (SELECT 1.0 AS x UNION ALL SELECT 1.00) u) t",
			[][]driver.Value{{"1.0"}}},
		{"SELECT CONCAT(x, '') FROM (SELECT DISTINCT x FROM (SELECT 1.00 AS x UNION ALL SELECT 1.0) u) t",
			[][]driver.Value{{"1.00"}}},
		{"SELECT CONCAT(x, '') FROM (SELECT x FROM (SELECT 2.50 AS x UNION ALL SELECT 2.5) u GROUP BY x) t",
			[][]driver.Value{{"2.50"}}},
		{"SELECT CONCAT(x, '') FROM (SELECT 2.5 AS x UNION SELECT 2.50) t",
			[][]driver.Value{{"2.5"}}},
		{"SELECT x, COUNT(*) FROM (SELECT 1 AS x UNION ALL SELECT 1.0 UNION ALL SELECT 1.00 UNION ALL SELECT 2) t GROUP BY x",
			[][]driver.Value{{1.0, int64(3)}, {2.0, int64(1)}}},
		{"SELECT COUNT(DISTINCT x), SUM(DISTINCT x) FROM (SELECT 1 AS x UNION ALL SELECT 1.0 UNION ALL SELECT 2) t",
			[][]driver.Value{{int64(2), 3.0}}},
		// Exact integers beyond float64's 2^53 stay apart.
		{"SELECT COUNT(DISTINCT x) FROM (SELECT 9007199254740993 AS x UNION ALL SELECT 9007199254740992) t",
			[][]driver.Value{{int64(2)}}},
		{"SELECT COUNT(*) FROM (SELECT 1 AS x UNION ALL SELECT 2) t WHERE x IN (SELECT 1.0 UNION ALL SELECT 1)",
			[][]driver.Value{{int64(1)}}},
		// Strings still compare exactly: '1' and '1.0' are two strings.
		{"SELECT COUNT(DISTINCT x) FROM (SELECT '1' AS x UNION ALL SELECT '1.0') t",
			[][]driver.Value{{int64(2)}}},
	}
	for _, tc := range tests {
		got := runQuery(t, testEnv(), tc.sql)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s\n got  %#v\n want %#v", tc.sql, got, tc.want)
		}
	}
}

// Over table rows the keys see the values themselves (BIGINT next to
// DECIMAL next to DOUBLE in one column), not the float64 a derived table
// hands on.
func TestNumericKeysOverTableRows(t *testing.T) {
	srv := twiliotest.NewServer()
	defer srv.Close()
	env := emulatorEnv(t, srv, 1000, 1)
	total := runQuery(t, env, "SELECT COUNT(*), COUNT(DISTINCT Duration % 3) FROM Calls WHERE Duration IS NOT NULL")
	if n, _ := total[0][0].(int64); n < 10 || total[0][1] != int64(3) {
		t.Fatalf("the emulator's calls: %v, want at least 10 with durations of every remainder mod 3", total)
	}
	mixed := "CASE Duration % 3 WHEN 0 THEN 1 WHEN 1 THEN 1.0 ELSE 1e0 END"
	tests := []struct {
		sql  string
		want [][]driver.Value
	}{
		{"SELECT COUNT(DISTINCT " + mixed + "), SUM(DISTINCT " + mixed + ") FROM Calls WHERE Duration IS NOT NULL",
			[][]driver.Value{{int64(1), 1.0}}},
		{"SELECT " + mixed + " AS g, COUNT(*) FROM Calls WHERE Duration IS NOT NULL GROUP BY g",
			[][]driver.Value{{int64(1), total[0][0]}}},
		{"SELECT DISTINCT " + mixed + " FROM Calls WHERE Duration IS NOT NULL",
			[][]driver.Value{{int64(1)}}},
		{"SELECT COUNT(*) FROM (SELECT DISTINCT Duration * 1.0 AS d FROM Calls UNION SELECT Duration FROM Calls) t",
			runQuery(t, env, "SELECT COUNT(DISTINCT Duration) + MAX(Duration IS NULL) FROM Calls")},
	}
	for _, tc := range tests {
		got := runQuery(t, env, tc.sql)
		if !sameNumbers(got, tc.want) {
			t.Errorf("%s\n got  %v\n want %v", tc.sql, got, tc.want)
		}
	}
}

// sameNumbers compares rows of numbers by value, whatever their Go types.
func sameNumbers(got, want [][]driver.Value) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range got[i] {
			if c, ok := eval.Compare(got[i][j], want[i][j]); !ok || c != 0 {
				return false
			}
		}
	}
	return true
}

// DECIMALs stay exact through derived tables, UNION branches, ORDER BY
// and subqueries: only the final result turns them into float64 for
// database/sql. (Before, 0.1 and 0.2 crossed a derived table as float64,
// and their SUM was 0.30000000000000004; MySQL's is 0.3,
// https://dev.mysql.com/doc/refman/8.0/en/precision-math-examples.html.)
func TestDecimalsStayExactAcrossQueries(t *testing.T) {
	tests := []struct {
		expr string
		want string
	}{
		{"(SELECT SUM(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.2) t)", "0.3"},
		{"(SELECT SUM(x) FROM (SELECT 0.1 AS x UNION ALL SELECT 0.2 ORDER BY 1) t)", "0.3"},
		{"(SELECT x FROM (SELECT 0.1 + 0.2 AS x) t) = 0.3", "1"},
		{"(SELECT 0.1) + (SELECT 0.2)", "0.3"},
		{"(SELECT x FROM (SELECT 1.50 AS x) t)", "1.50"},
		{"(SELECT MAX(x) FROM (SELECT 7/2 AS x UNION SELECT 1) t)", "3.5000"},
	}
	for _, tc := range tests {
		got, err := scalar(t, "CONCAT("+tc.expr+", '')")
		if err != nil || got != tc.want {
			t.Errorf("SELECT %s shows %#v, %v; want %s", tc.expr, got, err, tc.want)
		}
	}
}
