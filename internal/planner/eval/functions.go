package eval

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// AsTime reads a time from a time or a time literal string.
func AsTime(v driver.Value) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case string:
		return parseTime(x)
	}
	return time.Time{}, false
}

func (c *Compiler) SelectArg(se sqlparser.SelectExpr) (Typed, error) {
	ae, ok := se.(*sqlparser.AliasedExpr)
	if !ok {
		return Typed{}, Unsupported(sqlparser.String(se) + " as a function argument")
	}
	return c.Expr(ae.Expr)
}

func (c *Compiler) substr(x *sqlparser.SubstrExpr) (Typed, error) {
	subject, err := c.Expr(x.Name)
	if err != nil {
		return Typed{}, err
	}
	return c.substring(subject, x.From, x.To)
}

// substring is SUBSTRING(s, pos[, len]) with MySQL's positions.
func (c *Compiler) substring(subject Typed, fromExpr, lenExpr sqlparser.Expr) (Typed, error) {
	from, err := c.Expr(fromExpr)
	if err != nil {
		return Typed{}, err
	}
	var length *Typed
	if lenExpr != nil {
		l, err := c.Expr(lenExpr)
		if err != nil {
			return Typed{}, err
		}
		length = &l
	}
	ops := []Typed{subject, from}
	if length != nil {
		ops = append(ops, *length)
	}
	return c.derive(schema.String, func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(ops))
		for i, o := range ops {
			v, err := o.Eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			vals[i] = v
		}
		runes := []rune(ToString(vals[0]))
		pos, _ := ToInt(vals[1])
		// MySQL: 1-based; negative counts from the end; 0 yields "".
		switch {
		case pos > 0:
			pos--
		case pos < 0:
			pos += int64(len(runes))
		default:
			return "", nil
		}
		if pos < 0 || pos > int64(len(runes)) {
			return "", nil
		}
		end := int64(len(runes))
		if len(vals) == 3 {
			n, _ := ToInt(vals[2])
			if n < 0 {
				return "", nil
			}
			end = min(end, pos+n)
		}
		return string(runes[pos:end]), nil
	}, ops...), nil
}

// interval adds or subtracts INTERVAL n unit to a time.
func (c *Compiler) interval(base Typed, iv *sqlparser.IntervalExpr, subtract bool) (Typed, error) {
	amount, err := c.Expr(iv.Expr)
	if err != nil {
		return Typed{}, err
	}
	unit := strings.ToLower(iv.Unit)
	if _, ok := intervalSeconds[unit]; !ok {
		return Typed{}, fmt.Errorf("twilio: INTERVAL unit %s is not supported: use SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR", iv.Unit)
	}
	// MySQL: a DATE plus days, weeks, months or years is a DATE.
	typ := schema.Time
	if intervalSeconds[unit]%86400 == 0 && isDateValued(base) {
		typ = schema.Date
	}
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		bv, err := base.Eval(row)
		if err != nil || bv == nil {
			return nil, err
		}
		av, err := amount.Eval(row)
		if err != nil || av == nil {
			return nil, err
		}
		t, ok := AsTime(bv)
		if !ok {
			return nil, nil
		}
		n, ok := ToInt(roundTo(av, 0, false))
		if !ok {
			return nil, errOutOfRange("DATETIME", ExprText(iv))
		}
		if subtract {
			n = -n
		}
		r, ok := addInterval(t, unit, n)
		if !ok {
			return nil, errOutOfRange("DATETIME", ExprText(iv))
		}
		return r, nil
	}, base, amount), nil
}
