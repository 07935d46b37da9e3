package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
	"github.com/xwb1989/sqlparser"
)

// These tests pin MySQL semantics that the SQLite differential test also
// checks, but which must fail under -short too: NULLs in ORDER BY, LIKE,
// and three-valued logic.

// evalExpr evaluates one expression over a Calls row.
func evalExpr(t *testing.T, expr string, row map[string]driver.Value) driver.Value {
	t.Helper()
	sel := parseSelect(t, "SELECT "+expr+" FROM Calls")
	c := &eval.Compiler{Cols: tableScope{table: schema.Calls}, Now: testEnv().NowValue}
	e, err := c.Expr(sel.SelectExprs[0].(*sqlparser.AliasedExpr).Expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	got, err := e.Eval(callsRow(t, row))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return got
}

func TestCompareNullsFirst(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		a, b driver.Value
		want int
	}{
		{nil, nil, 0},
		{nil, "a", -1},
		{"a", nil, 1},
		{nil, int64(-5), -1},
		{int64(-5), nil, 1},
		{nil, t0, -1},
		{t0, nil, 1},
		{nil, false, -1},
		{"a", "b", -1},
		{"b", "a", 1},
		{"B", "a", -1}, // bytes: upper case first
		{int64(2), int64(10), -1},
		{int64(10), 2.5, 1},
		{t0, t0.Add(time.Second), -1},
		{false, true, -1},
	}
	for _, tt := range tests {
		if got := exec.CompareNullsFirst(tt.a, tt.b); sign(got) != tt.want {
			t.Errorf("exec.CompareNullsFirst(%#v, %#v) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// testOrderKey is a column of a result and its direction, for checkOrder.
type testOrderKey struct {
	col  int
	desc bool
}

// mysqlCompare is the test's own MySQL order of two non-NULL values of one
// column: strings byte by byte, numbers and times by value.
func mysqlCompare(a, b driver.Value) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1 // NULLs first ascending, last descending
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case int64:
		y := b.(int64)
		return sign(int(x - y))
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case time.Time:
		return x.Compare(b.(time.Time))
	}
	panic(fmt.Sprintf("mysqlCompare: %T", a))
}

// checkOrder fails unless rows are sorted by keys.
func checkOrder(t *testing.T, q string, rows [][]driver.Value, keys []testOrderKey) {
	t.Helper()
	for i := 1; i < len(rows); i++ {
		for _, k := range keys {
			c := mysqlCompare(rows[i-1][k.col], rows[i][k.col])
			if k.desc {
				c = -c
			}
			if c < 0 {
				break
			}
			if c > 0 {
				t.Fatalf("%s: row %d %v comes before row %d %v", q, i-1, rows[i-1], i, rows[i])
			}
		}
	}
}

// ORDER BY puts NULLs first ascending and last descending, as MySQL does,
// on every key of a multi-column order and under LIMIT.
func TestOrderByNulls(t *testing.T) {
	srv := twiliotest.NewServer(twiliotest.WithSize(twiliotest.Size{Calls: 150}))
	defer srv.Close()
	env := emulatorEnv(t, srv, 1000, 1)
	all := runQuery(t, env, "SELECT Sid FROM Calls")
	tests := []struct {
		q     string
		keys  []testOrderKey
		limit int // 0: all rows
	}{
		{"SELECT Sid, AnsweredBy FROM Calls ORDER BY AnsweredBy, Sid", []testOrderKey{{1, false}, {0, false}}, 0},
		{"SELECT Sid, AnsweredBy FROM Calls ORDER BY AnsweredBy DESC, Sid", []testOrderKey{{1, true}, {0, false}}, 0},
		{"SELECT Sid, EndTime FROM Calls ORDER BY EndTime, Sid", []testOrderKey{{1, false}, {0, false}}, 0},
		{"SELECT Sid, Duration FROM Calls ORDER BY Duration DESC, Sid DESC", []testOrderKey{{1, true}, {0, true}}, 0},
		{"SELECT Sid, Price FROM Calls ORDER BY Price, Sid", []testOrderKey{{1, false}, {0, false}}, 0},
		{"SELECT Sid, Direction, AnsweredBy FROM Calls ORDER BY Direction DESC, AnsweredBy, Sid", []testOrderKey{{1, true}, {2, false}, {0, false}}, 0},
		{"SELECT Sid, AnsweredBy FROM Calls ORDER BY AnsweredBy, Sid LIMIT 10", []testOrderKey{{1, false}, {0, false}}, 10},
		{"SELECT Sid, AnsweredBy FROM Calls ORDER BY AnsweredBy DESC, Sid LIMIT 10", []testOrderKey{{1, true}, {0, false}}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			rows := runQuery(t, env, tt.q)
			want := len(all)
			if tt.limit > 0 {
				want = tt.limit
			}
			if len(rows) != want {
				t.Fatalf("%d rows, want %d", len(rows), want)
			}
			checkOrder(t, tt.q, rows, tt.keys)
		})
	}
	// Where the NULLs land, explicitly.
	asc := runQuery(t, env, "SELECT AnsweredBy FROM Calls ORDER BY AnsweredBy, Sid")
	desc := runQuery(t, env, "SELECT AnsweredBy FROM Calls ORDER BY AnsweredBy DESC, Sid")
	if asc[0][0] != nil || asc[len(asc)-1][0] == nil {
		t.Errorf("ascending: first %v, last %v; want NULL first and a value last", asc[0][0], asc[len(asc)-1][0])
	}
	if desc[0][0] == nil || desc[len(desc)-1][0] != nil {
		t.Errorf("descending: first %v, last %v; want a value first and NULL last", desc[0][0], desc[len(desc)-1][0])
	}
	top := runQuery(t, env, "SELECT AnsweredBy FROM Calls ORDER BY AnsweredBy, Sid LIMIT 3")
	for _, r := range top {
		if r[0] != nil {
			t.Errorf("LIMIT 3 ascending gives %v; want the NULLs", r[0])
		}
	}
}

// LIKE: '%' any run, '_' one character (a rune, not a byte), case ignored
// (also beyond ASCII), the escape character, and NULL on either side.
func TestLikeSemantics(t *testing.T) {
	tests := []struct {
		pattern, s string
		escape     rune
		want       bool
	}{
		{"", "", '\\', true},
		{"", "a", '\\', false},
		{"%", "", '\\', true},
		{"%%", "abc", '\\', true},
		{"_", "", '\\', false},
		{"_", "é", '\\', true}, // one rune of two bytes
		{"__", "é", '\\', false},
		{"_%_", "a", '\\', false},
		{"_%_", "ab", '\\', true},
		{"abc", "ABC", '\\', true},
		{"ab", "xab", '\\', false}, // no '%': nothing to backtrack to
		{"abc", "xbc", '\\', false},
		{"a_c", "xabc", '\\', false},
		{"ÉCLAIR", "éclair", '\\', true},
		{"abc", "abcd", '\\', false},
		{"abc", "ab", '\\', false},
		{"a%", "b", '\\', false},
		{"%a", "ba", '\\', true},
		{"%a", "ab", '\\', false},
		{"%aab", "aaab", '\\', true}, // needs backtracking past a partial match
		{"%ab%ab", "abxab", '\\', true},
		{"%ab%ab", "abxba", '\\', false},
		{"a%b%c%", "abbc", '\\', true},
		{`a\%`, "a%", '\\', true},
		{`a\%`, "ab", '\\', false},
		{`a\_c`, "a_c", '\\', true},
		{`a\_c`, "abc", '\\', false},
		{`a\\`, `a\`, '\\', true},
		{`a\`, `a\`, '\\', true}, // a trailing escape is a literal
		{"a!%", "a%", '!', true},
		{"a!%", "ax", '!', false},
		{`a\%`, `a\x`, '!', true}, // with another escape, '\' is a literal and '%' a wildcard
		{"+1415%", "+14155238886", '\\', true},
		{"%8886", "+14155238886", '\\', true},
		{"whatsapp:%", "WhatsApp:+1", '\\', true},
	}
	for _, tt := range tests {
		if got := eval.CompileLike(tt.pattern, tt.escape).Match(tt.s); got != tt.want {
			t.Errorf("%q LIKE %q ESCAPE %q = %v, want %v", tt.s, tt.pattern, tt.escape, got, tt.want)
		}
	}
	row := map[string]driver.Value{"Status": "completed", "AnsweredBy": nil}
	for _, tt := range []struct {
		expr string
		want driver.Value
	}{
		{"Status LIKE 'comp%'", true},
		{"Status NOT LIKE 'comp%'", false},
		{"Status LIKE 'COMP%'", true},
		{"Status LIKE '_ompleted'", true},
		{"Status LIKE 'ompleted'", false},
		{"AnsweredBy LIKE '%'", nil},
		{"AnsweredBy NOT LIKE '%'", nil},
		{"Status LIKE NULL", nil},
		{"Status NOT LIKE NULL", nil},
		{"'a%' LIKE 'a|%' ESCAPE '|'", true},
		{"'ab' LIKE 'a|%' ESCAPE '|'", false},
	} {
		if got := evalExpr(t, tt.expr, row); got != tt.want {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

// tv is a truth value of three-valued logic: true, false or unknown (nil).
var tvs = []struct {
	sql string
	v   driver.Value
}{{"TRUE", true}, {"FALSE", false}, {"NULL", nil}}

func kleeneAnd(a, b driver.Value) driver.Value {
	if a == false || b == false {
		return false
	}
	if a == nil || b == nil {
		return nil
	}
	return true
}

func kleeneOr(a, b driver.Value) driver.Value {
	if a == true || b == true {
		return true
	}
	if a == nil || b == nil {
		return nil
	}
	return false
}

func kleeneNot(a driver.Value) driver.Value {
	if a == nil {
		return nil
	}
	return !a.(bool)
}

// AND, OR and NOT follow Kleene's three-valued logic for every pair of
// operands, written as literals and as comparisons with a NULL column.
func TestThreeValuedLogic(t *testing.T) {
	row := map[string]driver.Value{"Duration": int64(42), "EndTime": nil, "Status": "busy"}
	// Each truth value also as an expression over the row.
	exprOf := map[string][]string{
		"TRUE":  {"TRUE", "Duration = 42"},
		"FALSE": {"FALSE", "Status = 'x'"},
		"NULL":  {"NULL", "EndTime > '2026-01-01'", "Duration > NULL"},
	}
	for _, a := range tvs {
		for _, ea := range exprOf[a.sql] {
			if got := evalExpr(t, "NOT ("+ea+")", row); got != kleeneNot(a.v) {
				t.Errorf("NOT (%s) = %#v, want %#v", ea, got, kleeneNot(a.v))
			}
			if got := evalExpr(t, "("+ea+") IS NULL", row); got != (a.v == nil) {
				t.Errorf("(%s) IS NULL = %#v", ea, got)
			}
			if got := evalExpr(t, "("+ea+") IS TRUE", row); got != (a.v == true) {
				t.Errorf("(%s) IS TRUE = %#v", ea, got)
			}
			if got := evalExpr(t, "("+ea+") IS NOT FALSE", row); got != (a.v != false) {
				t.Errorf("(%s) IS NOT FALSE = %#v", ea, got)
			}
			for _, b := range tvs {
				for _, eb := range exprOf[b.sql] {
					and := fmt.Sprintf("(%s) AND (%s)", ea, eb)
					if got := evalExpr(t, and, row); got != kleeneAnd(a.v, b.v) {
						t.Errorf("%s = %#v, want %#v", and, got, kleeneAnd(a.v, b.v))
					}
					or := fmt.Sprintf("(%s) OR (%s)", ea, eb)
					if got := evalExpr(t, or, row); got != kleeneOr(a.v, b.v) {
						t.Errorf("%s = %#v, want %#v", or, got, kleeneOr(a.v, b.v))
					}
				}
			}
		}
	}
	// Comparisons, IN, BETWEEN and friends with a NULL.
	for _, tt := range []struct {
		expr string
		want driver.Value
	}{
		{"EndTime = EndTime", nil},
		{"EndTime <> '2026-01-01'", nil},
		{"EndTime <=> NULL", true},
		{"Duration <=> NULL", false},
		{"NULL <=> NULL", true},
		{"Duration <=> 42", true},
		{"Duration <=> 41", false},
		{"42 <=> Duration", true},
		{"EndTime <=> 42", false},
		{"Status <=> 'busy'", true},
		{"Duration IN (42, NULL)", true},
		{"Duration IN (1, NULL)", nil},
		{"Duration NOT IN (1, NULL)", nil},
		{"Duration NOT IN (42, NULL)", false},
		{"Duration NOT IN (1, 2)", true},
		{"NULL IN (1, 2)", nil},
		{"Duration BETWEEN NULL AND 50", nil},
		{"Duration BETWEEN NULL AND 10", false}, // 42 <= 10 is false: FALSE AND NULL
		{"Duration NOT BETWEEN NULL AND 10", true},
		{"Duration BETWEEN 40 AND NULL", nil},
		{"CASE WHEN EndTime > '2026-01-01' THEN 'y' ELSE 'n' END", "n"}, // unknown is not true
		{"CASE WHEN NOT (EndTime > '2026-01-01') THEN 'y' ELSE 'n' END", "n"},
		{"COALESCE(EndTime > '2026-01-01', 'unknown')", "unknown"},
		{"Duration + NULL", nil},
		// Strict and inclusive comparisons at equality.
		{"Duration < 42", false},
		{"Duration > 42", false},
		{"Duration <= 42", true},
		{"Duration >= 42", true},
		{"Duration BETWEEN 40 AND 42", true},
		{"Duration BETWEEN 42 AND 42", true},
		{"Duration NOT BETWEEN 42 AND 50", false},
		{"(Duration > 10) = TRUE", true},
	} {
		if got := evalExpr(t, tt.expr, row); got != tt.want {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

// WHERE keeps only rows whose condition is true: p, NOT p and p IS NULL
// split the table into three parts, for conditions on nullable columns.
func TestWherePartitionsThreeWays(t *testing.T) {
	srv := twiliotest.NewServer(twiliotest.WithSize(twiliotest.Size{Calls: 150}))
	defer srv.Close()
	env := emulatorEnv(t, srv, 1000, 1)
	total := len(runQuery(t, env, "SELECT Sid FROM Calls"))
	for _, p := range []string{
		"Duration > 30",
		"AnsweredBy = 'human'",
		"AnsweredBy LIKE 'machine%'",
		"Duration > 30 AND AnsweredBy = 'human'",
		"Duration > 30 OR AnsweredBy = 'human'",
		"EndTime >= '2026-06-01'",
		"ParentCallSid IN ('CA0', NULL)",
	} {
		yes := len(runQuery(t, env, "SELECT Sid FROM Calls WHERE "+p))
		no := len(runQuery(t, env, "SELECT Sid FROM Calls WHERE NOT ("+p+")"))
		unknown := len(runQuery(t, env, "SELECT Sid FROM Calls WHERE ("+p+") IS NULL"))
		if yes+no+unknown != total {
			t.Errorf("%s: %d true + %d false + %d unknown = %d, want the %d rows", p, yes, no, unknown, yes+no+unknown, total)
		}
		if unknown == 0 {
			t.Errorf("%s: no row is unknown; the test would not see NULLs", p)
		}
	}
}

// time + INTERVAL and time - INTERVAL, as DATE_ADD and DATE_SUB.
func TestIntervalArithmetic(t *testing.T) {
	start := time.Date(2024, 3, 5, 10, 30, 0, 0, time.UTC)
	row := map[string]driver.Value{"StartTime": start, "EndTime": nil}
	for _, tt := range []struct {
		expr string
		want driver.Value
	}{
		{"StartTime + INTERVAL 1 DAY = '2024-03-06 10:30:00'", true},
		{"StartTime - INTERVAL 2 HOUR = '2024-03-05 08:30:00'", true},
		{"StartTime + INTERVAL 1 DAY > StartTime", true},
		{"EndTime + INTERVAL 1 DAY", nil},
	} {
		if got := evalExpr(t, tt.expr, row); got != tt.want {
			t.Errorf("%s = %#v, want %#v", tt.expr, got, tt.want)
		}
	}
}

// The SQL type of an expression: integer arithmetic stays BIGINT, '/' of
// exact values is DECIMAL (of a DOUBLE, DOUBLE), CASE takes its first
// branch's type.
func TestExpressionTypes(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want schema.Type
	}{
		{"Duration * 2", schema.Int},
		{"Duration + Duration", schema.Int},
		{"Duration DIV 2", schema.Int},
		{"Price DIV 2", schema.Int},
		{"Duration / 2", schema.Decimal},
		{"Duration / 2.0", schema.Decimal},
		{"Price / 2", schema.Float},
		{"Duration / '2'", schema.Float},
		{"Duration % 2", schema.Int},
		{"Duration % 2.5", schema.Decimal},
		{"MOD(Duration, 2.5)", schema.Decimal},
		{"Price % 2", schema.Float},
		{"Duration * 1.5", schema.Decimal},
		{"Duration + TRUE", schema.Int},
		{"-TRUE", schema.Int},
		{"CAST(Duration AS DECIMAL(10,2))", schema.Decimal},
		{"ROUND(Duration / 3, 2)", schema.Decimal},
		{"Price * 2", schema.Float},
		{"Duration * Price", schema.Float},
		{"CASE WHEN Duration > 1 THEN Duration WHEN Duration > 0 THEN Status END", schema.Int},
		{"CASE WHEN Duration > 1 THEN Status ELSE Duration END", schema.String},
	} {
		sel := parseSelect(t, "SELECT "+tt.expr+" FROM Calls")
		c := &eval.Compiler{Cols: tableScope{table: schema.Calls}, Now: testEnv().NowValue}
		e, err := c.Expr(sel.SelectExprs[0].(*sqlparser.AliasedExpr).Expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if e.Typ != tt.want {
			t.Errorf("%s is %v, want %v", tt.expr, e.Typ, tt.want)
		}
	}
}

// Values named in error messages are shortened past 40 bytes only.
func TestDescribeShortens(t *testing.T) {
	at := strings.Repeat("x", 40)
	for _, tt := range []struct {
		v    driver.Value
		want string
	}{
		{nil, "NULL"},
		{at, `"` + at + `"`},
		{at + "y", `"` + at + `…"`},
		{int64(7), "7"},
	} {
		if got := eval.Describe(tt.v); got != tt.want {
			t.Errorf("describe(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}
