package planner

import (
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
)

// queryOne runs a statement that needs no request and returns its column
// names and first row, or the error of preparing, opening or reading it.
func queryOne(t *testing.T, q string) ([]string, []driver.Value, error) {
	t.Helper()
	st, err := Prepare(q)
	if err != nil {
		return nil, nil, err
	}
	rows, err := st.Query(t.Context(), testEnv(), nil)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var names []string
	for _, c := range rows.Columns() {
		names = append(names, c.Name)
	}
	dest := make([]driver.Value, len(names))
	if err := rows.Next(dest); err != nil {
		if errors.Is(err, io.EOF) {
			return names, nil, nil
		}
		return names, nil, err
	}
	return names, dest, nil
}

// scalar evaluates one expression through SELECT.
func scalar(t *testing.T, expr string) (driver.Value, error) {
	t.Helper()
	_, row, err := queryOne(t, "SELECT "+expr)
	if err != nil {
		return nil, err
	}
	if len(row) != 1 {
		t.Fatalf("SELECT %s: %d values", expr, len(row))
	}
	return row[0], nil
}

func TestHardening16_SubstringOfExpressions(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"SUBSTRING('abc', 2, 1)", "b"},
		{"SUBSTR('abcdef', 3)", "cdef"},
		{"substring(LOWER('ABCDEF'), 1, 3)", "abc"},
		{"SUBSTRING(CONCAT('ab', 'cd') FROM 2 FOR 2)", "bc"},
		{"SUBSTRING('Quadratically' FROM 5)", "ratically"},
		{"SUBSTRING('Sakila', -3)", "ila"},
		{"SUBSTRING('Sakila' FROM -4 FOR 2)", "ki"},
		{"SUBSTRING(SUBSTRING('abcdef', 2), 2, 2)", "cd"},
		{"MID('abcdef', 2, 3)", "bcd"},
		{"SUBSTRING(/* a comment ( */ 'abc', 2)", "bc"},
	}
	for _, tc := range tests {
		got, err := scalar(t, tc.expr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s = %v, want %q", tc.expr, got, tc.want)
		}
	}
}

