package rest

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strings"
	"sync"
)

// Proxy authentication: Basic (RFC 7617) and Digest (RFC 7616, with the
// RFC 2617 forms squid speaks: MD5, qop=auth, nonce counts and cnonce).
// Nothing here ever logs or returns the password or a header made from it.

// authChallenge is one challenge of a Proxy-Authenticate header.
type authChallenge struct {
	scheme string            // as sent, e.g. "Digest"
	params map[string]string // lower-case names
}

// parseChallenges reads every challenge of the Proxy-Authenticate headers.
// A header may hold several challenges ("Basic realm=x, Digest realm=y,
// nonce=z"): a token not followed by "=" starts a new one.
func parseChallenges(headers []string) []authChallenge {
	var out []authChallenge
	for _, h := range headers {
		s := h
		cur := -1
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			tok, rest := readToken(s)
			if tok == "" {
				s = s[1:] // not a token character: skip it
				continue
			}
			r := strings.TrimLeft(rest, " \t")
			if cur >= 0 && strings.HasPrefix(r, "=") && !strings.HasPrefix(r, "==") {
				r = strings.TrimLeft(r[1:], " \t")
				var val string
				if strings.HasPrefix(r, `"`) {
					val, r = readQuoted(r)
				} else {
					val, r = readToken(r)
				}
				out[cur].params[strings.ToLower(tok)] = val
				s = r
				continue
			}
			out = append(out, authChallenge{scheme: tok, params: map[string]string{}})
			cur = len(out) - 1
			s = rest
		}
	}
	return out
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~/", c) >= 0
}

func readToken(s string) (tok, rest string) {
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// readQuoted reads a quoted-string at the start of s (which begins with '"').
func readQuoted(s string) (val, rest string) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "" // unterminated: take the rest
}

// quote renders s as a quoted-string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// schemesOf lists the schemes offered, for messages.
func schemesOf(chs []authChallenge) string {
	var names []string
	seen := map[string]bool{}
	for _, c := range chs {
		k := strings.ToLower(c.scheme)
		if !seen[k] {
			seen[k] = true
			names = append(names, c.scheme)
		}
	}
	if len(names) == 0 {
		return "no scheme"
	}
	return strings.Join(names, ", ")
}

// digestChallenge is a Digest challenge the driver can answer.
type digestChallenge struct {
	realm, nonce, opaque string
	algorithm            string // as the proxy spelled it; "" when absent (MD5)
	qop                  string // "auth", or "" for RFC 2069 (no qop offered)
	stale                bool
}

// digestHash returns the hash of a Digest algorithm name and whether it is
// a "-sess" variant; ok is false for an algorithm the driver does not know.
func digestHash(algorithm string) (h func() hash.Hash, sess, ok bool) {
	switch strings.ToUpper(algorithm) {
	case "", "MD5":
		return md5.New, false, true
	case "MD5-SESS":
		return md5.New, true, true
	case "SHA-256":
		return sha256.New, false, true
	case "SHA-256-SESS":
		return sha256.New, true, true
	}
	return nil, false, false
}

// digestFrom picks, among the challenges, the Digest one to answer:
// SHA-256 before MD5 (RFC 7616 §3.7), qop "auth" or none. why says what was
// offered when none fits.
func digestFrom(chs []authChallenge) (ch *digestChallenge, why string) {
	var best *digestChallenge
	bestRank := -1
	var offered []string
	for _, c := range chs {
		if !strings.EqualFold(c.scheme, "Digest") {
			continue
		}
		alg := c.params["algorithm"]
		offered = append(offered, "algorithm "+strings.ToUpper(valueOr(alg, "MD5"))+" qop "+valueOr(c.params["qop"], "none"))
		hf, _, ok := digestHash(alg)
		if !ok || c.params["nonce"] == "" {
			continue
		}
		qop := ""
		if q, has := c.params["qop"]; has {
			for _, o := range strings.Split(q, ",") {
				if strings.EqualFold(strings.TrimSpace(o), "auth") {
					qop = "auth"
				}
			}
			if qop == "" {
				continue // only auth-int, which needs the body's hash
			}
		}
		rank := 0
		if hf().Size() == sha256.Size {
			rank = 1
		}
		if rank > bestRank {
			bestRank = rank
			best = &digestChallenge{
				realm: c.params["realm"], nonce: c.params["nonce"], opaque: c.params["opaque"],
				algorithm: alg, qop: qop, stale: strings.EqualFold(c.params["stale"], "true"),
			}
		}
	}
	if best != nil {
		return best, ""
	}
	if len(offered) == 0 {
		return nil, "it does not offer Digest"
	}
	return nil, "its Digest challenge (" + strings.Join(offered, "; ") + ") is not one the driver answers: it answers MD5, MD5-sess, SHA-256 and SHA-256-sess with qop auth"
}

func valueOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// digestResponse computes the request-digest of RFC 7616 §3.4.1 (RFC 2617
// §3.2.2.1). qop "" is RFC 2069's form, without nc and cnonce.
func digestResponse(algorithm, user, realm, password, nonce, nc, cnonce, qop, method, uri string) string {
	hf, sess, ok := digestHash(algorithm)
	if !ok {
		hf = md5.New
	}
	h := func(s string) string {
		x := hf()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}
	ha1 := h(user + ":" + realm + ":" + password)
	if sess {
		ha1 = h(ha1 + ":" + nonce + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)
	if qop == "" {
		return h(ha1 + ":" + nonce + ":" + ha2)
	}
	return h(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
}

// digestAuthorization is the Proxy-Authorization value answering ch.
func digestAuthorization(ch *digestChallenge, user, password, method, uri, cnonce string, nc uint32) string {
	ncs := fmt.Sprintf("%08x", nc)
	resp := digestResponse(ch.algorithm, user, ch.realm, password, ch.nonce, ncs, cnonce, ch.qop, method, uri)
	var b strings.Builder
	b.WriteString("Digest username=" + quote(user))
	b.WriteString(", realm=" + quote(ch.realm))
	b.WriteString(", nonce=" + quote(ch.nonce))
	b.WriteString(", uri=" + quote(uri))
	if ch.algorithm != "" {
		b.WriteString(", algorithm=" + ch.algorithm)
	}
	b.WriteString(", response=" + quote(resp))
	if ch.opaque != "" {
		b.WriteString(", opaque=" + quote(ch.opaque))
	}
	if ch.qop != "" {
		b.WriteString(", qop=" + ch.qop + ", nc=" + ncs + ", cnonce=" + quote(cnonce))
	}
	return b.String()
}

func newCnonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// maxAuthTries bounds the sends of one request or CONNECT that answer 407
// challenges (a first challenge, then stale nonces).
const maxAuthTries = 4

// proxyAuth holds the credentials and, for Digest, the last challenge, which
// every later request answers at once (with the next nonce count) instead of
// waiting for a 407.
type proxyAuth struct {
	scheme         ProxyAuth
	user, password string
	basic          string // "Basic …", precomputed

	mu sync.Mutex
	ch *digestChallenge // nil before the first Digest challenge
	nc uint32           // nonce count of ch's nonce
}

func newProxyAuth(scheme ProxyAuth, user, password string) *proxyAuth {
	a := &proxyAuth{scheme: scheme, user: user, password: password}
	if scheme == ProxyAuthBasic {
		a.basic = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	}
	return a
}

// authorization returns the Proxy-Authorization for method and uri ("" for
// none yet) and the nonce it answers ("" unless Digest).
func (a *proxyAuth) authorization(method, uri string) (value, nonce string) {
	switch a.scheme {
	case ProxyAuthBasic:
		return a.basic, ""
	case ProxyAuthDigest:
		a.mu.Lock()
		ch := a.ch
		if ch == nil {
			a.mu.Unlock()
			return "", ""
		}
		a.nc++
		nc := a.nc
		a.mu.Unlock()
		return digestAuthorization(ch, a.user, a.password, method, uri, newCnonce(), nc), ch.nonce
	}
	return "", ""
}

// challenged handles a 407 to a send that carried value (answering nonce)
// as its try-th attempt (0-based). It returns nil when the request should be
// sent again, else the error to report.
func (a *proxyAuth) challenged(resp *http.Response, proxy, what, value, nonce string, try int) error {
	chs := parseChallenges(resp.Header.Values("Proxy-Authenticate"))
	fail := func(msg string) error {
		return &ProxyError{Proxy: proxy, Status: resp.StatusCode, Msg: msg}
	}
	status := resp.Status
	if status == "" {
		status = fmt.Sprint(resp.StatusCode)
	}
	switch a.scheme {
	case ProxyAuthBasic:
		hasBasic := false
		for _, c := range chs {
			hasBasic = hasBasic || strings.EqualFold(c.scheme, "Basic")
		}
		if !hasBasic && len(chs) > 0 {
			return fail(fmt.Sprintf("asks for authentication (it answered %s to %s) with %s, not Basic: set the proxy auth scheme (proxy_auth_scheme) to match", status, what, schemesOf(chs)))
		}
		return fail(fmt.Sprintf("rejected the Basic credentials of user %q (it answered %s to %s): check the proxy user and password (proxy_user, proxy_password)", a.user, status, what))
	case ProxyAuthDigest:
		ch, why := digestFrom(chs)
		if ch == nil {
			return fail(fmt.Sprintf("asks for authentication (it answered %s to %s and offers %s) but %s: set the proxy auth scheme (proxy_auth_scheme) to match", status, what, schemesOf(chs), why))
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		renewed := a.ch != nil && a.ch.nonce != nonce // another request took a newer nonce meanwhile
		if try+1 < maxAuthTries && (value == "" || ch.stale || renewed) {
			if !renewed || ch.stale {
				a.ch, a.nc = ch, 0
			}
			return nil
		}
		return fail(fmt.Sprintf("rejected the Digest credentials of user %q (it answered %s to %s): check the proxy user and password (proxy_user, proxy_password)", a.user, status, what))
	}
	return fail(fmt.Sprintf("asks for authentication (it answered %s to %s and offers %s): set the proxy auth scheme (proxy_auth_scheme) to BASIC or DIGEST with the proxy user and password", status, what, schemesOf(chs)))
}
