package rest

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// RFC 2617 §3.5: the worked example (its printed response is for GET).
func TestDigestRFC2617Example(t *testing.T) {
	got := digestResponse("", "Mufasa", "testrealm@host.com", "Circle Of Life",
		"dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "GET", "/dir/index.html")
	if want := "6629fae49393a05397450978507c4ef1"; got != want {
		t.Fatalf("response = %s, want %s", got, want)
	}
}

// RFC 7616 §3.9.1: the same request answered with MD5 and SHA-256.
func TestDigestRFC7616Examples(t *testing.T) {
	for alg, want := range map[string]string{
		"MD5":     "8ca523f5e9506fed4657c9700eebdbec",
		"SHA-256": "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
	} {
		got := digestResponse(alg, "Mufasa", "http-auth@example.org", "Circle of Life",
			"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
			"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth", "GET", "/dir/index.html")
		if got != want {
			t.Errorf("%s: response = %s, want %s", alg, got, want)
		}
	}
}

func TestDigestAuthorizationHeader(t *testing.T) {
	chs := parseChallenges([]string{`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`})
	ch, why := digestFrom(chs)
	if ch == nil {
		t.Fatal(why)
	}
	h := digestAuthorization(ch, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1)
	want := `Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001, cnonce="0a4f113b"`
	if h != want {
		t.Fatalf("header\n got %s\nwant %s", h, want)
	}
	if strings.Contains(h, "Circle Of Life") {
		t.Fatal("the header holds the password")
	}
}

func TestParseChallenges(t *testing.T) {
	chs := parseChallenges([]string{
		`Basic realm="Squid proxy", Digest realm="Squid \"digest\"", nonce="abc=", qop="auth", stale=true`,
		`Negotiate`,
	})
	if len(chs) != 3 {
		t.Fatalf("got %d challenges: %+v", len(chs), chs)
	}
	if chs[0].scheme != "Basic" || chs[0].params["realm"] != "Squid proxy" {
		t.Errorf("basic: %+v", chs[0])
	}
	d := chs[1]
	if d.scheme != "Digest" || d.params["realm"] != `Squid "digest"` || d.params["nonce"] != "abc=" || d.params["qop"] != "auth" || d.params["stale"] != "true" {
		t.Errorf("digest: %+v", d)
	}
	if chs[2].scheme != "Negotiate" {
		t.Errorf("negotiate: %+v", chs[2])
	}
	ch, _ := digestFrom(chs)
	if ch == nil || !ch.stale || ch.qop != "auth" {
		t.Errorf("digestFrom: %+v", ch)
	}
	// auth-int only, or an unknown algorithm, cannot be answered.
	if ch, why := digestFrom(parseChallenges([]string{`Digest realm="r", nonce="n", qop="auth-int"`})); ch != nil || why == "" {
		t.Errorf("auth-int: %+v %q", ch, why)
	}
	if ch, why := digestFrom(parseChallenges([]string{`Digest realm="r", nonce="n", algorithm=SHA-512-256`})); ch != nil || !strings.Contains(why, "SHA-512-256") {
		t.Errorf("sha-512-256: %+v %q", ch, why)
	}
	// SHA-256 is preferred to MD5.
	ch, _ = digestFrom(parseChallenges([]string{`Digest realm="r", nonce="n1", algorithm=MD5, Digest realm="r", nonce="n2", algorithm=SHA-256`}))
	if ch == nil || ch.nonce != "n2" {
		t.Errorf("preference: %+v", ch)
	}
}

func TestNewProxyTransportSettings(t *testing.T) {
	u := func(s string) *url.URL { x, _ := url.Parse(s); return x }
	for _, tc := range []struct {
		p       ProxySettings
		setting string
	}{
		{ProxySettings{}, "URL"},
		{ProxySettings{URL: u("socks5://127.0.0.1:1080")}, "URL"},
		{ProxySettings{URL: u("http://bob:secret@127.0.0.1:3128")}, "URL"},
		{ProxySettings{URL: u("http://127.0.0.1:3128"), Auth: "NTLM"}, "Auth"},
		{ProxySettings{URL: u("http://127.0.0.1:3128"), Auth: ProxyAuthDigest}, "User"},
		{ProxySettings{URL: u("http://127.0.0.1:3128"), Auth: ProxyAuthBasic, User: "a:b", Password: "x"}, "User"},
		{ProxySettings{URL: u("http://127.0.0.1:3128"), SSL: "SOMETIMES"}, "SSL"},
		{ProxySettings{URL: u("https://127.0.0.1:3128"), SSL: ProxySSLNever}, "SSL"},
	} {
		_, err := NewProxyTransport(nil, tc.p)
		var se *ProxySettingsError
		if !errors.As(err, &se) || se.Setting != tc.setting {
			t.Errorf("%+v: err = %v, want a %s problem", tc.p, err, tc.setting)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error shows the password: %v", err)
		}
	}
	if _, err := NewProxyTransport(nil, ProxySettings{URL: u("http://127.0.0.1:3128"), Auth: "basic", User: "u", Password: "p", SSL: "tunnel"}); err != nil {
		t.Errorf("lower-case names: %v", err)
	}
}

// ---------------------------------------------------------------------------
// An in-process proxy that speaks CONNECT, absolute-form forwarding, Basic
// and Digest (with nonce counts and stale nonces), for the flows without
// squid; driver/proxy_test.go runs the same against a real squid.

type fakeProxy struct {
	t          *testing.T
	addr       string
	scheme     string // "", "basic", "digest"
	user, pass string
	staleAfter int // a digest nonce goes stale after this many uses; 0: never
	upstream   *http.Transport

	mu       sync.Mutex
	log      []string
	nonces   map[string]*nonceState
	nextNo   int
	sawAuthz []string // every Proxy-Authorization received
}

type nonceState struct{ lastNC, uses int }

func newFakeProxy(t *testing.T, target *httptest.Server, useTLS bool, scheme, user, pass string) (*fakeProxy, *x509.Certificate) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var cert *x509.Certificate
	if useTLS {
		var tc tls.Certificate
		tc, cert = selfSigned(t)
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{tc}})
	}
	fp := &fakeProxy{t: t, addr: ln.Addr().String(), scheme: scheme, user: user, pass: pass,
		upstream: target.Client().Transport.(*http.Transport).Clone(), nonces: map[string]*nonceState{}}
	var wg sync.WaitGroup
	var connsMu sync.Mutex
	conns := map[net.Conn]bool{}
	t.Cleanup(func() {
		ln.Close()
		connsMu.Lock()
		for c := range conns {
			c.Close()
		}
		connsMu.Unlock()
		wg.Wait()
		fp.upstream.CloseIdleConnections()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connsMu.Lock()
			conns[c] = true
			connsMu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				fp.serve(c)
				connsMu.Lock()
				delete(conns, c)
				connsMu.Unlock()
			}()
		}
	}()
	return fp, cert
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "fake proxy"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, cert
}

