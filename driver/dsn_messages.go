package driver

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Helpers that shape error messages without echoing secrets.

const dsnEchoMax = 64

func dsnTruncate(s string) string {
	if len(s) <= dsnEchoMax {
		return s
	}
	r := []rune(s)
	if len(r) <= dsnEchoMax {
		return s // long in bytes, not in characters: nothing is cut
	}
	return string(r[:dsnEchoMax]) + "…"
}

// dsnQuote quotes a (non-secret) value for an error message, truncating long ones.
func dsnQuote(s string) string {
	return strconv.Quote(dsnTruncate(s))
}

// dsnQuoteSid quotes a SID for an error message. A well-formed SID is shown
// whole; a malformed one is shown only when short, else cut to its first 8
// characters, and not at all without the expected prefix: such a value may be
// a secret put in the wrong place (say, TOKEN:SID swapped).
func dsnQuoteSid(s, prefix string) string {
	switch {
	case dsnIsSid(s, prefix):
		return strconv.Quote(s)
	case !strings.HasPrefix(s, prefix):
		return "(not shown: it does not start with " + prefix + ")"
	case len(s) <= 10:
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%s (%d bytes)", strconv.Quote(strings.ToValidUTF8(s[:8], "")+"…"), len(s))
}

// dsnSidOrPlaceholder returns s for use inside an example DSN, or a placeholder.
func dsnSidOrPlaceholder(s, prefix string) string {
	if dsnIsSid(s, prefix) {
		return s
	}
	return prefix + "…"
}

// dsnKeyText renders ConfigError.Key, quoting it unless it is a plain name or label.
func dsnKeyText(k string) string {
	if dsnPlainKeyRE.MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}

// dsnClosestKey suggests the known key nearest to k (edit distance ≤ 3), or "".
func dsnClosestKey(k string) string {
	if len(k) > 40 {
		return ""
	}
	lk := strings.ToLower(k)
	best, bestD := "", 4
	for _, name := range dsnKeyNames {
		if d := levenshtein.ComputeDistance(lk, name); d < bestD {
			best, bestD = name, d
		}
	}
	return best
}
