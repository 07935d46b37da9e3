package driver

// Configuration of the "twilio" driver, modelled on go-sql-driver/mysql's dsn.go.
//
// A DSN looks like
//
//	twilio://USER:SECRET@HOST[:PORT][/]?key=value&…
//
// where USER:SECRET is an Account SID (AC + 32 hex digits) and its Auth Token, or an
// API Key SID (SK + 32 hex digits) and its secret together with account_sid=AC….
// HOST defaults to api.twilio.com. Credentials missing from the DSN are read from
// TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY and TWILIO_API_SECRET.
//
// Secrets (the auth token, the API secret, the proxy and Redis passwords) never appear in
// the output of String, GoString, Format or LogValue, nor in any error this file
// returns.

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by NewConfig and ParseDSN.
const (
	dsnScheme          = "twilio"
	dsnDefaultHost     = "api.twilio.com"
	dsnDefaultNodes    = 2
	dsnMaxNodes        = 50
	dsnDefaultPageSize = 1000
	dsnMaxPageSize     = 1000
	dsnDefaultTimeout  = 30 * time.Second
	dsnDefaultLogLevel = slog.LevelError
	dsnDefaultRegion   = "us1" // used in BaseURL when only an edge is given
	dsnRedacted        = "REDACTED"
	dsnMaxNameLen      = 49

	dsnDefaultMaxRetries   = 8
	dsnMaxMaxRetries       = 20
	dsnDefaultRetryTimeout = time.Minute
	dsnDefaultMaxWriteRows = 100
	dsnMaxMaxWriteRows     = 1000000
	dsnMaxConcurrency      = 1000
	dsnMaxScanParallelism  = 64
	dsnDefaultCacheBytes   = 64 << 20
	dsnMaxCacheBytes       = 1 << 40

	dsnDefaultMaxResponseBytes = 64 << 20 // rest.DefaultMaxResponseBytes
	dsnMinMaxResponseBytes     = 1 << 10
	dsnMaxMaxResponseBytes     = 1 << 30

	proxyAuthNone   = "NONE"
	proxyAuthBasic  = "BASIC"
	proxyAuthDigest = "DIGEST"
	proxySSLAuto    = "AUTO"
)

// Environment variables read by ParseDSN for credentials missing from the DSN.
const (
	envAccountSid = "TWILIO_ACCOUNT_SID"
	envAuthToken  = "TWILIO_AUTH_TOKEN"
	envAPIKey     = "TWILIO_API_KEY"
	envAPISecret  = "TWILIO_API_SECRET"
)

