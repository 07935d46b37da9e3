// Package sqltext is the one lexer of MySQL statement text that the
// planner and the server use before (or instead of) parsing: to recognise
// SHOW, DESCRIBE, EXPLAIN and the statements BI tools and clients send, to
// repair text where the parser departs from MySQL, and to find each select
// item as written.
//
// It is a small hand lexer, not sqlparser's Tokenizer: that one stops with
// an error at an unterminated quote, drops the backslash of \_ and \% (MySQL
// keeps it, for LIKE), reports no byte offsets one can rely on and does not
// know @@system variables; every caller here needs all tokens with their
// exact place in the text, whatever follows. (planner/cte.go still uses the
// parser's tokenizer for WITH, since the rewrite must read the text exactly
// as the parser then does.)
//
// Lex never fails and never looks inside a string, quoted identifier or
// comment except to find where it ends: an unterminated one runs to the end
// of the text. Quoting follows MySQL with its default sql_mode: '…' and
// "…" are strings, `…` an identifier; a quote is doubled inside its own
// quotes; a backslash escapes the next byte in strings, not in identifiers.
// Comments are "-- " (two dashes and a space or control character, or the
// end), "#" to the end of the line, and "/* … */". MySQL runs the text of
// "/*! … */" as SQL; Lex returns it as one Comment token (Executable reports
// it), and each caller decides: all of them today skip it.
package sqltext

import "strings"

// Kind is a token's kind.
type Kind uint8

const (
	Word        Kind = iota // identifier, keyword or number
	String                  // '…' or "…"
	QuotedIdent             // `…`
	Punct                   // one byte of punctuation
	Comment                 // -- …, # …, /* … */, /*! … */
	Variable                // @name, @@name, @@session.name
)

// Token is a token of a statement: text[Start:End].
type Token struct {
	Kind       Kind
	Start, End int // byte offsets into the statement
}

// Text is the token as written, quotes included.
func (t Token) Text(q string) string { return q[t.Start:t.End] }

// Is reports whether t is the unquoted word kw, ignoring case.
func (t Token) Is(q, kw string) bool {
	return t.Kind == Word && strings.EqualFold(q[t.Start:t.End], kw)
}

// Punct reports whether t is the punctuation byte c.
func (t Token) Punct(q string, c byte) bool {
	return t.Kind == Punct && q[t.Start] == c
}

// Quote is the quote character of a String or QuotedIdent token; 0 for any
// other.
func (t Token) Quote(q string) byte {
	if t.Kind == String || t.Kind == QuotedIdent {
		return q[t.Start]
	}
	return 0
}

// Executable reports whether t is a "/*! … */" comment, whose text MySQL
// runs.
func (t Token) Executable(q string) bool {
	return t.Kind == Comment && strings.HasPrefix(q[t.Start:t.End], "/*!")
}

// Value is what the token stands for: for a string, its characters with
// MySQL's escapes applied (\n, \t, \r, \0, \Z, \b; \% and \_ keep their
// backslash, for LIKE; a backslash before any other byte is dropped) and
// doubled quotes made single; for a quoted identifier, its name with
// doubled backticks made single; for any other token, its text.
func (t Token) Value(q string) string {
	quote := t.Quote(q)
	if quote == 0 {
		return t.Text(q)
	}
	body := q[t.Start+1 : t.End]
	if t.End-t.Start >= 2 && q[t.End-1] == quote && closed(q[t.Start:t.End], quote) {
		body = q[t.Start+1 : t.End-1]
	}
	if !strings.ContainsRune(body, rune(quote)) && (quote == '`' || !strings.Contains(body, `\`)) {
		return body
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == quote && i+1 < len(body) && body[i+1] == quote:
			b.WriteByte(c)
			i++
		case c == '\\' && quote != '`' && i+1 < len(body):
			i++
			b.WriteString(unescape(body[i]))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// closed reports whether the quoted token s (starting with quote) ends with
// its closing quote rather than running to the end of the text.
func closed(s string, quote byte) bool {
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && quote != '`':
			i++
		case s[i] == quote:
			if i+1 < len(s) && s[i+1] == quote {
				i++
				continue
			}
			return i == len(s)-1
		}
	}
	return false
}

// unescape is the text a backslash escape in a MySQL string stands for.
func unescape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 'r':
		return "\r"
	case 'b':
		return "\b"
	case '0':
		return "\x00"
	case 'Z':
		return "\x1a"
	case '%', '_':
		// MySQL keeps the backslash of \% and \_ for LIKE.
		return "\\" + string(c)
	}
	return string(c)
}

// IsWordByte reports whether c may be part of an unquoted word.
func IsWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// Lex splits a statement into tokens, comments included, skipping white
// space.
func Lex(q string) []Token {
	var out []Token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case isSpace(c):
			i++
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(q) {
				if q[j] == '\\' && c != '`' {
					j += 2
					continue
				}
				if q[j] == c {
					if j+1 < len(q) && q[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(q))
			kind := String
			if c == '`' {
				kind = QuotedIdent
			}
			out = append(out, Token{Kind: kind, Start: i, End: end})
			i = end
		case c == '#' || (c == '-' && strings.HasPrefix(q[i:], "--") && (i+2 == len(q) || q[i+2] <= ' ')):
			end := len(q)
			if j := strings.IndexByte(q[i:], '\n'); j >= 0 {
				end = i + j
			}
			out = append(out, Token{Kind: Comment, Start: i, End: end})
			i = end
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			end := len(q)
			if j := strings.Index(q[i+2:], "*/"); j >= 0 {
				end = i + 2 + j + 2
			}
			out = append(out, Token{Kind: Comment, Start: i, End: end})
			i = end
		case c == '@' && i+1 < len(q) && (IsWordByte(q[i+1]) || q[i+1] == '@'):
			j := i + 1
			if q[j] == '@' {
				j++
			}
			for j < len(q) && (IsWordByte(q[j]) || q[j] == '.') {
				j++
			}
			out = append(out, Token{Kind: Variable, Start: i, End: j})
			i = j
		case IsWordByte(c):
			j := i
			for j < len(q) && IsWordByte(q[j]) {
				j++
			}
			out = append(out, Token{Kind: Word, Start: i, End: j})
			i = j
		default:
			out = append(out, Token{Kind: Punct, Start: i, End: i + 1})
			i++
		}
	}
	return out
}

// Significant drops comments.
func Significant(toks []Token) []Token {
	out := toks[:0:0]
	for _, t := range toks {
		if t.Kind != Comment {
			out = append(out, t)
		}
	}
	return out
}
