package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// asTime reads a time from a time or a time literal string.
func asTime(v driver.Value) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), true
	case string:
		return parseTime(x)
	}
	return time.Time{}, false
}

func (c *compiler) selectArg(se sqlparser.SelectExpr) (typed, error) {
	ae, ok := se.(*sqlparser.AliasedExpr)
	if !ok {
		return typed{}, unsupported(sqlparser.String(se) + " as a function argument")
	}
	return c.expr(ae.Expr)
}

func (c *compiler) substr(x *sqlparser.SubstrExpr) (typed, error) {
	subject, err := c.expr(x.Name)
	if err != nil {
		return typed{}, err
	}
	return c.substring(subject, x.From, x.To)
}

// substring is SUBSTRING(s, pos[, len]) with MySQL's positions.
func (c *compiler) substring(subject typed, fromExpr, lenExpr sqlparser.Expr) (typed, error) {
	from, err := c.expr(fromExpr)
	if err != nil {
		return typed{}, err
	}
	var length *typed
	if lenExpr != nil {
		l, err := c.expr(lenExpr)
		if err != nil {
			return typed{}, err
		}
		length = &l
	}
	ops := []typed{subject, from}
	if length != nil {
		ops = append(ops, *length)
	}
	return c.derive(schema.String, func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(ops))
		for i, o := range ops {
			v, err := o.eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			vals[i] = v
		}
		runes := []rune(toString(vals[0]))
		pos, _ := toInt(vals[1])
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
			n, _ := toInt(vals[2])
			if n < 0 {
				return "", nil
			}
			end = min(end, pos+n)
		}
		return string(runes[pos:end]), nil
	}, ops...), nil
}

// interval adds or subtracts INTERVAL n unit to a time.
func (c *compiler) interval(base typed, iv *sqlparser.IntervalExpr, subtract bool) (typed, error) {
	amount, err := c.expr(iv.Expr)
	if err != nil {
		return typed{}, err
	}
	unit := strings.ToLower(iv.Unit)
	if _, ok := intervalSeconds[unit]; !ok {
		return typed{}, fmt.Errorf("twilio: INTERVAL unit %s is not supported: use SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR", iv.Unit)
	}
	// MySQL: a DATE plus days, weeks, months or years is a DATE.
	typ := schema.Time
	if intervalSeconds[unit]%86400 == 0 && isDateValued(base) {
		typ = schema.Date
	}
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		bv, err := base.eval(row)
		if err != nil || bv == nil {
			return nil, err
		}
		av, err := amount.eval(row)
		if err != nil || av == nil {
			return nil, err
		}
		t, ok := asTime(bv)
		if !ok {
			return nil, nil
		}
		n, ok := toInt(roundTo(av, 0, false))
		if !ok {
			return nil, errOutOfRange("DATETIME", exprText(iv))
		}
		if subtract {
			n = -n
		}
		r, ok := addInterval(t, unit, n)
		if !ok {
			return nil, errOutOfRange("DATETIME", exprText(iv))
		}
		return r, nil
	}, base, amount), nil
}