// Config is the driver's configuration, parsed from a DSN by ParseDSN or built
// programmatically (start from NewConfig) and passed to OpenDB.
//
// Printing a Config never shows its secrets: String, GoString, Format,
// LogValue and MarshalJSON redact the auth token, the API secret and the
// proxy password. The exception is Go's: fmt prints unexported struct
// fields by reflection without calling their methods, so %v of a struct
// that holds a Config in an unexported field shows the secrets.
type Config struct {
	AccountSid string        // AC…
	AuthToken  string        // secret
	APIKey     string        // SK…, when authenticating with an API key
	APISecret  string        // secret
	Host       string        // host[:port], default "api.twilio.com"
	TLS        bool          // default true; `tls=false` allowed only when Host is a loopback address (127.0.0.0/8, ::1, localhost) – the emulator
	Nodes      int           // `nodes` 1..50, default 2 (limiter: 25 requests/s per node)
	PageSize   int           // `page_size` 1..1000, default 1000
	Timeout    time.Duration // `timeout` per HTTP request, Go duration ("30s") or integer seconds; > 0; default 30s
	Name       string        // `name`: lowercase letters, digits, hyphens; starts with a letter, ends with a letter or digit; at most 49 chars; sent in the User-Agent
	Region     string        // `region`, e.g. "ie1", "au1" (lowercase alnum)
	Edge       string        // `edge`, e.g. "dublin", "sydney" (lowercase alpha)
	LogLevel   slog.Level    // `log_level` ERROR (default), WARN, INFO, DEBUG (case-insensitive)
	Proxy      ProxyConfig

	// Resilience and safety.
	MaxConcurrency  int           // `max_concurrency` requests in flight at once, 1..1000; 0 (default): no cap but the rate
	ScanParallelism int           // `scan_parallelism` 0..64: time slices of one date-range scan fetched at once; 0 (default): 8 × nodes, at most max_concurrency; 1: none
	MaxRetries      int           // `max_retries` 0..20, default 8: retries of a 429 (any method) or a 5xx/reset (GET, DELETE)
	RetryTimeout    time.Duration // `retry_timeout` total time one request may spend retrying, default 1m
	AllowBulkWrites bool          // `allow_bulk_writes`: permit bulk writes, UPDATE or DELETE without WHERE, with an always-true WHERE, or matching every row without a Sid or pushed filter (default false)
	MaxWriteRows    int           // `max_write_rows` 1..1000000, default 100: most resources one statement may change
	TLSCAFile       string        // `tls_ca_file` PEM file of CAs to trust besides the system's (private endpoints)
	AuthTokenFile   string        // `auth_token_file` file holding the auth token (a mounted secret)
	APISecretFile   string        // `api_secret_file` file holding the API key secret
	// `max_response_bytes` 1024..1073741824, default 67108864 (64 MiB):
	// the largest answer body read, once decompressed; a larger one (a
	// gzip bomb, an endless body) fails the statement.
	MaxResponseBytes int64
	CacheTTL         time.Duration // `cache_ttl` how long list and get answers are reused by later queries of the Connector; 0 (default): no cache
	CacheMaxBytes    int64         // `cache_max_bytes` most bytes of answers the cache keeps, default 64 MiB

	// Limiter shares the request budget (and max_concurrency) with other
	// processes through Redis (`limiter`, `limiter_key`, …); see LimiterConfig.
	Limiter LimiterConfig

	// Not settable from a DSN (programmatic use through OpenDB(cfg)):
	Logger    *slog.Logger      // nil = slog.Default() handler filtered at LogLevel
	Transport http.RoundTripper // nil = a clone of http.DefaultTransport; when set (tests, mocks), the proxy and tls_ca_file settings do not apply
}

// ProxyConfig is the HTTP proxy part of Config.
type ProxyConfig struct {
	Enabled    bool   // `proxy_enabled`
	URL        string // `proxy_url` http(s)://host:port
	AuthScheme string // `proxy_auth_scheme` BASIC, DIGEST, NONE (default NONE; upper-case on output)
	User       string // `proxy_user`
	Password   string // `proxy_password` secret
	SSLType    string // `proxy_ssltype` AUTO (default), ALWAYS, NEVER, TUNNEL

	PasswordFile string // `proxy_password_file` file holding the proxy password
}

// ConfigError is the error returned by ParseDSN and Config.Validate. Key names the
// DSN key, environment variable or DSN part at fault ("" when none applies);
// Problem says what is wrong and what is allowed. Neither ever holds a secret.
type ConfigError struct {
	Key, Problem string
}

func (e *ConfigError) Error() string {
	if e.Key == "" {
		return "twilio: dsn: " + e.Problem
	}
	return "twilio: dsn: " + dsnKeyText(e.Key) + " " + e.Problem
}

func dsnErr(key, format string, args ...any) *ConfigError {
	return &ConfigError{Key: key, Problem: fmt.Sprintf(format, args...)}
}

// NewConfig returns a Config with every default set and no credentials.
func NewConfig() *Config {
	return &Config{
		Host:     dsnDefaultHost,
		TLS:      true,
		Nodes:    dsnDefaultNodes,
		PageSize: dsnDefaultPageSize,
		Timeout:  dsnDefaultTimeout,
		LogLevel: dsnDefaultLogLevel,

		MaxRetries:   dsnDefaultMaxRetries,
		RetryTimeout: dsnDefaultRetryTimeout,
		MaxWriteRows: dsnDefaultMaxWriteRows,

		MaxResponseBytes: dsnDefaultMaxResponseBytes,
		CacheMaxBytes:    dsnDefaultCacheBytes,
		Proxy: ProxyConfig{
			AuthScheme: proxyAuthNone,
			SSLType:    proxySSLAuto,
		},
		Limiter: LimiterConfig{FallbackReplicas: 1},
	}
}

