package eval

import (
	"database/sql/driver"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// DatabaseName is the schema the tables live in, as SHOW TABLES
// ("Tables_in_twilio"), DATABASE() and information_schema name it.
const DatabaseName = "twilio"

// serverVersion is what VERSION() answers: MySQL-compatible for the tools
// that parse it, and naming the driver.
const serverVersion = "8.0.0-twiliosql"

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
func checkOperands(le sqlparser.Expr, lt Typed, re sqlparser.Expr, rt Typed) error {
	if col, ok := le.(*sqlparser.ColName); ok && rt.Constant {
		return checkConstant(col, lt.Typ, rt)
	}
	if col, ok := re.(*sqlparser.ColName); ok && lt.Constant {
		return checkConstant(col, rt.Typ, lt)
	}
	return nil
}

func checkConstant(col *sqlparser.ColName, typ schema.Type, val Typed) error {
	v, err := val.Eval(nil)
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
			return fmt.Errorf("twilio: %s is a %s but %s is not a time: write '2024-03-05' or '2024-03-05 10:00:00'", name, typ, Describe(v))
		}
	case schema.Int, schema.Float, schema.Decimal:
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return fmt.Errorf("twilio: %s is a %s but %s is not a number", name, typ, Describe(v))
		}
	case schema.Bool:
		return fmt.Errorf("twilio: %s is a %s: compare it with TRUE or FALSE, not %s", name, typ, Describe(v))
	}
	return nil
}
