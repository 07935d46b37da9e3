package planner

import (
	"database/sql/driver"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// DatabaseName is the schema the tables live in, as SHOW TABLES
// ("Tables_in_twilio"), DATABASE() and information_schema name it.
const DatabaseName = "twilio"

// serverVersion is what VERSION() answers: MySQL-compatible for the tools
// that parse it, and naming the driver.
const serverVersion = "8.0.0-twiliosql"

// moreFuncs are functions compiled specially (no arguments, constants).
var moreFuncs = map[string]func(c *compiler, x *sqlparser.FuncExpr) (typed, error){
	"database": constantFunc(DatabaseName),
	"schema":   constantFunc(DatabaseName),
	"version":  constantFunc(serverVersion),
}

func constantFunc(v driver.Value) func(c *compiler, x *sqlparser.FuncExpr) (typed, error) {
	return func(c *compiler, x *sqlparser.FuncExpr) (typed, error) {
		if len(x.Exprs) != 0 {
			return typed{}, fmt.Errorf("twilio: %s() takes no arguments", strings.ToUpper(x.Name.String()))
		}
		return c.constant(v), nil
	}
}

func init() {
	for name, f := range extraScalars {
		scalarFuncs[name] = f
	}
}

var extraScalars = map[string]scalarFunc{
	"if": {3, 3, func(a []typed) schema.Type { return a[1].typ }, func(a []driver.Value) (driver.Value, error) {
		if b, ok := truth(a[0]); ok && b {
			return a[1], nil
		}
		return a[2], nil
	}},
	"concat_ws": {2, -1, fixedType(schema.String), func(a []driver.Value) (driver.Value, error) {
		if a[0] == nil {
			return nil, nil
		}
		var parts []string
		for _, v := range a[1:] {
			if v != nil {
				parts = append(parts, toString(v))
			}
		}
		sep := toString(a[0])
		size := int64(len(sep)) * int64(max(len(parts)-1, 0))
		for _, p := range parts {
			size += int64(len(p))
		}
		if err := checkSize("concat_ws", size); err != nil {
			return nil, err
		}
		return strings.Join(parts, sep), nil
	}},
	"left": {2, 2, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		r := []rune(toString(a[0]))
		n, _ := toInt(a[1])
		n = max(0, min(n, int64(len(r))))
		return string(r[:n]), nil
	})},
	"right": {2, 2, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		r := []rune(toString(a[0]))
		n, _ := toInt(a[1])
		n = max(0, min(n, int64(len(r))))
		return string(r[int64(len(r))-n:]), nil
	})},
	"replace": {3, 3, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		s, from, to := toString(a[0]), toString(a[1]), toString(a[2])
		if from == "" {
			return s, nil
		}
		// Sized before it is built: nested REPLACEs grow geometrically.
		n := int64(strings.Count(s, from))
		if err := checkSize("replace", int64(len(s))+n*(int64(len(to))-int64(len(from)))); err != nil {
			return nil, err
		}
		return strings.ReplaceAll(s, from, to), nil
	})},
	"floor": {1, 1, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		return integral(a[0], math.Floor, decimal.Decimal.Floor), nil
	})},
	"ceil": {1, 1, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		return integral(a[0], math.Ceil, decimal.Decimal.Ceil), nil
	})},
	"minute":     {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return t.Minute() }))},
	"second":     {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return t.Second() }))},
	"dayofmonth": {1, 1, fixedType(schema.Int), strictly(timePart(func(t time.Time) int { return t.Day() }))},
	"datediff": {2, 2, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		x, ok1 := asTime(a[0])
		y, ok2 := asTime(a[1])
		if !ok1 || !ok2 {
			return nil, nil
		}
		dx := time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)
		dy := time.Date(y.Year(), y.Month(), y.Day(), 0, 0, 0, 0, time.UTC)
		return int64(dx.Sub(dy).Hours() / 24), nil
	})},
}

func init() { scalarFuncs["ceiling"] = scalarFuncs["ceil"] }

// listArgument reads a slice bound to "IN (::list)" or "IN ?".
func listArgument(v driver.Value) ([]driver.Value, bool) {
	if v == nil {
		return nil, false
	}
	if s, ok := v.([]string); ok {
		out := make([]driver.Value, len(s))
		for i, x := range s {
			out[i] = x
		}
		return out, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make([]driver.Value, rv.Len())
	for i := range out {
		item := rv.Index(i).Interface()
		switch x := item.(type) {
		case int:
			item = int64(x)
		case int32:
			item = int64(x)
		case float32:
			item = float64(x)
		case []byte:
			item = string(x)
		}
		out[i] = item
	}
	return out, true
}

// checkOperands refuses a comparison of a column with a constant of a type
// it can never hold, naming both: a time column with text that is not a
// time, a number column with text that is not a number, a boolean with text.
// MySQL would quietly convert (and match nothing, or everything).
func checkOperands(le sqlparser.Expr, lt typed, re sqlparser.Expr, rt typed) error {
	if col, ok := le.(*sqlparser.ColName); ok && rt.constant {
		return checkConstant(col, lt.typ, rt)
	}
	if col, ok := re.(*sqlparser.ColName); ok && lt.constant {
		return checkConstant(col, rt.typ, lt)
	}
	return nil
}

func checkConstant(col *sqlparser.ColName, typ schema.Type, val typed) error {
	v, err := val.eval(nil)
	if err != nil {
		return err
	}
	s, isStr := v.(string)
	if !isStr {
		return nil
	}
	name := sqlparser.String(col)
	switch typ {
	case schema.Time, schema.Date:
		if _, ok := parseTime(s); !ok {
			return fmt.Errorf("twilio: %s is a %s but %s is not a time: write '2024-03-05' or '2024-03-05 10:00:00'", name, typ, describe(v))
		}
	case schema.Int, schema.Float:
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return fmt.Errorf("twilio: %s is a %s but %s is not a number", name, typ, describe(v))
		}
	case schema.Bool:
		return fmt.Errorf("twilio: %s is a %s: compare it with TRUE or FALSE, not %s", name, typ, describe(v))
	}
	return nil
}

// integral is FLOOR or CEIL: BIGINT when the result fits, else the exact
// or approximate value it is (MySQL: FLOOR(1e300) is 1e300).
func integral(v driver.Value, f func(float64) float64, d func(decimal.Decimal) decimal.Decimal) driver.Value {
	switch x := v.(type) {
	case int64:
		return x
	case decimal.Decimal:
		r := d(x)
		if n, ok := decimalToInt(r); ok {
			return n
		}
		return r
	}
	x, _ := toFloat(v)
	r := f(x)
	if r >= math.MinInt64 && r < math.MaxInt64 {
		return int64(r)
	}
	return r
}
