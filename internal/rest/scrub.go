package rest

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Servers and proxies sometimes echo the request's headers in an error page
// (a debugging proxy, a misconfigured load balancer). Every excerpt of a
// body that reaches an error or a log goes through scrub first, which hides
// the credentials sent in Authorization and Proxy-Authorization in every
// encoding they may come back in: the header value, its base64 token, the
// decoded user:password, the password alone, and each of those in base64
// and percent-encoding (either case of hex).

// credential is a user and password sent with requests.
type credential struct{ user, password string }

// scrubbed replaces each secret found in an excerpt.
const scrubbed = "[REDACTED]"

// scrub hides in text the given header values (as sent: "Basic QUM…",
// "Digest …") and credentials.
func scrub(text string, headerValues []string, creds []credential) string {
	if text == "" {
		return text
	}
	var secrets []string
	add := func(s string) {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	for _, c := range creds {
		if c.password == "" {
			continue
		}
		add(c.password)
		add(c.user + ":" + c.password)
	}
	for _, v := range headerValues {
		add(v)
		scheme, token, ok := strings.Cut(v, " ")
		if !ok {
			continue
		}
		add(token)
		if strings.EqualFold(scheme, "Basic") {
			if plain, err := base64.StdEncoding.DecodeString(token); err == nil {
				add(string(plain))
				if _, pass, ok := strings.Cut(string(plain), ":"); ok {
					add(pass)
				}
			}
		}
	}
	if len(secrets) == 0 {
		return text
	}
	return scrubPattern(secrets).ReplaceAllString(text, scrubbed)
}

// scrubCache keeps the compiled pattern of each set of secrets: a client
// sends the same credentials with every request, and 429 answers under
// load would otherwise compile it again each time.
var scrubCache struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

// scrubPattern matches every secret in every encoding.
func scrubPattern(secrets []string) *regexp.Regexp {
	key := strings.Join(secrets, "\x00")
	scrubCache.Lock()
	re, ok := scrubCache.m[key]
	scrubCache.Unlock()
	if ok {
		return re
	}
	var alts []string
	seen := map[string]bool{}
	alt := func(s string, percent bool) {
		if s == "" || seen[s] {
			return
		}
		seen[s] = true
		q := regexp.QuoteMeta(s)
		if percent && strings.Contains(s, "%") {
			// %2B and %2b are the same byte.
			q = percentHex.ReplaceAllStringFunc(q, func(m string) string {
				return "%[" + strings.ToUpper(m[1:2]) + strings.ToLower(m[1:2]) + "][" + strings.ToUpper(m[2:3]) + strings.ToLower(m[2:3]) + "]"
			})
		}
		alts = append(alts, q)
	}
	for _, s := range secrets {
		forms := []string{s,
			base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)),
			base64.URLEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)),
		}
		for _, f := range forms {
			alt(f, false)
			alt(url.QueryEscape(f), true)
			alt(url.PathEscape(f), true)
		}
	}
	// Longest first, so a secret inside a longer one does not leave the
	// rest of the longer one behind.
	slices.SortFunc(alts, func(a, b string) int { return len(b) - len(a) })
	// Quoted input always compiles; should it not, match everything rather
	// than risk a secret.
	re, err := regexp.Compile(strings.Join(alts, "|"))
	if err != nil {
		re = regexp.MustCompile(`(?s).+`)
	}
	scrubCache.Lock()
	if scrubCache.m == nil || len(scrubCache.m) >= 64 {
		scrubCache.m = map[string]*regexp.Regexp{} // a handful of credentials per process; never grow without bound
	}
	scrubCache.m[key] = re
	scrubCache.Unlock()
	return re
}

var percentHex = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

// ScrubError returns err as it is, or, when its text holds one of the
// client's credentials in any encoding (a server's answer quoted in a
// decoding error, say), an error with that text scrubbed that still
// unwraps to err, so errors.Is and errors.As see what they saw before.
func (c *Client) ScrubError(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if clean := scrub(text, nil, c.creds); clean != text {
		return &scrubbedError{err: err, text: clean}
	}
	return err
}

type scrubbedError struct {
	err  error
	text string
}

func (e *scrubbedError) Error() string { return e.text }
func (e *scrubbedError) Unwrap() error { return e.err }
