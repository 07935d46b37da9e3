package planner

import (
	"database/sql/driver"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// evalFunc computes an expression over one row of column values.
type evalFunc func(row []driver.Value) (driver.Value, error)

// typed is a compiled expression with the SQL type of its result.
type typed struct {
	eval evalFunc
	typ  schema.Type
	// constant is set when the expression uses no column, so the planner may
	// fold it into a request parameter.
	constant bool
	// foldCase: a string whose comparisons ignore case (a FoldCase
	// column, or a string function of one), as MySQL's collation of an
	// information_schema column decides a comparison with a literal.
	foldCase bool
}

// resolver maps column references to row indexes.
type resolver interface {
	resolve(col *sqlparser.ColName) (int, schema.Column, error)
}

// compiler turns parsed expressions into evalFuncs, binding arguments.
type compiler struct {
	cols resolver
	args args
	now  func() driver.Value
	// subs plans the subqueries an expression holds; nil: none allowed.
	subs *subqueries
	// agg, when set, compiles over grouped rows: aggregates and GROUP BY
	// expressions read their slots of the group's row.
	agg *aggContext
	// work bounds the bytes the statement's functions produce (limits.go).
	work *workBudget
}

func (c *compiler) constant(v driver.Value) typed {
	return typed{eval: func([]driver.Value) (driver.Value, error) { return v, nil }, typ: typeOf(v), constant: true}
}

// typeOf is the SQL type of a Go value.
func typeOf(v driver.Value) schema.Type {
	switch v.(type) {
	case int64:
		return schema.Int
	case float64:
		return schema.Float
	case bool:
		return schema.Bool
	case decimal.Decimal:
		return schema.Float
	case interface{ IsZero() bool }:
		return schema.Time
	}
	return schema.String
}

// value evaluates a constant expression (a literal, an argument, arithmetic
// on them) with no row.
func (c *compiler) value(e sqlparser.Expr) (driver.Value, error) {
	t, err := c.expr(e)
	if err != nil {
		return nil, err
	}
	if !t.constant {
		return nil, fmt.Errorf("twilio: %s must be a constant value, not a column expression", sqlparser.String(e))
	}
	return t.eval(nil)
}

func (c *compiler) expr(e sqlparser.Expr) (typed, error) {
	if c.agg != nil {
		if t, ok := c.agg.matchKey(e); ok {
			return t, nil
		}
	}
	switch x := e.(type) {
	case *sqlparser.ColName:
		idx, col, err := c.cols.resolve(x)
		if err != nil {
			return typed{}, err
		}
		return typed{eval: func(row []driver.Value) (driver.Value, error) { return row[idx], nil }, typ: col.Type,
			foldCase: col.FoldCase && col.Type == schema.String}, nil
	case *sqlparser.SQLVal:
		v, err := c.literal(x)
		if err != nil {
			return typed{}, err
		}
		return c.constant(v), nil
	case *sqlparser.NullVal:
		return c.constant(nil), nil
	case sqlparser.BoolVal:
		return c.constant(bool(x)), nil
	case *sqlparser.ParenExpr:
		return c.expr(x.Expr)
	case *sqlparser.AndExpr:
		return c.logical(x.Left, x.Right, true)
	case *sqlparser.OrExpr:
		return c.logical(x.Left, x.Right, false)
	case *sqlparser.NotExpr:
		inner, err := c.expr(x.Expr)
		if err != nil {
			return typed{}, err
		}
		return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
			v, err := inner.eval(row)
			if err != nil {
				return nil, err
			}
			b, ok := truth(v)
			if !ok {
				return nil, nil
			}
			return !b, nil
		}, inner), nil
	case *sqlparser.ComparisonExpr:
		return c.comparison(x)
	case *sqlparser.RangeCond:
		return c.between(x)
	case *sqlparser.IsExpr:
		return c.is(x)
	case *sqlparser.BinaryExpr:
		return c.arithmetic(x)
	case *sqlparser.UnaryExpr:
		return c.unary(x)
	case *sqlparser.FuncExpr:
		return c.function(x)
	case *sqlparser.SubstrExpr:
		return c.substr(x)
	case *sqlparser.CaseExpr:
		return c.caseExpr(x)
	case *sqlparser.ConvertExpr:
		return c.cast(x.Expr, x.Type)
	case *sqlparser.CollateExpr:
		return c.expr(x.Expr)
	case *sqlparser.GroupConcatExpr:
		if c.agg == nil {
			return typed{}, fmt.Errorf("twilio: GROUP_CONCAT() is an aggregate; aggregates are not supported in this position: use them in SELECT, HAVING or ORDER BY")
		}
		return c.agg.groupConcat(x)
	case *sqlparser.Subquery:
		return c.scalarSubquery(x)
	case *sqlparser.ExistsExpr:
		return c.exists(x)
	case *sqlparser.IntervalExpr:
		return typed{}, fmt.Errorf("twilio: INTERVAL goes with a time: write StartTime + INTERVAL 1 DAY or DATE_ADD(StartTime, INTERVAL 1 DAY)")
	case *sqlparser.MatchExpr:
		return typed{}, fmt.Errorf("twilio: MATCH … AGAINST is not supported: use LIKE '%%word%%' (case-insensitive)")
	}
	return typed{}, unsupported(sqlparser.String(e))
}

