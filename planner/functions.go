package planner

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// scalarFunc is a SQL function over evaluated arguments. NULL handling is
// each function's own, as in MySQL (CONCAT of a NULL is NULL, COALESCE skips
// them).
type scalarFunc struct {
	minArgs, maxArgs int // maxArgs -1: any number
	typ              func(args []typed) schema.Type
	call             func(args []driver.Value) (driver.Value, error)
}

func fixedType(t schema.Type) func([]typed) schema.Type {
	return func([]typed) schema.Type { return t }
}

func firstType(args []typed) schema.Type {
	if len(args) == 0 {
		return schema.String
	}
	return args[0].typ
}

// strictly makes a function return NULL when any argument is NULL.
func strictly(f func(args []driver.Value) (driver.Value, error)) func([]driver.Value) (driver.Value, error) {
	return func(args []driver.Value) (driver.Value, error) {
		for _, a := range args {
			if a == nil {
				return nil, nil
			}
		}
		return f(args)
	}
}

var scalarFuncs = map[string]scalarFunc{
	"lower": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.ToLower(toString(a[0])), nil
	})},
	"upper": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.ToUpper(toString(a[0])), nil
	})},
	"length": {1, 1, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		return int64(len(toString(a[0]))), nil
	})},
	"char_length": {1, 1, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		return int64(utf8.RuneCountInString(toString(a[0]))), nil
	})},
	"concat": {1, -1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		parts := make([]string, len(a))
		size := int64(0)
		for i, v := range a {
			parts[i] = toString(v)
			size += int64(len(parts[i]))
		}
		if err := checkSize("concat", size); err != nil {
			return nil, err
		}
		return strings.Join(parts, ""), nil
	})},
	"trim": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.Trim(toString(a[0]), " "), nil
	})},
	"ltrim": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.TrimLeft(toString(a[0]), " "), nil
	})},
	"rtrim": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.TrimRight(toString(a[0]), " "), nil
	})},
	"coalesce": {1, -1, firstType, func(a []driver.Value) (driver.Value, error) {
		for _, v := range a {
			if v != nil {
				return v, nil
			}
		}
		return nil, nil
	}},
	"ifnull": {2, 2, firstType, func(a []driver.Value) (driver.Value, error) {
		if a[0] != nil {
			return a[0], nil
		}
		return a[1], nil
	}},
	"nullif": {2, 2, firstType, func(a []driver.Value) (driver.Value, error) {
		if cmp, ok := compare(a[0], a[1]); ok && cmp == 0 {
			return nil, nil
		}
		return a[0], nil
	}},
	"abs": {1, 1, firstType, strictly(func(a []driver.Value) (driver.Value, error) {
		switch x := a[0].(type) {
		case int64:
			if x == math.MinInt64 {
				return nil, errOutOfRange("BIGINT", fmt.Sprintf("abs(%d)", x))
			}
			if x < 0 {
				return -x, nil
			}
			return x, nil
		case decimal.Decimal:
			return x.Abs(), nil
		}
		f, _ := toFloat(a[0])
		return math.Abs(f), nil
	})},
	"round": {1, 2, firstType, strictly(func(a []driver.Value) (driver.Value, error) {
		places := int64(0)
		if len(a) == 2 {
			places, _ = toInt(a[1])
		}
		return roundTo(a[0], places, false), nil
	})},
	"date": {1, 1, fixedType(schema.Date), strictly(func(a []driver.Value) (driver.Value, error) {
		t, ok := asTime(a[0])
		if !ok {
			return nil, nil
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	})},
	"year":  {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return t.Year() }))},
	"month": {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return int(t.Month()) }))},
	"day":   {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return t.Day() }))},
	"hour":  {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return t.Hour() }))},
}

func timePart(part func(time.Time) int) func([]driver.Value) (driver.Value, error) {
	return func(a []driver.Value) (driver.Value, error) {
		t, ok := asTime(a[0])
		if !ok {
			return nil, nil
		}
		return int64(part(t)), nil
	}
}

