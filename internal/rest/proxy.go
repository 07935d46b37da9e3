package rest

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ProxyAuth is how the driver authenticates to an HTTP proxy.
type ProxyAuth string

// The proxy authentication schemes.
const (
	ProxyAuthNone   ProxyAuth = "NONE"
	ProxyAuthBasic  ProxyAuth = "BASIC"  // RFC 7617, sent with every request and CONNECT
	ProxyAuthDigest ProxyAuth = "DIGEST" // RFC 7616 / 2617: answers the proxy's 407 challenge
)

// ProxySSL says when TLS and tunnels are used with the proxy, as CData's
// ProxySSLType does.
type ProxySSL string

// The proxy SSL types.
const (
	// ProxySSLAuto tunnels (CONNECT) to https targets and forwards requests
	// to http targets; the connection to the proxy uses TLS when the proxy
	// URL is https://.
	ProxySSLAuto ProxySSL = "AUTO"
	// ProxySSLAlways speaks TLS to the proxy, whatever the proxy URL's
	// scheme, then works as AUTO.
	ProxySSLAlways ProxySSL = "ALWAYS"
	// ProxySSLNever speaks plain HTTP to the proxy and never tunnels: every
	// request, https ones too, is forwarded in absolute form ("GET
	// https://host/…") and the proxy makes the TLS connection upstream. The
	// proxy then sees the requests and their Twilio credentials; the TLS
	// settings of the base transport do not apply to the upstream TLS.
	ProxySSLNever ProxySSL = "NEVER"
	// ProxySSLTunnel always tunnels through CONNECT, http targets too.
	ProxySSLTunnel ProxySSL = "TUNNEL"
)

// ProxySettings configure NewProxyTransport.
type ProxySettings struct {
	URL      *url.URL  // http://host:port or https://host:port; without credentials
	Auth     ProxyAuth // "" is NONE
	User     string    // BASIC and DIGEST
	Password string    // BASIC and DIGEST; never appears in an error
	SSL      ProxySSL  // "" is AUTO
}

// ProxySettingsError reports unusable ProxySettings. Setting is the field at
// fault ("URL", "Auth", "User" or "SSL"); Problem says what is wrong and
// what to do. Neither holds a credential.
type ProxySettingsError struct {
	Setting, Problem string
}

func (e *ProxySettingsError) Error() string {
	return "twilio: proxy " + e.Setting + " " + e.Problem
}

// ProxyError is a failure at the HTTP proxy: the request did not reach
// Twilio. Proxy names the proxy as host:port, never with credentials.
type ProxyError struct {
	Proxy  string // host:port of the proxy
	Status int    // the proxy's HTTP status (407, 403, 502…); 0 when it gave none
	Msg    string // what went wrong and what to do
	Err    error  // the cause, when there is one

	retry bool // the same request may pass later (proxy down, 502 to a CONNECT)
}

func (e *ProxyError) Error() string {
	s := "proxy " + e.Proxy + " " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ProxyError) Unwrap() error { return e.Err }

// SafeToRetry is true: the proxy failed the request before passing it on.
func (e *ProxyError) SafeToRetry() bool { return true }

// Temporary reports whether sending the request again may succeed.
func (e *ProxyError) Temporary() bool { return e.retry }

