package eval

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
	Name    string   // lower case
	Aliases []string // lower case
	Min     int      // fewest arguments
	Max     int      // most arguments; -1: any number
	Doc     string   // signature and one line, for the README and errors
	// typ is the result's type given the arguments'; nil: String.
	typ func(args []Typed) schema.Type
	// call evaluates the function on its evaluated arguments; NULL handling
	// is the function's own (wrap with strict for "NULL in, NULL out").
	Call func(args []driver.Value) (driver.Value, error)
	// compile, when set, compiles the call itself: functions whose
	// arguments are not plain expressions (an INTERVAL, a unit keyword) or
	// that read the statement's clock.
	Compile func(c *Compiler, x *sqlparser.FuncExpr) (Typed, error)
	// aggregate: evaluated over a group by aggregate.go.
	Aggregate bool
}

func returns(t schema.Type) func([]Typed) schema.Type {
	return func([]Typed) schema.Type { return t }
}

// sameAs is the type of the argument at i (IFNULL, ABS…).
func sameAs(i int) func([]Typed) schema.Type {
	return func(a []Typed) schema.Type {
		if i < len(a) {
			return a[i].Typ
		}
		return schema.String
	}
}

// mergedFrom is the type of a result that is one of the arguments from i
// on (IF's branches, IFNULL, COALESCE, GREATEST, LEAST): numbers of
// several types make the widest (mergedNumeric); otherwise the argument
// at i's type.
func mergedFrom(i int) func([]Typed) schema.Type {
	return func(a []Typed) schema.Type {
		if i < len(a) {
			if t, ok := mergedNumeric(a[i:]); ok {
				return t
			}
		}
		return sameAs(i)(a)
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

// FunctionRegistry is kept sorted by name (a test checks it).
var FunctionRegistry = []sqlFunction{
	{Name: "abs", Min: 1, Max: 1, typ: sameAs(0), Call: strict(fnAbs), Doc: "ABS(x): the absolute value of x"},
	{Name: "adddate", Min: 2, Max: 2, Compile: compileDateAdd(false), Doc: "ADDDATE(date, INTERVAL n unit) or ADDDATE(date, days): date plus the interval"},
	{Name: "any_value", Min: 1, Max: 1, Aggregate: true, Doc: "ANY_VALUE(x): aggregate: one of the group's values of x"},
	{Name: "avg", Min: 1, Max: 1, Aggregate: true, Doc: "AVG([DISTINCT] x): aggregate: the mean of the non-NULL values"},
	{Name: "ceil", Aliases: []string{"ceiling"}, Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(fnCeil), Doc: "CEIL(x): the smallest integer not less than x"},
	{Name: "char_length", Aliases: []string{"character_length"}, Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(fnCharLength), Doc: "CHAR_LENGTH(s): the length of s in characters"},
	{Name: "coalesce", Min: 1, Max: -1, typ: mergedFrom(0), Call: fnCoalesce, Doc: "COALESCE(x, …): the first argument that is not NULL"},
	{Name: "concat", Min: 1, Max: -1, Call: strict(fnConcat), Doc: "CONCAT(s, …): the arguments joined; NULL if any is NULL"},
	{Name: "concat_ws", Min: 2, Max: -1, Call: fnConcatWS, Doc: "CONCAT_WS(sep, s, …): the non-NULL arguments joined by sep"},
	{Name: "convert_tz", Min: 3, Max: 3, typ: returns(schema.Time), Call: strict(fnConvertTZ), Doc: "CONVERT_TZ(dt, from_tz, to_tz): dt moved between time zones (IANA names or ±hh:mm)"},
	{Name: "count", Min: 1, Max: 1, Aggregate: true, Doc: "COUNT(*), COUNT([DISTINCT] x): aggregate: the number of rows, or of non-NULL values"},
	{Name: "curdate", Aliases: []string{"current_date", "utc_date"}, Min: 0, Max: 0, Compile: compileToday, Doc: "CURDATE(): today's date (UTC)"},
	{Name: "database", Aliases: []string{"schema"}, Min: 0, Max: 0, Compile: compileConstant(DatabaseName), Doc: "DATABASE(): the database's name, twilio"},
	{Name: "date", Min: 1, Max: 1, typ: returns(schema.Date), Call: strict(fnDate), Doc: "DATE(x): the date part of a date or datetime"},
	{Name: "date_add", Min: 2, Max: 2, Compile: compileDateAdd(false), Doc: "DATE_ADD(date, INTERVAL n unit): date plus the interval, the day clamped to the month's last"},
	{Name: "date_format", Min: 2, Max: 2, Call: strict(fnDateFormat), Doc: "DATE_FORMAT(date, format): date written with MySQL's % specifiers"},
	{Name: "date_sub", Min: 2, Max: 2, Compile: compileDateAdd(true), Doc: "DATE_SUB(date, INTERVAL n unit): date minus the interval"},
	{Name: "datediff", Min: 2, Max: 2, typ: returns(schema.Int), Call: strict(fnDateDiff), Doc: "DATEDIFF(a, b): the days from date b to date a"},
	{Name: "day", Aliases: []string{"dayofmonth"}, Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Day()) })), Doc: "DAY(date): the day of the month, 1 to 31"},
	{Name: "dayname", Min: 1, Max: 1, Call: strict(fnDayName), Doc: "DAYNAME(date): the weekday's English name"},
	{Name: "dayofweek", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Weekday()) + 1 })), Doc: "DAYOFWEEK(date): 1 for Sunday to 7 for Saturday"},
	{Name: "dayofyear", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.YearDay()) })), Doc: "DAYOFYEAR(date): the day of the year, 1 to 366"},
	{Name: "extract", Min: 2, Max: 2, typ: returns(schema.Int), Compile: compileExtract, Doc: "EXTRACT(unit FROM date): one part of a date (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MICROSECOND, YEAR_MONTH, DAY_HOUR…)"},
	{Name: "floor", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(fnFloor), Doc: "FLOOR(x): the largest integer not greater than x"},
	{Name: "from_unixtime", Min: 1, Max: 2, typ: fromUnixtimeType, Call: strict(fnFromUnixtime), Doc: "FROM_UNIXTIME(seconds[, format]): the UTC datetime of a Unix time"},
	{Name: "greatest", Min: 2, Max: -1, typ: mergedFrom(0), Call: strict(fnGreatest), Doc: "GREATEST(x, y, …): the largest argument; NULL if any is NULL"},
	{Name: "group_concat", Min: 1, Max: -1, Aggregate: true, Doc: "GROUP_CONCAT([DISTINCT] x [ORDER BY …] [SEPARATOR s]): aggregate: the values joined"},
	{Name: "hour", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Hour()) })), Doc: "HOUR(time): the hour, 0 to 23"},
	{Name: "if", Min: 3, Max: 3, typ: mergedFrom(1), Call: fnIf, Doc: "IF(cond, a, b): a when cond is true, else b"},
	{Name: "ifnull", Min: 2, Max: 2, typ: mergedFrom(0), Call: fnIfNull, Doc: "IFNULL(x, y): x, or y when x is NULL"},
	{Name: "instr", Min: 2, Max: 2, typ: returns(schema.Int), Call: strict(fnInstr), Doc: "INSTR(s, sub): the position of sub in s (from 1, ignoring case), 0 if absent"},
	{Name: "isnull", Min: 1, Max: 1, typ: returns(schema.Int), Call: fnIsNull, Doc: "ISNULL(x): 1 when x is NULL, else 0"},
	{Name: "json_extract", Min: 2, Max: -1, typ: returns(schema.JSON), Call: strict(fnJSONExtract), Doc: "JSON_EXTRACT(doc, path, …): the JSON at a path ($.a.b, $[0], $[*]); also doc->path"},
	{Name: "json_unquote", Min: 1, Max: 1, Call: strict(fnJSONUnquote), Doc: "JSON_UNQUOTE(json): a JSON string's text; also doc->>path"},
	{Name: "last_day", Min: 1, Max: 1, typ: returns(schema.Date), Call: strict(fnLastDay), Doc: "LAST_DAY(date): the last day of date's month"},
	{Name: "least", Min: 2, Max: -1, typ: mergedFrom(0), Call: strict(fnLeast), Doc: "LEAST(x, y, …): the smallest argument; NULL if any is NULL"},
	{Name: "left", Min: 2, Max: 2, Call: strict(fnLeft), Doc: "LEFT(s, n): the first n characters of s"},
	{Name: "length", Aliases: []string{"octet_length"}, Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(fnLength), Doc: "LENGTH(s): the length of s in bytes"},
	{Name: "ln", Min: 1, Max: 1, typ: returns(schema.Float), Call: strict(fnLn), Doc: "LN(x): the natural logarithm; NULL for x ≤ 0"},
	{Name: "locate", Min: 2, Max: 3, typ: returns(schema.Int), Call: strict(fnLocate), Doc: "LOCATE(sub, s[, pos]): the position of sub in s from pos (ignoring case), 0 if absent"},
	{Name: "log", Min: 1, Max: 2, typ: returns(schema.Float), Call: strict(fnLog), Doc: "LOG(x) or LOG(b, x): the natural or base-b logarithm; NULL for x ≤ 0 or b ≤ 1"},
	{Name: "log10", Min: 1, Max: 1, typ: returns(schema.Float), Call: strict(fnLogBase(10)), Doc: "LOG10(x): the base-10 logarithm"},
	{Name: "log2", Min: 1, Max: 1, typ: returns(schema.Float), Call: strict(fnLogBase(2)), Doc: "LOG2(x): the base-2 logarithm"},
	{Name: "lower", Aliases: []string{"lcase"}, Min: 1, Max: 1, Call: strict(fnLower), Doc: "LOWER(s): s in lower case"},
	{Name: "lpad", Min: 3, Max: 3, Call: strict(fnPad(true)), Doc: "LPAD(s, n, pad): s left-padded with pad (or cut) to n characters"},
	{Name: "ltrim", Min: 1, Max: 1, Call: strict(fnTrimSpaces(strings.TrimLeft)), Doc: "LTRIM(s): s without leading spaces"},
	{Name: "makedate", Min: 2, Max: 2, typ: returns(schema.Date), Call: strict(fnMakeDate), Doc: "MAKEDATE(year, day_of_year): the date"},
	{Name: "max", Min: 1, Max: 1, Aggregate: true, Doc: "MAX([DISTINCT] x): aggregate: the largest value"},
	{Name: "min", Min: 1, Max: 1, Aggregate: true, Doc: "MIN([DISTINCT] x): aggregate: the smallest value"},
	{Name: "minute", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Minute()) })), Doc: "MINUTE(time): the minute, 0 to 59"},
	{Name: "mod", Min: 2, Max: 2, typ: modType, Call: strict(fnMod), Doc: "MOD(n, m): the remainder of n divided by m (also n % m); NULL for m = 0"},
	{Name: "month", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Month()) })), Doc: "MONTH(date): the month, 1 to 12"},
	{Name: "monthname", Min: 1, Max: 1, Call: strict(fnMonthName), Doc: "MONTHNAME(date): the month's English name"},
	{Name: "now", Aliases: []string{"current_timestamp", "localtime", "localtimestamp", "sysdate", "utc_timestamp"}, Min: 0, Max: 1, Compile: compileNow, Doc: "NOW(): the statement's start time (UTC)"},
	{Name: "nullif", Min: 2, Max: 2, typ: sameAs(0), Call: fnNullIf, Doc: "NULLIF(x, y): NULL when x = y, else x"},
	{Name: "pow", Aliases: []string{"power"}, Min: 2, Max: 2, typ: returns(schema.Float), Call: strict(fnPow), Doc: "POW(x, y): x raised to the power y"},
	{Name: "quarter", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Month()+2) / 3 })), Doc: "QUARTER(date): the quarter, 1 to 4"},
	{Name: "repeat", Min: 2, Max: 2, Call: strict(fnRepeat), Doc: "REPEAT(s, n): s repeated n times"},
	{Name: "replace", Min: 3, Max: 3, Call: strict(fnReplace), Doc: "REPLACE(s, from, to): s with every from replaced by to"},
	{Name: "reverse", Min: 1, Max: 1, Call: strict(fnReverse), Doc: "REVERSE(s): s's characters in reverse order"},
	{Name: "right", Min: 2, Max: 2, Call: strict(fnRight), Doc: "RIGHT(s, n): the last n characters of s"},
	{Name: "round", Min: 1, Max: 2, typ: sameAs(0), Call: strict(fnRound), Doc: "ROUND(x[, d]): x rounded to d decimals (exact values half away from zero)"},
	{Name: "rpad", Min: 3, Max: 3, Call: strict(fnPad(false)), Doc: "RPAD(s, n, pad): s right-padded with pad (or cut) to n characters"},
	{Name: "rtrim", Min: 1, Max: 1, Call: strict(fnTrimSpaces(strings.TrimRight)), Doc: "RTRIM(s): s without trailing spaces"},
	{Name: "second", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Second()) })), Doc: "SECOND(time): the second, 0 to 59"},
	{Name: "sign", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(fnSign), Doc: "SIGN(x): -1, 0 or 1"},
	{Name: "space", Min: 1, Max: 1, Call: strict(fnSpace), Doc: "SPACE(n): n spaces"},
	{Name: "sqrt", Min: 1, Max: 1, typ: returns(schema.Float), Call: strict(fnSqrt), Doc: "SQRT(x): the square root; NULL for x < 0"},
	{Name: "str_to_date", Min: 2, Max: 2, typ: strToDateType, Call: strict(fnStrToDate), Doc: "STR_TO_DATE(s, format): the date, datetime or time s spells in DATE_FORMAT's specifiers; NULL if it does not"},
	{Name: "subdate", Min: 2, Max: 2, Compile: compileDateAdd(true), Doc: "SUBDATE(date, INTERVAL n unit) or SUBDATE(date, days): date minus the interval"},
	{Name: "substring", Aliases: []string{"mid", "substr"}, Min: 2, Max: 3, Compile: compileSubstring, Doc: "SUBSTRING(s, pos[, len]) or SUBSTRING(s FROM pos [FOR len]): part of s; pos from 1, negative from the end"},
	{Name: "sum", Min: 1, Max: 1, Aggregate: true, Doc: "SUM([DISTINCT] x): aggregate: the total of the non-NULL values"},
	{Name: "time", Min: 1, Max: 1, Call: strict(fnTime), Doc: "TIME(x): the time part as hh:mm:ss"},
	{Name: "timestampadd", Min: 3, Max: 3, Compile: compileTimestampAdd, Doc: "TIMESTAMPADD(unit, n, datetime): datetime plus n units"},
	{Name: "timestampdiff", Min: 3, Max: 3, typ: returns(schema.Int), Compile: compileTimestampDiff, Doc: "TIMESTAMPDIFF(unit, a, b): whole units from a to b"},
	{Name: "trim", Min: 1, Max: 1, Call: strict(fnTrimSpaces(strings.Trim)), Doc: "TRIM(s): s without leading and trailing spaces"},
	{Name: "truncate", Min: 2, Max: 2, typ: sameAs(0), Call: strict(fnTruncate), Doc: "TRUNCATE(x, d): x cut (not rounded) to d decimals"},
	{Name: "unix_timestamp", Min: 0, Max: 1, typ: returns(schema.Int), Compile: compileUnixTimestamp, Doc: "UNIX_TIMESTAMP([datetime]): seconds since 1970-01-01 UTC"},
	{Name: "upper", Aliases: []string{"ucase"}, Min: 1, Max: 1, Call: strict(fnUpper), Doc: "UPPER(s): s in upper case"},
	{Name: "version", Min: 0, Max: 0, Compile: compileConstant(serverVersion), Doc: "VERSION(): the MySQL version the driver answers as"},
	{Name: "week", Min: 1, Max: 2, typ: returns(schema.Int), Call: strict(fnWeek), Doc: "WEEK(date[, mode]): the week number in MySQL's modes 0 to 7"},
	{Name: "weekday", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return (int64(t.Weekday()) + 6) % 7 })), Doc: "WEEKDAY(date): 0 for Monday to 6 for Sunday"},
	{Name: "year", Min: 1, Max: 1, typ: returns(schema.Int), Call: strict(timePart(func(t time.Time) int64 { return int64(t.Year()) })), Doc: "YEAR(date): the year"},
	{Name: "yearweek", Min: 1, Max: 2, typ: returns(schema.Int), Call: strict(fnYearWeek), Doc: "YEARWEEK(date[, mode]): year and week as yyyyww"},
}