// derive builds a non-constant or constant expression from its operands.
func (c *compiler) derive(typ schema.Type, eval evalFunc, operands ...typed) typed {
	constant, foldCase := true, false
	for _, o := range operands {
		constant = constant && o.constant
		foldCase = foldCase || o.foldCase
	}
	return typed{eval: eval, typ: typ, constant: constant, foldCase: foldCase && typ == schema.String}
}

func unsupported(what string) error {
	return fmt.Errorf("twilio: %s is not supported here: write plain comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, arithmetic, CASE, CAST or a common function instead", what)
}

func (c *compiler) literal(v *sqlparser.SQLVal) (driver.Value, error) {
	switch v.Type {
	case sqlparser.StrVal:
		return string(v.Val), nil
	case sqlparser.IntVal:
		n, err := strconv.ParseInt(string(v.Val), 10, 64)
		if err != nil {
			// MySQL reads an integer literal beyond BIGINT as a DECIMAL.
			d, derr := decimalLiteral(string(v.Val))
			if derr != nil || d == nil {
				return nil, fmt.Errorf("twilio: number %s is out of range", v.Val)
			}
			return d, nil
		}
		return n, nil
	case sqlparser.FloatVal:
		if d, err := decimalLiteral(string(v.Val)); err != nil {
			return nil, err
		} else if d != nil {
			return d, nil
		}
		f, err := strconv.ParseFloat(string(v.Val), 64)
		if err != nil {
			return nil, fmt.Errorf("twilio: number %s is not valid", v.Val)
		}
		return f, nil
	case sqlparser.ValArg:
		return c.args.lookup(string(v.Val))
	case sqlparser.HexNum:
		n, err := strconv.ParseInt(string(v.Val[2:]), 16, 64)
		if err != nil {
			return nil, fmt.Errorf("twilio: hex number %s is out of range", v.Val)
		}
		return n, nil
	}
	return nil, unsupported("the literal " + sqlparser.String(v))
}

func (c *compiler) logical(l, r sqlparser.Expr, and bool) (typed, error) {
	left, err := c.expr(l)
	if err != nil {
		return typed{}, err
	}
	right, err := c.expr(r)
	if err != nil {
		return typed{}, err
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.eval(row)
		if err != nil {
			return nil, err
		}
		lb, lok := truth(lv)
		// Short-circuit where the left side decides, as three-valued logic allows.
		if lok && lb != and {
			return lb, nil
		}
		rv, err := right.eval(row)
		if err != nil {
			return nil, err
		}
		rb, rok := truth(rv)
		if rok && rb != and {
			return rb, nil
		}
		if !lok || !rok {
			return nil, nil
		}
		return and, nil
	}, left, right), nil
}