// NewProxyTransport returns a RoundTripper that sends every request through
// the proxy p describes, as p.SSL says: tunnelled requests go through a clone
// of base (so its TLS settings, TLSClientConfig's RootCAs among them, apply
// to the TLS with the target), forwarded ones over connections to the proxy
// that it keeps alive for reuse. When TLS is spoken to the proxy, the proxy's
// certificate is checked with base's TLSClientConfig too. base's Proxy is
// ignored; base nil is a clone of http.DefaultTransport.
//
// A 407 Proxy Authentication Required is answered once credentials fit the
// challenge (Digest nonces are reused with growing nonce counts and renewed
// when the proxy calls them stale); when they do not, the request fails
// with a *ProxyError naming the proxy and the user, never the password.
func NewProxyTransport(base *http.Transport, p ProxySettings) (http.RoundTripper, error) {
	if p.URL == nil || (p.URL.Scheme != "http" && p.URL.Scheme != "https") || p.URL.Hostname() == "" || p.URL.Opaque != "" {
		return nil, &ProxySettingsError{"URL", "is not usable: use an http:// or https:// URL with a host, such as http://proxy.example.com:3128"}
	}
	if p.URL.User != nil {
		return nil, &ProxySettingsError{"URL", "must not hold credentials: give them as the proxy user and password"}
	}
	auth := ProxyAuth(strings.ToUpper(string(p.Auth)))
	switch auth {
	case "":
		auth = ProxyAuthNone
	case ProxyAuthNone:
	case ProxyAuthBasic, ProxyAuthDigest:
		if p.User == "" {
			return nil, &ProxySettingsError{"User", fmt.Sprintf("is required with %s authentication", auth)}
		}
		if auth == ProxyAuthBasic && strings.Contains(p.User, ":") {
			return nil, &ProxySettingsError{"User", "must not contain a colon with BASIC authentication (RFC 7617)"}
		}
	default:
		return nil, &ProxySettingsError{"Auth", "is not supported: use BASIC, DIGEST or NONE"}
	}
	ssl := ProxySSL(strings.ToUpper(string(p.SSL)))
	switch ssl {
	case "":
		ssl = ProxySSLAuto
	case ProxySSLAuto, ProxySSLAlways, ProxySSLTunnel:
	case ProxySSLNever:
		if p.URL.Scheme == "https" {
			return nil, &ProxySettingsError{"SSL", "is NEVER, which talks to the proxy without TLS, but the proxy URL is https://: use an http:// proxy URL, or ALWAYS or AUTO to speak TLS to the proxy"}
		}
	default:
		return nil, &ProxySettingsError{"SSL", "is not supported: use AUTO, ALWAYS, NEVER or TUNNEL"}
	}
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	useTLS := p.URL.Scheme == "https" || ssl == ProxySSLAlways
	port := p.URL.Port()
	if port == "" {
		port = "80"
		if useTLS {
			port = "443"
		}
	}
	pt := &proxyTransport{
		addr:   net.JoinHostPort(p.URL.Hostname(), port),
		ssl:    ssl,
		auth:   newProxyAuth(auth, p.User, p.Password),
		dialer: base.DialContext,
	}
	if pt.dialer == nil {
		pt.dialer = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	if useTLS {
		var tc *tls.Config
		if base.TLSClientConfig != nil {
			tc = base.TLSClientConfig.Clone()
		} else {
			tc = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		tc.ServerName = p.URL.Hostname()
		tc.NextProtos = nil // HTTP/1.1 to the proxy
		pt.proxyTLS = tc
		pt.handshakeTimeout = base.TLSHandshakeTimeout
	}
	tunnel := base.Clone()
	tunnel.Proxy = nil
	tunnel.ProxyConnectHeader = nil
	tunnel.GetProxyConnectHeader = nil
	tunnel.OnProxyConnectResponse = nil
	tunnel.Dial = nil //nolint:staticcheck // cleared so DialContext is used
	tunnel.DialTLS = nil
	tunnel.DialTLSContext = nil
	tunnel.DialContext = pt.dialTunnel
	pt.tunnel = tunnel
	maxIdle := base.MaxIdleConnsPerHost
	if maxIdle <= 0 {
		maxIdle = 16
	}
	idle := base.IdleConnTimeout
	if idle <= 0 {
		idle = 90 * time.Second
	}
	pt.fwd = &forwarder{p: pt, maxIdle: maxIdle, idleTimeout: idle}
	return pt, nil
}

// proxyTransport sends requests through an HTTP proxy.
type proxyTransport struct {
	addr             string // host:port of the proxy
	ssl              ProxySSL
	auth             *proxyAuth
	dialer           func(ctx context.Context, network, addr string) (net.Conn, error)
	proxyTLS         *tls.Config // nil: plain TCP to the proxy
	handshakeTimeout time.Duration
	tunnel           *http.Transport // requests through CONNECT tunnels
	fwd              *forwarder      // requests forwarded in absolute form
}

// RoundTrip implements http.RoundTripper.
func (p *proxyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.URL.Scheme {
	case "http", "https":
	default:
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("unsupported protocol scheme %q", req.URL.Scheme)
	}
	if p.ssl == ProxySSLTunnel || (p.ssl != ProxySSLNever && req.URL.Scheme == "https") {
		return p.tunnel.RoundTrip(req)
	}
	return p.fwd.roundTrip(req)
}

// CloseIdleConnections closes the idle connections of both paths.
func (p *proxyTransport) CloseIdleConnections() {
	p.tunnel.CloseIdleConnections()
	p.fwd.closeIdle()
}

// dialProxy connects to the proxy, with TLS when configured.
func (p *proxyTransport) dialProxy(ctx context.Context) (net.Conn, error) {
	conn, err := p.dialer(ctx, "tcp", p.addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &ProxyError{Proxy: p.addr, Msg: "cannot be reached", Err: err, retry: true}
	}
	if p.proxyTLS == nil {
		return conn, nil
	}
	hctx := ctx
	if p.handshakeTimeout > 0 {
		var cancel context.CancelFunc
		hctx, cancel = context.WithTimeout(ctx, p.handshakeTimeout)
		defer cancel()
	}
	tc := tls.Client(conn, p.proxyTLS)
	if err := tc.HandshakeContext(hctx); err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var certErr *tls.CertificateVerificationError
		if errors.As(err, &certErr) {
			return nil, &ProxyError{Proxy: p.addr, Msg: "failed the TLS handshake: its certificate is not trusted (add its CA to tls_ca_file)", Err: err}
		}
		return nil, &ProxyError{Proxy: p.addr, Msg: "failed the TLS handshake (does it speak TLS on this port?)", Err: err, retry: true}
	}
	return tc, nil
}

// aLongTimeAgo is a deadline in the past: setting it unblocks pending I/O.
var aLongTimeAgo = time.Unix(1, 0)

// maxErrorExcerpt bounds what is read of a proxy's error answer.
const maxErrorExcerpt = 4 << 10

// dialTunnel is the tunnel transport's DialContext: it opens a CONNECT
// tunnel to addr through the proxy, answering authentication challenges.
func (p *proxyTransport) dialTunnel(ctx context.Context, _, addr string) (net.Conn, error) {
	what := "CONNECT " + addr
	for try := 0; ; try++ {
		conn, err := p.dialProxy(ctx)
		if err != nil {
			return nil, err
		}
		value, nonce := p.auth.authorization(http.MethodConnect, addr)
		req := &http.Request{
			Method: http.MethodConnect,
			URL:    &url.URL{Opaque: addr},
			Host:   addr,
			Header: http.Header{},
		}
		if value != "" {
			req.Header.Set("Proxy-Authorization", value)
		}
		stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
		br := bufio.NewReader(conn)
		var resp *http.Response
		err = req.Write(conn)
		if err == nil {
			resp, err = http.ReadResponse(br, req)
		}
		if !stop() {
			conn.Close()
			return nil, ctx.Err()
		}
		if err != nil {
			conn.Close()
			return nil, &ProxyError{Proxy: p.addr, Msg: "did not answer the " + what, Err: err, retry: true}
		}
		if resp.StatusCode/100 == 2 {
			if br.Buffered() > 0 {
				conn.Close()
				return nil, &ProxyError{Proxy: p.addr, Status: resp.StatusCode, Msg: "sent data before the tunnel to " + addr + " was open"}
			}
			return conn, nil
		}
		// A proxy may echo the request's Proxy-Authorization in its page.
		excerpt := excerptOf([]byte(scrub(string(readLimited(resp.Body)), []string{value}, []credential{{p.auth.user, p.auth.password}})))
		conn.Close()
		if resp.StatusCode == http.StatusProxyAuthRequired {
			if err := p.auth.challenged(resp, p.addr, what, value, nonce, try); err != nil {
				return nil, err
			}
			continue
		}
		msg := fmt.Sprintf("refused to open a tunnel (%s): %s", what, resp.Status)
		if excerpt != "" && !strings.HasPrefix(excerpt, "<") {
			msg += ": " + excerpt
		}
		return nil, &ProxyError{Proxy: p.addr, Status: resp.StatusCode, Msg: msg, retry: resp.StatusCode >= 500}
	}
}

func readLimited(body io.ReadCloser) []byte {
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorExcerpt))
	body.Close()
	return b
}

