package eval

import (
	"unicode"
	"unicode/utf8"
)

// likeMatcher matches SQL LIKE patterns case-insensitively ('%' any run, '_'
// one character, escape making the next character literal).
type likeMatcher struct {
	tokens []likeToken
}

type likeToken struct {
	kind byte // 'l' literal, '_' one, '%' any run
	r    rune
}

func CompileLike(pattern string, escape rune) likeMatcher {
	var m likeMatcher
	runes := []rune(pattern)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case r == escape && i+1 < len(runes):
			i++
			m.tokens = append(m.tokens, likeToken{kind: 'l', r: unicode.ToLower(runes[i])})
		case r == '%':
			if n := len(m.tokens); n == 0 || m.tokens[n-1].kind != '%' {
				m.tokens = append(m.tokens, likeToken{kind: '%'})
			}
		case r == '_':
			m.tokens = append(m.tokens, likeToken{kind: '_'})
		default:
			m.tokens = append(m.tokens, likeToken{kind: 'l', r: unicode.ToLower(r)})
		}
	}
	return m
}

// Match runs the pattern over s with backtracking limited to the last '%',
// which keeps it linear-ish in practice and never exponential.
func (m likeMatcher) Match(s string) bool {
	text := make([]rune, 0, utf8.RuneCountInString(s))
	for _, r := range s {
		text = append(text, unicode.ToLower(r))
	}
	ti, pi := 0, 0
	star, mark := -1, 0
	for ti < len(text) {
		if pi < len(m.tokens) {
			tok := m.tokens[pi]
			switch {
			case tok.kind == '%':
				star, mark = pi, ti
				pi++
				continue
			case tok.kind == '_' || tok.r == text[ti]:
				pi++
				ti++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi = star + 1
		mark++
		ti = mark
	}
	for pi < len(m.tokens) && m.tokens[pi].kind == '%' {
		pi++
	}
	return pi == len(m.tokens)
}