func (c *compiler) comparison(x *sqlparser.ComparisonExpr) (typed, error) {
	left, err := c.expr(x.Left)
	if err != nil {
		return typed{}, err
	}
	switch x.Operator {
	case sqlparser.InStr, sqlparser.NotInStr:
		if tuple, ok := x.Right.(sqlparser.ValTuple); ok {
			for _, item := range tuple {
				it, err := c.expr(item)
				if err != nil {
					return typed{}, err
				}
				if err := checkOperands(x.Left, left, item, it); err != nil {
					return typed{}, err
				}
			}
		}
		return c.in(left, x.Right, x.Operator == sqlparser.NotInStr)
	case sqlparser.LikeStr, sqlparser.NotLikeStr:
		return c.like(left, x.Right, x.Escape, x.Operator == sqlparser.NotLikeStr)
	case sqlparser.RegexpStr, sqlparser.NotRegexpStr:
		return c.regexp(left, x.Right, x.Operator == sqlparser.NotRegexpStr)
	}
	right, err := c.expr(x.Right)
	if err != nil {
		return typed{}, err
	}
	if err := checkOperands(x.Left, left, x.Right, right); err != nil {
		return typed{}, err
	}
	left, right = c.foldTimeLiteral(left, right), c.foldTimeLiteral(right, left)
	test, ok := comparators[x.Operator]
	if !ok {
		return typed{}, unsupported("the operator " + x.Operator)
	}
	nullSafe := x.Operator == sqlparser.NullSafeEqualStr
	cmpFn := comparer(left, right)
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.eval(row)
		if err != nil {
			return nil, err
		}
		rv, err := right.eval(row)
		if err != nil {
			return nil, err
		}
		if nullSafe && (lv == nil || rv == nil) {
			return lv == nil && rv == nil, nil
		}
		cmp, ok := cmpFn(lv, rv)
		if !ok {
			return nil, nil
		}
		return test(cmp), nil
	}, left, right), nil
}

// foldTimeLiteral parses, once, a constant string compared with a time
// column, instead of on every row. Anything else is returned unchanged.
func (c *compiler) foldTimeLiteral(operand, other typed) typed {
	if !operand.constant || (other.typ != schema.Time && other.typ != schema.Date) {
		return operand
	}
	v, err := operand.eval(nil)
	if err != nil {
		return operand
	}
	s, ok := v.(string)
	if !ok {
		return operand
	}
	t, ok := parseTime(s)
	if !ok {
		return operand
	}
	return c.constant(t)
}

var comparators = map[string]func(int) bool{
	sqlparser.EqualStr:         func(c int) bool { return c == 0 },
	sqlparser.NullSafeEqualStr: func(c int) bool { return c == 0 },
	sqlparser.NotEqualStr:      func(c int) bool { return c != 0 },
	sqlparser.LessThanStr:      func(c int) bool { return c < 0 },
	sqlparser.LessEqualStr:     func(c int) bool { return c <= 0 },
	sqlparser.GreaterThanStr:   func(c int) bool { return c > 0 },
	sqlparser.GreaterEqualStr:  func(c int) bool { return c >= 0 },
}

// listValues compiles the right side of IN: a tuple of expressions or a
// list argument ("::ids", bound to a []string or similar).
func (c *compiler) listValues(e sqlparser.Expr) ([]typed, error) {
	switch x := e.(type) {
	case sqlparser.ValTuple:
		out := make([]typed, 0, len(x))
		for _, item := range x {
			t, err := c.expr(item)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	case sqlparser.ListArg:
		v, err := c.args.lookup(string(x))
		if err != nil {
			return nil, err
		}
		list, ok := listArgument(v)
		if !ok {
			return nil, fmt.Errorf("twilio: list argument %s must be a slice ([]string, []int64, []any…), not %T", x, v)
		}
		out := make([]typed, len(list))
		for i, item := range list {
			out[i] = c.constant(item)
		}
		return out, nil
	case *sqlparser.Subquery:
		return nil, unsupported("a subquery here")
	case *sqlparser.SQLVal:
		if x.Type == sqlparser.ValArg {
			// "IN ?" or "IN :ids" bound to a slice.
			v, err := c.args.lookup(string(x.Val))
			if err != nil {
				return nil, err
			}
			if list, ok := listArgument(v); ok {
				out := make([]typed, len(list))
				for i, item := range list {
					out[i] = c.constant(item)
				}
				return out, nil
			}
			return []typed{c.constant(v)}, nil
		}
	}
	return nil, unsupported(sqlparser.String(e) + " after IN")
}

func (c *compiler) in(left typed, right sqlparser.Expr, negate bool) (typed, error) {
	if sub, ok := right.(*sqlparser.Subquery); ok {
		return c.inSubquery(left, sub, negate)
	}
	items, err := c.listValues(right)
	if err != nil {
		return typed{}, err
	}
	cmpFn := comparer(append(items, left)...)
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		sawNull := false
		for _, item := range items {
			iv, err := item.eval(row)
			if err != nil {
				return nil, err
			}
			cmp, ok := cmpFn(lv, iv)
			if !ok {
				sawNull = true
				continue
			}
			if cmp == 0 {
				return !negate, nil
			}
		}
		if sawNull {
			return nil, nil
		}
		return negate, nil
	}, append(items, left)...), nil
}

