package eval

import (
	"database/sql/driver"
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
)

// Numeric functions and the NULL-handling ones (COALESCE, IF…). Exact
// arguments (BIGINT, DECIMAL) give exact results; DOUBLE results that
// overflow are MySQL's error 1690.

func fnAbs(a []driver.Value) (driver.Value, error) {
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
	f, _ := ToFloat(a[0])
	return math.Abs(f), nil
}

func fnFloor(a []driver.Value) (driver.Value, error) {
	return integral(a[0], math.Floor, decimal.Decimal.Floor), nil
}

func fnCeil(a []driver.Value) (driver.Value, error) {
	return integral(a[0], math.Ceil, decimal.Decimal.Ceil), nil
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
	x, _ := ToFloat(v)
	r := f(x)
	if r >= math.MinInt64 && r < math.MaxInt64 {
		return int64(r)
	}
	return r
}

func fnRound(a []driver.Value) (driver.Value, error) {
	places := int64(0)
	if len(a) == 2 {
		places, _ = ToInt(roundTo(a[1], 0, false))
	}
	return roundTo(numeric(a[0]), places, false), nil
}

func fnTruncate(a []driver.Value) (driver.Value, error) {
	places, _ := ToInt(roundTo(a[1], 0, false))
	return roundTo(numeric(a[0]), places, true), nil
}

// numeric reads a value in numeric context: numbers stay, text and times
// become DOUBLE.
func numeric(v driver.Value) driver.Value {
	switch v.(type) {
	case int64, float64, decimal.Decimal:
		return v
	case bool:
		return int64(BoolInt(v.(bool)))
	}
	f, _ := ToFloat(v)
	return f
}

func modType(a []Typed) schema.Type { return arithType("%", a[0].Typ, a[1].Typ) }

func fnMod(a []driver.Value) (driver.Value, error) {
	return arith("%", numeric(a[0]), numeric(a[1]), func() string { return fmt.Sprintf("mod(%s,%s)", ToString(a[0]), ToString(a[1])) })
}

// double checks a DOUBLE result: MySQL answers an infinite or undefined one
// with error 1690.
func double(name string, r float64, a []driver.Value) (driver.Value, error) {
	if math.IsInf(r, 0) || math.IsNaN(r) {
		args := ""
		for i, v := range a {
			if i > 0 {
				args += ","
			}
			args += ToString(v)
		}
		return nil, errOutOfRange("DOUBLE", fmt.Sprintf("%s(%s)", name, args))
	}
	return r, nil
}

func fnPow(a []driver.Value) (driver.Value, error) {
	x, _ := ToFloat(a[0])
	y, _ := ToFloat(a[1])
	return double("pow", math.Pow(x, y), a)
}

func fnSqrt(a []driver.Value) (driver.Value, error) {
	x, _ := ToFloat(a[0])
	if x < 0 {
		return nil, nil
	}
	return math.Sqrt(x), nil
}

func fnLn(a []driver.Value) (driver.Value, error) {
	x, _ := ToFloat(a[0])
	if x <= 0 {
		return nil, nil
	}
	return math.Log(x), nil
}

func fnLog(a []driver.Value) (driver.Value, error) {
	if len(a) == 1 {
		return fnLn(a)
	}
	b, _ := ToFloat(a[0])
	x, _ := ToFloat(a[1])
	if x <= 0 || b <= 1 {
		return nil, nil
	}
	return math.Log(x) / math.Log(b), nil
}

func fnLogBase(base float64) func([]driver.Value) (driver.Value, error) {
	return func(a []driver.Value) (driver.Value, error) {
		x, _ := ToFloat(a[0])
		if x <= 0 {
			return nil, nil
		}
		switch base {
		case 2:
			return math.Log2(x), nil
		case 10:
			return math.Log10(x), nil
		}
		return math.Log(x) / math.Log(base), nil
	}
}

func fnSign(a []driver.Value) (driver.Value, error) {
	if d, ok := a[0].(decimal.Decimal); ok {
		return int64(d.Sign()), nil
	}
	if i, ok := a[0].(int64); ok {
		return int64(cmpOrdered(i, 0)), nil
	}
	f, _ := ToFloat(a[0])
	return int64(cmpOrdered(f, 0)), nil
}

// extreme is GREATEST (sign 1) or LEAST (-1) with MySQL's comparison
// rules: numbers numerically, times as times, a mix of numbers and text as
// text.
func extreme(a []driver.Value, sign int) (driver.Value, error) {
	numbers, texts := 0, 0
	for _, v := range a {
		switch v.(type) {
		case int64, float64, decimal.Decimal, bool:
			numbers++
		case time.Time:
		default:
			texts++
		}
	}
	cmp := Compare
	if texts > 0 && numbers > 0 {
		cmp = func(x, y driver.Value) (int, bool) {
			return Compare(ToString(x), ToString(y))
		}
	}
	best := a[0]
	for _, v := range a[1:] {
		if c, _ := cmp(v, best); c*sign > 0 {
			best = v
		}
	}
	return best, nil
}

func fnGreatest(a []driver.Value) (driver.Value, error) { return extreme(a, 1) }
func fnLeast(a []driver.Value) (driver.Value, error)    { return extreme(a, -1) }

func fnCoalesce(a []driver.Value) (driver.Value, error) {
	for _, v := range a {
		if v != nil {
			return v, nil
		}
	}
	return nil, nil
}

func fnIfNull(a []driver.Value) (driver.Value, error) {
	if a[0] != nil {
		return a[0], nil
	}
	return a[1], nil
}

func fnNullIf(a []driver.Value) (driver.Value, error) {
	if cmp, ok := Compare(a[0], a[1]); ok && cmp == 0 {
		return nil, nil
	}
	return a[0], nil
}

func fnIf(a []driver.Value) (driver.Value, error) {
	if b, ok := Truth(a[0]); ok && b {
		return a[1], nil
	}
	return a[2], nil
}

// fnIsNull is MySQL's ISNULL(x): never NULL itself.
func fnIsNull(a []driver.Value) (driver.Value, error) {
	if a[0] == nil {
		return int64(1), nil
	}
	return int64(0), nil
}
