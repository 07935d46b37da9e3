package planner

import (
	"database/sql/driver"
	"testing"

	"github.com/twiliosql/twiliosql/schema"
)

// MySQL's / of exact values is a DECIMAL whose scale is the dividend's
// plus div_precision_increment (4 by default), "even if both operands are
// integers"; inside an expression the quotient keeps whole 9-digit words
// (strings/decimal.cc, do_div_mod), so nested arithmetic rounds once, at
// the end. Division by zero is NULL (with warning 1365 in MySQL, which
// database/sql has no channel for). SQLite's / of integers is integer
// division, so these answers come from MySQL's manual:
//   - https://dev.mysql.com/doc/refman/8.0/en/arithmetic-functions.html
//     (operator_divide, the scale rule, 5.05 / 0.014 = 360.714286 and
//     (14620 / 9432456) / (24250 / 9432456) = 0.60288653; operator_div,
//     operator_mod)
//   - https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_div_precision_increment
//     (1/7 = 0.1429 at the default 4)
//   - https://dev.mysql.com/doc/refman/8.0/en/aggregate-functions.html#function_avg
//     (AVG of exact values is a DECIMAL)
func TestDivisionIsDecimal(t *testing.T) {
	tests := []struct {
		expr string
		text string // CONCAT(expr, ''): the value as MySQL shows it
		typ  schema.Type
	}{
		{"7/2", "3.5000", schema.Decimal},
		{"1/3", "0.3333", schema.Decimal},
		{"2/3", "0.6667", schema.Decimal},
		{"-2/3", "-0.6667", schema.Decimal},
		{"1/7", "0.1429", schema.Decimal},
		{"4/5", "0.8000", schema.Decimal},
		{"300/7", "42.8571", schema.Decimal},
		{"1.00/3", "0.333333", schema.Decimal},
		{"5.05 / 0.014", "360.714286", schema.Decimal},
		{"(14620 / 9432456) / (24250 / 9432456)", "0.60288653", schema.Decimal},
		{"1/3*3", "1.0000", schema.Decimal},
		{"-(1/3)*3", "-1.0000", schema.Decimal},
		{"1/3 + 1/3 + 1/3", "1.0000", schema.Decimal},
		{"10/4/2", "1.25000000", schema.Decimal},
		{"TRUE/2", "0.5000", schema.Decimal},
		{"1/0", "NULL", schema.Decimal},
		{"1.5/0", "NULL", schema.Decimal},
		{"1/0.0", "NULL", schema.Decimal},
		{"NULL/2", "NULL", schema.Float},
		{"7 DIV 2", "3", schema.Int},
		{"-7 DIV 2", "-3", schema.Int},
		{"7.5 DIV 2", "3", schema.Int},
		{"7 DIV 0", "NULL", schema.Int},
		{"7 % 2", "1", schema.Int},
		{"7.5 % 2", "1.5", schema.Decimal},
		{"MOD(-7.5, 2)", "-1.5", schema.Decimal},
		{"MOD(7, 2.00)", "1.00", schema.Decimal},
		{"7 % 0", "NULL", schema.Int},
		{"1.5 * 2", "3.0", schema.Decimal},
		{"1.5 + 2", "3.5", schema.Decimal},
		// A DOUBLE or a string operand makes the division a DOUBLE one.
		{"7e0/2", "3.5", schema.Float},
		{"'7'/2", "3.5", schema.Float},
		{"CAST(1 AS DECIMAL(5,2))/3", "0.333333", schema.Decimal},
	}
	for _, tc := range tests {
		got, err := scalar(t, "CONCAT("+tc.expr+", '')")
		if got == nil {
			got = "NULL"
		}
		if err != nil || got != tc.text {
			t.Errorf("SELECT %s shows %v, %v; want %s", tc.expr, got, err, tc.text)
		}
		_, typ, err := evalTyped(t, tc.expr)
		if err != nil || typ != tc.typ {
			t.Errorf("SELECT %s is a %v, %v; want %v", tc.expr, typ, err, tc.typ)
		}
	}
}

