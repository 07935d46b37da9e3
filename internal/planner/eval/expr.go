package eval

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

// EvalFunc computes an expression over one row of column values.
type EvalFunc func(row []driver.Value) (driver.Value, error)

// Typed is a compiled expression with the SQL type of its result.
type Typed struct {
	Eval EvalFunc
	Typ  schema.Type
	// constant is set when the expression uses no column, so the planner may
	// fold it into a request parameter.
	Constant bool
	// FoldCase: a string whose comparisons ignore case (a FoldCase
	// column, or a string function of one), as MySQL's collation of an
	// information_schema column decides a comparison with a literal.
	FoldCase bool
	// null marks the NULL literal, which has no type of its own.
	null bool
	// exact is set on arithmetic: the value with the digits MySQL keeps
	// inside an expression (a quotient's whole 9-digit words) and the
	// scale it shows; Eval is that value rounded to the scale shown.
	exact exactFunc
}

// Resolver maps column references to row indexes.
type Resolver interface {
	Resolve(col *sqlparser.ColName) (int, schema.Column, error)
}

// Compiler turns parsed expressions into evalFuncs, binding arguments.
type Compiler struct {
	Cols Resolver
	Args Args
	Now  func() driver.Value
	// subs plans the subqueries an expression holds; nil: none allowed.
	Subs Subqueries
	// agg, when set, compiles over grouped rows: aggregates and GROUP BY
	// expressions read their slots of the group's row.
	Agg Aggregator
	// work bounds the bytes the statement's functions produce (limits.go).
	Work *workBudget
}

// Subqueries plans the subqueries an expression holds. A subquery is a
// query plan, so the planner implements it; the compiler only asks.
type Subqueries interface {
	// InSubquery compiles "left [NOT] IN (SELECT …)".
	InSubquery(c *Compiler, left Typed, sub *sqlparser.Subquery, negate bool) (Typed, error)
	// ScalarSubquery compiles "(SELECT …)" used as a value.
	ScalarSubquery(c *Compiler, sub *sqlparser.Subquery) (Typed, error)
	// Exists compiles "EXISTS (SELECT …)".
	Exists(c *Compiler, x *sqlparser.ExistsExpr) (Typed, error)
}

// Aggregator compiles over a group's row: the planner's GROUP BY
// implements it.
type Aggregator interface {
	// MatchKey reads a GROUP BY expression, or a column functionally
	// dependent on a grouped key, from its slot of the group's row.
	MatchKey(e sqlparser.Expr) (Typed, bool)
	// Aggregate compiles an aggregate call such as COUNT(*).
	Aggregate(x *sqlparser.FuncExpr) (Typed, error)
	// GroupConcat compiles GROUP_CONCAT(…).
	GroupConcat(x *sqlparser.GroupConcatExpr) (Typed, error)
}

func (c *Compiler) constant(v driver.Value) Typed {
	return Typed{Eval: func([]driver.Value) (driver.Value, error) { return v, nil }, Typ: typeOf(v), Constant: true, null: v == nil}
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
		return schema.Decimal
	case interface{ IsZero() bool }:
		return schema.Time
	}
	return schema.String
}

// Value evaluates a constant expression (a literal, an argument, arithmetic
// on them) with no row.
func (c *Compiler) Value(e sqlparser.Expr) (driver.Value, error) {
	t, err := c.Expr(e)
	if err != nil {
		return nil, err
	}
	if !t.Constant {
		return nil, fmt.Errorf("twilio: %s must be a constant value, not a column expression", sqlparser.String(e))
	}
	return t.Eval(nil)
}

