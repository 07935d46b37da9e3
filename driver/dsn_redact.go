package driver

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// Secrets never leave a Config through fmt, slog or encoding/json: every
// way of printing it goes through these methods.
//
// One way around them remains, and it is Go's, not ours: fmt prints a
// struct's unexported fields by reflection without calling their methods,
// so a Config (or *Config) held in an unexported field of another struct,
// printed with %v or %+v, shows its secrets. Keep a Config in an exported
// field, or give the outer struct a String method.

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
	return fmt.Sprintf("{AccountSid:%s AuthToken:%s APIKey:%s APISecret:%s Host:%s TLS:%t Nodes:%d PageSize:%d Timeout:%s Name:%s Region:%s Edge:%s LogLevel:%s Proxy:%s Limiter:%s Logger:%s Transport:%s}",
		c.AccountSid, dsnRedact(c.AuthToken), c.APIKey, dsnRedact(c.APISecret), dsnRedactURL(c.Host), c.TLS,
		c.Nodes, c.PageSize, c.Timeout, c.Name, c.Region, c.Edge, c.LogLevel, c.Proxy.String(), c.Limiter.String(),
		dsnDescribe(c.Logger), dsnDescribe(c.Transport))
}

// GoString returns c as Go syntax with its secrets redacted; %#v uses it.
func (c Config) GoString() string {
	return fmt.Sprintf("driver.Config{AccountSid:%q, AuthToken:%q, APIKey:%q, APISecret:%q, Host:%q, TLS:%t, Nodes:%d, PageSize:%d, Timeout:%d, Name:%q, Region:%q, Edge:%q, LogLevel:%d, Proxy:%s, Limiter:%s, Logger:%s, Transport:%s}",
		c.AccountSid, dsnRedact(c.AuthToken), c.APIKey, dsnRedact(c.APISecret), dsnRedactURL(c.Host), c.TLS,
		c.Nodes, c.PageSize, int64(c.Timeout), c.Name, c.Region, c.Edge, int(c.LogLevel), c.Proxy.GoString(), c.Limiter.GoString(),
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
		slog.Int("max_concurrency", c.MaxConcurrency),
		slog.Int("scan_parallelism", c.ScanParallelism),
		slog.Int("max_retries", c.MaxRetries),
		slog.Duration("retry_timeout", c.RetryTimeout),
		slog.Bool("allow_bulk_writes", c.AllowBulkWrites),
		slog.Int("max_write_rows", c.MaxWriteRows),
		slog.Int64("max_response_bytes", c.MaxResponseBytes),
		slog.String("tls_ca_file", c.TLSCAFile),
		slog.String("auth_token_file", c.AuthTokenFile),
		slog.String("api_secret_file", c.APISecretFile),
		slog.Any("limiter", c.Limiter.LogValue()),
	)
}

// MarshalJSON encodes c with its secrets redacted, as String does;
// Logger and Transport are named by type.
func (c Config) MarshalJSON() ([]byte, error) {
	type fields Config // the same fields without the methods
	f := fields(c)
	f.AuthToken, f.APISecret, f.Host = dsnRedact(c.AuthToken), dsnRedact(c.APISecret), dsnRedactURL(c.Host)
	f.Logger, f.Transport = nil, nil
	return json.Marshal(struct {
		fields
		Logger    string
		Transport string
	}{f, dsnDescribe(c.Logger), dsnDescribe(c.Transport)})
}

// MarshalJSON encodes p with its password redacted.
func (p ProxyConfig) MarshalJSON() ([]byte, error) {
	type fields ProxyConfig
	f := fields(p)
	f.Password, f.URL = dsnRedact(p.Password), dsnRedactURL(p.URL)
	return json.Marshal(f)
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
		slog.String("password_file", p.PasswordFile),
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
