package planner

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// The function registry: every SQL function the engine knows, sorted by
// name, each with its aliases, arity, evaluator and a one-line doc. The
// error for an unknown function and the README's list both come from it
// (model: go-mysql-server's sql/expression/function/registry.go). Adding a
// function is one entry here and its evaluator beside the others of its
// kind (functions_string.go, functions_math.go, functions_time.go,
// functions_json.go). Nothing here depends on plans or scans, so the
// registry can move with the evaluator into a package of its own.

// sqlFunction is one entry of the registry.
type sqlFunction struct {
	name    string   // lower case
	aliases []string // lower case
	min     int      // fewest arguments
	max     int      // most arguments; -1: any number
	doc     string   // signature and one line, for the README and errors
	// typ is the result's type given the arguments'; nil: String.
	typ func(args []typed) schema.Type
	// call evaluates the function on its evaluated arguments; NULL handling
	// is the function's own (wrap with strict for "NULL in, NULL out").
	call func(args []driver.Value) (driver.Value, error)
	// compile, when set, compiles the call itself: functions whose
	// arguments are not plain expressions (an INTERVAL, a unit keyword) or
	// that read the statement's clock.
	compile func(c *compiler, x *sqlparser.FuncExpr) (typed, error)
	// aggregate: evaluated over a group by aggregate.go.
	aggregate bool
}

func returns(t schema.Type) func([]typed) schema.Type {
	return func([]typed) schema.Type { return t }
}

// sameAs is the type of the argument at i (IFNULL, ABS…).
func sameAs(i int) func([]typed) schema.Type {
	return func(a []typed) schema.Type {
		if i < len(a) {
			return a[i].typ
		}
		return schema.String
	}
}

// strict makes a function return NULL when any argument is NULL, as most
// MySQL functions do.
func strict(f func(args []driver.Value) (driver.Value, error)) func([]driver.Value) (driver.Value, error) {
	return func(args []driver.Value) (driver.Value, error) {
		for _, a := range args {
			if a == nil {
				return nil, nil
			}
		}
		return f(args)
	}
}

