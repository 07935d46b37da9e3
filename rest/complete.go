package rest

import "bytes"

// complete reports whether body is one whole JSON object or array: its
// brackets balance outside strings and close at its last byte (spaces
// aside). It is the check that finds a body cut short with a matching
// Content-Length (a proxy or server that dies mid-answer), so that the
// transport retries it like a dropped connection. It does not validate
// JSON: the decoders that read the body do, in the same pass that reads
// its values; this is a skim over the bytes that looks only at quotes,
// backslashes and brackets, several times faster than json.Valid.
func complete(body []byte) bool {
	body = bytes.Trim(body, " \t\r\n")
	if len(body) == 0 || body[0] != '{' && body[0] != '[' {
		return false
	}
	depth := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '"':
			// Skip the string: to the next quote not escaped.
			for {
				j := bytes.IndexByte(body[i+1:], '"')
				if j < 0 {
					return false
				}
				i += j + 1
				if !escapedAt(body, i) {
					break
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i == len(body)-1
			}
			if depth < 0 {
				return false
			}
		}
	}
	return false
}

// escapedAt reports whether the quote at body[i] is escaped: preceded by an
// odd number of backslashes.
func escapedAt(body []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && body[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}
