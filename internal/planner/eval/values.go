package eval

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Values in the planner are what database/sql carries: nil (NULL), int64,
// float64, bool, string and time.Time. Comparisons follow MySQL, the dialect
// the parser speaks, except that strings compare exactly, as Twilio's own
// filters do.

// timeLayouts are the forms a string may take where a time is expected.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
}

// parseTime reads a SQL time literal; times without a zone are UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ToFloat converts a value to a number as MySQL does in numeric context:
// booleans are 0 and 1, strings are read as far as they are numeric.
func ToFloat(v driver.Value) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case decimal.Decimal:
		return decimalFloat(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		return leadingNumber(x), true
	case time.Time:
		// MySQL's numeric form of a DATETIME: YYYYMMDDhhmmss.
		u := x.UTC()
		return float64(u.Year())*1e10 + float64(u.Month())*1e8 + float64(u.Day())*1e6 +
			float64(u.Hour())*1e4 + float64(u.Minute())*1e2 + float64(u.Second()), true
	}
	return 0, false
}

// leadingNumber reads the numeric prefix of s ("12abc" is 12, "abc" is 0).
func leadingNumber(s string) float64 {
	s = strings.TrimSpace(s)
	end := 0
	seenDigit, seenDot, seenExp := false, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			seenDigit = true
			end = i + 1
		case (c == '+' || c == '-') && (i == 0 || s[i-1] == 'e' || s[i-1] == 'E'):
		case c == '.' && !seenDot && !seenExp:
			seenDot = true
		case (c == 'e' || c == 'E') && seenDigit && !seenExp:
			seenExp = true
		default:
			i = len(s)
		}
	}
	if !seenDigit {
		return 0
	}
	f, err := strconv.ParseFloat(s[:end], 64)
	if err != nil {
		return 0
	}
	return f
}

// ToInt converts to int64 for LIMIT, OFFSET and integer parameters.
func ToInt(v driver.Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	case decimal.Decimal:
		if x.IsInteger() {
			return decimalToInt(x)
		}
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// Truth is MySQL's truth of a value: NULL is unknown (ok false).
func Truth(v driver.Value) (val, ok bool) {
	if v == nil {
		return false, false
	}
	if b, isBool := v.(bool); isBool {
		return b, true
	}
	f, _ := ToFloat(v)
	return f != 0, true
}

// Compare orders a and b; ok is false when either is NULL. Mixed types
// compare as MySQL does: a time with a string parses the string, numbers
// with anything compare numerically, strings compare byte by byte.
func Compare(a, b driver.Value) (int, bool) {
	if a == nil || b == nil {
		return 0, false
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), true
		case time.Time:
			if t, ok := parseTime(x); ok {
				return t.Compare(y), true
			}
			return strings.Compare(x, formatTime(y)), true
		}
	case time.Time:
		switch y := b.(type) {
		case time.Time:
			return x.Compare(y), true
		case string:
			if t, ok := parseTime(y); ok {
				return x.Compare(t), true
			}
			return strings.Compare(formatTime(x), y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			return BoolInt(x) - BoolInt(y), true
		}
	case int64:
		if y, ok := b.(int64); ok {
			return cmpOrdered(x, y), true
		}
	}
	// Exact numbers compare exactly; a DOUBLE makes the comparison a DOUBLE
	// one, as in MySQL.
	_, aDec := a.(decimal.Decimal)
	_, bDec := b.(decimal.Decimal)
	if aDec || bDec {
		if x, ok := ToDecimal(a); ok {
			if y, ok := ToDecimal(b); ok {
				return x.Cmp(y), true
			}
		}
	}
	fa, _ := ToFloat(a)
	fb, _ := ToFloat(b)
	return cmpOrdered(fa, fb), true
}

// Comparer is Compare, or CompareFoldCase when an operand's strings
// compare ignoring case (Typed.FoldCase).
func Comparer(operands ...Typed) func(a, b driver.Value) (int, bool) {
	for _, o := range operands {
		if o.FoldCase {
			return CompareFoldCase
		}
	}
	return Compare
}

// CompareFoldCase is compare with two strings compared ignoring case, as
// utf8mb3_general_ci does: 'yes' = 'YES'.
func CompareFoldCase(a, b driver.Value) (int, bool) {
	x, xok := a.(string)
	y, yok := b.(string)
	if !xok || !yok {
		return Compare(a, b)
	}
	if strings.EqualFold(x, y) {
		return 0, true
	}
	return strings.Compare(strings.ToUpper(x), strings.ToUpper(y)), true
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func BoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// formatTime is the SQL text of a time, as MySQL prints a DATETIME.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

// ToString is the text of a value in string context.
func ToString(v driver.Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case decimal.Decimal:
		return decimalText(x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	case time.Time:
		return formatTime(x)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// Describe names a value in error messages: its SQL literal, shortened.
func Describe(v driver.Value) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return strconv.Quote(x)
	case time.Time:
		return "'" + x.Format(time.RFC3339) + "'"
	}
	return ToString(v)
}