// asTime reads a time from a time or a time literal string.
func asTime(v driver.Value) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case string:
		return parseTime(x)
	}
	return time.Time{}, false
}

func (c *compiler) function(x *sqlparser.FuncExpr) (typed, error) {
	name := x.Name.Lowered()
	switch name {
	case "now", "current_timestamp", "utc_timestamp", "sysdate":
		return c.constant(c.now()), nil
	case "curdate", "current_date", "utc_date":
		t := c.now().(time.Time)
		d := c.constant(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
		d.typ = schema.Date
		return d, nil
	case "date_add", "date_sub", "adddate", "subdate":
		if len(x.Exprs) != 2 {
			return typed{}, fmt.Errorf("twilio: %s takes a time and an INTERVAL", strings.ToUpper(name))
		}
		base, err := c.selectArg(x.Exprs[0])
		if err != nil {
			return typed{}, err
		}
		var iv *sqlparser.IntervalExpr
		if ae, ok := x.Exprs[1].(*sqlparser.AliasedExpr); ok {
			iv, _ = ae.Expr.(*sqlparser.IntervalExpr)
		}
		if iv == nil {
			return typed{}, fmt.Errorf("twilio: the second argument of %s must be INTERVAL n unit, e.g. INTERVAL 7 DAY", strings.ToUpper(name))
		}
		return c.interval(base, iv, name == "date_sub" || name == "subdate")
	case "substring", "substr", "mid":
		if len(x.Exprs) < 2 || len(x.Exprs) > 3 {
			return typed{}, fmt.Errorf("twilio: SUBSTRING() takes a string, a position and an optional length")
		}
		subject, err := c.selectArg(x.Exprs[0])
		if err != nil {
			return typed{}, err
		}
		var parts [2]sqlparser.Expr
		for i, se := range x.Exprs[1:] {
			ae, ok := se.(*sqlparser.AliasedExpr)
			if !ok {
				return typed{}, unsupported(sqlparser.String(se) + " in SUBSTRING")
			}
			parts[i] = ae.Expr
		}
		return c.substring(subject, parts[0], parts[1])
	}
	if isAggregate(name) {
		if c.agg != nil {
			return c.agg.aggregate(x)
		}
		return typed{}, fmt.Errorf("twilio: %s() is an aggregate; aggregates are not supported in this position: use them in SELECT, HAVING or ORDER BY", strings.ToUpper(name))
	}
	if fn, ok := moreFuncs[name]; ok {
		return fn(c, x)
	}
	fn, ok := scalarFuncs[name]
	if !ok {
		return typed{}, fmt.Errorf("twilio: unknown function %s(): supported are LOWER, UPPER, LENGTH, CHAR_LENGTH, CONCAT, CONCAT_WS, SUBSTRING, LEFT, RIGHT, REPLACE, TRIM, COALESCE, IFNULL, NULLIF, IF, ABS, ROUND, FLOOR, CEIL, DATE, NOW, CURDATE, DATE_ADD, DATE_SUB, DATEDIFF, YEAR, MONTH, DAY, HOUR, MINUTE, SECOND and the aggregates COUNT, SUM, AVG, MIN, MAX, GROUP_CONCAT, ANY_VALUE", strings.ToUpper(name))
	}
	if len(x.Exprs) < fn.minArgs || (fn.maxArgs >= 0 && len(x.Exprs) > fn.maxArgs) {
		return typed{}, fmt.Errorf("twilio: %s() takes %s", strings.ToUpper(name), arity(fn.minArgs, fn.maxArgs))
	}
	argv := make([]typed, len(x.Exprs))
	for i, se := range x.Exprs {
		t, err := c.selectArg(se)
		if err != nil {
			return typed{}, err
		}
		argv[i] = t
	}
	work := c.budget()
	return c.derive(fn.typ(argv), func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(argv))
		for i, a := range argv {
			v, err := a.eval(row)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		v, err := fn.call(vals)
		if s, ok := v.(string); ok && err == nil {
			err = work.charge(name, len(s))
		}
		return v, err
	}, argv...), nil
}

