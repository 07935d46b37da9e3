package planner

import (
	"database/sql/driver"
	"strings"
	"unicode/utf8"

	"github.com/twiliosql/twiliosql/schema"
)

// Functions MySQL clients use in their catalog queries (MariaDB
// Connector/J's getColumns and getPrimaryKeys): ISNULL, UCASE, LCASE,
// LOCATE, INSTR, LEAST and GREATEST.
func init() {
	for name, f := range introspectionScalars {
		scalarFuncs[name] = f
	}
}

var introspectionScalars = map[string]scalarFunc{
	"isnull": {1, 1, fixedType(schema.Int), func(a []driver.Value) (driver.Value, error) {
		if a[0] == nil {
			return int64(1), nil
		}
		return int64(0), nil
	}},
	"ucase": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.ToUpper(toString(a[0])), nil
	})},
	"lcase": {1, 1, fixedType(schema.String), strictly(func(a []driver.Value) (driver.Value, error) {
		return strings.ToLower(toString(a[0])), nil
	})},
	// LOCATE(substr, str[, pos]): the 1-based position of substr in str
	// from pos on, 0 when absent (characters, case-insensitive as MySQL's
	// default collation).
	"locate": {2, 3, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		pos := int64(1)
		if len(a) == 3 {
			p, ok := toInt(a[2])
			if !ok {
				return nil, nil
			}
			pos = p
		}
		return locate(toString(a[0]), toString(a[1]), pos), nil
	})},
	"instr": {2, 2, fixedType(schema.Int), strictly(func(a []driver.Value) (driver.Value, error) {
		return locate(toString(a[1]), toString(a[0]), 1), nil
	})},
	"least": {2, -1, firstType, strictly(func(a []driver.Value) (driver.Value, error) {
		return extreme(a, -1), nil
	})},
	"greatest": {2, -1, firstType, strictly(func(a []driver.Value) (driver.Value, error) {
		return extreme(a, 1), nil
	})},
}

func locate(sub, s string, pos int64) int64 {
	if pos < 1 {
		return 0
	}
	rs, rsub := []rune(strings.ToLower(s)), strings.ToLower(sub)
	if pos > int64(len(rs))+1 {
		return 0
	}
	i := strings.Index(string(rs[pos-1:]), rsub)
	if i < 0 {
		return 0
	}
	return pos + int64(utf8.RuneCountInString(string(rs[pos-1:])[:i]))
}

// extreme is the least (sign -1) or greatest (sign 1) of the values.
func extreme(a []driver.Value, sign int) driver.Value {
	best := a[0]
	for _, v := range a[1:] {
		if c, ok := compare(v, best); ok && c*sign > 0 {
			best = v
		}
	}
	return best
}