// forwarder sends requests to the proxy in absolute form ("GET
// https://host/path HTTP/1.1") over connections it keeps alive.
type forwarder struct {
	p           *proxyTransport
	maxIdle     int
	idleTimeout time.Duration

	mu   sync.Mutex
	idle []*proxyConn // most recently used last
}

// proxyConn is a connection to the proxy.
type proxyConn struct {
	net.Conn
	br    *bufio.Reader
	bw    *bufio.Writer
	timer *time.Timer // closes it when idle too long
}

// get returns an idle connection that is still open, or a new one.
func (f *forwarder) get(ctx context.Context) (pc *proxyConn, reused bool, err error) {
	for {
		f.mu.Lock()
		n := len(f.idle)
		if n == 0 {
			f.mu.Unlock()
			break
		}
		pc = f.idle[n-1]
		f.idle = f.idle[:n-1]
		f.mu.Unlock()
		pc.timer.Stop()
		if pc.alive() {
			return pc, true, nil
		}
		pc.Close()
	}
	conn, err := f.p.dialProxy(ctx)
	if err != nil {
		return nil, false, err
	}
	return &proxyConn{Conn: conn, br: bufio.NewReader(conn), bw: bufio.NewWriter(conn)}, false, nil
}

// alive reports whether an idle connection is still open: a read that
// would block proves it, an EOF or stray bytes disprove it.
func (pc *proxyConn) alive() bool {
	if pc.br.Buffered() > 0 {
		return false
	}
	pc.SetReadDeadline(aLongTimeAgo)
	_, err := pc.br.Peek(1)
	pc.SetReadDeadline(time.Time{})
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// put keeps pc for reuse, or closes it when enough are kept.
func (f *forwarder) put(pc *proxyConn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.idle) >= f.maxIdle {
		pc.Close()
		return
	}
	f.idle = append(f.idle, pc)
	if pc.timer == nil {
		pc.timer = time.AfterFunc(f.idleTimeout, func() { f.expire(pc) })
	} else {
		pc.timer.Reset(f.idleTimeout)
	}
}

