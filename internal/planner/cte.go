package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Common table expressions. The parser has no WITH, so
//
//	WITH a AS (SELECT …), b AS (SELECT … FROM a …) SELECT … FROM b …
//
// is rewritten, token by token with the parser's own tokenizer (so quotes,
// backticks and comments are read as the parser reads them), into derived
// tables: each reference to a CTE where a table is named (after FROM, JOIN
// or a comma of a FROM list) becomes "(its query) AS name". A CTE may use
// the ones before it; it does not see itself (WITH RECURSIVE is refused).
// Each "?" becomes ":vN" with its place in the original text, so arguments
// bind as written even when a CTE's text moves or repeats.

// parsedToken is a token of sqlparser's Tokenizer with its place in the text: text[start:end].
type parsedToken struct {
	typ        int
	val        string
	start, end int
}

func tokenize(text string) ([]parsedToken, error) {
	if strings.Contains(text, "/*!") {
		return nil, errors.New("twilio: MySQL-specific comments (/*! … */) are not supported in a WITH statement: remove them")
	}
	tk := sqlparser.NewStringTokenizer(text)
	var out []parsedToken
	prev := 0
	for {
		typ, val := tk.Scan()
		if typ == 0 {
			return out, nil
		}
		if typ == sqlparser.LEX_ERROR {
			return nil, fmt.Errorf("twilio: SQL syntax error near %q (an unclosed quote or comment?)", clip(text[prev:]))
		}
		start := prev
		for start < len(text) && strings.IndexByte(" \t\r\n\f\v", text[start]) >= 0 {
			start++
		}
		end := min(max(tk.Position-1, start), len(text))
		out = append(out, parsedToken{typ: typ, val: string(val), start: start, end: end})
		prev = end
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// startsWithWith reports whether a statement begins with WITH, comments
// aside.
func startsWithWith(text string) bool {
	tk := sqlparser.NewStringTokenizer(text)
	for {
		typ, _ := tk.Scan()
		if typ != sqlparser.COMMENT {
			return typ == sqlparser.WITH
		}
	}
}

// cte is one "name AS (query)".
type cte struct {
	name string
	body string // the query, its own CTE references already rewritten
}

// rewriteWith turns a WITH statement into one with derived tables.
func rewriteWith(text string) (string, error) {
	all, err := tokenize(text)
	if err != nil {
		return "", err
	}
	// Comments go; "?" is numbered in the original order.
	var toks []parsedToken
	args := 0
	for _, t := range all {
		if t.typ == sqlparser.COMMENT {
			continue
		}
		if t.typ == sqlparser.VALUE_ARG && text[t.start:t.end] == "?" {
			args++
			t.val = fmt.Sprintf(":v%d", args)
		}
		toks = append(toks, t)
	}
	if len(toks) == 0 || toks[0].typ != sqlparser.WITH {
		return "", errors.New("twilio: internal: not a WITH statement")
	}
	i := 1
	if i < len(toks) && toks[i].typ == sqlparser.ID && strings.EqualFold(toks[i].val, "recursive") {
		return "", errors.New("twilio: WITH RECURSIVE is not supported: Twilio's tables hold no hierarchy to walk; drop RECURSIVE if no CTE refers to itself, and use a JOIN on ParentCallSid for a call's children")
	}
	var ctes []cte
	for {
		if i >= len(toks) || !nameToken(text, toks[i]) {
			return "", fmt.Errorf("twilio: WITH needs a name here: WITH name AS (SELECT …) SELECT …%s", near(text, toks, i))
		}
		name := tokenName(text, toks[i])
		for _, c := range ctes {
			if strings.EqualFold(c.name, name) {
				return "", fmt.Errorf("twilio: WITH names %s twice: give each query its own name", name)
			}
		}
		i++
		if i+1 < len(toks) && toks[i].typ == '(' && toks[i+1].typ != sqlparser.SELECT {
			return "", fmt.Errorf("twilio: WITH %s (columns…) is not supported: name the columns inside the query (SELECT x AS a, …)", name)
		}
		if i >= len(toks) || toks[i].typ != sqlparser.AS {
			return "", fmt.Errorf("twilio: WITH %s needs AS (SELECT …)%s", name, near(text, toks, i))
		}
		i++
		if i >= len(toks) || toks[i].typ != '(' {
			return "", fmt.Errorf("twilio: WITH %s AS needs its query in parentheses: %s AS (SELECT …)%s", name, name, near(text, toks, i))
		}
		close, err := matching(toks, i)
		if err != nil {
			return "", fmt.Errorf("twilio: WITH %s AS (…): %v", name, err)
		}
		body := render(text, toks[i+1:close], ctes)
		ctes = append(ctes, cte{name: name, body: body})
		i = close + 1
		if i < len(toks) && toks[i].typ == ',' {
			i++
			continue
		}
		break
	}
	if i >= len(toks) {
		return "", errors.New("twilio: WITH … needs a statement after its queries: WITH a AS (SELECT …) SELECT … FROM a")
	}
	if toks[i].typ == sqlparser.WITH {
		return "", errors.New("twilio: a second WITH: list every query in one WITH, separated by commas")
	}
	return render(text, toks[i:], ctes), nil
}

// near shows where a WITH went wrong.
func near(text string, toks []parsedToken, i int) string {
	if i >= len(toks) {
		return " (the statement ends there)"
	}
	return fmt.Sprintf(" (found %q)", clip(text[toks[i].start:]))
}

// matching finds the ")" that closes the "(" at toks[open].
func matching(toks []parsedToken, open int) (int, error) {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch toks[j].typ {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j, nil
			}
		}
	}
	return 0, errors.New("its parenthesis is never closed")
}

