package eval

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// cast is CAST(x AS type) and CONVERT(x, type) with MySQL's types: SIGNED,
// UNSIGNED, DECIMAL[(p[,s])], CHAR[(n)], DATE, DATETIME, TIME, JSON (and
// FLOAT/REAL as DOUBLE).
func (c *Compiler) cast(e sqlparser.Expr, to *sqlparser.ConvertType) (Typed, error) {
	inner, err := c.Expr(e)
	if err != nil {
		return Typed{}, err
	}
	text := func() string { return ExprText(e) }
	length := func(def int64) (int64, error) {
		if to.Length == nil {
			return def, nil
		}
		n, err := strconv.ParseInt(string(to.Length.Val), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("twilio: CAST length %s is not a number", to.Length.Val)
		}
		return n, nil
	}
	name := strings.ToLower(to.Type)
	var typ schema.Type
	var conv func(v driver.Value) (driver.Value, error)
	switch name {
	case "signed", "signed integer", "int", "integer":
		typ = schema.Int
		conv = func(v driver.Value) (driver.Value, error) { return convert(v, schema.Int, text) }
	case "unsigned", "unsigned integer":
		typ = schema.Int
		conv = func(v driver.Value) (driver.Value, error) { return castUnsigned(v, text) }
	case "decimal":
		p, err := length(10)
		if err != nil {
			return Typed{}, err
		}
		s := int64(0)
		if to.Scale != nil {
			s, _ = strconv.ParseInt(string(to.Scale.Val), 10, 64)
		}
		if p < 1 || p > maxDecimalDigits || s < 0 || s > MaxDecimalScale || s > p {
			return Typed{}, fmt.Errorf("twilio: DECIMAL(%d,%d) is not a DECIMAL type: precision 1 to 65, scale 0 to 30 and not above the precision", p, s)
		}
		typ = schema.Decimal
		conv = func(v driver.Value) (driver.Value, error) { return castDecimal(v, int32(p), int32(s), text) }
	case "float", "real", "double":
		typ = schema.Float
		conv = func(v driver.Value) (driver.Value, error) {
			f, _ := ToFloat(v)
			return f, nil
		}
	case "char", "nchar", "binary", "varchar", "text":
		n, err := length(-1)
		if err != nil {
			return Typed{}, err
		}
		typ = schema.String
		conv = func(v driver.Value) (driver.Value, error) {
			s := ToString(v)
			if n >= 0 {
				if r := []rune(s); int64(len(r)) > n {
					s = string(r[:n])
				}
			}
			return s, nil
		}
	case "date", "datetime", "timestamp":
		typ = schema.Time
		if name == "date" {
			typ = schema.Date
		}
		conv = func(v driver.Value) (driver.Value, error) { return convert(v, typ, text) }
	case "time":
		typ = schema.String
		conv = func(v driver.Value) (driver.Value, error) { return fnTime([]driver.Value{v}) }
	case "json":
		typ = schema.JSON
		conv = castJSON
	default:
		return Typed{}, fmt.Errorf("twilio: CAST to %s is not supported: use SIGNED, UNSIGNED, DECIMAL(p,s), CHAR(n), DATE, DATETIME, TIME or JSON", to.Type)
	}
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		v, err := inner.Eval(row)
		if err != nil || v == nil {
			return nil, err
		}
		return conv(v)
	}, inner), nil
}

// castDecimal rounds to scale s and refuses a value with more than p-s
// integer digits (MySQL clamps with a warning; a wrong value silently is
// worse).
func castDecimal(v driver.Value, p, s int32, text func() string) (driver.Value, error) {
	d, ok := ToDecimal(v)
	if !ok {
		var err error
		switch x := v.(type) {
		case string:
			d, err = decimal.NewFromString(strings.TrimSpace(x))
			if err != nil {
				d = decimal.NewFromFloat(leadingNumber(x))
			}
		default:
			f, _ := ToFloat(v)
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, errOutOfRange("DECIMAL", text())
			}
			d = decimal.NewFromFloat(f)
		}
	}
	d = d.Round(s)
	limit := decimal.New(1, p-s)
	if d.Abs().GreaterThanOrEqual(limit) {
		return nil, errOutOfRange("DECIMAL", text())
	}
	return d.Round(s), nil
}

// castUnsigned is CAST(x AS UNSIGNED): negative values wrap modulo 2^64, as
// in MySQL; values past BIGINT stay exact DECIMALs.
func castUnsigned(v driver.Value, text func() string) (driver.Value, error) {
	var d decimal.Decimal
	switch x := v.(type) {
	case string:
		var err error
		if d, err = decimal.NewFromString(strings.TrimSpace(x)); err != nil {
			d = decimal.NewFromFloat(leadingNumber(x))
		}
	default:
		var ok bool
		if d, ok = ToDecimal(v); !ok {
			f, _ := ToFloat(v)
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, errOutOfRange("BIGINT UNSIGNED", text())
			}
			d = decimal.NewFromFloat(f)
		}
	}
	d = d.Round(0)
	if d.IsNegative() {
		d = d.Add(two64)
	}
	if d.IsNegative() || d.GreaterThanOrEqual(two64) {
		return nil, errOutOfRange("BIGINT UNSIGNED", text())
	}
	if n, ok := decimalToInt(d); ok {
		return n, nil
	}
	return d, nil
}

// two64 is 2^64, the modulus of BIGINT UNSIGNED.
var two64 = decimal.RequireFromString("18446744073709551616")