// functionRegistry is kept sorted by name (a test checks it).
var functionRegistry = []sqlFunction{
	{name: "abs", min: 1, max: 1, typ: sameAs(0), call: strict(fnAbs), doc: "ABS(x): the absolute value of x"},
	{name: "adddate", min: 2, max: 2, compile: compileDateAdd(false), doc: "ADDDATE(date, INTERVAL n unit) or ADDDATE(date, days): date plus the interval"},
	{name: "any_value", min: 1, max: 1, aggregate: true, doc: "ANY_VALUE(x): aggregate: one of the group's values of x"},
	{name: "avg", min: 1, max: 1, aggregate: true, doc: "AVG([DISTINCT] x): aggregate: the mean of the non-NULL values"},
	{name: "ceil", aliases: []string{"ceiling"}, min: 1, max: 1, typ: returns(schema.Int), call: strict(fnCeil), doc: "CEIL(x): the smallest integer not less than x"},
	{name: "char_length", aliases: []string{"character_length"}, min: 1, max: 1, typ: returns(schema.Int), call: strict(fnCharLength), doc: "CHAR_LENGTH(s): the length of s in characters"},
	{name: "coalesce", min: 1, max: -1, typ: sameAs(0), call: fnCoalesce, doc: "COALESCE(x, …): the first argument that is not NULL"},
	{name: "concat", min: 1, max: -1, call: strict(fnConcat), doc: "CONCAT(s, …): the arguments joined; NULL if any is NULL"},
	{name: "concat_ws", min: 2, max: -1, call: fnConcatWS, doc: "CONCAT_WS(sep, s, …): the non-NULL arguments joined by sep"},
	{name: "convert_tz", min: 3, max: 3, typ: returns(schema.Time), call: strict(fnConvertTZ), doc: "CONVERT_TZ(dt, from_tz, to_tz): dt moved between time zones (IANA names or ±hh:mm)"},
	{name: "count", min: 1, max: 1, aggregate: true, doc: "COUNT(*), COUNT([DISTINCT] x): aggregate: the number of rows, or of non-NULL values"},
	{name: "curdate", aliases: []string{"current_date", "utc_date"}, min: 0, max: 0, compile: compileToday, doc: "CURDATE(): today's date (UTC)"},
	{name: "database", aliases: []string{"schema"}, min: 0, max: 0, compile: compileConstant(DatabaseName), doc: "DATABASE(): the database's name, twilio"},
	{name: "date", min: 1, max: 1, typ: returns(schema.Date), call: strict(fnDate), doc: "DATE(x): the date part of a date or datetime"},
	{name: "date_add", min: 2, max: 2, compile: compileDateAdd(false), doc: "DATE_ADD(date, INTERVAL n unit): date plus the interval, the day clamped to the month's last"},
	{name: "date_format", min: 2, max: 2, call: strict(fnDateFormat), doc: "DATE_FORMAT(date, format): date written with MySQL's % specifiers"},
	{name: "date_sub", min: 2, max: 2, compile: compileDateAdd(true), doc: "DATE_SUB(date, INTERVAL n unit): date minus the interval"},
	{name: "datediff", min: 2, max: 2, typ: returns(schema.Int), call: strict(fnDateDiff), doc: "DATEDIFF(a, b): the days from date b to date a"},
	{name: "day", aliases: []string{"dayofmonth"}, min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Day()) })), doc: "DAY(date): the day of the month, 1 to 31"},
	{name: "dayname", min: 1, max: 1, call: strict(fnDayName), doc: "DAYNAME(date): the weekday's English name"},
	{name: "dayofweek", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Weekday()) + 1 })), doc: "DAYOFWEEK(date): 1 for Sunday to 7 for Saturday"},
	{name: "dayofyear", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.YearDay()) })), doc: "DAYOFYEAR(date): the day of the year, 1 to 366"},
	{name: "extract", min: 2, max: 2, typ: returns(schema.Int), compile: compileExtract, doc: "EXTRACT(unit FROM date): one part of a date (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MICROSECOND, YEAR_MONTH, DAY_HOUR…)"},
	{name: "floor", min: 1, max: 1, typ: returns(schema.Int), call: strict(fnFloor), doc: "FLOOR(x): the largest integer not greater than x"},
	{name: "from_unixtime", min: 1, max: 2, typ: fromUnixtimeType, call: strict(fnFromUnixtime), doc: "FROM_UNIXTIME(seconds[, format]): the UTC datetime of a Unix time"},
	{name: "greatest", min: 2, max: -1, typ: sameAs(0), call: strict(fnGreatest), doc: "GREATEST(x, y, …): the largest argument; NULL if any is NULL"},
	{name: "group_concat", min: 1, max: -1, aggregate: true, doc: "GROUP_CONCAT([DISTINCT] x [ORDER BY …] [SEPARATOR s]): aggregate: the values joined"},
	{name: "hour", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Hour()) })), doc: "HOUR(time): the hour, 0 to 23"},
	{name: "if", min: 3, max: 3, typ: sameAs(1), call: fnIf, doc: "IF(cond, a, b): a when cond is true, else b"},
	{name: "ifnull", min: 2, max: 2, typ: sameAs(0), call: fnIfNull, doc: "IFNULL(x, y): x, or y when x is NULL"},
	{name: "instr", min: 2, max: 2, typ: returns(schema.Int), call: strict(fnInstr), doc: "INSTR(s, sub): the position of sub in s (from 1, ignoring case), 0 if absent"},
	{name: "isnull", min: 1, max: 1, typ: returns(schema.Int), call: fnIsNull, doc: "ISNULL(x): 1 when x is NULL, else 0"},
	{name: "json_extract", min: 2, max: -1, typ: returns(schema.JSON), call: strict(fnJSONExtract), doc: "JSON_EXTRACT(doc, path, …): the JSON at a path ($.a.b, $[0], $[*]); also doc->path"},
	{name: "json_unquote", min: 1, max: 1, call: strict(fnJSONUnquote), doc: "JSON_UNQUOTE(json): a JSON string's text; also doc->>path"},
	{name: "last_day", min: 1, max: 1, typ: returns(schema.Date), call: strict(fnLastDay), doc: "LAST_DAY(date): the last day of date's month"},
	{name: "least", min: 2, max: -1, typ: sameAs(0), call: strict(fnLeast), doc: "LEAST(x, y, …): the smallest argument; NULL if any is NULL"},
	{name: "left", min: 2, max: 2, call: strict(fnLeft), doc: "LEFT(s, n): the first n characters of s"},
	{name: "length", aliases: []string{"octet_length"}, min: 1, max: 1, typ: returns(schema.Int), call: strict(fnLength), doc: "LENGTH(s): the length of s in bytes"},
	{name: "ln", min: 1, max: 1, typ: returns(schema.Float), call: strict(fnLn), doc: "LN(x): the natural logarithm; NULL for x ≤ 0"},
	{name: "locate", min: 2, max: 3, typ: returns(schema.Int), call: strict(fnLocate), doc: "LOCATE(sub, s[, pos]): the position of sub in s from pos (ignoring case), 0 if absent"},
	{name: "log", min: 1, max: 2, typ: returns(schema.Float), call: strict(fnLog), doc: "LOG(x) or LOG(b, x): the natural or base-b logarithm; NULL for x ≤ 0 or b ≤ 1"},
	{name: "log10", min: 1, max: 1, typ: returns(schema.Float), call: strict(fnLogBase(10)), doc: "LOG10(x): the base-10 logarithm"},
	{name: "log2", min: 1, max: 1, typ: returns(schema.Float), call: strict(fnLogBase(2)), doc: "LOG2(x): the base-2 logarithm"},
	{name: "lower", aliases: []string{"lcase"}, min: 1, max: 1, call: strict(fnLower), doc: "LOWER(s): s in lower case"},
	{name: "lpad", min: 3, max: 3, call: strict(fnPad(true)), doc: "LPAD(s, n, pad): s left-padded with pad (or cut) to n characters"},
	{name: "ltrim", min: 1, max: 1, call: strict(fnTrimSpaces(strings.TrimLeft)), doc: "LTRIM(s): s without leading spaces"},
	{name: "makedate", min: 2, max: 2, typ: returns(schema.Date), call: strict(fnMakeDate), doc: "MAKEDATE(year, day_of_year): the date"},
	{name: "max", min: 1, max: 1, aggregate: true, doc: "MAX([DISTINCT] x): aggregate: the largest value"},
	{name: "min", min: 1, max: 1, aggregate: true, doc: "MIN([DISTINCT] x): aggregate: the smallest value"},
	{name: "minute", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Minute()) })), doc: "MINUTE(time): the minute, 0 to 59"},
	{name: "mod", min: 2, max: 2, typ: modType, call: strict(fnMod), doc: "MOD(n, m): the remainder of n divided by m (also n % m); NULL for m = 0"},
	{name: "month", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Month()) })), doc: "MONTH(date): the month, 1 to 12"},
	{name: "monthname", min: 1, max: 1, call: strict(fnMonthName), doc: "MONTHNAME(date): the month's English name"},
	{name: "now", aliases: []string{"current_timestamp", "localtime", "localtimestamp", "sysdate", "utc_timestamp"}, min: 0, max: 1, compile: compileNow, doc: "NOW(): the statement's start time (UTC)"},
	{name: "nullif", min: 2, max: 2, typ: sameAs(0), call: fnNullIf, doc: "NULLIF(x, y): NULL when x = y, else x"},
	{name: "pow", aliases: []string{"power"}, min: 2, max: 2, typ: returns(schema.Float), call: strict(fnPow), doc: "POW(x, y): x raised to the power y"},
	{name: "quarter", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Month()+2) / 3 })), doc: "QUARTER(date): the quarter, 1 to 4"},
	{name: "repeat", min: 2, max: 2, call: strict(fnRepeat), doc: "REPEAT(s, n): s repeated n times"},
	{name: "replace", min: 3, max: 3, call: strict(fnReplace), doc: "REPLACE(s, from, to): s with every from replaced by to"},
	{name: "reverse", min: 1, max: 1, call: strict(fnReverse), doc: "REVERSE(s): s's characters in reverse order"},
	{name: "right", min: 2, max: 2, call: strict(fnRight), doc: "RIGHT(s, n): the last n characters of s"},
	{name: "round", min: 1, max: 2, typ: sameAs(0), call: strict(fnRound), doc: "ROUND(x[, d]): x rounded to d decimals (exact values half away from zero)"},
	{name: "rpad", min: 3, max: 3, call: strict(fnPad(false)), doc: "RPAD(s, n, pad): s right-padded with pad (or cut) to n characters"},
	{name: "rtrim", min: 1, max: 1, call: strict(fnTrimSpaces(strings.TrimRight)), doc: "RTRIM(s): s without trailing spaces"},
	{name: "second", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Second()) })), doc: "SECOND(time): the second, 0 to 59"},
	{name: "sign", min: 1, max: 1, typ: returns(schema.Int), call: strict(fnSign), doc: "SIGN(x): -1, 0 or 1"},
	{name: "space", min: 1, max: 1, call: strict(fnSpace), doc: "SPACE(n): n spaces"},
	{name: "sqrt", min: 1, max: 1, typ: returns(schema.Float), call: strict(fnSqrt), doc: "SQRT(x): the square root; NULL for x < 0"},
	{name: "str_to_date", min: 2, max: 2, typ: strToDateType, call: strict(fnStrToDate), doc: "STR_TO_DATE(s, format): the date, datetime or time s spells in DATE_FORMAT's specifiers; NULL if it does not"},
	{name: "subdate", min: 2, max: 2, compile: compileDateAdd(true), doc: "SUBDATE(date, INTERVAL n unit) or SUBDATE(date, days): date minus the interval"},
	{name: "substring", aliases: []string{"mid", "substr"}, min: 2, max: 3, compile: compileSubstring, doc: "SUBSTRING(s, pos[, len]) or SUBSTRING(s FROM pos [FOR len]): part of s; pos from 1, negative from the end"},
	{name: "sum", min: 1, max: 1, aggregate: true, doc: "SUM([DISTINCT] x): aggregate: the total of the non-NULL values"},
	{name: "time", min: 1, max: 1, call: strict(fnTime), doc: "TIME(x): the time part as hh:mm:ss"},
	{name: "timestampadd", min: 3, max: 3, compile: compileTimestampAdd, doc: "TIMESTAMPADD(unit, n, datetime): datetime plus n units"},
	{name: "timestampdiff", min: 3, max: 3, typ: returns(schema.Int), compile: compileTimestampDiff, doc: "TIMESTAMPDIFF(unit, a, b): whole units from a to b"},
	{name: "trim", min: 1, max: 1, call: strict(fnTrimSpaces(strings.Trim)), doc: "TRIM(s): s without leading and trailing spaces"},
	{name: "truncate", min: 2, max: 2, typ: sameAs(0), call: strict(fnTruncate), doc: "TRUNCATE(x, d): x cut (not rounded) to d decimals"},
	{name: "unix_timestamp", min: 0, max: 1, typ: returns(schema.Int), compile: compileUnixTimestamp, doc: "UNIX_TIMESTAMP([datetime]): seconds since 1970-01-01 UTC"},
	{name: "upper", aliases: []string{"ucase"}, min: 1, max: 1, call: strict(fnUpper), doc: "UPPER(s): s in upper case"},
	{name: "version", min: 0, max: 0, compile: compileConstant(serverVersion), doc: "VERSION(): the MySQL version the driver answers as"},
	{name: "week", min: 1, max: 2, typ: returns(schema.Int), call: strict(fnWeek), doc: "WEEK(date[, mode]): the week number in MySQL's modes 0 to 7"},
	{name: "weekday", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return (int64(t.Weekday()) + 6) % 7 })), doc: "WEEKDAY(date): 0 for Monday to 6 for Sunday"},
	{name: "year", min: 1, max: 1, typ: returns(schema.Int), call: strict(timePart(func(t time.Time) int64 { return int64(t.Year()) })), doc: "YEAR(date): the year"},
	{name: "yearweek", min: 1, max: 2, typ: returns(schema.Int), call: strict(fnYearWeek), doc: "YEARWEEK(date[, mode]): year and week as yyyyww"},
}