// render writes tokens back as text (each token's original spelling, a
// space where any whitespace or comment was), with references to the CTEs where a table is named
// replaced by their queries.
func render(text string, toks []parsedToken, ctes []cte) string {
	var b strings.Builder
	// fromList[d]: the tokens at paren depth d are in a FROM list, where a
	// comma introduces another table.
	fromList := map[int]bool{}
	depth := 0
	for j, t := range toks {
		if j > 0 && toks[j-1].end != t.start {
			b.WriteByte(' ') // whitespace or a comment stood there
		}
		switch t.typ {
		case '(':
			depth++
			fromList[depth] = false
		case ')':
			depth--
		case sqlparser.FROM:
			fromList[depth] = true
		case sqlparser.WHERE, sqlparser.GROUP, sqlparser.HAVING, sqlparser.ORDER, sqlparser.LIMIT, sqlparser.UNION, sqlparser.FOR, sqlparser.LOCK, sqlparser.SET, sqlparser.VALUES, sqlparser.SELECT:
			fromList[depth] = false
		}
		if nameToken(text, t) {
			if c, ok := cteAt(text, toks, j, ctes, fromList[depth]); ok {
				b.WriteString("(" + c.body + ")")
				if !aliased(toks, j) {
					b.WriteString(" AS " + quoteIdent(c.name))
				}
				continue
			}
		}
		if t.typ == sqlparser.VALUE_ARG {
			b.WriteString(t.val)
			continue
		}
		b.WriteString(text[t.start:t.end])
	}
	return b.String()
}

// cteAt reports whether toks[j] names a CTE in a table's place: after FROM
// or JOIN, or after a comma of a FROM list, and not qualified (db.t) or a
// qualifier (t.col).
func cteAt(text string, toks []parsedToken, j int, ctes []cte, inFrom bool) (cte, bool) {
	if j == 0 {
		return cte{}, false
	}
	if j+1 < len(toks) && toks[j+1].typ == '.' {
		return cte{}, false
	}
	switch toks[j-1].typ {
	case sqlparser.FROM, sqlparser.JOIN, sqlparser.STRAIGHT_JOIN:
	case ',':
		if !inFrom {
			return cte{}, false
		}
	default:
		return cte{}, false
	}
	for k := len(ctes) - 1; k >= 0; k-- {
		if strings.EqualFold(ctes[k].name, tokenName(text, toks[j])) {
			return ctes[k], true
		}
	}
	return cte{}, false
}

// nameToken reports whether a token can name a table: an identifier, or a
// keyword MySQL does not reserve (Status, Date) written as a word.
func nameToken(text string, t parsedToken) bool {
	if t.typ == sqlparser.ID {
		return true
	}
	if t.typ == sqlparser.AS || t.typ == sqlparser.SELECT || t.typ == sqlparser.WITH {
		return false
	}
	w := text[t.start:t.end]
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return w[0] < '0' || w[0] > '9'
}

// tokenName is the name a token spells: a quoted identifier unquoted.
func tokenName(text string, t parsedToken) string {
	if t.typ == sqlparser.ID {
		return t.val
	}
	return text[t.start:t.end]
}

// aliased reports whether the table named at toks[j] is given an alias.
func aliased(toks []parsedToken, j int) bool {
	return j+1 < len(toks) && (toks[j+1].typ == sqlparser.AS || toks[j+1].typ == sqlparser.ID)
}

func quoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// missingDerivedAlias reports whether a statement has a derived table
// without an alias (FROM (SELECT …) WHERE …), which MySQL's grammar, and
// so the parser, refuses with a bare syntax error.
func missingDerivedAlias(text string) bool {
	toks, err := tokenize(text)
	if err != nil {
		return false
	}
	var sig []parsedToken
	for _, t := range toks {
		if t.typ != sqlparser.COMMENT {
			sig = append(sig, t)
		}
	}
	for j := 0; j+2 < len(sig); j++ {
		switch sig[j].typ {
		case sqlparser.FROM, sqlparser.JOIN, sqlparser.STRAIGHT_JOIN, ',':
		default:
			continue
		}
		if sig[j+1].typ != '(' || sig[j+2].typ != sqlparser.SELECT {
			continue
		}
		close, err := matching(sig, j+1)
		if err != nil {
			return false
		}
		if close+1 >= len(sig) || !aliased(sig, close) {
			return true
		}
	}
	return false
}