func TestHardening16_SubstringRewriteLeavesTheRestAlone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 'SUBSTRING(a FROM 1)' FROM Calls", "SELECT 'SUBSTRING(a FROM 1)' FROM Calls"},
		{"SELECT `substring`(x) FROM Calls", "SELECT `substring`(x) FROM Calls"},
		{"SELECT SUBSTRING(Sid FROM 2) FROM Calls", "SELECT `SUBSTRING`(Sid , 2) FROM Calls"},
		{"SELECT -- substring(\n 1", "SELECT -- substring(\n 1"},
		{"SELECT t.substr(1)", "SELECT t.substr(1)"},
	}
	for _, tc := range tests {
		if got := rewriteForParser(tc.in); got != tc.want {
			t.Errorf("rewriteForParser(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzRewriteForParser(f *testing.F) {
	for _, s := range []string{"SELECT SUBSTRING(a FROM 1 FOR 2)", `SELECT '\_\%\\_'`, "SELECT `x`, \"y\\\"\" -- c", "/* SUBSTR( */ SUBSTR(", "SUBSTRING((("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := rewriteForParser(q)
		lower := strings.ToLower(q)
		rewritten := false
		for _, w := range []string{"substr", "extract", "position", "cast", "convert", `\`} {
			rewritten = rewritten || strings.Contains(lower, w)
		}
		if !rewritten && out != q {
			t.Fatalf("rewrite changed a statement with nothing to repair: %q -> %q", q, out)
		}
		_, _ = Prepare(q) // must not panic
	})
}

func TestHardening13_DecodeOutOfRangeInteger(t *testing.T) {
	for _, raw := range []string{`1.5e300`, `"1.5e300"`, `-1e19`, `9223372036854775808`} {
		row := make([]driver.Value, len(schema.Calls.Columns))
		err := exec.NewDecoder(schema.Calls).Decode([]byte(`{"sid":"CA00000000000000000000000000000001","duration":`+raw+`}`), row)
		if err == nil {
			i, _ := schema.Calls.Column("Duration")
			t.Errorf("duration %s decoded to %v, want an error", raw, row[i])
			continue
		}
		if !strings.Contains(err.Error(), "Calls.Duration") || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("duration %s: error %q does not name the field and the range", raw, err)
		}
	}
}

func TestHardening10_ValueSizeBounded(t *testing.T) {
	nested := "'aaaa'"
	for range 10 {
		nested = "REPLACE(" + nested + ", 'a', 'aaaaaaaaaa')"
	}
	tests := []string{
		nested,
		"CONCAT(" + strings.Repeat("REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE('aaaa','a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaa'), ", 3) + "'x')",
	}
	for _, expr := range tests {
		v, err := scalar(t, expr)
		if err == nil {
			t.Errorf("a %d-byte statement computed a value of %d bytes, want an error", len(expr), len(eval.ToString(v)))
			continue
		}
		if !strings.Contains(err.Error(), "max_allowed_packet") {
			t.Errorf("error %q does not name the limit", err)
		}
	}
	// Under the limit, the same functions work.
	if v, err := scalar(t, "REPLACE(REPLACE('aa', 'a', 'bbb'), 'b', 'cc')"); err != nil || v != "cccccccccccc" {
		t.Errorf("REPLACE under the limit = %v, %v", v, err)
	}
}

func TestHardening10_StatementWorkBounded(t *testing.T) {
	// Each value stays under max_allowed_packet, together they do not: the
	// statement's budget stops them.
	defer func(old int64) { eval.StatementTextLimit = old }(eval.StatementTextLimit)
	eval.StatementTextLimit = 256 << 20
	big := "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE('aaaa','a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaaaaaa'),'a','aaaaaa')"
	items := make([]string, 20)
	for i := range items {
		items[i] = "LENGTH(" + big + ")"
	}
	_, _, err := queryOne(t, "SELECT "+strings.Join(items, ", "))
	if err == nil || !strings.Contains(err.Error(), "limit of one statement") {
		t.Fatalf("20 values of 24 MB each: error %v, want the statement's limit", err)
	}
}

func TestHardening13_IntegerOverflowIsAnError(t *testing.T) {
	tests := []struct{ expr, text string }{
		{"9223372036854775807 + 1", "9223372036854775807 + 1"},
		{"-9223372036854775807 - 2", "-9223372036854775807 - 2"},
		{"4611686018427387904 * 2", "4611686018427387904 * 2"},
		{"-(-9223372036854775807 - 1)", ""},
		{"ABS(-9223372036854775807 - 1)", ""},
		{"CAST('99999999999999999999' AS SIGNED)", ""},
		{"CAST(1e300 AS SIGNED)", ""},
		{"(-9223372036854775807 - 1) DIV -1", ""},
		{"DATE_ADD('2026-01-01', INTERVAL 9223372036854775807 SECOND)", ""},
		{"DATE_ADD('2026-01-01', INTERVAL 9000 YEAR)", ""},
		{"1e308 * 10", ""},
	}
	for _, tc := range tests {
		v, err := scalar(t, tc.expr)
		if err == nil {
			t.Errorf("%s = %v, want an out-of-range error", tc.expr, v)
			continue
		}
		if !strings.Contains(err.Error(), "value is out of range in '") || !strings.Contains(err.Error(), "1690") {
			t.Errorf("%s: error %q is not MySQL's out-of-range error", tc.expr, err)
		}
		if tc.text != "" && !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: error %q does not quote the expression", tc.expr, err)
		}
	}
	// At the edges, no error.
	for expr, want := range map[string]driver.Value{
		"9223372036854775806 + 1":               int64(9223372036854775807),
		"-9223372036854775807 - 1":              int64(-9223372036854775808),
		"ROUND(1.5, 1000000)":                   1.5,
		"ROUND(1.5e0, 1000000)":                 1.5,
		"FLOOR(1e300)":                          1e300,
		"CAST('9223372036854775807' AS SIGNED)": int64(9223372036854775807),
	} {
		if v, err := scalar(t, expr); err != nil || v != want {
			t.Errorf("%s = %v (%T), %v; want %v", expr, v, v, err, want)
		}
	}
}

func TestHardening10_PaddingAndRepetitionSizedFirst(t *testing.T) {
	for _, expr := range []string{"REPEAT('ab', 100000000)", "REPEAT('x', 9223372036854775807)", "SPACE(100000000)", "LPAD('a', 100000000, 'é')", "RPAD('', 70000000, 'x')"} {
		if v, err := scalar(t, expr); err == nil || !strings.Contains(err.Error(), "max_allowed_packet") {
			t.Errorf("%s = %d bytes, %v; want the max_allowed_packet error", expr, len(eval.ToString(v)), err)
		}
	}
	if v, err := scalar(t, "LENGTH(LPAD('a', 3, 'é'))"); err != nil || v != int64(5) {
		t.Errorf("LENGTH(LPAD('a', 3, 'é')) = %v, %v; want 5 bytes", v, err)
	}
}
