package eval

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xwb1989/sqlparser"
)

// Numbers follow MySQL's three kinds: BIGINT (int64), DECIMAL (exact, here
// shopspring/decimal, the library go-mysql-server uses for the same job)
// and DOUBLE (float64). A literal with a decimal point and no exponent is a
// DECIMAL, so 0.1*2+0.1 = 0.3 holds and ROUND(1.005, 2) is 1.01. Integer
// arithmetic that leaves BIGINT's range is MySQL's error 1690, never a
// wrapped value. DECIMALs leave the planner as float64 (Rows.Next), the
// type database/sql users already get for non-integer results.

// DivPrecisionIncrement is MySQL's div_precision_increment default: the
// scale a division adds to its dividend's.
const DivPrecisionIncrement = 4

// MaxDecimalScale is MySQL's largest DECIMAL scale.
const MaxDecimalScale = 30

// maxDecimalDigits is MySQL's largest DECIMAL precision: 65 digits.
const maxDecimalDigits = 65

// errOutOfRange is MySQL's error 1690 for a value outside its type.
func errOutOfRange(typ, text string) error {
	return fmt.Errorf("twilio: %s value is out of range in '%s' (MySQL error 1690): use smaller values, or CAST an operand AS DOUBLE for approximate arithmetic", typ, text)
}

// decimalLiteral reads a literal with a decimal point as a DECIMAL.
func decimalLiteral(s string) (driver.Value, error) {
	if strings.ContainsAny(s, "eE") {
		return nil, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return nil, err
	}
	if decimalDigits(d) > maxDecimalDigits {
		return nil, errOutOfRange("DECIMAL", s)
	}
	return d, nil
}

// decimalDigits is the number of decimal digits of d's coefficient.
func decimalDigits(d decimal.Decimal) int {
	return len(new(big.Int).Abs(d.Coefficient()).String())
}

// ScaleOf is the number of digits after the point MySQL shows.
func ScaleOf(d decimal.Decimal) int32 { return max(0, -d.Exponent()) }

// decimalText prints a DECIMAL with its scale, as MySQL does (1.50 stays
// 1.50).
func decimalText(d decimal.Decimal) string { return d.StringFixed(ScaleOf(d)) }

// ToDecimal reads an exact number; ok is false for NULL, DOUBLE and text.
func ToDecimal(v driver.Value) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, true
	case int64:
		return decimal.NewFromInt(x), true
	case bool:
		return decimal.NewFromInt(int64(BoolInt(x))), true
	}
	return decimal.Decimal{}, false
}

// decimalToInt converts an integral DECIMAL to BIGINT, if it fits.
func decimalToInt(d decimal.Decimal) (int64, bool) {
	bi := d.BigInt()
	if !bi.IsInt64() {
		return 0, false
	}
	return bi.Int64(), true
}

// Outward is the value database/sql receives: DECIMAL as float64.
func Outward(v driver.Value) driver.Value {
	if d, ok := v.(decimal.Decimal); ok {
		return d.InexactFloat64()
	}
	return v
}

// arith applies a MySQL arithmetic operator; division by zero is NULL. text
// is the expression as written, for the out-of-range error.
func arith(op string, a, b driver.Value, text func() string) (driver.Value, error) {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt {
		switch op {
		case sqlparser.PlusStr:
			s := ai + bi
			if (s > ai) != (bi > 0) {
				return nil, errOutOfRange("BIGINT", text())
			}
			return s, nil
		case sqlparser.MinusStr:
			s := ai - bi
			if (s < ai) != (bi > 0) {
				return nil, errOutOfRange("BIGINT", text())
			}
			return s, nil
		case sqlparser.MultStr:
			if ai == 0 || bi == 0 {
				return int64(0), nil
			}
			p := ai * bi
			if p/bi != ai || (ai == -1 && bi == math.MinInt64) || (bi == -1 && ai == math.MinInt64) {
				return nil, errOutOfRange("BIGINT", text())
			}
			return p, nil
		case sqlparser.IntDivStr:
			if bi == 0 {
				return nil, nil
			}
			if ai == math.MinInt64 && bi == -1 {
				return nil, errOutOfRange("BIGINT", text())
			}
			return ai / bi, nil
		case sqlparser.ModStr:
			if bi == 0 {
				return nil, nil
			}
			if bi == -1 {
				return int64(0), nil
			}
			return ai % bi, nil
		}
	}
	_, aDec := a.(decimal.Decimal)
	_, bDec := b.(decimal.Decimal)
	if aDec || bDec {
		ad, aok := ToDecimal(a)
		bd, bok := ToDecimal(b)
		if aok && bok {
			return decimalArith(op, ad, bd, text)
		}
	}
	af, _ := ToFloat(a)
	bf, _ := ToFloat(b)
	var r float64
	switch op {
	case sqlparser.PlusStr:
		r = af + bf
	case sqlparser.MinusStr:
		r = af - bf
	case sqlparser.MultStr:
		r = af * bf
	case sqlparser.DivStr:
		if bf == 0 {
			return nil, nil
		}
		r = af / bf
	case sqlparser.IntDivStr:
		if bf == 0 {
			return nil, nil
		}
		q := math.Trunc(af / bf)
		if !(q >= math.MinInt64 && q < math.MaxInt64) {
			return nil, errOutOfRange("BIGINT", text())
		}
		return int64(q), nil
	case sqlparser.ModStr:
		if bf == 0 {
			return nil, nil
		}
		r = math.Mod(af, bf)
	default:
		return nil, Unsupported("the operator " + op)
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return nil, errOutOfRange("DOUBLE", text())
	}
	return r, nil
}

