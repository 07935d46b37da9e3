package planner

import (
	"strings"
)

// The parser (xwb1989/sqlparser) departs from MySQL in a few places that a
// rewrite of the statement's text, before parsing, can repair exactly:
//
//   - in string literals it drops the backslash of \_ and \%, which MySQL
//     keeps so that LIKE's default escape works ('\_' is two characters);
//   - SUBSTRING(x, …) and SUBSTR(x, …) take only a column as x;
//   - EXTRACT(unit FROM x), POSITION(sub IN s) and CAST(x AS DOUBLE|FLOAT|
//     REAL) (MySQL 8.0.17) do not parse.
//
// The rewrite works on tokens (strings, quoted identifiers and comments are
// never looked into except to fix the escapes), so it cannot change what a
// statement means elsewhere. The same tokens give the text of each select
// item as written, which MySQL uses as the result column's name.

type sqlTokenKind uint8

const (
	tokWord    sqlTokenKind = iota // identifier, keyword or number
	tokString                      // '…' or "…"
	tokQuoted                      // `…`
	tokPunct                       // one byte of punctuation
	tokComment                     // -- …, # …, /* … */
)

type sqlToken struct {
	kind       sqlTokenKind
	start, end int // byte offsets into the statement
}

func (t sqlToken) text(q string) string { return q[t.start:t.end] }

// is reports whether t is the unquoted word kw (kw in lower case).
func (t sqlToken) is(q, kw string) bool {
	return t.kind == tokWord && strings.EqualFold(q[t.start:t.end], kw)
}

func (t sqlToken) punct(q string, c byte) bool {
	return t.kind == tokPunct && q[t.start] == c
}

// lexSQL splits a statement into tokens, skipping white space. An
// unterminated string, identifier or comment runs to the end.
func lexSQL(q string) []sqlToken {
	var out []sqlToken
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
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
			kind := tokString
			if c == '`' {
				kind = tokQuoted
			}
			out = append(out, sqlToken{kind: kind, start: i, end: end})
			i = end
		case c == '#' || (c == '-' && strings.HasPrefix(q[i:], "--") && (i+2 == len(q) || q[i+2] <= ' ')):
			j := strings.IndexByte(q[i:], '\n')
			end := len(q)
			if j >= 0 {
				end = i + j
			}
			out = append(out, sqlToken{kind: tokComment, start: i, end: end})
			i = end
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			j := strings.Index(q[i+2:], "*/")
			end := len(q)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			out = append(out, sqlToken{kind: tokComment, start: i, end: end})
			i = end
		case isWordByte(c):
			j := i
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			out = append(out, sqlToken{kind: tokWord, start: i, end: j})
			i = j
		default:
			out = append(out, sqlToken{kind: tokPunct, start: i, end: i + 1})
			i++
		}
	}
	return out
}

// significant drops comments.
func significant(toks []sqlToken) []sqlToken {
	out := toks[:0:0]
	for _, t := range toks {
		if t.kind != tokComment {
			out = append(out, t)
		}
	}
	return out
}

// rewriteForParser repairs the statement text where the parser departs from
// MySQL (see above). Anything else is copied unchanged.
func rewriteForParser(q string) string {
	toks := significant(lexSQL(q))
	edits := map[int]string{} // token index -> replacement text
	for i, t := range toks {
		switch t.kind {
		case tokString:
			if s := t.text(q); strings.Contains(s, `\_`) || strings.Contains(s, `\%`) {
				edits[i] = keepLikeEscapes(s)
			}
		case tokWord:
			if i+1 >= len(toks) || !toks[i+1].punct(q, '(') || (i > 0 && toks[i-1].punct(q, '.')) {
				continue
			}
			// EXTRACT(unit FROM x) becomes EXTRACT('unit', x).
			if t.is(q, "extract") && i+3 < len(toks) && toks[i+2].kind == tokWord && toks[i+3].is(q, "from") {
				edits[i] = "`" + t.text(q) + "`"
				edits[i+2] = "'" + toks[i+2].text(q) + "'"
				edits[i+3] = ","
				continue
			}
			if t.is(q, "cast") || t.is(q, "convert") {
				castToDouble(q, toks, i, edits)
				continue
			}
			// POSITION(sub IN s) becomes LOCATE(sub, s).
			if t.is(q, "position") {
				if j := depthOneWord(q, toks, i+1, "in"); j > 0 {
					edits[i], edits[j] = "`LOCATE`", ","
				}
				continue
			}
			if !(t.is(q, "substring") || t.is(q, "substr")) {
				continue
			}
			// A quoted name is an ordinary function call to the parser;
			// SUBSTRING(s FROM p FOR n) becomes SUBSTRING(s, p, n).
			edits[i] = "`" + t.text(q) + "`"
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch {
				case toks[j].punct(q, '('):
					depth++
				case toks[j].punct(q, ')'):
					depth--
				case depth == 1 && (toks[j].is(q, "from") || toks[j].is(q, "for")):
					edits[j] = ","
				}
				if depth == 0 {
					break
				}
			}
		}
	}
	if len(edits) == 0 {
		return q
	}
	var b strings.Builder
	last := 0
	for i, t := range toks {
		if r, ok := edits[i]; ok {
			b.WriteString(q[last:t.start])
			b.WriteString(r)
			last = t.end
		}
	}
	b.WriteString(q[last:])
	return b.String()
}

