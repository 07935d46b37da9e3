package planner

import (
	"strings"

	"github.com/twiliosql/twiliosql/internal/sqltext"
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
// The rewrite works on tokens of internal/sqltext (strings, quoted identifiers and comments are
// never looked into except to fix the escapes), so it cannot change what a
// statement means elsewhere. The same tokens give the text of each select
// item as written, which MySQL uses as the result column's name.

// rewriteForParser repairs the statement text where the parser departs from
// MySQL (see above). Anything else is copied unchanged.
func rewriteForParser(q string) string {
	toks := sqltext.Significant(sqltext.Lex(q))
	edits := map[int]string{} // token index -> replacement text
	for i, t := range toks {
		switch t.Kind {
		case sqltext.String:
			if s := t.Text(q); strings.Contains(s, `\_`) || strings.Contains(s, `\%`) {
				edits[i] = keepLikeEscapes(s)
			}
		case sqltext.Word:
			if i+1 >= len(toks) || !toks[i+1].Punct(q, '(') || (i > 0 && toks[i-1].Punct(q, '.')) {
				continue
			}
			// EXTRACT(unit FROM x) becomes EXTRACT('unit', x).
			if t.Is(q, "extract") && i+3 < len(toks) && toks[i+2].Kind == sqltext.Word && toks[i+3].Is(q, "from") {
				edits[i] = "`" + t.Text(q) + "`"
				edits[i+2] = "'" + toks[i+2].Text(q) + "'"
				edits[i+3] = ","
				continue
			}
			if t.Is(q, "cast") || t.Is(q, "convert") {
				castToDouble(q, toks, i, edits)
				continue
			}
			// POSITION(sub IN s) becomes LOCATE(sub, s).
			if t.Is(q, "position") {
				if j := depthOneWord(q, toks, i+1, "in"); j > 0 {
					edits[i], edits[j] = "`LOCATE`", ","
				}
				continue
			}
			if !(t.Is(q, "substring") || t.Is(q, "substr")) {
				continue
			}
			// A quoted name is an ordinary function call to the parser;
			// SUBSTRING(s FROM p FOR n) becomes SUBSTRING(s, p, n).
			edits[i] = "`" + t.Text(q) + "`"
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch {
				case toks[j].Punct(q, '('):
					depth++
				case toks[j].Punct(q, ')'):
					depth--
				case depth == 1 && (toks[j].Is(q, "from") || toks[j].Is(q, "for")):
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
			b.WriteString(q[last:t.Start])
			b.WriteString(r)
			last = t.End
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
	toks := sqltext.Significant(sqltext.Lex(q))
	wordIn := func(i int, set ...string) bool {
		if i < 0 || i >= len(toks) {
			return false
		}
		for _, w := range set {
			if toks[i].Is(q, w) {
				return true
			}
		}
		return false
	}
	punctIn := func(i int, set string) bool {
		return i >= 0 && i < len(toks) && toks[i].Kind == sqltext.Punct && strings.IndexByte(set, q[toks[i].Start]) >= 0
	}
	for i, t := range toks {
		switch {
		case t.Is(q, "to"):
			return true
		case t.Is(q, "from"):
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
func depthOneWord(q string, toks []sqltext.Token, open int, kw string) int {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch {
		case toks[j].Punct(q, '('):
			depth++
		case toks[j].Punct(q, ')'):
			depth--
			if depth == 0 {
				return 0
			}
		case depth == 1 && toks[j].Is(q, kw):
			return j
		}
	}
	return 0
}

// castToDouble rewrites CAST(x AS DOUBLE [PRECISION] | FLOAT | REAL) and
// CONVERT(x, DOUBLE…) to ((x) + 0e0): adding the DOUBLE zero is MySQL's
// conversion to DOUBLE, for every type of x and for NULL.
func castToDouble(q string, toks []sqltext.Token, i int, edits map[int]string) {
	open, depth := i+1, 0
	for j := open; j < len(toks); j++ {
		switch {
		case toks[j].Punct(q, '('):
			depth++
		case toks[j].Punct(q, ')'):
			depth--
			if depth == 0 {
				return
			}
		case depth == 1 && (toks[j].Is(q, "as") || toks[j].Punct(q, ',')):
			k := j + 1
			if k >= len(toks) || !(toks[k].Is(q, "double") || toks[k].Is(q, "float") || toks[k].Is(q, "real")) {
				continue
			}
			end := k + 1
			if toks[k].Is(q, "double") && end < len(toks) && toks[end].Is(q, "precision") {
				end++
			}
			if end >= len(toks) || !toks[end].Punct(q, ')') {
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
