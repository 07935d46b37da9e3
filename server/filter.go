package server

import (
	"fmt"
	"strings"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
)

// filtered applies SHOW's LIKE 'pattern' (on the first column) or WHERE
// condition to a server-made result. WHERE understands what clients send:
// comparisons of a column with a string or number (=, !=, <>), [NOT] LIKE,
// [NOT] IN (…), joined by AND, OR, NOT and parentheses.
func filtered(fields []*querypb.Field, rows [][]any, rest []token) (*sqltypes.Result, string, error) {
	if len(rest) == 0 {
		return result(fields, rows), "", nil
	}
	var keep func(row []any) (bool, error)
	switch {
	case rest[0].is("like") && len(rest) == 2 && rest[1].isString():
		pattern := rest[1].text
		keep = func(row []any) (bool, error) { return likeMatch(fmt.Sprint(row[0]), pattern), nil }
	case rest[0].is("where") && len(rest) > 1:
		p := &condParser{ts: rest[1:], fields: fields}
		cond, err := p.expr()
		if err != nil {
			return nil, "", err
		}
		if p.pos != len(p.ts) {
			return nil, "", syntaxErr(p.ts[p.pos].text)
		}
		keep = cond
	default:
		return nil, "", syntaxErr(rest[0].text)
	}
	var out [][]any
	for _, r := range rows {
		ok, err := keep(r)
		if err != nil {
			return nil, "", err
		}
		if ok {
			out = append(out, r)
		}
	}
	return result(fields, out), "", nil
}

func syntaxErr(near string) error {
	return mysql.NewSQLError(1064, "42000", "You have an error in your SQL syntax near '%s': after SHOW … write LIKE 'pattern' or WHERE column = 'value' [AND|OR …]", near)
}

type cond func(row []any) (bool, error)

type condParser struct {
	ts     []token
	pos    int
	fields []*querypb.Field
}

func (p *condParser) peek() token {
	if p.pos < len(p.ts) {
		return p.ts[p.pos]
	}
	return token{}
}

func (p *condParser) expr() (cond, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek().is("or") {
		p.pos++
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r []any) (bool, error) {
			a, err := l(r)
			if err != nil || a {
				return a, err
			}
			return right(r)
		}
	}
	return left, nil
}

func (p *condParser) and() (cond, error) {
	left, err := p.not()
	if err != nil {
		return nil, err
	}
	for p.peek().is("and") {
		p.pos++
		right, err := p.not()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r []any) (bool, error) {
			a, err := l(r)
			if err != nil || !a {
				return a, err
			}
			return right(r)
		}
	}
	return left, nil
}

func (p *condParser) not() (cond, error) {
	if p.peek().is("not") {
		p.pos++
		c, err := p.not()
		if err != nil {
			return nil, err
		}
		return func(r []any) (bool, error) { v, err := c(r); return !v, err }, nil
	}
	if t := p.peek(); t.quote == 0 && t.text == "(" {
		p.pos++
		c, err := p.expr()
		if err != nil {
			return nil, err
		}
		if t := p.peek(); t.quote != 0 || t.text != ")" {
			return nil, syntaxErr(t.text)
		}
		p.pos++
		return c, nil
	}
	return p.comparison()
}

// value reads a string or number literal.
func (p *condParser) value() (string, error) {
	t := p.peek()
	if t.isString() || (t.quote == 0 && t.text != "" && (t.text[0] >= '0' && t.text[0] <= '9')) {
		p.pos++
		return t.text, nil
	}
	return "", syntaxErr(t.text)
}

func (p *condParser) comparison() (cond, error) {
	t := p.peek()
	if t.quote != 0 && t.quote != '`' || t.text == "" {
		return nil, syntaxErr(t.text)
	}
	col := -1
	for i, f := range p.fields {
		if strings.EqualFold(f.Name, t.text) {
			col = i
		}
	}
	if col < 0 {
		return nil, mysql.NewSQLError(1054, "42S22", "Unknown column '%s' in 'where clause'", t.text)
	}
	p.pos++
	get := func(r []any) string { return fmt.Sprint(r[col]) }
	negate := false
	if p.peek().is("not") {
		negate, p.pos = true, p.pos+1
	}
	op := p.peek()
	var c cond
	switch {
	case op.is("like"):
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c = func(r []any) (bool, error) { return r[col] != nil && likeMatch(get(r), v), nil }
	case op.is("in"):
		p.pos++
		if t := p.peek(); t.quote != 0 || t.text != "(" {
			return nil, syntaxErr(t.text)
		}
		p.pos++
		var set []string
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			set = append(set, v)
			t := p.peek()
			p.pos++
			if t.quote == 0 && t.text == ")" {
				break
			}
			if t.quote != 0 || t.text != "," {
				return nil, syntaxErr(t.text)
			}
		}
		c = func(r []any) (bool, error) {
			for _, v := range set {
				if r[col] != nil && strings.EqualFold(get(r), v) {
					return true, nil
				}
			}
			return false, nil
		}
	case !negate && op.quote == 0 && (op.text == "=" || op.text == "!" || op.text == "<"):
		p.pos++
		ne := false
		if op.text != "=" {
			if t := p.peek(); t.quote != 0 || (t.text != "=" && t.text != ">") {
				return nil, syntaxErr(t.text)
			}
			p.pos++
			ne = true
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		c = func(r []any) (bool, error) { return r[col] != nil && strings.EqualFold(get(r), v) != ne, nil }
	default:
		return nil, syntaxErr(op.text)
	}
	if negate {
		inner := c
		c = func(r []any) (bool, error) { v, err := inner(r); return !v, err }
	}
	return c, nil
}
