package rest

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// complete reports whether body is one whole JSON object or array: its
// brackets balance outside strings and close at its last byte (spaces
// aside). It is the check that finds a body cut short with a matching
// Content-Length (a proxy or server that dies mid-answer), so that the
// transport retries it like a dropped connection. It does not validate
// JSON: the decoders that read the body do, in the same pass that reads
// its values; this is a skim over the bytes that looks only at quotes,
// backslashes and brackets, eight bytes at a time (see nextStructural),
// many times faster than json.Valid.
func complete(body []byte) bool {
	body = bytes.Trim(body, " \t\r\n")
	if len(body) == 0 || body[0] != '{' && body[0] != '[' {
		return false
	}
	depth := 0
	for i := 0; ; i++ {
		i = nextStructural(body, i)
		if i == len(body) {
			return false
		}
		switch body[i] {
		case '"':
			end := stringEnd(body, i)
			if end < 0 {
				return false
			}
			i = end - 1
		case '{', '[':
			depth++
		default: // '}', ']'
			depth--
			if depth == 0 {
				return i == len(body)-1
			}
			if depth < 0 {
				return false
			}
		}
	}
}

// marks sets the high bit of the bytes of w equal to c: the classic "has
// a zero byte" test on w^c. A borrow can mark a byte above the first marked
// one by mistake, never one below it, so the lowest mark is exact.
func marks(w uint64, c byte) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := w ^ (ones * uint64(c))
	return (x - ones) &^ x & highs
}

// stringEnd returns the index after the JSON string starting at b[i] (a
// quote), escapes skipped; -1 when b ends first. The first 24 bytes are
// read a word at a time (field names and short values end there, where a
// call to bytes.IndexByte costs more than it saves); the rest of a longer
// string is left to bytes.IndexByte, which reads 32 bytes at a time.
func stringEnd(b []byte, i int) int {
	j := i + 1
	for end := min(j+24, len(b)); j+8 <= end; j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		if m := marks(w, '"') | marks(w, '\\'); m != 0 {
			if k := j + bits.TrailingZeros64(m)/8; b[k] == '"' {
				return k + 1
			}
			break
		}
	}
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return -1
		}
		q += j
		if !escapedAt(b, q) {
			return q + 1
		}
		j = q + 1
	}
}

// escapedAt reports whether the quote at b[i] is escaped: preceded by an
// odd number of backslashes.
func escapedAt(b []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// nextStructural returns the index of the first quote or bracket in b at or
// after i, len(b) when there is none. Outside strings a page holds little
// else (colons, commas, numbers, literals), so a byte loop is the fastest.
func nextStructural(b []byte, i int) int {
	for i < len(b) && !structural[b[i]] {
		i++
	}
	return i
}

var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}
