package sqltext

import (
	"fmt"
	"strings"
	"testing"
)

// show renders tokens as kind:value, comments as written.
func show(q string) string {
	var parts []string
	for _, t := range Lex(q) {
		name := [...]string{"word", "string", "ident", "punct", "comment", "var"}[t.Kind]
		v := t.Value(q)
		if t.Kind == Comment {
			v = t.Text(q)
		}
		parts = append(parts, fmt.Sprintf("%s:%s", name, v))
	}
	return strings.Join(parts, " | ")
}

func TestLexQuoting(t *testing.T) {
	tests := []struct{ in, want string }{
		{`'it''s'`, `string:it's`},
		{`"say ""hi"""`, `string:say "hi"`},
		{"`odd``name`", "ident:odd`name"},
		{`'a\'b'`, `string:a'b`},
		{`"a\"b"`, `string:a"b`},
		{`'line\nbreak\ttab\\slash\0\Z'`, "string:line\nbreak\ttab\\slash\x00\x1a"},
		{`'\_\%'`, `string:\_\%`}, // MySQL keeps these backslashes, for LIKE
		{`'\q'`, `string:q`},      // an unknown escape is the byte itself
		{"`a\\b`", "ident:a\\b"},  // no backslash escapes in identifiers
		{`'a"b' "c'd"`, `string:a"b | string:c'd`},
		{"'unterminated", "string:unterminated"},
		{"'ends in doubled''", "string:ends in doubled'"},
		{`'ends in escape\'`, `string:ends in escape'`},
		{"`unterminated", "ident:unterminated"},
		{"''", "string:"},
		{"SELECT `From`, 'From' FROM t", "word:SELECT | ident:From | punct:, | string:From | word:FROM | word:t"},
		{"x=?", "word:x | punct:= | punct:?"},
		{"x = :name", "word:x | punct:= | punct:: | word:name"},
		{"@@session.sql_mode @v @", "var:@@session.sql_mode | var:@v | punct:@"},
		{"a.b", "word:a | punct:. | word:b"},
		{"$x é", "word:$x | word:é"},
	}
	for _, tt := range tests {
		if got := show(tt.in); got != tt.want {
			t.Errorf("Lex(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestLexComments(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1 -- the rest\nFROM t", "word:SELECT | word:1 | comment:-- the rest | word:FROM | word:t"},
		{"SELECT 1 --\tx", "word:SELECT | word:1 | comment:--\tx"},
		{"SELECT 1 --", "word:SELECT | word:1 | comment:--"},
		{"SELECT 1--1", "word:SELECT | word:1 | punct:- | punct:- | word:1"}, // MySQL: 1 - (-1)
		{"SELECT 1 # note\n, 2", "word:SELECT | word:1 | comment:# note | punct:, | word:2"},
		{"SELECT /* a */ 1", "word:SELECT | comment:/* a */ | word:1"},
		{"SELECT /* a /* b */ 1", "word:SELECT | comment:/* a /* b */ | word:1"}, // no nesting
		{"SELECT /*! STRAIGHT_JOIN */ 1", "word:SELECT | comment:/*! STRAIGHT_JOIN */ | word:1"},
		{"SELECT /* open", "word:SELECT | comment:/* open"},
		{"SELECT '-- not a comment', '/* nor */', '#'", "word:SELECT | string:-- not a comment | punct:, | string:/* nor */ | punct:, | string:#"},
		{"SELECT `#`", "word:SELECT | ident:#"},
		{"a/b*c", "word:a | punct:/ | word:b | punct:* | word:c"},
	}
	for _, tt := range tests {
		if got := show(tt.in); got != tt.want {
			t.Errorf("Lex(%q)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestTokenHelpers(t *testing.T) {
	q := "select /*!x*/ `select`, 'a' ; -- c"
	toks := Lex(q)
	if !toks[0].Is(q, "SELECT") || toks[2].Is(q, "select") {
		t.Error("Is must match unquoted words only, ignoring case")
	}
	if !toks[1].Executable(q) || toks[len(toks)-1].Executable(q) {
		t.Error("Executable must report /*! … */ only")
	}
	if toks[2].Quote(q) != '`' || toks[4].Quote(q) != '\'' || toks[0].Quote(q) != 0 {
		t.Error("Quote")
	}
	if !toks[5].Punct(q, ';') {
		t.Error("Punct")
	}
	sig := Significant(toks)
	if len(sig) != 5 || sig[1].Kind != QuotedIdent {
		t.Errorf("Significant kept %d tokens", len(sig))
	}
}

// FuzzLex checks that Lex never fails and covers the text: tokens are in
// order, apart, inside it, with only white space between them, and Value
// never panics.
func FuzzLex(f *testing.F) {
	for _, s := range []string{
		"SELECT 'a''b', \"c\\\"d\", `e``f` FROM t -- x\n# y\n/* z */ /*! w */",
		"'", "`", "\"\\", "/*", "--", "@@", "@", "-- ", "'\\", "SHOW COLUMNS FROM `Calls` LIKE 'Sta%'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		prev := 0
		for _, tk := range Lex(q) {
			if tk.Start < prev || tk.End <= tk.Start || tk.End > len(q) {
				t.Fatalf("token %+v out of place (previous end %d, len %d)", tk, prev, len(q))
			}
			if gap := q[prev:tk.Start]; strings.TrimLeft(gap, " \t\n\r\f\v") != "" {
				t.Fatalf("%q skipped between tokens", gap)
			}
			_ = tk.Value(q)
			prev = tk.End
		}
		if rest := q[prev:]; strings.TrimLeft(rest, " \t\n\r\f\v") != "" {
			t.Fatalf("%q left after the last token", rest)
		}
	})
}