func (fp *fakeProxy) record(s string) {
	fp.mu.Lock()
	fp.log = append(fp.log, s)
	fp.mu.Unlock()
}

func (fp *fakeProxy) lines() []string {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return append([]string(nil), fp.log...)
}

// challenge writes a 407.
func (fp *fakeProxy) challenge(c net.Conn, stale bool) {
	var h string
	if fp.scheme == "basic" {
		h = `Basic realm="fake"`
	} else {
		fp.mu.Lock()
		fp.nextNo++
		nonce := fmt.Sprintf("nonce-%d", fp.nextNo)
		fp.nonces[nonce] = &nonceState{}
		fp.mu.Unlock()
		h = fmt.Sprintf(`Digest realm="fake", nonce=%q, qop="auth", opaque="op", stale=%t`, nonce, stale)
	}
	fmt.Fprintf(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: %s\r\nContent-Length: 6\r\n\r\ndenied", h)
}

// check verifies the request's credentials: ok, or a 407 (stale or not).
func (fp *fakeProxy) check(req *http.Request) (ok, stale bool) {
	authz := req.Header.Get("Proxy-Authorization")
	fp.mu.Lock()
	if authz != "" {
		fp.sawAuthz = append(fp.sawAuthz, authz)
	}
	fp.mu.Unlock()
	switch fp.scheme {
	case "":
		return true, false
	case "basic":
		return authz == "Basic "+base64.StdEncoding.EncodeToString([]byte(fp.user+":"+fp.pass)), false
	}
	chs := parseChallenges([]string{authz})
	if len(chs) != 1 || chs[0].scheme != "Digest" {
		return false, false
	}
	p := chs[0].params
	if p["username"] != fp.user || p["realm"] != "fake" || p["opaque"] != "op" || p["qop"] != "auth" || p["uri"] != req.RequestURI {
		fp.t.Errorf("digest fields %v for %s %s", p, req.Method, req.RequestURI)
		return false, false
	}
	want := digestResponse(p["algorithm"], fp.user, "fake", fp.pass, p["nonce"], p["nc"], p["cnonce"], "auth", req.Method, p["uri"])
	if p["response"] != want {
		return false, false
	}
	var nc int
	fmt.Sscanf(p["nc"], "%x", &nc)
	fp.mu.Lock()
	defer fp.mu.Unlock()
	st := fp.nonces[p["nonce"]]
	if st == nil {
		return false, true
	}
	if nc <= st.lastNC {
		fp.t.Errorf("nonce count %d after %d", nc, st.lastNC)
		return false, false
	}
	st.lastNC, st.uses = nc, st.uses+1
	if fp.staleAfter > 0 && st.uses > fp.staleAfter {
		return false, true
	}
	return true, false
}

func (fp *fakeProxy) serve(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		fp.record(req.Method + " " + req.RequestURI)
		if ok, stale := fp.check(req); !ok {
			io.Copy(io.Discard, req.Body)
			fp.challenge(c, stale)
			continue
		}
		if req.Method == http.MethodConnect {
			up, err := net.Dial("tcp", req.RequestURI)
			if err != nil {
				io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
				return
			}
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			done := make(chan struct{})
			go func() { io.Copy(up, br); up.Close(); close(done) }()
			io.Copy(c, up)
			c.Close()
			<-done
			return
		}
		req.RequestURI = ""
		req.Header.Del("Proxy-Authorization")
		resp, err := fp.upstream.RoundTrip(req)
		if err != nil {
			io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
			return
		}
		err = resp.Write(c)
		resp.Body.Close()
		if err != nil {
			return
		}
	}
}