func (c *compiler) like(left typed, pattern, escape sqlparser.Expr, negate bool) (typed, error) {
	pat, err := c.expr(pattern)
	if err != nil {
		return typed{}, err
	}
	esc := '\\'
	if escape != nil {
		v, err := c.value(escape)
		if err != nil {
			return typed{}, err
		}
		s := []rune(toString(v))
		if len(s) != 1 {
			return typed{}, fmt.Errorf("twilio: ESCAPE takes exactly one character, not %s", describe(v))
		}
		esc = s[0]
	}
	var fixed *likeMatcher
	if pat.constant {
		pv, err := pat.eval(nil)
		if err != nil {
			return typed{}, err
		}
		if pv != nil {
			m := compileLike(toString(pv), esc)
			fixed = &m
		}
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		m := fixed
		if m == nil {
			pv, err := pat.eval(row)
			if err != nil || pv == nil {
				return nil, err
			}
			compiled := compileLike(toString(pv), esc)
			m = &compiled
		}
		return m.match(toString(lv)) != negate, nil
	}, left, pat), nil
}

func (c *compiler) regexp(left typed, pattern sqlparser.Expr, negate bool) (typed, error) {
	pv, err := c.value(pattern)
	if err != nil {
		return typed{}, err
	}
	if pv == nil {
		return c.constant(nil), nil
	}
	// MySQL's REGEXP is case-insensitive for non-binary strings.
	re, err := regexp.Compile("(?i)" + toString(pv))
	if err != nil {
		return typed{}, fmt.Errorf("twilio: REGEXP pattern %s is not valid: %v", describe(pv), err)
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		return re.MatchString(toString(lv)) != negate, nil
	}, left), nil
}

func (c *compiler) between(x *sqlparser.RangeCond) (typed, error) {
	ops := make([]typed, 3)
	for i, e := range []sqlparser.Expr{x.Left, x.From, x.To} {
		t, err := c.expr(e)
		if err != nil {
			return typed{}, err
		}
		ops[i] = t
	}
	for i, e := range []sqlparser.Expr{x.From, x.To} {
		if err := checkOperands(x.Left, ops[0], e, ops[i+1]); err != nil {
			return typed{}, err
		}
	}
	negate := x.Operator == sqlparser.NotBetweenStr
	cmpFn := comparer(ops...)
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		var vals [3]driver.Value
		for i, o := range ops {
			v, err := o.eval(row)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		lo, lok := cmpFn(vals[0], vals[1])
		hi, hok := cmpFn(vals[0], vals[2])
		geLo, leHi := lo >= 0, hi <= 0
		// Three-valued: a known false side decides even if the other is NULL.
		switch {
		case lok && hok:
			return (geLo && leHi) != negate, nil
		case lok && !geLo, hok && !leHi:
			return negate, nil
		}
		return nil, nil
	}, ops...), nil
}

func (c *compiler) is(x *sqlparser.IsExpr) (typed, error) {
	inner, err := c.expr(x.Expr)
	if err != nil {
		return typed{}, err
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		v, err := inner.eval(row)
		if err != nil {
			return nil, err
		}
		b, known := truth(v)
		switch x.Operator {
		case sqlparser.IsNullStr:
			return v == nil, nil
		case sqlparser.IsNotNullStr:
			return v != nil, nil
		case sqlparser.IsTrueStr:
			return known && b, nil
		case sqlparser.IsNotTrueStr:
			return !(known && b), nil
		case sqlparser.IsFalseStr:
			return known && !b, nil
		case sqlparser.IsNotFalseStr:
			return !(known && !b), nil
		}
		return nil, unsupported("IS " + x.Operator)
	}, inner), nil
}

func (c *compiler) arithmetic(x *sqlparser.BinaryExpr) (typed, error) {
	if x.Operator == sqlparser.JSONExtractOp || x.Operator == sqlparser.JSONUnquoteExtractOp {
		return c.jsonArrow(x)
	}
	left, err := c.expr(x.Left)
	if err != nil {
		return typed{}, err
	}
	if iv, ok := x.Right.(*sqlparser.IntervalExpr); ok && (x.Operator == sqlparser.PlusStr || x.Operator == sqlparser.MinusStr) {
		return c.interval(left, iv, x.Operator == sqlparser.MinusStr)
	}
	right, err := c.expr(x.Right)
	if err != nil {
		return typed{}, err
	}
	op := x.Operator
	switch op {
	case sqlparser.PlusStr, sqlparser.MinusStr, sqlparser.MultStr, sqlparser.DivStr, sqlparser.IntDivStr, sqlparser.ModStr:
	default:
		return typed{}, unsupported("the operator " + op)
	}
	typ := schema.Float
	if op == sqlparser.IntDivStr || (op != sqlparser.DivStr && left.typ == schema.Int && right.typ == schema.Int) {
		typ = schema.Int
	}
	text := func() string { return exprText(x) }
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		rv, err := right.eval(row)
		if err != nil || rv == nil {
			return nil, err
		}
		return arith(op, lv, rv, text)
	}, left, right), nil
}