// Clone returns a copy of c. Logger and Transport are shared, not copied.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	cp := *c
	return &cp
}

// Username returns the HTTP Basic user: the API key when one is set, else the Account SID.
func (c *Config) Username() string {
	if c.APIKey != "" {
		return c.APIKey
	}
	return c.AccountSid
}

// Password returns the HTTP Basic password matching Username.
func (c *Config) Password() string {
	if c.APIKey != "" {
		return c.APISecret
	}
	return c.AuthToken
}

// BaseURL returns scheme and host of the API: https unless TLS is false, and Host,
// or, when Host is the default and Region/Edge are set, api.{edge}.{region}.twilio.com
// (edge without region uses region us1; region without edge gives api.{region}.twilio.com).
func (c *Config) BaseURL() *url.URL {
	scheme := "https"
	if !c.TLS {
		scheme = "http"
	}
	host := c.Host
	if host == "" {
		host = dsnDefaultHost
	}
	if strings.EqualFold(host, dsnDefaultHost) && (c.Region != "" || c.Edge != "") {
		region := c.Region
		if region == "" {
			region = dsnDefaultRegion
		}
		if c.Edge != "" {
			host = "api." + c.Edge + "." + region + ".twilio.com"
		} else {
			host = "api." + region + ".twilio.com"
		}
	}
	return &url.URL{Scheme: scheme, Host: host}
}

// scanParallelism is the time slices one date-range scan fetches at once.
// The default (ScanParallelism 0) keeps the request budget busy by Little's
// law: nodes × 25 requests per second, each taking a round trip of up to
// about 320 ms (Twilio answers a 1000-row page in 100–300 ms, plus the
// transfer), need 8 × nodes requests in flight. More would only queue on the
// limiter while holding pages in memory; max_concurrency, when set, caps it.
func (c *Config) scanParallelism() int {
	if c.ScanParallelism > 0 {
		return c.ScanParallelism
	}
	n := min(8*c.Nodes, dsnMaxScanParallelism)
	if c.MaxConcurrency > 0 {
		n = min(n, c.MaxConcurrency)
	}
	return max(n, 1)
}

// ParseDSN parses dsn, fills credentials missing from it from the environment
// (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET) and
// validates the result. Errors are *ConfigError and never contain a secret.
func ParseDSN(dsn string) (*Config, error) {
	parts, cerr := dsnSplit(dsn)
	if cerr != nil {
		return nil, cerr
	}
	cfg := NewConfig()
	if parts.host != "" {
		if p := dsnCheckHost(parts.host); p != "" {
			return nil, dsnErr("host", "%s", p)
		}
		cfg.Host = parts.host
	}
	if parts.path != "" && parts.path != "/" {
		return nil, dsnErr("", "the DSN must have no path after the host (only an optional /): put settings in the query, as in twilio://AC…:TOKEN@api.twilio.com/?nodes=3")
	}
	accountSidKey, cerr := dsnParseQuery(cfg, parts.query)
	if cerr != nil {
		return nil, cerr
	}
	if cerr := cfg.readSecretFiles(parts.secret != ""); cerr != nil {
		return nil, cerr
	}
	labels, cerr := dsnResolveCredentials(cfg, parts, accountSidKey, os.Getenv)
	if cerr != nil {
		return nil, cerr
	}
	if cerr := cfg.validate(labels); cerr != nil {
		return nil, cerr
	}
	return cfg, nil
}

type dsnParts struct {
	hasUserinfo bool
	user        string // decoded
	secret      string // decoded
	host        string
	path        string
	query       string
}

var dsnSchemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]{0,31}$`)

// dsnSplit splits a DSN into its parts following URL syntax (fragment, scheme,
// authority up to the first / or ?, userinfo up to the last @). It never puts
// the userinfo in an error.
func dsnSplit(dsn string) (dsnParts, *ConfigError) {
	var p dsnParts
	if dsn == "" {
		return p, dsnErr("", `the DSN is empty: use twilio://ACCOUNT_SID:AUTH_TOKEN@/ or, with credentials in the environment, twilio://`)
	}
	for i := 0; i < len(dsn); i++ {
		if b := dsn[i]; b < 0x20 || b == 0x7f {
			return p, dsnErr("", "the DSN contains a control character at byte %d", i)
		}
	}
	if strings.Contains(dsn, "#") {
		return p, dsnErr("", "the DSN contains '#' (a URL fragment): percent-encode it as %%23 inside values")
	}
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return p, dsnErr("", `the DSN must start with "twilio://"`)
	}
	if !strings.EqualFold(scheme, dsnScheme) {
		if dsnSchemeRE.MatchString(scheme) {
			return p, dsnErr("", "the DSN scheme %q is not supported: it must be \"twilio\" (twilio://…)", scheme)
		}
		return p, dsnErr("", `the DSN must start with "twilio://"`)
	}
	authority := rest
	tail := ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	p.path, p.query, _ = strings.Cut(tail, "?")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		p.hasUserinfo = true
		userinfo := authority[:i]
		authority = authority[i+1:]
		rawUser, rawSecret, _ := strings.Cut(userinfo, ":")
		var err error
		if p.user, err = url.PathUnescape(rawUser); err != nil {
			return p, dsnErr("", "the user name in the DSN has an invalid percent-encoding (use %%XX with two hex digits)")
		}
		if p.secret, err = url.PathUnescape(rawSecret); err != nil {
			return p, dsnErr("", "the secret in the DSN has an invalid percent-encoding (use %%XX with two hex digits)")
		}
	}
	p.host = authority
	return p, nil
}