// functionIndex finds an entry by name or alias. Built in init: the
// registry's compilers reach lookupFunction, a cycle for an initializer.
var functionIndex map[string]*sqlFunction

func init() {
	functionIndex = map[string]*sqlFunction{}
	for i := range FunctionRegistry {
		f := &FunctionRegistry[i]
		for _, n := range append([]string{f.Name}, f.Aliases...) {
			functionIndex[n] = f
		}
	}
}

func lookupFunction(name string) (*sqlFunction, bool) {
	f, ok := functionIndex[strings.ToLower(name)]
	return f, ok
}

func IsAggregate(name string) bool {
	f, ok := lookupFunction(name)
	return ok && f.Aggregate
}

// FunctionNames lists every name and alias, upper case, sorted.
func FunctionNames() []string {
	var out []string
	for n := range functionIndex {
		out = append(out, strings.ToUpper(n))
	}
	slices.Sort(out)
	return out
}

func errUnknownFunction(name string) error {
	return fmt.Errorf("twilio: unknown function %s(): supported are %s; also CAST(x AS type), CONVERT(x, type), CASE, and the operators -> and ->>", strings.ToUpper(name), strings.Join(FunctionNames(), ", "))
}

// FunctionsMarkdown is the README's list of functions: one line per
// function, with its aliases and doc.
func FunctionsMarkdown() string {
	var b strings.Builder
	for _, f := range FunctionRegistry {
		sig, line, _ := strings.Cut(f.Doc, ": ")
		fmt.Fprintf(&b, "- `%s`", sig)
		if len(f.Aliases) > 0 {
			names := make([]string, len(f.Aliases))
			for i, a := range f.Aliases {
				names[i] = "`" + strings.ToUpper(a) + "`"
			}
			fmt.Fprintf(&b, " (also %s)", strings.Join(names, ", "))
		}
		fmt.Fprintf(&b, ": %s\n", line)
	}
	return b.String()
}

