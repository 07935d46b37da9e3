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
// Secrets (the auth token, the API secret and the proxy password) never appear in
// the output of String, GoString, Format or LogValue, nor in any error this file
// returns.

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
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
	AllowBulkWrites bool          // `allow_bulk_writes`: permit UPDATE or DELETE without WHERE (default false)
	MaxWriteRows    int           // `max_write_rows` 1..1000000, default 100: most resources one statement may change
	TLSCAFile       string        // `tls_ca_file` PEM file of CAs to trust besides the system's (private endpoints)
	AuthTokenFile   string        // `auth_token_file` file holding the auth token (a mounted secret)
	APISecretFile   string        // `api_secret_file` file holding the API key secret

	// Not settable from a DSN (programmatic use through OpenDB(cfg)):
	Logger    *slog.Logger      // nil = slog.Default() handler filtered at LogLevel
	Transport http.RoundTripper // nil = a clone of http.DefaultTransport (tests/mocks)
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
		Proxy: ProxyConfig{
			AuthScheme: proxyAuthNone,
			SSLType:    proxySSLAuto,
		},
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

// ---------------------------------------------------------------------------
// ParseDSN

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

// dsnKey describes one DSN query key.
type dsnKey struct {
	secret bool
	set    func(c *Config, v string) string // returns a problem or ""
}

var dsnKeys = map[string]dsnKey{
	"account_sid": {set: func(c *Config, v string) string { return "" }}, // handled by dsnResolveCredentials
	"nodes": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 1, dsnMaxNodes)
		c.Nodes = n
		return p
	}},
	"page_size": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 1, dsnMaxPageSize)
		c.PageSize = n
		return p
	}},
	"timeout": {set: func(c *Config, v string) string {
		d, p := dsnParseTimeout(v)
		c.Timeout = d
		return p
	}},
	"tls": {set: func(c *Config, v string) string {
		b, p := dsnParseBool(v)
		c.TLS = b
		return p
	}},
	"name": {set: func(c *Config, v string) string {
		c.Name = v
		return dsnCheckName(v)
	}},
	"region": {set: func(c *Config, v string) string {
		c.Region = v
		return dsnCheckRegion(v)
	}},
	"edge": {set: func(c *Config, v string) string {
		c.Edge = v
		return dsnCheckEdge(v)
	}},
	"log_level": {set: func(c *Config, v string) string {
		for _, l := range dsnLogLevels {
			if strings.EqualFold(v, l.String()) {
				c.LogLevel = l
				return ""
			}
		}
		return fmt.Sprintf("%s is not a log level: use ERROR, WARN, INFO or DEBUG", dsnQuote(v))
	}},
	"proxy_enabled": {set: func(c *Config, v string) string {
		b, p := dsnParseBool(v)
		c.Proxy.Enabled = b
		return p
	}},
	"proxy_url": {set: func(c *Config, v string) string {
		c.Proxy.URL = v
		return dsnCheckProxyURL(v)
	}},
	"proxy_auth_scheme": {set: func(c *Config, v string) string {
		c.Proxy.AuthScheme = strings.ToUpper(v)
		return dsnCheckEnum(c.Proxy.AuthScheme, v, dsnProxyAuthSchemes)
	}},
	"proxy_user": {set: func(c *Config, v string) string {
		c.Proxy.User = v
		return ""
	}},
	"proxy_password": {secret: true, set: func(c *Config, v string) string {
		c.Proxy.Password = v
		return ""
	}},
	"max_concurrency": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 0, dsnMaxConcurrency)
		c.MaxConcurrency = n
		return p
	}},
	"scan_parallelism": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 0, dsnMaxScanParallelism)
		c.ScanParallelism = n
		return p
	}},
	"max_retries": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 0, dsnMaxMaxRetries)
		c.MaxRetries = n
		return p
	}},
	"retry_timeout": {set: func(c *Config, v string) string {
		d, p := dsnParseTimeout(v)
		c.RetryTimeout = d
		return p
	}},
	"allow_bulk_writes": {set: func(c *Config, v string) string {
		b, p := dsnParseBool(v)
		c.AllowBulkWrites = b
		return p
	}},
	"max_write_rows": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 1, dsnMaxMaxWriteRows)
		c.MaxWriteRows = n
		return p
	}},
	"tls_ca_file": {set: func(c *Config, v string) string {
		c.TLSCAFile = v
		return dsnCheckFile(v)
	}},
	"auth_token_file": {set: func(c *Config, v string) string {
		c.AuthTokenFile = v
		return dsnCheckFile(v)
	}},
	"api_secret_file": {set: func(c *Config, v string) string {
		c.APISecretFile = v
		return dsnCheckFile(v)
	}},
	"proxy_password_file": {set: func(c *Config, v string) string {
		c.Proxy.PasswordFile = v
		return dsnCheckFile(v)
	}},
	"proxy_ssltype": {set: func(c *Config, v string) string {
		c.Proxy.SSLType = strings.ToUpper(v)
		return dsnCheckEnum(c.Proxy.SSLType, v, dsnProxySSLTypes)
	}},
}

