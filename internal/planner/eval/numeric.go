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

// Numbers follow MySQL's three kinds: BIGINT (int64), DECIMAL (exact, here
// shopspring/decimal, the library go-mysql-server uses for the same job)
// and DOUBLE (float64). A literal with a decimal point and no exponent is a
// DECIMAL, so 0.1*2+0.1 = 0.3 holds and ROUND(1.005, 2) is 1.01; / of exact
// values is a DECIMAL (7/2 is 3.5000). Integer arithmetic that leaves
// BIGINT's range is MySQL's error 1690, never a wrapped value. DECIMALs
// stay exact through derived tables, UNIONs and subqueries and leave the
// planner as float64 (Rows.Next, in a column typed DECIMAL), the type
// database/sql users already get for non-integer results; the wire server
// takes them exact (Rows.Inner) to write their scale.

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
	c := d.Coefficient()
	if c.IsInt64() {
		n, digits := c.Int64(), 1
		for n >= 10 || n <= -10 {
			n /= 10
			digits++
		}
		return digits
	}
	return len(c.Abs(c).String())
}

// pow10 are the powers of ten an int64 holds.
var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// roundDecimal is d.Round(scale), in int64 arithmetic when the digits fit.
func roundDecimal(d decimal.Decimal, scale int32) decimal.Decimal {
	n, ok := smallCoefficient(d)
	if !ok {
		return d.Round(scale)
	}
	drop := -d.Exponent() - scale
	switch {
	case drop > 0 && drop < int32(len(pow10)):
		p := pow10[drop]
		q, r := n/p, n%p
		if r >= p-r && r > 0 {
			q++
		} else if r < 0 && -r >= p+r {
			q--
		}
		return decimal.New(q, -scale)
	case drop < 0 && -drop < int32(len(pow10)) && n < math.MaxInt64/pow10[-drop] && n > math.MinInt64/pow10[-drop]:
		return decimal.New(n*pow10[-drop], -scale)
	}
	return d.Round(scale)
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
		return decimalFloat(d)
	}
	return v
}

// exactPow10 are the powers of ten a float64 holds exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalFloat is the float64 nearest d: one correctly rounded division
// or product when the coefficient and the power of ten are exact as
// float64s (the common case), else through big.Rat.
func decimalFloat(d decimal.Decimal) float64 {
	if n, ok := smallCoefficient(d); ok {
		switch exp := d.Exponent(); {
		case exp <= 0 && -exp < int32(len(exactPow10)):
			return float64(n) / exactPow10[-exp]
		case exp > 0 && exp < int32(len(exactPow10)):
			return float64(n) * exactPow10[exp]
		}
	}
	return d.InexactFloat64()
}

// smallCoefficient is d's coefficient when it has at most 15 digits (so
// it is exact as a float64 too), read without copying it.
func smallCoefficient(d decimal.Decimal) (int64, bool) {
	if d.NumDigits() > 15 {
		return 0, false
	}
	return d.CoefficientInt64(), true
}

// arithType is the type of a arithmetic operator's result, by MySQL's
// rules (https://dev.mysql.com/doc/refman/8.0/en/arithmetic-functions.html):
// +, -, * and % of integers are integers; / of exact values (integers,
// DECIMALs) is a DECIMAL, "even if both operands are integers"; DIV is an
// integer; a DOUBLE operand, or a string or a time read as a number, makes
// the result a DOUBLE. Booleans are the integers 1 and 0.
func arithType(op string, l, r schema.Type) schema.Type {
	exactKind := func(t schema.Type) int {
		switch t {
		case schema.Int, schema.Bool:
			return 1
		case schema.Decimal:
			return 2
		}
		return 0
	}
	lk, rk := exactKind(l), exactKind(r)
	switch {
	case op == sqlparser.IntDivStr:
		return schema.Int
	case lk == 0 || rk == 0:
		return schema.Float
	case op != sqlparser.DivStr && lk == 1 && rk == 1:
		return schema.Int
	}
	return schema.Decimal
}