func arity(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("at least %d arguments", lo)
	case lo == hi:
		return fmt.Sprintf("%d argument(s)", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

func (c *compiler) selectArg(se sqlparser.SelectExpr) (typed, error) {
	ae, ok := se.(*sqlparser.AliasedExpr)
	if !ok {
		return typed{}, unsupported(sqlparser.String(se) + " as a function argument")
	}
	return c.expr(ae.Expr)
}

func isAggregate(name string) bool {
	switch name {
	case "count", "sum", "avg", "min", "max", "group_concat", "any_value":
		return true
	}
	return false
}

func (c *compiler) substr(x *sqlparser.SubstrExpr) (typed, error) {
	subject, err := c.expr(x.Name)
	if err != nil {
		return typed{}, err
	}
	return c.substring(subject, x.From, x.To)
}

// substring is SUBSTRING(s, pos[, len]) with MySQL's positions.
func (c *compiler) substring(subject typed, fromExpr, lenExpr sqlparser.Expr) (typed, error) {
	from, err := c.expr(fromExpr)
	if err != nil {
		return typed{}, err
	}
	var length *typed
	if lenExpr != nil {
		l, err := c.expr(lenExpr)
		if err != nil {
			return typed{}, err
		}
		length = &l
	}
	ops := []typed{subject, from}
	if length != nil {
		ops = append(ops, *length)
	}
	return c.derive(schema.String, func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(ops))
		for i, o := range ops {
			v, err := o.eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			vals[i] = v
		}
		runes := []rune(toString(vals[0]))
		pos, _ := toInt(vals[1])
		// MySQL: 1-based; negative counts from the end; 0 yields "".
		switch {
		case pos > 0:
			pos--
		case pos < 0:
			pos += int64(len(runes))
		default:
			return "", nil
		}
		if pos < 0 || pos > int64(len(runes)) {
			return "", nil
		}
		end := int64(len(runes))
		if len(vals) == 3 {
			n, _ := toInt(vals[2])
			if n < 0 {
				return "", nil
			}
			end = min(end, pos+n)
		}
		return string(runes[pos:end]), nil
	}, ops...), nil
}

// interval adds or subtracts INTERVAL n unit to a time.
func (c *compiler) interval(base typed, iv *sqlparser.IntervalExpr, subtract bool) (typed, error) {
	amount, err := c.expr(iv.Expr)
	if err != nil {
		return typed{}, err
	}
	unit := strings.ToLower(iv.Unit)
	if _, ok := intervalSeconds[unit]; !ok {
		return typed{}, fmt.Errorf("twilio: INTERVAL unit %s is not supported: use SECOND, MINUTE, HOUR, DAY, WEEK, MONTH or YEAR", iv.Unit)
	}
	// MySQL: a DATE plus days, weeks, months or years is a DATE.
	typ := schema.Time
	if intervalSeconds[unit]%86400 == 0 && isDateValued(base) {
		typ = schema.Date
	}
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		bv, err := base.eval(row)
		if err != nil || bv == nil {
			return nil, err
		}
		av, err := amount.eval(row)
		if err != nil || av == nil {
			return nil, err
		}
		t, ok := asTime(bv)
		if !ok {
			return nil, nil
		}
		n, ok := toInt(roundTo(av, 0, false))
		if !ok {
			return nil, errOutOfRange("DATETIME", exprText(iv))
		}
		if subtract {
			n = -n
		}
		r, ok := addInterval(t, unit, n)
		if !ok {
			return nil, errOutOfRange("DATETIME", exprText(iv))
		}
		return r, nil
	}, base, amount), nil
}