// functionIndex finds an entry by name or alias. Built in init: the
// registry's compilers reach lookupFunction, a cycle for an initializer.
var functionIndex map[string]*sqlFunction

func init() {
	functionIndex = map[string]*sqlFunction{}
	for i := range functionRegistry {
		f := &functionRegistry[i]
		for _, n := range append([]string{f.name}, f.aliases...) {
			functionIndex[n] = f
		}
	}
}

func lookupFunction(name string) (*sqlFunction, bool) {
	f, ok := functionIndex[strings.ToLower(name)]
	return f, ok
}

func isAggregate(name string) bool {
	f, ok := lookupFunction(name)
	return ok && f.aggregate
}

// functionNames lists every name and alias, upper case, sorted.
func functionNames() []string {
	var out []string
	for n := range functionIndex {
		out = append(out, strings.ToUpper(n))
	}
	slices.Sort(out)
	return out
}

func errUnknownFunction(name string) error {
	return fmt.Errorf("twilio: unknown function %s(): supported are %s; also CAST(x AS type), CONVERT(x, type), CASE, and the operators -> and ->>", strings.ToUpper(name), strings.Join(functionNames(), ", "))
}

// FunctionsMarkdown is the README's list of functions: one line per
// function, with its aliases and doc.
func FunctionsMarkdown() string {
	var b strings.Builder
	for _, f := range functionRegistry {
		sig, line, _ := strings.Cut(f.doc, ": ")
		fmt.Fprintf(&b, "- `%s`", sig)
		if len(f.aliases) > 0 {
			names := make([]string, len(f.aliases))
			for i, a := range f.aliases {
				names[i] = "`" + strings.ToUpper(a) + "`"
			}
			fmt.Fprintf(&b, " (also %s)", strings.Join(names, ", "))
		}
		fmt.Fprintf(&b, ": %s\n", line)
	}
	return b.String()
}