// expire closes pc if it is still idle.
func (f *forwarder) expire(pc *proxyConn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, c := range f.idle {
		if c == pc {
			f.idle = append(f.idle[:i], f.idle[i+1:]...)
			pc.Close()
			return
		}
	}
}

func (f *forwarder) closeIdle() {
	f.mu.Lock()
	idle := f.idle
	f.idle = nil
	f.mu.Unlock()
	for _, pc := range idle {
		pc.timer.Stop()
		pc.Close()
	}
}

// absoluteURI is the request-target WriteProxy writes, which Digest signs.
func absoluteURI(req *http.Request) string {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	return req.URL.Scheme + "://" + host + req.URL.RequestURI()
}

// replayable reports whether req's body can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func (f *forwarder) roundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	what := req.Method + " " + req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	retriedDead := false
	for try := 0; ; try++ {
		out := req.Clone(ctx)
		if try > 0 && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			out.Body = body
		}
		value, nonce := f.p.auth.authorization(out.Method, absoluteURI(out))
		out.Header.Del("Proxy-Authorization")
		if value != "" {
			out.Header.Set("Proxy-Authorization", value)
		}
		resp, reused, err := f.send(ctx, out)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// The proxy closed a kept-alive connection as it was reused:
			// send once more on a new one when that is safe.
			if reused && !retriedDead && idempotent(req.Method) && replayable(req) && deadConn(err) {
				retriedDead = true
				continue
			}
			return nil, err
		}
		if resp.StatusCode != http.StatusProxyAuthRequired {
			return resp, nil
		}
		readLimited(resp.Body)
		if !replayable(req) {
			return nil, &ProxyError{Proxy: f.p.addr, Status: resp.StatusCode, Msg: "asks for authentication (it answered " + resp.Status + " to " + what + ") and the request's body cannot be sent again"}
		}
		if err := f.p.auth.challenged(resp, f.p.addr, what, value, nonce, try); err != nil {
			return nil, err
		}
	}
}

// deadConn reports an error of a connection the proxy had closed.
func deadConn(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// send writes out on a connection to the proxy and reads the answer's head;
// the body returns the connection to the pool once read to its end.
func (f *forwarder) send(ctx context.Context, out *http.Request) (*http.Response, bool, error) {
	pc, reused, err := f.get(ctx)
	if err != nil {
		if out.Body != nil {
			out.Body.Close()
		}
		return nil, false, err
	}
	stop := context.AfterFunc(ctx, func() { pc.SetDeadline(aLongTimeAgo) })
	err = out.WriteProxy(pc.bw)
	if err == nil {
		err = pc.bw.Flush()
	}
	var resp *http.Response
	if err == nil {
		resp, err = http.ReadResponse(pc.br, out)
	}
	if err != nil {
		stop()
		pc.Close()
		return nil, reused, err
	}
	resp.Body = &proxyBody{rc: resp.Body, ctx: ctx, pc: pc, f: f, stop: stop,
		reusable: !resp.Close && !out.Close && resp.ProtoAtLeast(1, 1),
		empty:    resp.ContentLength == 0}
	return resp, reused, nil
}

// proxyBody is a forwarded answer's body. Read to its end, it gives its
// connection back to the forwarder; closed early, it closes it.
type proxyBody struct {
	rc       io.ReadCloser
	ctx      context.Context
	pc       *proxyConn
	f        *forwarder
	stop     func() bool
	reusable bool
	empty    bool

	once sync.Once
}

func (b *proxyBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	switch {
	case err == io.EOF:
		b.finish(true)
	case err != nil:
		b.finish(false)
		if b.ctx.Err() != nil {
			err = b.ctx.Err()
		}
	}
	return n, err
}

func (b *proxyBody) Close() error {
	b.finish(b.empty)
	return nil
}

func (b *proxyBody) finish(complete bool) {
	b.once.Do(func() {
		if b.stop() && complete && b.reusable {
			b.rc.Close()
			b.f.put(b.pc)
			return
		}
		b.pc.Close() // first: closing a body read halfway would drain it
		b.rc.Close()
	})
}
