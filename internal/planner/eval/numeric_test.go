package eval

import (
	"database/sql/driver"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// roundDecimal's int64 arithmetic agrees with decimal.Round (half away
// from zero) on random coefficients, exponents and scales, and
// decimalFloat with InexactFloat64.
func TestDecimalFastPathsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	coefficients := []int64{0, 1, -1, 5, -5, 15, -15, 25, -25, 49999, 50000, -50000, 1 << 53, -(1 << 53), 999999999999999, 1e15, 1e17, -1e17, 9223372036854775807, -9223372036854775808}
	for range 200 {
		coefficients = append(coefficients, r.Int64N(2e15)-1e15, r.Int64()-r.Int64(), r.Int64N(200000)-100000)
	}
	for _, c := range coefficients {
		for exp := int32(-20); exp <= 3; exp++ {
			d := decimal.New(c, exp)
			for scale := int32(0); scale <= 12; scale++ {
				if got, want := roundDecimal(d, scale), d.Round(scale); !got.Equal(want) || got.Exponent() != want.Exponent() {
					t.Fatalf("roundDecimal(%s, %d) = %s (exp %d), Round gives %s (exp %d)", d, scale, got, got.Exponent(), want, want.Exponent())
				}
			}
			if got, want := decimalFloat(d), d.InexactFloat64(); got != want {
				t.Fatalf("decimalFloat(%s) = %v, InexactFloat64 %v", d, got, want)
			}
		}
	}
}

// divideExact keeps MySQL's inner digits (decimal_div: whole 9-digit words
// of fraction, truncated), and the BIGINT fast path agrees with it.
func TestDivideExact(t *testing.T) {
	dec := func(s string) decimal.Decimal { return decimal.RequireFromString(s) }
	tests := []struct{ a, b, want string }{
		{"1", "3", "0.333333333"},
		{"2", "3", "0.666666666"},
		{"-2", "3", "-0.666666666"},
		{"7", "2", "3.500000000"},
		{"1.0", "3", "0.333333333"},
		{"5.05", "0.014", "360.714285714285714285"},
		{"0.333333333", "3", "0.111111111000000000"},
		{"1", "0.333333333", "3.000000003000000003"},
	}
	for _, tc := range tests {
		got := divideExact(dec(tc.a), dec(tc.b))
		if got.String() != dec(tc.want).String() || ScaleOf(got) != ScaleOf(dec(tc.want)) {
			t.Errorf("divideExact(%s, %s) = %s (scale %d), want %s", tc.a, tc.b, got.StringFixed(ScaleOf(got)), ScaleOf(got), tc.want)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		a, b := r.Int64N(18e9)-9e9+1, r.Int64N(2e6)-1e6
		if b == 0 {
			continue
		}
		fast, ok := divideIntegers(a, b)
		slow := divideExact(decimal.NewFromInt(a), decimal.NewFromInt(b))
		if !ok || !fast.Equal(slow) || ScaleOf(fast) != ScaleOf(slow) {
			t.Fatalf("%d / %d: fast %s, exact %s", a, b, fast, slow)
		}
	}
}

// NumberKey: numbers MySQL compares equal share a key, others do not.
func TestNumberKey(t *testing.T) {
	same := [][]driver.Value{
		{int64(1), 1.0, decimal.RequireFromString("1.0"), decimal.RequireFromString("1.000"), true},
		{int64(0), 0.0, -0.0, decimal.RequireFromString("-0.00"), false},
		{0.1, decimal.RequireFromString("0.10")},
		{int64(-7), -7.0, decimal.RequireFromString("-7.0")},
		{1e21, decimal.RequireFromString("1000000000000000000000")},
	}
	for _, group := range same {
		k0, _ := NumberKey(group[0])
		for _, v := range group[1:] {
			if k, ok := NumberKey(v); !ok || k != k0 {
				t.Errorf("NumberKey(%#v) = %q, NumberKey(%#v) = %q: want equal", group[0], k0, v, k)
			}
		}
	}
	tenth := 0.1
	apart := [][2]driver.Value{
		{int64(9007199254740993), int64(9007199254740992)},
		{decimal.RequireFromString("0.3"), tenth + 0.2}, // 0.30000000000000004
		{int64(1), decimal.RequireFromString("1.0000000000000000000001")},
	}
	for _, p := range apart {
		a, _ := NumberKey(p[0])
		b, _ := NumberKey(p[1])
		if a == b {
			t.Errorf("NumberKey(%#v) = NumberKey(%#v) = %q: want apart", p[0], p[1], a)
		}
	}
	if _, ok := NumberKey("1"); ok {
		t.Error("NumberKey of a string: want not a number")
	}
}
