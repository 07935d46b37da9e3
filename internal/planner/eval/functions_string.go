package eval

import (
	"database/sql/driver"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xwb1989/sqlparser"
)

// String functions. Lengths and positions count characters (MySQL's
// utf8mb4), except LENGTH, which counts bytes. INSTR and LOCATE ignore
// case, as MySQL's default collation does; the result of every function is
// bounded by max_allowed_packet (limits.go).

func fnLower(a []driver.Value) (driver.Value, error) { return strings.ToLower(ToString(a[0])), nil }
func fnUpper(a []driver.Value) (driver.Value, error) { return strings.ToUpper(ToString(a[0])), nil }

func fnLength(a []driver.Value) (driver.Value, error) { return int64(len(ToString(a[0]))), nil }

func fnCharLength(a []driver.Value) (driver.Value, error) {
	return int64(utf8.RuneCountInString(ToString(a[0]))), nil
}

func fnConcat(a []driver.Value) (driver.Value, error) {
	parts := make([]string, len(a))
	size := int64(0)
	for i, v := range a {
		parts[i] = ToString(v)
		size += int64(len(parts[i]))
	}
	if err := CheckSize("concat", size); err != nil {
		return nil, err
	}
	return strings.Join(parts, ""), nil
}

// fnConcatWS skips NULL arguments; a NULL separator makes it NULL.
func fnConcatWS(a []driver.Value) (driver.Value, error) {
	if a[0] == nil {
		return nil, nil
	}
	sep := ToString(a[0])
	var parts []string
	size := int64(0)
	for _, v := range a[1:] {
		if v != nil {
			parts = append(parts, ToString(v))
			size += int64(len(parts[len(parts)-1]) + len(sep))
		}
	}
	if err := CheckSize("concat_ws", size); err != nil {
		return nil, err
	}
	return strings.Join(parts, sep), nil
}

func fnTrimSpaces(trim func(string, string) string) func([]driver.Value) (driver.Value, error) {
	return func(a []driver.Value) (driver.Value, error) { return trim(ToString(a[0]), " "), nil }
}

func fnLeft(a []driver.Value) (driver.Value, error) {
	r := []rune(ToString(a[0]))
	n, _ := ToInt(roundTo(a[1], 0, false))
	return string(r[:max(0, min(n, int64(len(r))))]), nil
}

func fnRight(a []driver.Value) (driver.Value, error) {
	r := []rune(ToString(a[0]))
	n, _ := ToInt(roundTo(a[1], 0, false))
	n = max(0, min(n, int64(len(r))))
	return string(r[int64(len(r))-n:]), nil
}

func fnReplace(a []driver.Value) (driver.Value, error) {
	s, from, to := ToString(a[0]), ToString(a[1]), ToString(a[2])
	if from == "" {
		return s, nil
	}
	// Sized before it is built: nested REPLACEs grow geometrically.
	n := int64(strings.Count(s, from))
	if err := CheckSize("replace", int64(len(s))+n*(int64(len(to))-int64(len(from)))); err != nil {
		return nil, err
	}
	return strings.ReplaceAll(s, from, to), nil
}

func fnReverse(a []driver.Value) (driver.Value, error) {
	r := []rune(ToString(a[0]))
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r), nil
}

// fnPad is LPAD or RPAD: MySQL cuts a longer s to n characters, and
// answers NULL for a negative n or an empty pad that would be needed.
func fnPad(left bool) func([]driver.Value) (driver.Value, error) {
	name := "rpad"
	if left {
		name = "lpad"
	}
	return func(a []driver.Value) (driver.Value, error) {
		s, pad := []rune(ToString(a[0])), []rune(ToString(a[2]))
		n, ok := ToInt(roundTo(a[1], 0, false))
		if !ok || n < 0 {
			return nil, nil
		}
		if n <= int64(len(s)) {
			return string(s[:n]), nil
		}
		if len(pad) == 0 {
			return nil, nil
		}
		// Sized exactly before it is built.
		fillRunes := n - int64(len(s))
		full, rest := fillRunes/int64(len(pad)), fillRunes%int64(len(pad))
		size := int64(len(string(s))) + full*int64(len(string(pad))) + int64(len(string(pad[:rest])))
		if err := CheckSize(name, size); err != nil {
			return nil, err
		}
		fill := make([]rune, 0, n-int64(len(s)))
		for int64(len(fill)) < n-int64(len(s)) {
			fill = append(fill, pad[len(fill)%len(pad)])
		}
		if left {
			return string(fill) + string(s), nil
		}
		return string(s) + string(fill), nil
	}
}

func fnRepeat(a []driver.Value) (driver.Value, error) {
	s := ToString(a[0])
	n, ok := ToInt(roundTo(a[1], 0, false))
	if !ok || n <= 0 || s == "" {
		return "", nil
	}
	size := int64(math.MaxInt64) // saturated: len(s)*n would overflow
	if n <= math.MaxInt64/int64(len(s)) {
		size = int64(len(s)) * n
	}
	if err := CheckSize("repeat", size); err != nil {
		return nil, err
	}
	return strings.Repeat(s, int(n)), nil
}

func fnSpace(a []driver.Value) (driver.Value, error) {
	return fnRepeat([]driver.Value{" ", a[0]})
}

// foldRunes lower-cases s rune by rune, so positions in the result are
// positions in s.
func foldRunes(s string) []rune {
	r := []rune(s)
	for i, c := range r {
		r[i] = unicode.ToLower(c)
	}
	return r
}

// runeIndex is the 0-based rune position of sub in s at or after from, or -1.
func runeIndex(s, sub []rune, from int) int {
	for i := max(from, 0); i+len(sub) <= len(s); i++ {
		if string(s[i:i+len(sub)]) == string(sub) {
			return i
		}
	}
	return -1
}

func fnInstr(a []driver.Value) (driver.Value, error) {
	return int64(runeIndex(foldRunes(ToString(a[0])), foldRunes(ToString(a[1])), 0) + 1), nil
}

func fnLocate(a []driver.Value) (driver.Value, error) {
	from := int64(1)
	if len(a) == 3 {
		from, _ = ToInt(roundTo(a[2], 0, false))
		if from < 1 {
			return int64(0), nil
		}
	}
	s := foldRunes(ToString(a[1]))
	if from > int64(len(s))+1 {
		return int64(0), nil
	}
	return int64(runeIndex(s, foldRunes(ToString(a[0])), int(from-1)) + 1), nil
}

func compileSubstring(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	subject, err := c.SelectArg(x.Exprs[0])
	if err != nil {
		return Typed{}, err
	}
	var parts [2]sqlparser.Expr
	for i, se := range x.Exprs[1:] {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return Typed{}, Unsupported(sqlparser.String(se) + " in SUBSTRING")
		}
		parts[i] = ae.Expr
	}
	return c.substring(subject, parts[0], parts[1])
}