var (
	dsnLogLevels          = []slog.Level{slog.LevelError, slog.LevelWarn, slog.LevelInfo, slog.LevelDebug}
	dsnProxyAuthSchemes   = []string{proxyAuthBasic, proxyAuthDigest, proxyAuthNone}
	dsnProxySSLTypes      = []string{proxySSLAuto, "ALWAYS", "NEVER", "TUNNEL"}
	dsnNameRE             = regexp.MustCompile(`^[a-z]([a-z0-9-]*[a-z0-9])?$`)
	dsnRegionRE           = regexp.MustCompile(`^[a-z0-9]{1,63}$`)
	dsnEdgeRE             = regexp.MustCompile(`^[a-z]{1,63}$`)
	dsnKeyNames           = dsnSortedKeys()
	dsnPlainKeyRE         = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_ ()]*$`)
	dsnSidHexLen          = 32
	dsnAlnumRE            = regexp.MustCompile(`^[A-Za-z0-9]+$`)
	dsnSecretCharsProblem = "must be letters and digits only: twilio-go refuses any other character (errors 21222/21224) before sending a request"
)

func dsnSortedKeys() []string {
	keys := make([]string, 0, len(dsnKeys))
	for k := range dsnKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dsnParseQuery applies the query keys to cfg and returns the account_sid value.
func dsnParseQuery(cfg *Config, query string) (accountSid string, _ *ConfigError) {
	seen := map[string]bool{}
	for _, part := range strings.Split(query, "&") {
		if part == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(part, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return "", dsnErr("", "a key in the DSN query has an invalid percent-encoding (use %%XX with two hex digits)")
		}
		spec, ok := dsnKeys[key]
		if !ok {
			// The value is not echoed: it may be a misspelled secret key's value.
			hint := ""
			if s := dsnClosestKey(key); s != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", s)
			}
			return "", dsnErr(dsnTruncate(key), "is not a known DSN key%s: use one of %s", hint, strings.Join(dsnKeyNames, ", "))
		}
		if seen[key] {
			return "", dsnErr(key, "is given more than once: give each key once")
		}
		seen[key] = true
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return "", dsnErr(key, "has a value with an invalid percent-encoding (use %%XX with two hex digits; '+' means a space)")
		}
		if key == "account_sid" {
			accountSid = value
			continue
		}
		if p := spec.set(cfg, value); p != "" {
			if spec.secret { // never reached today: secrets accept any value
				return "", dsnErr(key, "has an invalid value")
			}
			return "", dsnErr(key, "%s", p)
		}
	}
	return accountSid, nil
}

func dsnParseInt(v string, lo, hi int) (int, string) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Sprintf("%s is not an integer: use an integer from %d to %d", dsnQuote(v), lo, hi)
	}
	if n < lo || n > hi {
		return n, fmt.Sprintf("%s is out of range: use an integer from %d to %d", dsnQuote(v), lo, hi)
	}
	return n, ""
}

const dsnTimeoutAllowed = "use a positive Go duration such as 30s or 1m30s, or a whole number of seconds such as 30"

func dsnParseTimeout(v string) (time.Duration, string) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0, fmt.Sprintf("%s must be positive: %s", dsnQuote(v), dsnTimeoutAllowed)
		}
		if n > math.MaxInt64/int64(time.Second) {
			return 0, fmt.Sprintf("%s is too large: %s", dsnQuote(v), dsnTimeoutAllowed)
		}
		return time.Duration(n) * time.Second, ""
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Sprintf("%s is not a duration: %s", dsnQuote(v), dsnTimeoutAllowed)
	}
	if d <= 0 {
		return 0, fmt.Sprintf("%s must be positive: %s", dsnQuote(v), dsnTimeoutAllowed)
	}
	return d, ""
}

func dsnParseBool(v string) (bool, string) {
	switch strings.ToLower(v) {
	case "true", "1":
		return true, ""
	case "false", "0":
		return false, ""
	}
	return false, fmt.Sprintf("%s is not a boolean: use true, false, 1 or 0", dsnQuote(v))
}

func dsnCheckName(v string) string {
	if v == "" || (len(v) <= dsnMaxNameLen && dsnNameRE.MatchString(v)) {
		return ""
	}
	return fmt.Sprintf("%s is not a valid name: use lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit, at most %d characters", dsnQuote(v), dsnMaxNameLen)
}

func dsnCheckRegion(v string) string {
	if v == "" || dsnRegionRE.MatchString(v) {
		return ""
	}
	return fmt.Sprintf("%s is not a valid region: use lowercase letters and digits, such as ie1 or au1", dsnQuote(v))
}

func dsnCheckEdge(v string) string {
	if v == "" || dsnEdgeRE.MatchString(v) {
		return ""
	}
	return fmt.Sprintf("%s is not a valid edge: use lowercase letters, such as dublin or sydney", dsnQuote(v))
}

// dsnCheckEnum checks the upper-cased value norm against allowed; raw is echoed.
func dsnCheckEnum(norm, raw string, allowed []string) string {
	for _, a := range allowed {
		if norm == a {
			return ""
		}
	}
	return fmt.Sprintf("%s is not supported: use %s or %s", dsnQuote(raw), strings.Join(allowed[:len(allowed)-1], ", "), allowed[len(allowed)-1])
}

const dsnProxyURLAllowed = "use an http:// or https:// URL with a host, such as http://proxy.example.com:3128"

// dsnCheckProxyURL checks a proxy URL. It never echoes a URL holding credentials.
func dsnCheckProxyURL(v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil {
		if strings.Contains(v, "@") {
			return "is not a valid URL: " + dsnProxyURLAllowed
		}
		return fmt.Sprintf("%s is not a valid URL: %s", dsnQuote(v), dsnProxyURLAllowed)
	}
	if u.User != nil {
		return "must not hold credentials: put them in proxy_user and proxy_password"
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.Hostname() == "" {
		return fmt.Sprintf("%s is not usable: %s", dsnQuote(v), dsnProxyURLAllowed)
	}
	return ""
}

// dsnCredLabels names where each credential came from, for error messages.
type dsnCredLabels struct {
	accountSid, authToken, apiKey, apiSecret string
	hint                                     string // appended to "missing secret" problems
}

var dsnProgrammaticLabels = dsnCredLabels{
	accountSid: "AccountSid", authToken: "AuthToken", apiKey: "APIKey", apiSecret: "APISecret",
}

// dsnResolveCredentials fills the credential fields of cfg from the DSN parts,
// the account_sid key and the environment.
//
//   - DSN user AC…: Account SID + Auth Token; a missing token comes from
//     TWILIO_AUTH_TOKEN, provided TWILIO_ACCOUNT_SID is unset or the same SID.
//   - DSN user SK…: API key + secret; a missing secret comes from TWILIO_API_SECRET
//     (provided TWILIO_API_KEY is unset or the same key); the Account SID comes
//     from account_sid, else TWILIO_ACCOUNT_SID.
//   - No DSN user: TWILIO_API_KEY/TWILIO_API_SECRET when TWILIO_API_KEY is set,
//     else TWILIO_ACCOUNT_SID (or account_sid)/TWILIO_AUTH_TOKEN.
func dsnResolveCredentials(cfg *Config, p dsnParts, accountSidKey string, getenv func(string) string) (dsnCredLabels, *ConfigError) {
	labels := dsnCredLabels{
		accountSid: "user", authToken: "auth token (the DSN secret)",
		apiKey: "user", apiSecret: "API secret (the DSN secret)",
	}
	envSid, envToken := getenv(envAccountSid), getenv(envAuthToken)
	envKey, envKeySecret := getenv(envAPIKey), getenv(envAPISecret)

	keyMode := false
	switch {
	case p.user == "" && p.secret != "":
		return labels, dsnErr("", "the DSN has a secret but no user name: write twilio://ACCOUNT_SID:AUTH_TOKEN@… or twilio://API_KEY:API_SECRET@…?account_sid=AC…")
	case p.user == "":
		if envKey != "" {
			keyMode = true
			cfg.APIKey, labels.apiKey = envKey, envAPIKey
		}
	case strings.HasPrefix(p.user, "SK"):
		keyMode = true
		cfg.APIKey = p.user
	case strings.HasPrefix(p.user, "AC"):
		cfg.AccountSid = p.user
		if accountSidKey != "" && accountSidKey != p.user {
			return labels, dsnErr("account_sid", "%s differs from the Account SID given as the DSN user: give account_sid only with an API key user (SK…)", dsnQuoteSid(accountSidKey, "AC"))
		}
	default:
		return labels, dsnErr("user", "is neither an Account SID (AC + 32 hex digits) nor an API Key SID (SK + 32 hex digits)")
	}

	if keyMode {
		if p.secret != "" {
			cfg.APISecret = p.secret
		} else if cfg.APISecretFile != "" {
			labels.apiSecret = "api_secret_file"
		} else if envKeySecret != "" {
			if envKey != "" && envKey != cfg.APIKey {
				return labels, dsnErr("", "API key %s has no secret: put it in the DSN (twilio://%s:API_SECRET@…); %s was not used because it belongs to %s %s", dsnQuoteSid(cfg.APIKey, "SK"), dsnSidOrPlaceholder(cfg.APIKey, "SK"), envAPISecret, envAPIKey, dsnQuoteSid(envKey, "SK"))
			}
			cfg.APISecret, labels.apiSecret = envKeySecret, envAPISecret
		} else {
			labels.hint = fmt.Sprintf(": put it in the DSN (twilio://%s:API_SECRET@…) or set %s", dsnSidOrPlaceholder(cfg.APIKey, "SK"), envAPISecret)
		}
		switch {
		case accountSidKey != "":
			cfg.AccountSid, labels.accountSid = accountSidKey, "account_sid"
		case envSid != "":
			cfg.AccountSid, labels.accountSid = envSid, envAccountSid
		default:
			return labels, dsnErr("", "API key %s needs the Account SID it belongs to: add account_sid=AC… to the DSN or set %s", dsnQuoteSid(cfg.APIKey, "SK"), envAccountSid)
		}
		return labels, nil
	}

	if cfg.AccountSid == "" {
		switch {
		case accountSidKey != "":
			cfg.AccountSid, labels.accountSid = accountSidKey, "account_sid"
		case envSid != "":
			cfg.AccountSid, labels.accountSid = envSid, envAccountSid
		default:
			return labels, dsnErr("", "no credentials: put ACCOUNT_SID:AUTH_TOKEN in the DSN (twilio://AC…:AUTH_TOKEN@/), or API_KEY:API_SECRET with account_sid=AC…, or set %s and %s (or %s, %s and %s)", envAccountSid, envAuthToken, envAPIKey, envAPISecret, envAccountSid)
		}
	}
	if p.secret != "" {
		cfg.AuthToken = p.secret
	} else if cfg.AuthTokenFile != "" {
		labels.authToken = "auth_token_file"
	} else if envToken != "" {
		if envSid != "" && envSid != cfg.AccountSid {
			return labels, dsnErr("", "account SID %s has no auth token: put it in the DSN (twilio://%s:AUTH_TOKEN@…); %s was not used because it belongs to %s %s", dsnQuoteSid(cfg.AccountSid, "AC"), dsnSidOrPlaceholder(cfg.AccountSid, "AC"), envAuthToken, envAccountSid, dsnQuoteSid(envSid, "AC"))
		}
		cfg.AuthToken, labels.authToken = envToken, envAuthToken
	} else {
		labels.hint = fmt.Sprintf(": put it in the DSN (twilio://%s:AUTH_TOKEN@…) or set %s", dsnSidOrPlaceholder(cfg.AccountSid, "AC"), envAuthToken)
	}
	return labels, nil
}

// ---------------------------------------------------------------------------
// Validate

// Validate runs on c the checks ParseDSN runs (it does not read the environment).
// The error is a *ConfigError and never contains a secret.
func (c *Config) Validate() error {
	if cerr := c.validate(dsnProgrammaticLabels); cerr != nil {
		return cerr
	}
	return nil
}

func dsnIsSid(s, prefix string) bool {
	if len(s) != len(prefix)+dsnSidHexLen || !strings.HasPrefix(s, prefix) {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		b := s[i]
		if !('0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			return false
		}
	}
	return true
}

func (c *Config) validate(l dsnCredLabels) *ConfigError {
	if cerr := c.validateCredentials(l); cerr != nil {
		return cerr
	}
	if c.Host == "" {
		return dsnErr("host", "is empty: use %q (a DSN with no host gets it)", dsnDefaultHost)
	}
	if p := dsnCheckHost(c.Host); p != "" {
		return dsnErr("host", "%s", p)
	}
	if !c.TLS && !dsnIsLoopback(c.Host) {
		return dsnErr("tls", `"false" is allowed only for a loopback host (127.0.0.0/8, ::1 or localhost, such as the Twilio emulator): host %s must use TLS`, dsnQuote(c.Host))
	}
	if c.Nodes < 1 || c.Nodes > dsnMaxNodes {
		return dsnErr("nodes", "%q is out of range: use an integer from 1 to %d", strconv.Itoa(c.Nodes), dsnMaxNodes)
	}
	if c.PageSize < 1 || c.PageSize > dsnMaxPageSize {
		return dsnErr("page_size", "%q is out of range: use an integer from 1 to %d", strconv.Itoa(c.PageSize), dsnMaxPageSize)
	}
	if c.Timeout <= 0 {
		return dsnErr("timeout", "%q must be positive: %s", c.Timeout.String(), dsnTimeoutAllowed)
	}
	if p := dsnCheckName(c.Name); p != "" {
		return dsnErr("name", "%s", p)
	}
	if p := dsnCheckRegion(c.Region); p != "" {
		return dsnErr("region", "%s", p)
	}
	if p := dsnCheckEdge(c.Edge); p != "" {
		return dsnErr("edge", "%s", p)
	}
	if c.MaxConcurrency < 0 || c.MaxConcurrency > dsnMaxConcurrency {
		return dsnErr("max_concurrency", "%q is out of range: use an integer from 1 to %d, or 0 for no cap", strconv.Itoa(c.MaxConcurrency), dsnMaxConcurrency)
	}
	if c.ScanParallelism < 0 || c.ScanParallelism > dsnMaxScanParallelism {
		return dsnErr("scan_parallelism", "%q is out of range: use an integer from 1 to %d, or 0 for 8 × nodes", strconv.Itoa(c.ScanParallelism), dsnMaxScanParallelism)
	}
	if c.MaxRetries < 0 || c.MaxRetries > dsnMaxMaxRetries {
		return dsnErr("max_retries", "%q is out of range: use an integer from 0 to %d", strconv.Itoa(c.MaxRetries), dsnMaxMaxRetries)
	}
	if c.RetryTimeout <= 0 {
		return dsnErr("retry_timeout", "%q must be positive: %s", c.RetryTimeout.String(), dsnTimeoutAllowed)
	}
	if c.MaxWriteRows < 1 || c.MaxWriteRows > dsnMaxMaxWriteRows {
		return dsnErr("max_write_rows", "%q is out of range: use an integer from 1 to %d", strconv.Itoa(c.MaxWriteRows), dsnMaxMaxWriteRows)
	}
	okLevel := false
	for _, l := range dsnLogLevels {
		okLevel = okLevel || c.LogLevel == l
	}
	if !okLevel {
		return dsnErr("log_level", "%s is not supported: use ERROR, WARN, INFO or DEBUG", dsnQuote(c.LogLevel.String()))
	}
	return c.Proxy.validate()
}

func (c *Config) validateCredentials(l dsnCredLabels) *ConfigError {
	if c.APIKey != "" {
		if !dsnIsSid(c.APIKey, "SK") {
			return dsnErr(l.apiKey, "%s is not an API Key SID: use SK followed by 32 hex digits", dsnQuoteSid(c.APIKey, "SK"))
		}
		if c.AuthToken != "" {
			return dsnErr("", "both an auth token and an API key are set: use AccountSid+AuthToken or APIKey+APISecret (with AccountSid), not both")
		}
		if c.APISecret == "" {
			hint := l.hint
			if hint == "" {
				hint = ": set APISecret"
			}
			return dsnErr("", "API key %s has no secret%s", dsnQuoteSid(c.APIKey, "SK"), hint)
		}
		if !dsnAlnumRE.MatchString(c.APISecret) {
			return dsnErr(l.apiSecret, "%s", dsnSecretCharsProblem)
		}
		if c.AccountSid == "" {
			return dsnErr("", "API key %s needs the Account SID it belongs to: add account_sid=AC… to the DSN or set %s", dsnQuoteSid(c.APIKey, "SK"), envAccountSid)
		}
		if !dsnIsSid(c.AccountSid, "AC") {
			return dsnErr(l.accountSid, "%s is not an Account SID: use AC followed by 32 hex digits", dsnQuoteSid(c.AccountSid, "AC"))
		}
		return nil
	}
	if c.APISecret != "" {
		return dsnErr("", "an API secret is set without an API key: set APIKey too, or use AccountSid+AuthToken")
	}
	if c.AccountSid == "" {
		return dsnErr("", "no credentials: put ACCOUNT_SID:AUTH_TOKEN in the DSN (twilio://AC…:AUTH_TOKEN@/), or API_KEY:API_SECRET with account_sid=AC…, or set %s and %s (or %s, %s and %s)", envAccountSid, envAuthToken, envAPIKey, envAPISecret, envAccountSid)
	}
	if !dsnIsSid(c.AccountSid, "AC") {
		return dsnErr(l.accountSid, "%s is not an Account SID: use AC followed by 32 hex digits", dsnQuoteSid(c.AccountSid, "AC"))
	}
	if c.AuthToken == "" {
		hint := l.hint
		if hint == "" {
			hint = ": set AuthToken"
		}
		return dsnErr("", "account SID %s has no auth token%s", dsnQuoteSid(c.AccountSid, "AC"), hint)
	}
	if !dsnAlnumRE.MatchString(c.AuthToken) {
		return dsnErr(l.authToken, "%s", dsnSecretCharsProblem)
	}
	return nil
}

func (p *ProxyConfig) validate() *ConfigError {
	if p.URL != "" {
		if prob := dsnCheckProxyURL(p.URL); prob != "" {
			return dsnErr("proxy_url", "%s", prob)
		}
	}
	if prob := dsnCheckEnum(p.AuthScheme, p.AuthScheme, dsnProxyAuthSchemes); prob != "" {
		return dsnErr("proxy_auth_scheme", "%s", prob)
	}
	if prob := dsnCheckEnum(p.SSLType, p.SSLType, dsnProxySSLTypes); prob != "" {
		return dsnErr("proxy_ssltype", "%s", prob)
	}
	if p.SSLType == "NEVER" && strings.HasPrefix(strings.ToLower(p.URL), "https://") {
		return dsnErr("proxy_ssltype", "is NEVER, which talks to the proxy without TLS, but proxy_url is https://: use an http:// proxy URL, or ALWAYS or AUTO to speak TLS to the proxy")
	}
	if !p.Enabled {
		return nil // proxy settings are kept but not required while the proxy is off
	}
	if p.URL == "" {
		return dsnErr("proxy_url", "is required when proxy_enabled is true")
	}
	if p.AuthScheme == proxyAuthBasic || p.AuthScheme == proxyAuthDigest {
		if p.User == "" {
			return dsnErr("proxy_user", "is required when proxy_auth_scheme is %s", p.AuthScheme)
		}
		if p.Password == "" {
			return dsnErr("proxy_password", "is required when proxy_auth_scheme is %s", p.AuthScheme)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// FormatDSN

// FormatDSN returns the canonical DSN for c, secrets included (ParseDSN of it
// yields an equal Config, Logger and Transport aside). Keys at their default
// value are omitted; the others are sorted.
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
	if len(q) > 0 {
		b.WriteByte('?')
		b.WriteString(q.Encode()) // sorted by key
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Redacted output

func dsnRedact(secret string) string {
	if secret == "" {
		return ""
	}
	return dsnRedacted
}

// dsnRedactURL shows a URL without its password (or hides it whole if unparsable and holding '@').
func dsnRedactURL(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	if u, err := url.Parse(s); err == nil {
		if u.User != nil {
			u.User = url.User(dsnRedacted)
		}
		return u.String()
	}
	return dsnRedacted
}

// String returns c with its secrets redacted; %v and %+v of Config and *Config use it.
func (c Config) String() string {
	return fmt.Sprintf("{AccountSid:%s AuthToken:%s APIKey:%s APISecret:%s Host:%s TLS:%t Nodes:%d PageSize:%d Timeout:%s Name:%s Region:%s Edge:%s LogLevel:%s Proxy:%s Logger:%s Transport:%s}",
		c.AccountSid, dsnRedact(c.AuthToken), c.APIKey, dsnRedact(c.APISecret), dsnRedactURL(c.Host), c.TLS,
		c.Nodes, c.PageSize, c.Timeout, c.Name, c.Region, c.Edge, c.LogLevel, c.Proxy.String(),
		dsnDescribe(c.Logger), dsnDescribe(c.Transport))
}

// GoString returns c as Go syntax with its secrets redacted; %#v uses it.
func (c Config) GoString() string {
	return fmt.Sprintf("driver.Config{AccountSid:%q, AuthToken:%q, APIKey:%q, APISecret:%q, Host:%q, TLS:%t, Nodes:%d, PageSize:%d, Timeout:%d, Name:%q, Region:%q, Edge:%q, LogLevel:%d, Proxy:%s, Logger:%s, Transport:%s}",
		c.AccountSid, dsnRedact(c.AuthToken), c.APIKey, dsnRedact(c.APISecret), dsnRedactURL(c.Host), c.TLS,
		c.Nodes, c.PageSize, int64(c.Timeout), c.Name, c.Region, c.Edge, int(c.LogLevel), c.Proxy.GoString(),
		dsnGoDescribe(c.Logger, "(*slog.Logger)(nil)"), dsnGoDescribe(c.Transport, "http.RoundTripper(nil)"))
}

// Format makes every fmt verb redact (%d or %x of a struct would otherwise print
// its strings): %#v is GoString, %q a quoted String, any other verb String.
func (c Config) Format(f fmt.State, verb rune) {
	dsnFormat(f, verb, c.String, c.GoString)
}

// LogValue returns c as a slog group with its secrets redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("account_sid", c.AccountSid),
		slog.String("auth_token", dsnRedact(c.AuthToken)),
		slog.String("api_key", c.APIKey),
		slog.String("api_secret", dsnRedact(c.APISecret)),
		slog.String("host", dsnRedactURL(c.Host)),
		slog.Bool("tls", c.TLS),
		slog.Int("nodes", c.Nodes),
		slog.Int("page_size", c.PageSize),
		slog.Duration("timeout", c.Timeout),
		slog.String("name", c.Name),
		slog.String("region", c.Region),
		slog.String("edge", c.Edge),
		slog.String("log_level", c.LogLevel.String()),
		slog.Any("proxy", c.Proxy.LogValue()),
	)
}

// String returns p with its password redacted.
func (p ProxyConfig) String() string {
	return fmt.Sprintf("{Enabled:%t URL:%s AuthScheme:%s User:%s Password:%s SSLType:%s}",
		p.Enabled, dsnRedactURL(p.URL), p.AuthScheme, p.User, dsnRedact(p.Password), p.SSLType)
}

// GoString returns p as Go syntax with its password redacted.
func (p ProxyConfig) GoString() string {
	return fmt.Sprintf("driver.ProxyConfig{Enabled:%t, URL:%q, AuthScheme:%q, User:%q, Password:%q, SSLType:%q}",
		p.Enabled, dsnRedactURL(p.URL), p.AuthScheme, p.User, dsnRedact(p.Password), p.SSLType)
}

// Format makes every fmt verb redact, as Config.Format does.
func (p ProxyConfig) Format(f fmt.State, verb rune) {
	dsnFormat(f, verb, p.String, p.GoString)
}

// LogValue returns p as a slog group with its password redacted.
func (p ProxyConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("enabled", p.Enabled),
		slog.String("url", dsnRedactURL(p.URL)),
		slog.String("auth_scheme", p.AuthScheme),
		slog.String("user", p.User),
		slog.String("password", dsnRedact(p.Password)),
		slog.String("ssltype", p.SSLType),
	)
}

func dsnFormat(f fmt.State, verb rune, str, goStr func() string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, goStr())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(str()))
	default:
		fmt.Fprint(f, str())
	}
}

// dsnDescribe names a Logger or Transport without printing its contents.
func dsnDescribe(v any) string {
	if v == nil || dsnIsNilPointer(v) {
		return "<nil>"
	}
	return fmt.Sprintf("%T", v)
}

func dsnGoDescribe(v any, nilText string) string {
	if v == nil {
		return nilText
	}
	if dsnIsNilPointer(v) {
		return fmt.Sprintf("(%T)(nil)", v)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Slice, reflect.UnsafePointer:
		return fmt.Sprintf("(%T)(%#x)", v, rv.Pointer())
	}
	return fmt.Sprintf("%T{…}", v)
}

func dsnIsNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Map, reflect.Chan, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// ---------------------------------------------------------------------------
// Message helpers

const dsnEchoMax = 64

func dsnTruncate(s string) string {
	if len(s) <= dsnEchoMax {
		return s
	}
	r := []rune(s)
	if len(r) > dsnEchoMax {
		r = r[:dsnEchoMax]
	}
	return string(r) + "…"
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
