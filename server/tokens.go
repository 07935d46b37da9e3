package server

import (
	"strings"

	"github.com/twiliosql/twiliosql/internal/sqltext"
)

// token is one lexical unit of a statement, as far as the server needs to
// recognise statements before the driver parses them.
type token struct {
	text  string // as written; for quoted tokens, the unquoted value
	lower string // text in lower case (unquoted tokens only)
	start int    // byte offset of the token in the statement
	end   int    // byte offset just past it
	quote byte   // '`', '\'', '"' or 0
}

// is reports whether t is the unquoted keyword kw (lower case).
func (t token) is(kw string) bool { return t.quote == 0 && t.lower == kw }

// isString reports whether t is a quoted string literal.
func (t token) isString() bool { return t.quote == '\'' || t.quote == '"' }

// tokenize splits q into words, quoted strings and identifiers (their
// value, escapes applied), system variables (@@x, @@session.x) and single
// punctuation characters: internal/sqltext's tokens, the planner's too.
// Comments are skipped. It never fails: an unterminated quote runs to the
// end.
func tokenize(q string) []token {
	var out []token
	for _, t := range sqltext.Significant(sqltext.Lex(q)) {
		tk := token{text: t.Value(q), start: t.Start, end: t.End, quote: t.Quote(q)}
		if tk.quote == 0 {
			tk.lower = strings.ToLower(tk.text)
		}
		out = append(out, tk)
	}
	return out
}

func isWordByte(c byte) bool { return sqltext.IsWordByte(c) }

// trimSemicolons drops trailing ';' tokens.
func trimSemicolons(ts []token) []token {
	for len(ts) > 0 && ts[len(ts)-1].text == ";" && ts[len(ts)-1].quote == 0 {
		ts = ts[:len(ts)-1]
	}
	return ts
}

// quoteString renders s as a single-quoted SQL string literal.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			b.WriteString("''")
		case '\\':
			b.WriteString(`\\`)
		case 0:
			b.WriteString(`\0`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(s[i])
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteIdent renders s as a backquoted identifier.
func quoteIdent(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

// likeMatch reports whether s matches the SQL LIKE pattern p (case-insensitive,
// backslash escapes, % and _ wildcards), as MySQL's SHOW … LIKE does. It
// backtracks only to the last %, so it runs in O(len(s)·len(p)).
func likeMatch(s, p string) bool {
	type elem struct {
		c    byte
		kind byte // 'c' a character, '_' any one, '%' any run
	}
	var pat []elem
	p = strings.ToLower(p)
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			pat = append(pat, elem{kind: '%'})
		case '_':
			pat = append(pat, elem{kind: '_'})
		case '\\':
			if i+1 < len(p) {
				i++
			}
			pat = append(pat, elem{c: p[i], kind: 'c'})
		default:
			pat = append(pat, elem{c: p[i], kind: 'c'})
		}
	}
	s = strings.ToLower(s)
	si, pi := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && (pat[pi].kind == '_' || pat[pi].kind == 'c' && pat[pi].c == s[si]):
			si++
			pi++
		case pi < len(pat) && pat[pi].kind == '%':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].kind == '%' {
		pi++
	}
	return pi == len(pat)
}