// function compiles a call through the registry.
func (c *Compiler) function(x *sqlparser.FuncExpr) (Typed, error) {
	name := x.Name.Lowered()
	fn, ok := lookupFunction(name)
	if !ok {
		return Typed{}, errUnknownFunction(name)
	}
	if fn.Aggregate {
		if c.Agg != nil {
			return c.Agg.Aggregate(x)
		}
		return Typed{}, fmt.Errorf("twilio: %s() is an aggregate; aggregates are not supported in this position: use them in SELECT, HAVING or ORDER BY", strings.ToUpper(name))
	}
	if len(x.Exprs) < fn.Min || (fn.Max >= 0 && len(x.Exprs) > fn.Max) {
		return Typed{}, fmt.Errorf("twilio: %s() takes %s: %s", strings.ToUpper(name), arity(fn.Min, fn.Max), fn.Doc)
	}
	if x.Distinct {
		return Typed{}, fmt.Errorf("twilio: DISTINCT goes only in aggregates, not in %s()", strings.ToUpper(name))
	}
	if fn.Compile != nil {
		return fn.Compile(c, x)
	}
	argv := make([]Typed, len(x.Exprs))
	for i, se := range x.Exprs {
		t, err := c.SelectArg(se)
		if err != nil {
			return Typed{}, err
		}
		argv[i] = t
	}
	typ := schema.String
	if fn.typ != nil {
		typ = fn.typ(argv)
	}
	return c.call(typ, name, fn.Call, argv), nil
}

// call builds the evaluation of a function over compiled arguments; a
// string result counts against the statement's budget (limits.go).
func (c *Compiler) call(typ schema.Type, name string, f func([]driver.Value) (driver.Value, error), argv []Typed) Typed {
	work := c.Budget()
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(argv))
		for i, a := range argv {
			v, err := a.Eval(row)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		v, err := f(vals)
		if s, ok := v.(string); ok && err == nil {
			err = work.charge(name, len(s))
		}
		return ConformNumeric(v, typ), err
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

func compileConstant(v driver.Value) func(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	return func(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) { return c.constant(v), nil }
}