func (c *Compiler) Expr(e sqlparser.Expr) (Typed, error) {
	if c.Agg != nil {
		if t, ok := c.Agg.MatchKey(e); ok {
			return t, nil
		}
	}
	switch x := e.(type) {
	case *sqlparser.ColName:
		idx, col, err := c.Cols.Resolve(x)
		if err != nil {
			return Typed{}, err
		}
		return Typed{Eval: func(row []driver.Value) (driver.Value, error) { return row[idx], nil }, Typ: col.Type,
			FoldCase: col.FoldCase && col.Type == schema.String}, nil
	case *sqlparser.SQLVal:
		v, err := c.literal(x)
		if err != nil {
			return Typed{}, err
		}
		return c.constant(v), nil
	case *sqlparser.NullVal:
		return c.constant(nil), nil
	case sqlparser.BoolVal:
		return c.constant(bool(x)), nil
	case *sqlparser.ParenExpr:
		return c.Expr(x.Expr)
	case *sqlparser.AndExpr:
		return c.logical(x.Left, x.Right, true)
	case *sqlparser.OrExpr:
		return c.logical(x.Left, x.Right, false)
	case *sqlparser.NotExpr:
		inner, err := c.Expr(x.Expr)
		if err != nil {
			return Typed{}, err
		}
		return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
			v, err := inner.Eval(row)
			if err != nil {
				return nil, err
			}
			b, ok := Truth(v)
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
		return c.Expr(x.Expr)
	case *sqlparser.GroupConcatExpr:
		if c.Agg == nil {
			return Typed{}, fmt.Errorf("twilio: GROUP_CONCAT() is an aggregate; aggregates are not supported in this position: use them in SELECT, HAVING or ORDER BY")
		}
		return c.Agg.GroupConcat(x)
	case *sqlparser.Subquery:
		if c.Subs == nil {
			return Typed{}, Unsupported("a subquery used as a value")
		}
		return c.Subs.ScalarSubquery(c, x)
	case *sqlparser.ExistsExpr:
		if c.Subs == nil {
			return Typed{}, Unsupported("a subquery in EXISTS")
		}
		return c.Subs.Exists(c, x)
	case *sqlparser.IntervalExpr:
		return Typed{}, fmt.Errorf("twilio: INTERVAL goes with a time: write StartTime + INTERVAL 1 DAY or DATE_ADD(StartTime, INTERVAL 1 DAY)")
	case *sqlparser.MatchExpr:
		return Typed{}, fmt.Errorf("twilio: MATCH … AGAINST is not supported: use LIKE '%%word%%' (case-insensitive)")
	}
	return Typed{}, Unsupported(sqlparser.String(e))
}

// derive builds a non-constant or constant expression from its operands.
func (c *Compiler) derive(typ schema.Type, eval EvalFunc, operands ...Typed) Typed {
	constant, foldCase := true, false
	for _, o := range operands {
		constant = constant && o.Constant
		foldCase = foldCase || o.FoldCase
	}
	return Typed{Eval: eval, Typ: typ, Constant: constant, FoldCase: foldCase && typ == schema.String}
}

func Unsupported(what string) error {
	return fmt.Errorf("twilio: %s is not supported here: write plain comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, arithmetic, CASE, CAST or a common function instead", what)
}

func (c *Compiler) literal(v *sqlparser.SQLVal) (driver.Value, error) {
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
		return c.Args.lookup(string(v.Val))
	case sqlparser.HexNum:
		n, err := strconv.ParseInt(string(v.Val[2:]), 16, 64)
		if err != nil {
			return nil, fmt.Errorf("twilio: hex number %s is out of range", v.Val)
		}
		return n, nil
	}
	return nil, Unsupported("the literal " + sqlparser.String(v))
}

func (c *Compiler) logical(l, r sqlparser.Expr, and bool) (Typed, error) {
	left, err := c.Expr(l)
	if err != nil {
		return Typed{}, err
	}
	right, err := c.Expr(r)
	if err != nil {
		return Typed{}, err
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.Eval(row)
		if err != nil {
			return nil, err
		}
		lb, lok := Truth(lv)
		// Short-circuit where the left side decides, as three-valued logic allows.
		if lok && lb != and {
			return lb, nil
		}
		rv, err := right.Eval(row)
		if err != nil {
			return nil, err
		}
		rb, rok := Truth(rv)
		if rok && rb != and {
			return rb, nil
		}
		if !lok || !rok {
			return nil, nil
		}
		return and, nil
	}, left, right), nil
}