func (c *compiler) unary(x *sqlparser.UnaryExpr) (typed, error) {
	inner, err := c.expr(x.Expr)
	if err != nil {
		return typed{}, err
	}
	switch x.Operator {
	case sqlparser.UMinusStr:
		return c.derive(inner.typ, func(row []driver.Value) (driver.Value, error) {
			v, err := inner.eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			return negate(v, func() string { return exprText(x) })
		}, inner), nil
	case sqlparser.UPlusStr:
		return inner, nil
	case sqlparser.BangStr:
		return c.expr(&sqlparser.NotExpr{Expr: x.Expr})
	}
	return typed{}, unsupported("the operator " + x.Operator)
}

func (c *compiler) caseExpr(x *sqlparser.CaseExpr) (typed, error) {
	var subject *typed
	if x.Expr != nil {
		s, err := c.expr(x.Expr)
		if err != nil {
			return typed{}, err
		}
		subject = &s
	}
	type branch struct{ when, then typed }
	branches := make([]branch, 0, len(x.Whens))
	operands := []typed{}
	var typ schema.Type
	for i, w := range x.Whens {
		cond, err := c.expr(w.Cond)
		if err != nil {
			return typed{}, err
		}
		val, err := c.expr(w.Val)
		if err != nil {
			return typed{}, err
		}
		if i == 0 {
			typ = val.typ
		}
		branches = append(branches, branch{cond, val})
		operands = append(operands, cond, val)
	}
	elseVal := c.constant(nil)
	if x.Else != nil {
		e, err := c.expr(x.Else)
		if err != nil {
			return typed{}, err
		}
		elseVal = e
		operands = append(operands, e)
	}
	if subject != nil {
		operands = append(operands, *subject)
	}
	cmpFn := compare
	if subject != nil {
		whens := []typed{*subject}
		for _, b := range branches {
			whens = append(whens, b.when)
		}
		cmpFn = comparer(whens...)
	}
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		var sv driver.Value
		if subject != nil {
			v, err := subject.eval(row)
			if err != nil {
				return nil, err
			}
			sv = v
		}
		for _, b := range branches {
			wv, err := b.when.eval(row)
			if err != nil {
				return nil, err
			}
			var hit bool
			if subject != nil {
				cmp, ok := cmpFn(sv, wv)
				hit = ok && cmp == 0
			} else {
				hit, _ = truth(wv)
			}
			if hit {
				return b.then.eval(row)
			}
		}
		return elseVal.eval(row)
	}, operands...), nil
}

// convert casts a value to typ the way MySQL's CAST does; an unreadable
// time is NULL, an integer out of BIGINT's range is an error.
func convert(v driver.Value, typ schema.Type, text func() string) (driver.Value, error) {
	switch typ {
	case schema.Int:
		switch x := v.(type) {
		case int64:
			return x, nil
		case decimal.Decimal:
			if n, ok := decimalToInt(x.Round(0)); ok {
				return n, nil
			}
			return nil, errOutOfRange("BIGINT", text())
		case string:
			if d, err := decimal.NewFromString(strings.TrimSpace(x)); err == nil {
				if n, ok := decimalToInt(d.Round(0)); ok {
					return n, nil
				}
				return nil, errOutOfRange("BIGINT", text())
			}
		}
		f, _ := toFloat(v)
		f = math.Round(f)
		if !(f >= math.MinInt64 && f < math.MaxInt64) {
			return nil, errOutOfRange("BIGINT", text())
		}
		return int64(f), nil
	case schema.Float:
		if d, ok := v.(decimal.Decimal); ok {
			return d, nil
		}
		f, _ := toFloat(v)
		return f, nil
	case schema.String:
		return toString(v), nil
	case schema.Date, schema.Time:
		t, ok := asTime(v)
		if !ok {
			return nil, nil
		}
		if typ == schema.Date {
			return t.Truncate(24 * time.Hour), nil
		}
		return t, nil
	}
	return v, nil
}