// target is the origin: it answers JSON and fails the test if a proxy
// credential reaches it.
func target(t *testing.T, useTLS bool) *httptest.Server {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Proxy-Authorization") != "" {
			t.Errorf("Proxy-Authorization reached the target on %s %s", r.Method, r.URL)
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method":%q,"path":%q,"body":%q}`, r.Method, r.URL.Path, body)
	})
	var srv *httptest.Server
	if useTLS {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv
}

// proxyClient is a rest Client for target through fp.
func proxyClient(t *testing.T, tgt *httptest.Server, fp *fakeProxy, proxyCert *x509.Certificate, ssl ProxySSL, auth ProxyAuth, user, pass string) *Client {
	t.Helper()
	pool := x509.NewCertPool()
	if tgt.Certificate() != nil {
		pool.AddCert(tgt.Certificate())
	}
	if proxyCert != nil {
		pool.AddCert(proxyCert)
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.TLSClientConfig = &tls.Config{RootCAs: pool}
	scheme := "http"
	if proxyCert != nil && ssl != ProxySSLAlways {
		scheme = "https"
	}
	pu, _ := url.Parse(scheme + "://" + fp.addr)
	rt, err := NewProxyTransport(base, ProxySettings{URL: pu, Auth: auth, User: user, Password: pass, SSL: ssl})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.(*proxyTransport).CloseIdleConnections)
	tu, _ := url.Parse(tgt.URL)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: tu, Transport: rt,
		Retry: RetryPolicy{MaxRetries: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestProxyModes(t *testing.T) {
	for _, ssl := range []ProxySSL{ProxySSLAuto, ProxySSLAlways, ProxySSLNever, ProxySSLTunnel} {
		for _, auth := range []ProxyAuth{ProxyAuthNone, ProxyAuthBasic, ProxyAuthDigest} {
			for _, tlsTarget := range []bool{true, false} {
				name := fmt.Sprintf("%s/%s/tls=%t", ssl, auth, tlsTarget)
				t.Run(name, func(t *testing.T) {
					tgt := target(t, tlsTarget)
					scheme := map[ProxyAuth]string{ProxyAuthBasic: "basic", ProxyAuthDigest: "digest"}[auth]
					fp, cert := newFakeProxy(t, tgt, ssl == ProxySSLAlways, scheme, "alice", "s3cret-pw")
					c := proxyClient(t, tgt, fp, cert, ssl, auth, "alice", "s3cret-pw")
					ctx := context.Background()
					for i := range 3 {
						if _, err := c.Get(ctx, "Calls.json", url.Values{"PageSize": {"3"}}); err != nil {
							t.Fatalf("GET %d: %v", i, err)
						}
					}
					body, err := c.Post(ctx, "Calls.json", url.Values{"To": {"+15005550006"}})
					if err != nil {
						t.Fatalf("POST: %v", err)
					}
					if !strings.Contains(string(body), "To=%2B15005550006") {
						t.Errorf("POST body: %s", body)
					}
					tunnels := ssl == ProxySSLTunnel || (ssl != ProxySSLNever && tlsTarget)
					tu, _ := url.Parse(tgt.URL)
					var connects, forwards int
					for _, l := range fp.lines() {
						switch {
						case l == "CONNECT "+tu.Host:
							connects++
						case strings.HasPrefix(l, "GET "+tgt.URL+"/2010-04-01/Accounts/"), strings.HasPrefix(l, "POST "+tgt.URL+"/2010-04-01/Accounts/"):
							forwards++
						default:
							t.Errorf("unexpected proxy line %q", l)
						}
					}
					if tunnels && (connects == 0 || forwards != 0) || !tunnels && (connects != 0 || forwards < 4) {
						t.Errorf("tunnels=%t but the proxy saw %d CONNECT and %d forwarded: %q", tunnels, connects, forwards, fp.lines())
					}
					if auth == ProxyAuthDigest && len(fp.sawAuthz) == 0 {
						t.Error("no Digest answer was sent")
					}
				})
			}
		}
	}
}

func TestProxyDigestStaleNonce(t *testing.T) {
	for _, ssl := range []ProxySSL{ProxySSLNever, ProxySSLTunnel} {
		t.Run(string(ssl), func(t *testing.T) {
			tgt := target(t, true)
			fp, _ := newFakeProxy(t, tgt, false, "digest", "alice", "pw")
			fp.staleAfter = 2
			c := proxyClient(t, tgt, fp, nil, ssl, ProxyAuthDigest, "alice", "pw")
			tr := c.rt.(*Transport).Next.(*proxyTransport)
			for i := range 7 {
				if _, err := c.Get(context.Background(), "Calls.json", nil); err != nil {
					t.Fatalf("GET %d: %v", i, err)
				}
				tr.CloseIdleConnections() // a new CONNECT, so a new digest, each time
			}
			fp.mu.Lock()
			defer fp.mu.Unlock()
			if fp.nextNo < 3 {
				t.Errorf("only %d nonces were issued: the stale nonce was not renewed", fp.nextNo)
			}
		})
	}
}

func TestProxyWrongPassword(t *testing.T) {
	for _, ssl := range []ProxySSL{ProxySSLAuto, ProxySSLNever} {
		for _, auth := range []ProxyAuth{ProxyAuthBasic, ProxyAuthDigest, ProxyAuthNone} {
			t.Run(string(ssl)+"/"+string(auth), func(t *testing.T) {
				tgt := target(t, true)
				fp, _ := newFakeProxy(t, tgt, false, map[ProxyAuth]string{ProxyAuthBasic: "basic", ProxyAuthDigest: "digest", ProxyAuthNone: "digest"}[auth], "alice", "right-pw")
				c := proxyClient(t, tgt, fp, nil, ssl, auth, "alice", "wrong-pw")
				for _, post := range []bool{false, true} {
					var err error
					if post {
						_, err = c.Post(context.Background(), "Calls.json", url.Values{"To": {"+1"}})
					} else {
						_, err = c.Get(context.Background(), "Calls.json", nil)
					}
					var pe *ProxyError
					if !errors.As(err, &pe) || pe.Status != 407 {
						t.Fatalf("post=%t: err = %v, want a 407 ProxyError", post, err)
					}
					var unknown *OutcomeUnknownError
					if errors.As(err, &unknown) {
						t.Errorf("a request the proxy refused is not of unknown outcome: %v", err)
					}
					msg := err.Error()
					if !strings.Contains(msg, "407") || !strings.Contains(msg, "proxy "+fp.addr) {
						t.Errorf("unclear: %s", msg)
					}
					if auth != ProxyAuthNone && !strings.Contains(msg, "proxy_password") {
						t.Errorf("no hint at the password: %s", msg)
					}
					if strings.Contains(msg, "wrong-pw") || strings.Contains(msg, base64.StdEncoding.EncodeToString([]byte("alice:wrong-pw"))) {
						t.Errorf("the error shows the password: %s", msg)
					}
				}
				// Refused credentials are not retried.
				n := 0
				for _, l := range fp.lines() {
					if strings.HasPrefix(l, "GET ") || strings.HasPrefix(l, "CONNECT ") {
						n++
					}
				}
				if n > maxAuthTries {
					t.Errorf("the proxy saw %d attempts: %q", n, fp.lines())
				}
			})
		}
	}
}

func TestProxyUnreachableAndUntrusted(t *testing.T) {
	tgt := target(t, true)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	pu, _ := url.Parse("http://" + addr)
	rt, err := NewProxyTransport(nil, ProxySettings{URL: pu, Auth: ProxyAuthBasic, User: "u", Password: "hunter2"})
	if err != nil {
		t.Fatal(err)
	}
	tu, _ := url.Parse(tgt.URL)
	c, _ := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: tu, Transport: rt})
	_, err = c.Post(context.Background(), "Calls.json", url.Values{})
	var pe *ProxyError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "cannot be reached") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}

	// A TLS proxy whose certificate is not trusted.
	fp, _ := newFakeProxy(t, tgt, true, "", "", "")
	pu, _ = url.Parse("https://" + fp.addr)
	rt, _ = NewProxyTransport(nil, ProxySettings{URL: pu})
	c, _ = New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: tu, Transport: rt,
		Retry: RetryPolicy{MaxRetries: 3, BaseDelay: time.Millisecond}})
	_, err = c.Get(context.Background(), "Calls.json", nil)
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "not trusted") {
		t.Fatalf("err = %v", err)
	}
	if n := len(fp.lines()); n != 0 {
		t.Errorf("the untrusted proxy got %d requests", n)
	}
}

func TestProxyForwardReusesConnections(t *testing.T) {
	tgt := target(t, true)
	var accepted int
	var mu sync.Mutex
	fp, _ := newFakeProxy(t, tgt, false, "", "", "")
	// Count connections through a counting dialer.
	pu, _ := url.Parse("http://" + fp.addr)
	base := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{}
	base.DialContext = func(ctx context.Context, n, a string) (net.Conn, error) {
		mu.Lock()
		accepted++
		mu.Unlock()
		return d.DialContext(ctx, n, a)
	}
	rt, err := NewProxyTransport(base, ProxySettings{URL: pu, SSL: ProxySSLNever})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.(*proxyTransport).CloseIdleConnections()
	tu, _ := url.Parse(tgt.URL)
	c, _ := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: tu, Transport: rt})
	for range 5 {
		if _, err := c.Get(context.Background(), "Calls.json", nil); err != nil {
			t.Fatal(err)
		}
	}
	if accepted != 1 {
		t.Errorf("%d connections to the proxy for 5 sequential requests, want 1", accepted)
	}
	// A cancelled request returns promptly with the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Get(ctx, "Calls.json", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}