func decimalArith(op string, a, b decimal.Decimal, text func() string) (driver.Value, error) {
	var r decimal.Decimal
	switch op {
	case sqlparser.PlusStr:
		r = a.Add(b)
	case sqlparser.MinusStr:
		r = a.Sub(b)
	case sqlparser.MultStr:
		r = a.Mul(b)
		if ScaleOf(r) > MaxDecimalScale {
			r = r.Round(MaxDecimalScale)
		}
	case sqlparser.DivStr:
		if b.IsZero() {
			return nil, nil
		}
		r = a.DivRound(b, min(ScaleOf(a)+DivPrecisionIncrement, MaxDecimalScale))
	case sqlparser.IntDivStr:
		if b.IsZero() {
			return nil, nil
		}
		n, ok := decimalToInt(a.Div(b).Truncate(0))
		if !ok {
			return nil, errOutOfRange("BIGINT", text())
		}
		return n, nil
	case sqlparser.ModStr:
		if b.IsZero() {
			return nil, nil
		}
		r = a.Mod(b)
	default:
		return nil, Unsupported("the operator " + op)
	}
	if decimalDigits(r) > maxDecimalDigits {
		return nil, errOutOfRange("DECIMAL", text())
	}
	return r, nil
}

// negate is unary minus.
func negate(v driver.Value, text func() string) (driver.Value, error) {
	switch x := v.(type) {
	case int64:
		if x == math.MinInt64 {
			return nil, errOutOfRange("BIGINT", text())
		}
		return -x, nil
	case decimal.Decimal:
		return x.Neg(), nil
	}
	f, _ := ToFloat(v)
	return -f, nil
}

// roundTo is ROUND(x, places): exact values round half away from zero,
// DOUBLEs to the nearest (MySQL leaves that to the C library).
func roundTo(v driver.Value, places int64, truncate bool) driver.Value {
	switch x := v.(type) {
	case int64:
		if places >= 0 {
			return x
		}
		d := decimal.NewFromInt(x)
		if places < -20 {
			return int64(0)
		}
		if truncate {
			d = truncateDecimal(d, int32(places))
		} else {
			d = d.Round(int32(places))
		}
		if n, ok := decimalToInt(d); ok {
			return n
		}
		return d
	case decimal.Decimal:
		p := int32(max(min(places, MaxDecimalScale), -maxDecimalDigits))
		if truncate {
			return truncateDecimal(x, p)
		}
		return x.Round(p)
	}
	f, _ := ToFloat(v)
	if places > 308 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	if places < -308 {
		return 0.0
	}
	scale := math.Pow(10, float64(places))
	if math.IsInf(f*scale, 0) {
		return f
	}
	if truncate {
		return math.Trunc(f*scale) / scale
	}
	return math.Round(f*scale) / scale
}

// truncateDecimal drops digits after places (before the point when
// negative) without rounding.
func truncateDecimal(d decimal.Decimal, places int32) decimal.Decimal {
	if places >= 0 {
		return d.Truncate(places)
	}
	return d.Shift(places).Truncate(0).Shift(-places)
}

// NumberKey is a number's text for keys of equality (DISTINCT, GROUP BY,
// UNION, COUNT(DISTINCT …), IN lists): numbers that MySQL compares equal
// get the same text, whatever their kind, so 1, 1.0, 1.00 and 1e0 are one
// value. BIGINTs and DECIMALs are exact (9007199254740993 stays apart
// from 9007199254740992, which a float64 would merge); a DOUBLE is its
// shortest decimal text, which is the DECIMAL it compares equal to (0.1e0
// = 0.1). ok is false for a value that is not a number.
func NumberKey(v driver.Value) (key string, ok bool) {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.Itoa(BoolInt(x)), true
	case decimal.Decimal:
		return x.String(), true // trailing zeros dropped: 1.50 is 1.5
	case float64:
		if x == 0 {
			return "0", true // -0 is 0
		}
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}
