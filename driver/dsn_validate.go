package driver

import (
	"strconv"
	"strings"
)

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
	if c.CacheTTL < 0 {
		return dsnErr("cache_ttl", "%q must not be negative: %s, or 0 for no cache", c.CacheTTL.String(), dsnTimeoutAllowed)
	}
	if c.CacheMaxBytes < 1 || c.CacheMaxBytes > dsnMaxCacheBytes {
		return dsnErr("cache_max_bytes", "%q is out of range: use a whole number of bytes from 1 to %d", strconv.FormatInt(c.CacheMaxBytes, 10), int64(dsnMaxCacheBytes))
	}
	if c.MaxWriteRows < 1 || c.MaxWriteRows > dsnMaxMaxWriteRows {
		return dsnErr("max_write_rows", "%q is out of range: use an integer from 1 to %d", strconv.Itoa(c.MaxWriteRows), dsnMaxMaxWriteRows)
	}
	if c.MaxResponseBytes < dsnMinMaxResponseBytes || c.MaxResponseBytes > dsnMaxMaxResponseBytes {
		return dsnErr("max_response_bytes", "%q is out of range: use an integer from %d to %d (bytes)", strconv.FormatInt(c.MaxResponseBytes, 10), dsnMinMaxResponseBytes, dsnMaxMaxResponseBytes)
	}
	okLevel := false
	for _, l := range dsnLogLevels {
		okLevel = okLevel || c.LogLevel == l
	}
	if !okLevel {
		return dsnErr("log_level", "%s is not supported: use ERROR, WARN, INFO or DEBUG", dsnQuote(c.LogLevel.String()))
	}
	if cerr := c.Limiter.validate(); cerr != nil {
		return cerr
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