// keepLikeEscapes doubles the backslash of \_ and \% in a quoted string
// literal, so the parser's unescaping leaves MySQL's two characters.
func keepLikeEscapes(lit string) string {
	var b strings.Builder
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c == '\\' && i+1 < len(lit) {
			if n := lit[i+1]; n == '_' || n == '%' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(c)
			}
			b.WriteByte(lit[i+1])
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// needsBacktickHint reports whether a statement uses To or From as a bare
// column name: To anywhere outside quotes (no statement the driver runs has
// the keyword), From where a column stands (after a comma or an operator,
// before a comparison), in the select list as in WHERE.
func needsBacktickHint(q string) bool {
	toks := significant(lexSQL(q))
	wordIn := func(i int, set ...string) bool {
		if i < 0 || i >= len(toks) {
			return false
		}
		for _, w := range set {
			if toks[i].is(q, w) {
				return true
			}
		}
		return false
	}
	punctIn := func(i int, set string) bool {
		return i >= 0 && i < len(toks) && toks[i].kind == tokPunct && strings.IndexByte(set, q[toks[i].start]) >= 0
	}
	for i, t := range toks {
		switch {
		case t.is(q, "to"):
			return true
		case t.is(q, "from"):
			if punctIn(i-1, ",(.=<>!") || wordIn(i-1, "select", "distinct", "by", "where", "and", "or", "not", "on", "set", "when", "then", "else") ||
				i+1 == len(toks) || punctIn(i+1, ",)=<>!+-*/;") || wordIn(i+1, "from", "in", "like", "is", "between", "not", "as", "and", "or", "regexp") {
				return true
			}
		}
	}
	return false
}

// depthOneWord finds the unquoted word kw directly inside the parenthesis
// at toks[open]; 0 when there is none.
func depthOneWord(q string, toks []sqlToken, open int, kw string) int {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch {
		case toks[j].punct(q, '('):
			depth++
		case toks[j].punct(q, ')'):
			depth--
			if depth == 0 {
				return 0
			}
		case depth == 1 && toks[j].is(q, kw):
			return j
		}
	}
	return 0
}

// castToDouble rewrites CAST(x AS DOUBLE [PRECISION] | FLOAT | REAL) and
// CONVERT(x, DOUBLE…) to ((x) + 0e0): adding the DOUBLE zero is MySQL's
// conversion to DOUBLE, for every type of x and for NULL.
func castToDouble(q string, toks []sqlToken, i int, edits map[int]string) {
	open, depth := i+1, 0
	for j := open; j < len(toks); j++ {
		switch {
		case toks[j].punct(q, '('):
			depth++
		case toks[j].punct(q, ')'):
			depth--
			if depth == 0 {
				return
			}
		case depth == 1 && (toks[j].is(q, "as") || toks[j].punct(q, ',')):
			k := j + 1
			if k >= len(toks) || !(toks[k].is(q, "double") || toks[k].is(q, "float") || toks[k].is(q, "real")) {
				continue
			}
			end := k + 1
			if toks[k].is(q, "double") && end < len(toks) && toks[end].is(q, "precision") {
				end++
			}
			if end >= len(toks) || !toks[end].punct(q, ')') {
				return
			}
			edits[i], edits[open], edits[j] = "", "((", ") + 0e0"
			for m := k; m < end; m++ {
				edits[m] = ""
			}
			return
		}
	}
}