func (c *Compiler) comparison(x *sqlparser.ComparisonExpr) (Typed, error) {
	left, err := c.Expr(x.Left)
	if err != nil {
		return Typed{}, err
	}
	switch x.Operator {
	case sqlparser.InStr, sqlparser.NotInStr:
		if tuple, ok := x.Right.(sqlparser.ValTuple); ok {
			for _, item := range tuple {
				it, err := c.Expr(item)
				if err != nil {
					return Typed{}, err
				}
				if err := checkOperands(x.Left, left, item, it); err != nil {
					return Typed{}, err
				}
			}
		}
		return c.in(left, x.Right, x.Operator == sqlparser.NotInStr)
	case sqlparser.LikeStr, sqlparser.NotLikeStr:
		return c.like(left, x.Right, x.Escape, x.Operator == sqlparser.NotLikeStr)
	case sqlparser.RegexpStr, sqlparser.NotRegexpStr:
		return c.regexp(left, x.Right, x.Operator == sqlparser.NotRegexpStr)
	}
	right, err := c.Expr(x.Right)
	if err != nil {
		return Typed{}, err
	}
	if err := checkOperands(x.Left, left, x.Right, right); err != nil {
		return Typed{}, err
	}
	left, right = c.foldTimeLiteral(left, right), c.foldTimeLiteral(right, left)
	test, ok := comparators[x.Operator]
	if !ok {
		return Typed{}, Unsupported("the operator " + x.Operator)
	}
	nullSafe := x.Operator == sqlparser.NullSafeEqualStr
	cmpFn := Comparer(left, right)
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.Eval(row)
		if err != nil {
			return nil, err
		}
		rv, err := right.Eval(row)
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
func (c *Compiler) foldTimeLiteral(operand, other Typed) Typed {
	if !operand.Constant || (other.Typ != schema.Time && other.Typ != schema.Date) {
		return operand
	}
	v, err := operand.Eval(nil)
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

// ListValues compiles the right side of IN: a tuple of expressions or a
// list argument ("::ids", bound to a []string or similar).
func (c *Compiler) ListValues(e sqlparser.Expr) ([]Typed, error) {
	switch x := e.(type) {
	case sqlparser.ValTuple:
		out := make([]Typed, 0, len(x))
		for _, item := range x {
			t, err := c.Expr(item)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		return out, nil
	case sqlparser.ListArg:
		v, err := c.Args.lookup(string(x))
		if err != nil {
			return nil, err
		}
		list, ok := listArgument(v)
		if !ok {
			return nil, fmt.Errorf("twilio: list argument %s must be a slice ([]string, []int64, []any…), not %T", x, v)
		}
		out := make([]Typed, len(list))
		for i, item := range list {
			out[i] = c.constant(item)
		}
		return out, nil
	case *sqlparser.Subquery:
		return nil, Unsupported("a subquery here")
	case *sqlparser.SQLVal:
		if x.Type == sqlparser.ValArg {
			// "IN ?" or "IN :ids" bound to a slice.
			v, err := c.Args.lookup(string(x.Val))
			if err != nil {
				return nil, err
			}
			if list, ok := listArgument(v); ok {
				out := make([]Typed, len(list))
				for i, item := range list {
					out[i] = c.constant(item)
				}
				return out, nil
			}
			return []Typed{c.constant(v)}, nil
		}
	}
	return nil, Unsupported(sqlparser.String(e) + " after IN")
}

func (c *Compiler) in(left Typed, right sqlparser.Expr, negate bool) (Typed, error) {
	if sub, ok := right.(*sqlparser.Subquery); ok {
		if c.Subs == nil {
			return Typed{}, Unsupported("a subquery in IN")
		}
		return c.Subs.InSubquery(c, left, sub, negate)
	}
	items, err := c.ListValues(right)
	if err != nil {
		return Typed{}, err
	}
	cmpFn := Comparer(append(items, left)...)
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.Eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		sawNull := false
		for _, item := range items {
			iv, err := item.Eval(row)
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

func (c *Compiler) like(left Typed, pattern, escape sqlparser.Expr, negate bool) (Typed, error) {
	pat, err := c.Expr(pattern)
	if err != nil {
		return Typed{}, err
	}
	esc := '\\'
	if escape != nil {
		v, err := c.Value(escape)
		if err != nil {
			return Typed{}, err
		}
		s := []rune(ToString(v))
		if len(s) != 1 {
			return Typed{}, fmt.Errorf("twilio: ESCAPE takes exactly one character, not %s", Describe(v))
		}
		esc = s[0]
	}
	var fixed *likeMatcher
	if pat.Constant {
		pv, err := pat.Eval(nil)
		if err != nil {
			return Typed{}, err
		}
		if pv != nil {
			m := CompileLike(ToString(pv), esc)
			fixed = &m
		}
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.Eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		m := fixed
		if m == nil {
			pv, err := pat.Eval(row)
			if err != nil || pv == nil {
				return nil, err
			}
			compiled := CompileLike(ToString(pv), esc)
			m = &compiled
		}
		return m.Match(ToString(lv)) != negate, nil
	}, left, pat), nil
}

func (c *Compiler) regexp(left Typed, pattern sqlparser.Expr, negate bool) (Typed, error) {
	pv, err := c.Value(pattern)
	if err != nil {
		return Typed{}, err
	}
	if pv == nil {
		return c.constant(nil), nil
	}
	// MySQL's REGEXP is case-insensitive for non-binary strings.
	re, err := regexp.Compile("(?i)" + ToString(pv))
	if err != nil {
		return Typed{}, fmt.Errorf("twilio: REGEXP pattern %s is not valid: %v", Describe(pv), err)
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		lv, err := left.Eval(row)
		if err != nil || lv == nil {
			return nil, err
		}
		return re.MatchString(ToString(lv)) != negate, nil
	}, left), nil
}

func (c *Compiler) between(x *sqlparser.RangeCond) (Typed, error) {
	ops := make([]Typed, 3)
	for i, e := range []sqlparser.Expr{x.Left, x.From, x.To} {
		t, err := c.Expr(e)
		if err != nil {
			return Typed{}, err
		}
		ops[i] = t
	}
	for i, e := range []sqlparser.Expr{x.From, x.To} {
		if err := checkOperands(x.Left, ops[0], e, ops[i+1]); err != nil {
			return Typed{}, err
		}
	}
	negate := x.Operator == sqlparser.NotBetweenStr
	cmpFn := Comparer(ops...)
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		var vals [3]driver.Value
		for i, o := range ops {
			v, err := o.Eval(row)
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

func (c *Compiler) is(x *sqlparser.IsExpr) (Typed, error) {
	inner, err := c.Expr(x.Expr)
	if err != nil {
		return Typed{}, err
	}
	return c.derive(schema.Bool, func(row []driver.Value) (driver.Value, error) {
		v, err := inner.Eval(row)
		if err != nil {
			return nil, err
		}
		b, known := Truth(v)
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
		return nil, Unsupported("IS " + x.Operator)
	}, inner), nil
}

func (c *Compiler) arithmetic(x *sqlparser.BinaryExpr) (Typed, error) {
	if x.Operator == sqlparser.JSONExtractOp || x.Operator == sqlparser.JSONUnquoteExtractOp {
		return c.jsonArrow(x)
	}
	left, err := c.Expr(x.Left)
	if err != nil {
		return Typed{}, err
	}
	if iv, ok := x.Right.(*sqlparser.IntervalExpr); ok && (x.Operator == sqlparser.PlusStr || x.Operator == sqlparser.MinusStr) {
		return c.interval(left, iv, x.Operator == sqlparser.MinusStr)
	}
	right, err := c.Expr(x.Right)
	if err != nil {
		return Typed{}, err
	}
	op := x.Operator
	switch op {
	case sqlparser.PlusStr, sqlparser.MinusStr, sqlparser.MultStr, sqlparser.DivStr, sqlparser.IntDivStr, sqlparser.ModStr:
	default:
		return Typed{}, Unsupported("the operator " + op)
	}
	text := func() string { return ExprText(x) }
	lx, rx := left.exactValue(), right.exactValue()
	exact := func(row []driver.Value) (driver.Value, int32, error) {
		lv, ls, err := lx(row)
		if err != nil || lv == nil {
			return nil, 0, err
		}
		rv, rs, err := rx(row)
		if err != nil || rv == nil {
			return nil, 0, err
		}
		return arithExact(op, lv, ls, rv, rs, text)
	}
	t := c.derive(arithType(op, left.Typ, right.Typ), func(row []driver.Value) (driver.Value, error) {
		v, scale, err := exact(row)
		return shown(v, scale), err
	}, left, right)
	t.exact = exact
	return t, nil
}

func (c *Compiler) unary(x *sqlparser.UnaryExpr) (Typed, error) {
	inner, err := c.Expr(x.Expr)
	if err != nil {
		return Typed{}, err
	}
	switch x.Operator {
	case sqlparser.UMinusStr:
		typ := inner.Typ
		if typ == schema.Bool {
			typ = schema.Int // -TRUE is -1
		}
		text := func() string { return ExprText(x) }
		if inner.exact != nil {
			// -(1/3) keeps the quotient's digits for the expression
			// around it.
			ix := inner.exact
			exact := func(row []driver.Value) (driver.Value, int32, error) {
				v, scale, err := ix(row)
				if err != nil || v == nil {
					return nil, 0, err
				}
				v, err = negate(v, text)
				return v, scale, err
			}
			t := c.derive(typ, func(row []driver.Value) (driver.Value, error) {
				v, scale, err := exact(row)
				return shown(v, scale), err
			}, inner)
			t.exact = exact
			return t, nil
		}
		return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
			v, err := inner.Eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			return negate(v, text)
		}, inner), nil
	case sqlparser.UPlusStr:
		return inner, nil
	case sqlparser.BangStr:
		return c.Expr(&sqlparser.NotExpr{Expr: x.Expr})
	}
	return Typed{}, Unsupported("the operator " + x.Operator)
}

func (c *Compiler) caseExpr(x *sqlparser.CaseExpr) (Typed, error) {
	var subject *Typed
	if x.Expr != nil {
		s, err := c.Expr(x.Expr)
		if err != nil {
			return Typed{}, err
		}
		subject = &s
	}
	type branch struct{ when, then Typed }
	branches := make([]branch, 0, len(x.Whens))
	operands := []Typed{}
	var typ schema.Type
	for i, w := range x.Whens {
		cond, err := c.Expr(w.Cond)
		if err != nil {
			return Typed{}, err
		}
		val, err := c.Expr(w.Val)
		if err != nil {
			return Typed{}, err
		}
		if i == 0 {
			typ = val.Typ
		}
		branches = append(branches, branch{cond, val})
		operands = append(operands, cond, val)
	}
	elseVal := c.constant(nil)
	if x.Else != nil {
		e, err := c.Expr(x.Else)
		if err != nil {
			return Typed{}, err
		}
		elseVal = e
		operands = append(operands, e)
	}
	if subject != nil {
		operands = append(operands, *subject)
	}
	results := []Typed{elseVal}
	for _, b := range branches {
		results = append(results, b.then)
	}
	if merged, ok := mergedNumeric(results); ok {
		typ = merged
	}
	cmpFn := Compare
	if subject != nil {
		whens := []Typed{*subject}
		for _, b := range branches {
			whens = append(whens, b.when)
		}
		cmpFn = Comparer(whens...)
	}
	return c.derive(typ, func(row []driver.Value) (driver.Value, error) {
		var sv driver.Value
		if subject != nil {
			v, err := subject.Eval(row)
			if err != nil {
				return nil, err
			}
			sv = v
		}
		for _, b := range branches {
			wv, err := b.when.Eval(row)
			if err != nil {
				return nil, err
			}
			var hit bool
			if subject != nil {
				cmp, ok := cmpFn(sv, wv)
				hit = ok && cmp == 0
			} else {
				hit, _ = Truth(wv)
			}
			if hit {
				v, err := b.then.Eval(row)
				return ConformNumeric(v, typ), err
			}
		}
		v, err := elseVal.Eval(row)
		return ConformNumeric(v, typ), err
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
		f, _ := ToFloat(v)
		f = math.Round(f)
		if !(f >= math.MinInt64 && f < math.MaxInt64) {
			return nil, errOutOfRange("BIGINT", text())
		}
		return int64(f), nil
	case schema.Float:
		if d, ok := v.(decimal.Decimal); ok {
			return d, nil
		}
		f, _ := ToFloat(v)
		return f, nil
	case schema.String:
		return ToString(v), nil
	case schema.Date, schema.Time:
		t, ok := AsTime(v)
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