// arith applies a MySQL arithmetic operator; division by zero is NULL (MySQL
// adds warning 1365, which the driver has no channel for). text is the
// expression as written, for the out-of-range error.
func arith(op string, a, b driver.Value, text func() string) (driver.Value, error) {
	if x, ok := a.(bool); ok {
		a = int64(BoolInt(x))
	}
	if x, ok := b.(bool); ok {
		b = int64(BoolInt(x))
	}
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
	// "/" of two integers is a DECIMAL division too: 1/3 is 0.3333 (the
	// dividend's scale plus div_precision_increment,
	// https://dev.mysql.com/doc/refman/8.0/en/arithmetic-functions.html#operator_divide).
	_, aDec := a.(decimal.Decimal)
	_, bDec := b.(decimal.Decimal)
	if aDec || bDec || (aInt && bInt) {
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
		r = divideExact(a, b).Round(min(ScaleOf(a)+DivPrecisionIncrement, MaxDecimalScale))
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
	case bool:
		return -int64(BoolInt(x)), nil
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

// Inside an expression MySQL keeps more digits of a DECIMAL quotient than
// it shows: 1/3 is computed to whole 9-digit words (0.333333333) and shown
// with the dividend's scale plus div_precision_increment (0.3333), so
// 1/3*3 shows 1.0000 and the manual's (14620 / 9432456) / (24250 /
// 9432456) shows 0.60288653
// (https://dev.mysql.com/doc/refman/8.0/en/arithmetic-functions.html).
// Arithmetic compiles to an exactFunc that carries both; an operator's
// operands are read exactly, and Eval rounds to the scale shown once, at
// the top of the arithmetic. Functions and comparisons read the value
// shown.

// exactFunc evaluates to a value with MySQL's inner digits and the scale
// MySQL shows it with (for DECIMALs; 0 otherwise).
type exactFunc func(row []driver.Value) (v driver.Value, scale int32, err error)

// exactValue is t's exactFunc, or one that reads Eval with the scale its
// value has.
func (t Typed) exactValue() exactFunc {
	if t.exact != nil {
		return t.exact
	}
	eval := t.Eval
	return func(row []driver.Value) (driver.Value, int32, error) {
		v, err := eval(row)
		if d, ok := v.(decimal.Decimal); ok {
			return v, ScaleOf(d), err
		}
		return v, 0, err
	}
}

// shown rounds a DECIMAL to the scale MySQL shows it with (half away from
// zero, as MySQL rounds DECIMALs); other values are as they are.
func shown(v driver.Value, scale int32) driver.Value {
	if d, ok := v.(decimal.Decimal); ok && ScaleOf(d) != scale {
		return roundDecimal(d, scale)
	}
	return v
}

// digitsPerWord is MySQL's DIG_PER_DEC1: a DECIMAL is kept in words of
// nine decimal digits, at most decimalWords of them (DECIMAL_BUFF_LENGTH).
const (
	digitsPerWord = 9
	decimalWords  = 9
)

// wholeWords rounds a number of digits up to whole words' digits.
func wholeWords(digits int32) int32 {
	return (digits + digitsPerWord - 1) / digitsPerWord * digitsPerWord
}

// divideExact is MySQL's decimal_div (strings/decimal.cc, do_div_mod):
// the quotient has ROUND_UP(frac1 + frac2 + increment) words of fraction,
// the operands' fractions counted in whole words and the increment
// lessened by the digits that rounding up added, truncated (not rounded)
// there; the words of the integer part come out of the nine.
func divideExact(a, b decimal.Decimal) decimal.Decimal {
	sa, sb := ScaleOf(a), ScaleOf(b)
	fa, fb := wholeWords(sa), wholeWords(sb)
	incr := max(DivPrecisionIncrement-(fa-sa)-(fb-sb), 0)
	frac := wholeWords(fa + fb + incr)
	q, _ := a.QuoRem(b, frac)
	if intDigits := int32(decimalDigits(q)) - frac; intDigits > 0 {
		if room := decimalWords*digitsPerWord - wholeWords(intDigits); frac > room {
			q, _ = a.QuoRem(b, max(room, 0))
		}
	}
	return q
}

// divideIntegers is divideExact of two BIGINTs that fit its int64 fast
// path (the dividend below 9·10^9 in size): one word of fraction.
func divideIntegers(a, b int64) (decimal.Decimal, bool) {
	const word = 1_000_000_000
	if a <= -9*word || a >= 9*word || b == 0 {
		return decimal.Decimal{}, false
	}
	return decimal.New(a*word/b, -digitsPerWord), true
}

// arithExact is arith with MySQL's inner digits: a DECIMAL quotient keeps
// divideExact's digits, and scale is the one MySQL shows the result with
// (for / the dividend's plus div_precision_increment, for * the sum of the
// operands', for +, - and % the larger), computed from the scales shown of
// the operands (as, bs).
func arithExact(op string, a driver.Value, as int32, b driver.Value, bs int32, text func() string) (driver.Value, int32, error) {
	if x, ok := a.(bool); ok {
		a = int64(BoolInt(x))
	}
	if x, ok := b.(bool); ok {
		b = int64(BoolInt(x))
	}
	_, aDec := a.(decimal.Decimal)
	_, bDec := b.(decimal.Decimal)
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt && op == sqlparser.DivStr {
		if bi == 0 {
			return nil, 0, nil
		}
		if q, ok := divideIntegers(ai, bi); ok {
			return q, DivPrecisionIncrement, nil
		}
	}
	exact := (aDec || aInt) && (bDec || bInt)
	if !exact || op == sqlparser.IntDivStr || (!aDec && !bDec && op != sqlparser.DivStr) {
		v, err := arith(op, a, b, text)
		return v, 0, err
	}
	ad, _ := ToDecimal(a)
	bd, _ := ToDecimal(b)
	var r decimal.Decimal
	var scale int32
	switch op {
	case sqlparser.DivStr:
		if bd.IsZero() {
			return nil, 0, nil
		}
		r, scale = divideExact(ad, bd), as+DivPrecisionIncrement
	case sqlparser.MultStr:
		r, scale = ad.Mul(bd), as+bs
		if ScaleOf(r) > decimalWords*digitsPerWord {
			r = r.Truncate(decimalWords * digitsPerWord)
		}
	case sqlparser.PlusStr:
		r, scale = ad.Add(bd), max(as, bs)
	case sqlparser.MinusStr:
		r, scale = ad.Sub(bd), max(as, bs)
	case sqlparser.ModStr:
		if bd.IsZero() {
			return nil, 0, nil
		}
		r, scale = ad.Mod(bd), max(as, bs)
	default:
		return nil, 0, Unsupported("the operator " + op)
	}
	scale = min(scale, MaxDecimalScale)
	if decimalDigits(r) > maxDecimalDigits && decimalDigits(roundDecimal(r, scale)) > maxDecimalDigits {
		return nil, 0, errOutOfRange("DECIMAL", text())
	}
	return r, scale, nil
}

// mergedNumeric is the type MySQL gives a result that may be any of
// several numeric operands (CASE's branches, IF, IFNULL, COALESCE,
// GREATEST, LEAST): a DOUBLE among them makes a DOUBLE, else a DECIMAL a
// DECIMAL, else integers an integer (booleans alone stay booleans)
// (https://dev.mysql.com/doc/refman/8.0/en/flow-control-functions.html#operator_case:
// "If all types are numeric, the aggregated type is also numeric").
// NULL literals do not count; ok is false when an operand is not a number.
func mergedNumeric(operands []Typed) (schema.Type, bool) {
	merged, seen := schema.Bool, false
	rank := map[schema.Type]int{schema.Bool: 0, schema.Int: 1, schema.Decimal: 2, schema.Float: 3}
	for _, o := range operands {
		if o.null {
			continue
		}
		r, ok := rank[o.Typ]
		if !ok {
			return 0, false
		}
		if !seen || r > rank[merged] {
			merged = o.Typ
		}
		seen = true
	}
	return merged, seen
}

// ConformNumeric converts a number to typ when typ is wider (a BIGINT in
// a DECIMAL result is a DECIMAL, a DECIMAL in a DOUBLE one a DOUBLE), so
// every value of a column has the column's type.
func ConformNumeric(v driver.Value, typ schema.Type) driver.Value {
	switch typ {
	case schema.Int:
		if b, ok := v.(bool); ok {
			return int64(BoolInt(b))
		}
	case schema.Decimal:
		switch x := v.(type) {
		case int64, bool:
			d, _ := ToDecimal(x)
			return d
		}
	case schema.Float:
		switch v.(type) {
		case int64, bool, decimal.Decimal:
			f, _ := ToFloat(v)
			return f
		}
	}
	return v
}
