package driver

import (
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The DSN query keys: how each is parsed and checked.

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
	"cache_ttl": {set: func(c *Config, v string) string {
		if v == "0" {
			c.CacheTTL = 0 // no cache, as by default
			return ""
		}
		d, p := dsnParseTimeout(v)
		c.CacheTTL = d
		return p
	}},
	"cache_max_bytes": {set: func(c *Config, v string) string {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 || n > dsnMaxCacheBytes {
			return fmt.Sprintf("%s is out of range: use a whole number of bytes from 1 to %d", dsnQuote(v), int64(dsnMaxCacheBytes))
		}
		c.CacheMaxBytes = n
		return ""
	}},
	"max_write_rows": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 1, dsnMaxMaxWriteRows)
		c.MaxWriteRows = n
		return p
	}},
	"max_response_bytes": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, dsnMinMaxResponseBytes, dsnMaxMaxResponseBytes)
		c.MaxResponseBytes = int64(n)
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
	"limiter": {set: func(c *Config, v string) string {
		c.Limiter.URL = v
		return dsnCheckLimiterURL(v)
	}},
	"limiter_key": {set: func(c *Config, v string) string {
		c.Limiter.Key = v
		return dsnCheckLimiterKey(v)
	}},
	"limiter_password_file": {set: func(c *Config, v string) string {
		c.Limiter.PasswordFile = v
		return dsnCheckFile(v)
	}},
	"limiter_fallback_replicas": {set: func(c *Config, v string) string {
		n, p := dsnParseInt(v, 1, dsnMaxFallbackReplicas)
		c.Limiter.FallbackReplicas = n
		return p
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