// Through database/sql a DECIMAL is a float64 (Rows.Next) in a column
// whose DatabaseTypeName is DECIMAL.
func TestDivisionThroughRows(t *testing.T) {
	tests := []struct {
		sql  string
		want []driver.Value
	}{
		{"SELECT 7/2, 1/3, 1/0, 7 DIV 2", []driver.Value{3.5, 0.3333, nil, int64(3)}},
		{"SELECT COUNT(*)/2, SUM(x)/COUNT(*), AVG(x), AVG(x * 1.5), AVG(x * 1e0) FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 2) t",
			[]driver.Value{1.5, 1.6667, 1.6667, 2.50000, 1.6666666666666667}},
	}
	for _, tc := range tests {
		names, row, err := queryOne(t, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		for i := range tc.want {
			if row[i] != tc.want[i] {
				t.Errorf("%s: column %s is %#v, want %#v", tc.sql, names[i], row[i], tc.want[i])
			}
		}
	}
	st, err := Prepare("SELECT 1/3, AVG(x), 1/3e0, 7 DIV 2 FROM (SELECT 1 AS x) t")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Query(t.Context(), testEnv(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := []string{"DECIMAL", "DECIMAL", "DOUBLE", "BIGINT"}
	for i, c := range rows.Columns() {
		if got := c.Type.DatabaseTypeName(); got != want[i] {
			t.Errorf("column %s is %s, want %s", c.Name, got, want[i])
		}
	}
}

// A result that is one of several numbers takes the widest of their types
// (https://dev.mysql.com/doc/refman/8.0/en/flow-control-functions.html#operator_case:
// "If all types are numeric, the aggregated type is also numeric"), and
// every value has that type: a BIGINT branch of a DECIMAL CASE is a
// DECIMAL, so database/sql receives a float64 in a DECIMAL column, never an
// int64. A NULL branch has no type.
func TestMixedNumbersTakeTheWidestType(t *testing.T) {
	tests := []struct {
		expr string
		typ  schema.Type
		want driver.Value
	}{
		{"IF(TRUE, 1, 1.5)", schema.Decimal, 1.0},
		{"IF(FALSE, 1, 1.5)", schema.Decimal, 1.5},
		{"IF(TRUE, 1, 2e0)", schema.Float, 1.0},
		{"IF(TRUE, 1, NULL)", schema.Int, int64(1)},
		{"IF(TRUE, TRUE, 2)", schema.Int, int64(1)},
		{"CASE WHEN TRUE THEN 2 ELSE 0.5 END", schema.Decimal, 2.0},
		{"CASE WHEN FALSE THEN 2 WHEN TRUE THEN 7/2 END", schema.Decimal, 3.5},
		{"CASE WHEN TRUE THEN 2 ELSE NULL END", schema.Int, int64(2)},
		{"CASE 1 WHEN 1 THEN 1.5 ELSE 1e0 END", schema.Float, 1.5},
		{"COALESCE(NULL, 2, 1.5)", schema.Decimal, 2.0},
		{"IFNULL(NULL, 1)", schema.Int, int64(1)},
		{"IFNULL(1, 0.5)", schema.Decimal, 1.0},
		{"GREATEST(3, 2.5)", schema.Decimal, 3.0},
		{"LEAST(3, 2.5, 4e0)", schema.Float, 2.5},
		{"GREATEST(3, 2)", schema.Int, int64(3)},
		// Not all numbers: the first branch's type, as before.
		{"IF(TRUE, 'a', 1)", schema.String, "a"},
	}
	for _, tc := range tests {
		got, typ, err := evalTyped(t, tc.expr)
		if err != nil || typ != tc.typ || got != tc.want {
			t.Errorf("SELECT %s = %#v (%v), %v; want %#v (%v)", tc.expr, got, typ, err, tc.want, tc.typ)
		}
	}
}