var dsnHostnameRE = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$`)

// dsnCheckHost checks host[:port]; it returns a problem or "". It does not echo
// an invalid port: a DSN missing its '@' puts "user:secret" in the host.
func dsnCheckHost(host string) string {
	name, port := host, ""
	hasPort := false
	if strings.HasPrefix(host, "[") {
		end := strings.Index(host, "]")
		if end < 0 {
			return "has an IPv6 address without its closing ]"
		}
		name = host[1:end]
		rest := host[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "must be [IPv6 address] optionally followed by :port"
			}
			port, hasPort = rest[1:], true
		}
		if ip := net.ParseIP(name); ip == nil || ip.To4() != nil || strings.Contains(name, "%") {
			return fmt.Sprintf("%s is not a valid IPv6 address", dsnQuote(name))
		}
	} else {
		if i := strings.Index(host, ":"); i >= 0 {
			name, port, hasPort = host[:i], host[i+1:], true
			if strings.Contains(port, ":") {
				return "has more than one ':': write an IPv6 address in brackets, as in [::1]:8080"
			}
		}
		if name == "" {
			return "name is empty before the port"
		}
		if !dsnHostnameRE.MatchString(name) {
			return fmt.Sprintf("%s is not a valid host name: use letters, digits, '-' and '.', or an IP address", dsnQuote(name))
		}
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || port[0] < '0' || port[0] > '9' || n < 1 || n > 65535 {
			return "port must be a number from 1 to 65535 (if the host holds user:secret, the DSN is missing its '@')"
		}
	}
	return ""
}

// dsnHostname returns Host without port and brackets.
func dsnHostname(host string) string {
	if strings.HasPrefix(host, "[") {
		if end := strings.Index(host, "]"); end >= 0 {
			return host[1:end]
		}
		return host
	}
	name, _, _ := strings.Cut(host, ":")
	return name
}

// dsnIsLoopback reports whether host (host[:port]) is localhost, 127.0.0.0/8 or ::1.
func dsnIsLoopback(host string) bool {
	name := dsnHostname(host)
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}

// FormatDSN returns the canonical DSN for c, secrets included (ParseDSN of it
// yields an equal Config, Logger and Transport aside). Keys at their default
// value are omitted; the others are sorted. The Redis password is never in a
// DSN: only limiter_password_file, the file it is read from.
func (c *Config) FormatDSN() string {
	var b strings.Builder
	b.WriteString(dsnScheme + "://")
	user, pass := c.Username(), c.Password()
	if (c.APIKey != "" && c.APISecretFile != "") || (c.APIKey == "" && c.AuthTokenFile != "") {
		pass = "" // the secret comes from its file again
	}
	switch {
	case pass != "":
		b.WriteString(url.UserPassword(user, pass).String())
		b.WriteByte('@')
	case user != "":
		b.WriteString(url.User(user).String())
		b.WriteByte('@')
	}
	b.WriteString(c.Host)
	b.WriteByte('/')

	q := url.Values{}
	if c.APIKey != "" && c.AccountSid != "" {
		q.Set("account_sid", c.AccountSid)
	}
	if c.Nodes != dsnDefaultNodes {
		q.Set("nodes", strconv.Itoa(c.Nodes))
	}
	if c.PageSize != dsnDefaultPageSize {
		q.Set("page_size", strconv.Itoa(c.PageSize))
	}
	if c.Timeout != dsnDefaultTimeout {
		q.Set("timeout", c.Timeout.String())
	}
	if !c.TLS {
		q.Set("tls", "false")
	}
	if c.Name != "" {
		q.Set("name", c.Name)
	}
	if c.Region != "" {
		q.Set("region", c.Region)
	}
	if c.Edge != "" {
		q.Set("edge", c.Edge)
	}
	if c.LogLevel != dsnDefaultLogLevel {
		q.Set("log_level", c.LogLevel.String())
	}
	if c.Proxy.Enabled {
		q.Set("proxy_enabled", "true")
	}
	if c.Proxy.URL != "" {
		q.Set("proxy_url", c.Proxy.URL)
	}
	if s := strings.ToUpper(c.Proxy.AuthScheme); s != "" && s != proxyAuthNone {
		q.Set("proxy_auth_scheme", s)
	}
	if c.Proxy.User != "" {
		q.Set("proxy_user", c.Proxy.User)
	}
	if c.Proxy.PasswordFile != "" {
		q.Set("proxy_password_file", c.Proxy.PasswordFile)
	} else if c.Proxy.Password != "" {
		q.Set("proxy_password", c.Proxy.Password)
	}
	if c.MaxConcurrency != 0 {
		q.Set("max_concurrency", strconv.Itoa(c.MaxConcurrency))
	}
	if c.ScanParallelism != 0 {
		q.Set("scan_parallelism", strconv.Itoa(c.ScanParallelism))
	}
	if c.MaxRetries != dsnDefaultMaxRetries {
		q.Set("max_retries", strconv.Itoa(c.MaxRetries))
	}
	if c.RetryTimeout != dsnDefaultRetryTimeout {
		q.Set("retry_timeout", c.RetryTimeout.String())
	}
	if c.AllowBulkWrites {
		q.Set("allow_bulk_writes", "true")
	}
	if c.MaxWriteRows != dsnDefaultMaxWriteRows {
		q.Set("max_write_rows", strconv.Itoa(c.MaxWriteRows))
	}
	if c.MaxResponseBytes != dsnDefaultMaxResponseBytes {
		q.Set("max_response_bytes", strconv.FormatInt(c.MaxResponseBytes, 10))
	}
	if c.CacheTTL != 0 {
		q.Set("cache_ttl", c.CacheTTL.String())
	}
	if c.CacheMaxBytes != dsnDefaultCacheBytes {
		q.Set("cache_max_bytes", strconv.FormatInt(c.CacheMaxBytes, 10))
	}
	if c.TLSCAFile != "" {
		q.Set("tls_ca_file", c.TLSCAFile)
	}
	if c.AuthTokenFile != "" {
		q.Set("auth_token_file", c.AuthTokenFile)
	}
	if c.APISecretFile != "" {
		q.Set("api_secret_file", c.APISecretFile)
	}
	if s := strings.ToUpper(c.Proxy.SSLType); s != "" && s != proxySSLAuto {
		q.Set("proxy_ssltype", s)
	}
	c.Limiter.formatDSN(q)
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(q.Encode()) // sorted by key
	}
	return b.String()
}