// function compiles a call through the registry.
func (c *compiler) function(x *sqlparser.FuncExpr) (typed, error) {
	name := x.Name.Lowered()
	fn, ok := lookupFunction(name)
	if !ok {
		return typed{}, errUnknownFunction(name)
	}
	if fn.aggregate {
		if c.agg != nil {
			return c.agg.aggregate(x)
		}
		return typed{}, fmt.Errorf("twilio: %s() is an aggregate; aggregates are not supported in this position: use them in SELECT, HAVING or ORDER BY", strings.ToUpper(name))
	}
	if len(x.Exprs) < fn.min || (fn.max >= 0 && len(x.Exprs) > fn.max) {
		return typed{}, fmt.Errorf("twilio: %s() takes %s: %s", strings.ToUpper(name), arity(fn.min, fn.max), fn.doc)
	}
	if x.Distinct {
		return typed{}, fmt.Errorf("twilio: DISTINCT goes only in aggregates, not in %s()", strings.ToUpper(name))
	}
	if fn.compile != nil {
		return fn.compile(c, x)
	}
	argv := make([]typed, len(x.Exprs))
	for i, se := range x.Exprs {
		t, err := c.selectArg(se)
		if err != nil {
			return typed{}, err
		}
		argv[i] = t
	}
	typ := schema.String
	if fn.typ != nil {
		typ = fn.typ(argv)
	}
	return c.call(typ, name, fn.call, argv), nil
}

// call builds the evaluation of a function over compiled arguments; a
// string result counts against the statement's budget (limits.go).
func (c *compiler) call(typ schema.Type, name string, f func([]driver.Value) (driver.Value, error), argv []typed) typed {
	work := c.budget()
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(argv))
		for i, a := range argv {
			v, err := a.eval(row)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		v, err := f(vals)
		if s, ok := v.(string); ok && err == nil {
			err = work.charge(name, len(s))
		}
		return v, err
	}, argv...)
}

func arity(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d argument(s)", lo)
	case lo == hi:
		return fmt.Sprintf("%d argument(s)", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

func compileConstant(v driver.Value) func(c *compiler, x *sqlparser.FuncExpr) (typed, error) {
	return func(c *compiler, x *sqlparser.FuncExpr) (typed, error) { return c.constant(v), nil }
}
