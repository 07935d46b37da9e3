package driver

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	tSid    = "AC0123456789abcdef0123456789abcdef"
	tSid2   = "ACfedcba9876543210fedcba9876543210"
	tKey    = "SK00112233445566778899aabbccddeeff"
	tKey2   = "SKffeeddccbbaa99887766554433221100"
	tToken  = "ZqX9tokenSECRETvalue42"    // distinctive secret: must never leak
	tSecret = "Kw7apiSECRETvalueMustHide" // distinctive API secret
	tProxyP = "Pr0xyPassSECRET!xyz"       // distinctive proxy password (any characters allowed)
	tRedisP = "R3disPassSECRET#abc"       // distinctive Redis password
)

var dsnEnvVars = []string{envAccountSid, envAuthToken, envAPIKey, envAPISecret}

// dsnClearEnv empties every TWILIO_* credential variable for the test, then sets env.
func dsnClearEnv(t testing.TB, env map[string]string) {
	t.Helper()
	for _, k := range dsnEnvVars {
		t.Setenv(k, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// dsnWant returns NewConfig() with the token credentials set and mod applied.
func dsnWant(mod func(c *Config)) *Config {
	c := NewConfig()
	c.AccountSid, c.AuthToken = tSid, tToken
	if mod != nil {
		mod(c)
	}
	return c
}

const tBase = "twilio://" + tSid + ":" + tToken + "@"

func TestParseDSNTable(t *testing.T) {
	tests := []struct {
		name    string
		dsn     string
		env     map[string]string
		want    *Config // nil when an error is expected
		err     string  // fragment of the error text
		baseURL string  // checked when non-empty
	}{
		// Shapes and defaults.
		{name: "minimal", dsn: tBase + "/", want: dsnWant(nil), baseURL: "https://api.twilio.com"},
		{name: "no slash no host", dsn: tBase, want: dsnWant(nil)},
		{name: "explicit host", dsn: tBase + "api.twilio.com/", want: dsnWant(nil)},
		{name: "empty host with query", dsn: tBase + "/?nodes=3", want: dsnWant(func(c *Config) { c.Nodes = 3 })},
		{name: "query without slash", dsn: tBase + "api.twilio.com?nodes=3", want: dsnWant(func(c *Config) { c.Nodes = 3 })},
		{name: "uppercase scheme", dsn: "TWILIO://" + tSid + ":" + tToken + "@/", want: dsnWant(nil)},
		{name: "percent-encoded token", dsn: "twilio://" + tSid + ":ZqX9tokenSECRET%76alue42@/", want: dsnWant(nil)},
		{name: "percent-encoded sid", dsn: "twilio://%41C0123456789abcdef0123456789abcdef:" + tToken + "@/", want: dsnWant(nil)},
		{name: "custom host and port", dsn: tBase + "twilio.example.com:8443/", want: dsnWant(func(c *Config) { c.Host = "twilio.example.com:8443" }), baseURL: "https://twilio.example.com:8443"},

		// max_response_bytes
		{name: "max_response_bytes", dsn: tBase + "/?max_response_bytes=1048576", want: dsnWant(func(c *Config) { c.MaxResponseBytes = 1 << 20 })},
		{name: "max_response_bytes bounds", dsn: tBase + "/?max_response_bytes=1073741824", want: dsnWant(func(c *Config) { c.MaxResponseBytes = 1 << 30 })},
		{name: "max_response_bytes too small", dsn: tBase + "/?max_response_bytes=1023", err: `max_response_bytes "1023" is out of range: use an integer from 1024 to 1073741824`},
		{name: "max_response_bytes suffix", dsn: tBase + "/?max_response_bytes=64MiB", err: `max_response_bytes "64MiB" is not an integer`},

		// nodes
		{name: "nodes lower bound", dsn: tBase + "/?nodes=1", want: dsnWant(func(c *Config) { c.Nodes = 1 })},
		{name: "nodes upper bound", dsn: tBase + "/?nodes=50", want: dsnWant(func(c *Config) { c.Nodes = 50 })},
		{name: "nodes zero", dsn: tBase + "/?nodes=0", err: `twilio: dsn: nodes "0" is out of range: use an integer from 1 to 50`},
		{name: "nodes 51", dsn: tBase + "/?nodes=51", err: `nodes "51" is out of range: use an integer from 1 to 50`},
		{name: "nodes not int", dsn: tBase + "/?nodes=two", err: `nodes "two" is not an integer: use an integer from 1 to 50`},

		// page_size
		{name: "page_size 1", dsn: tBase + "/?page_size=1", want: dsnWant(func(c *Config) { c.PageSize = 1 })},
		{name: "page_size 1000", dsn: tBase + "/?page_size=1000", want: dsnWant(nil)},
		{name: "page_size 1001", dsn: tBase + "/?page_size=1001", err: `page_size "1001" is out of range: use an integer from 1 to 1000`},
		{name: "page_size 0", dsn: tBase + "/?page_size=0", err: `page_size "0" is out of range`},

		// scan_parallelism
		{name: "scan_parallelism auto", dsn: tBase + "/?scan_parallelism=0", want: dsnWant(nil)},
		{name: "scan_parallelism off", dsn: tBase + "/?scan_parallelism=1", want: dsnWant(func(c *Config) { c.ScanParallelism = 1 })},
		{name: "scan_parallelism 64", dsn: tBase + "/?scan_parallelism=64", want: dsnWant(func(c *Config) { c.ScanParallelism = 64 })},
		{name: "scan_parallelism 65", dsn: tBase + "/?scan_parallelism=65", err: `scan_parallelism "65" is out of range: use an integer from 0 to 64`},
		{name: "scan_parallelism negative", dsn: tBase + "/?scan_parallelism=-1", err: `scan_parallelism "-1" is out of range`},
		{name: "scan_parallelism not int", dsn: tBase + "/?scan_parallelism=many", err: `scan_parallelism "many" is not an integer: use an integer from 0 to 64`},

		// timeout
		{name: "timeout seconds", dsn: tBase + "/?timeout=45", want: dsnWant(func(c *Config) { c.Timeout = 45 * time.Second })},
		{name: "timeout duration", dsn: tBase + "/?timeout=1m30s", want: dsnWant(func(c *Config) { c.Timeout = 90 * time.Second })},
		{name: "timeout zero", dsn: tBase + "/?timeout=0", err: `timeout "0" must be positive`},
		{name: "timeout negative", dsn: tBase + "/?timeout=-5s", err: `timeout "-5s" must be positive`},
		{name: "timeout bad", dsn: tBase + "/?timeout=soon", err: `timeout "soon" is not a duration: use a positive Go duration`},

		// tls
		{name: "tls false localhost", dsn: tBase + "localhost:8080/?tls=false", want: dsnWant(func(c *Config) { c.Host = "localhost:8080"; c.TLS = false }), baseURL: "http://localhost:8080"},
		{name: "tls 0 127.0.0.2", dsn: tBase + "127.0.0.2:4010?tls=0", want: dsnWant(func(c *Config) { c.Host = "127.0.0.2:4010"; c.TLS = false })},
		{name: "tls false ::1", dsn: tBase + "[::1]:3000/?tls=false", want: dsnWant(func(c *Config) { c.Host = "[::1]:3000"; c.TLS = false }), baseURL: "http://[::1]:3000"},
		{name: "tls true explicit", dsn: tBase + "/?tls=TRUE", want: dsnWant(nil)},
		{name: "tls false on api host", dsn: tBase + "/?tls=false", err: `tls "false" is allowed only for a loopback host (127.0.0.0/8, ::1 or localhost`},
		{name: "tls false on private ip", dsn: tBase + "10.0.0.1:80/?tls=0", err: `host "10.0.0.1:80" must use TLS`},
		{name: "tls not bool", dsn: tBase + "/?tls=maybe", err: `tls "maybe" is not a boolean: use true, false, 1 or 0`},

		// name
		{name: "name ok", dsn: tBase + "/?name=my-app-1", want: dsnWant(func(c *Config) { c.Name = "my-app-1" })},
		{name: "name 49", dsn: tBase + "/?name=a" + strings.Repeat("b", 48), want: dsnWant(func(c *Config) { c.Name = "a" + strings.Repeat("b", 48) })},
		{name: "name 50", dsn: tBase + "/?name=a" + strings.Repeat("b", 49), err: `is not a valid name: use lowercase letters, digits and hyphens`},
		{name: "name uppercase", dsn: tBase + "/?name=My-App", err: `name "My-App" is not a valid name`},
		{name: "name trailing hyphen", dsn: tBase + "/?name=app-", err: `name "app-" is not a valid name`},
		{name: "name leading digit", dsn: tBase + "/?name=1app", err: `name "1app" is not a valid name`},

		// region / edge
		{name: "region and edge", dsn: tBase + "/?region=ie1&edge=dublin", want: dsnWant(func(c *Config) { c.Region = "ie1"; c.Edge = "dublin" }), baseURL: "https://api.dublin.ie1.twilio.com"},
		{name: "edge only", dsn: tBase + "/?edge=sydney", want: dsnWant(func(c *Config) { c.Edge = "sydney" }), baseURL: "https://api.sydney.us1.twilio.com"},
		{name: "region only", dsn: tBase + "/?region=au1", want: dsnWant(func(c *Config) { c.Region = "au1" }), baseURL: "https://api.au1.twilio.com"},
		{name: "region with custom host", dsn: tBase + "localhost:9000/?region=au1&tls=false", want: dsnWant(func(c *Config) { c.Region = "au1"; c.Host = "localhost:9000"; c.TLS = false }), baseURL: "http://localhost:9000"},
		{name: "region uppercase", dsn: tBase + "/?region=IE1", err: `region "IE1" is not a valid region: use lowercase letters and digits`},
		{name: "edge with digit", dsn: tBase + "/?edge=dub1", err: `edge "dub1" is not a valid edge: use lowercase letters`},

		// log_level
		{name: "log_level debug", dsn: tBase + "/?log_level=debug", want: dsnWant(func(c *Config) { c.LogLevel = slog.LevelDebug })},
		{name: "log_level Warn", dsn: tBase + "/?log_level=Warn", want: dsnWant(func(c *Config) { c.LogLevel = slog.LevelWarn })},
		{name: "log_level INFO", dsn: tBase + "/?log_level=INFO", want: dsnWant(func(c *Config) { c.LogLevel = slog.LevelInfo })},
		{name: "log_level trace", dsn: tBase + "/?log_level=trace", err: `log_level "trace" is not a log level: use ERROR, WARN, INFO or DEBUG`},

		// proxy
		{name: "proxy full", dsn: tBase + "/?proxy_enabled=true&proxy_url=http://proxy.example.com:3128&proxy_auth_scheme=basic&proxy_user=bob&proxy_password=" + strings.ReplaceAll(tProxyP, "!", "%21") + "&proxy_ssltype=tunnel",
			want: dsnWant(func(c *Config) {
				c.Proxy = ProxyConfig{Enabled: true, URL: "http://proxy.example.com:3128", AuthScheme: "BASIC", User: "bob", Password: tProxyP, SSLType: "TUNNEL"}
			})},
		{name: "proxy digest https", dsn: tBase + "/?proxy_enabled=1&proxy_url=https://p.example.com&proxy_auth_scheme=DIGEST&proxy_user=u&proxy_password=p&proxy_ssltype=always",
			want: dsnWant(func(c *Config) {
				c.Proxy = ProxyConfig{Enabled: true, URL: "https://p.example.com", AuthScheme: "DIGEST", User: "u", Password: "p", SSLType: "ALWAYS"}
			})},
		{name: "proxy never with https url", dsn: tBase + "/?proxy_enabled=1&proxy_url=https://p.example.com&proxy_ssltype=never",
			err: "proxy_ssltype is NEVER, which talks to the proxy without TLS, but proxy_url is https://"},
		{name: "proxy keys while disabled are kept", dsn: tBase + "/?proxy_url=http://p:1&proxy_auth_scheme=BASIC&proxy_ssltype=ALWAYS",
			want: dsnWant(func(c *Config) { c.Proxy.URL = "http://p:1"; c.Proxy.AuthScheme = "BASIC"; c.Proxy.SSLType = "ALWAYS" })},
		{name: "proxy enabled without url", dsn: tBase + "/?proxy_enabled=true", err: `proxy_url is required when proxy_enabled is true`},
		{name: "proxy url ftp", dsn: tBase + "/?proxy_url=ftp://p:21", err: `proxy_url "ftp://p:21" is not usable: use an http:// or https:// URL with a host`},
		{name: "proxy url no host", dsn: tBase + "/?proxy_url=http://", err: `proxy_url "http://" is not usable`},
		{name: "proxy url with credentials", dsn: tBase + "/?proxy_url=http://bob:" + tProxyP[:15] + "@p:1", err: `proxy_url must not hold credentials: put them in proxy_user and proxy_password`},
		{name: "proxy basic without user", dsn: tBase + "/?proxy_enabled=true&proxy_url=http://p:1&proxy_auth_scheme=BASIC&proxy_password=x", err: `proxy_user is required when proxy_auth_scheme is BASIC`},
		{name: "proxy digest without password", dsn: tBase + "/?proxy_enabled=true&proxy_url=http://p:1&proxy_auth_scheme=digest&proxy_user=u", err: `proxy_password is required when proxy_auth_scheme is DIGEST`},
		{name: "proxy scheme ntlm", dsn: tBase + "/?proxy_auth_scheme=ntlm", err: `proxy_auth_scheme "ntlm" is not supported: use BASIC, DIGEST or NONE`},
		{name: "proxy ssltype bad", dsn: tBase + "/?proxy_ssltype=sometimes", err: `proxy_ssltype "sometimes" is not supported: use AUTO, ALWAYS, NEVER or TUNNEL`},
		{name: "proxy_enabled bad", dsn: tBase + "/?proxy_enabled=yes", err: `proxy_enabled "yes" is not a boolean`},

		// The shared limiter.
		{name: "limiter redis", dsn: tBase + "/?limiter=redis://10.0.0.5:6379/2", want: dsnWant(func(c *Config) { c.Limiter.URL = "redis://10.0.0.5:6379/2" })},
		{name: "limiter rediss with user, key and replicas", dsn: tBase + "/?limiter=rediss://svc@redis.example.com&limiter_key=billing:twilio&limiter_fallback_replicas=8",
			want: dsnWant(func(c *Config) {
				c.Limiter = LimiterConfig{URL: "rediss://svc@redis.example.com", Key: "billing:twilio", FallbackReplicas: 8}
			})},
		{name: "limiter percent-encoded", dsn: tBase + "/?limiter=redis%3A%2F%2F%5B%3A%3A1%5D%3A6380%2F", want: dsnWant(func(c *Config) { c.Limiter.URL = "redis://[::1]:6380/" })},
		{name: "limiter scheme", dsn: tBase + "/?limiter=http://r:6379", err: `limiter "http://r:6379" is not usable: use redis://host:port/db, or rediss://host:port/db for TLS, with the password in a file named by limiter_password_file`},
		{name: "limiter password in url", dsn: tBase + "/?limiter=redis://:" + tProxyP[:15] + "@r:6379", err: `limiter must not hold a password: put it in a file and name the file with limiter_password_file`},
		{name: "limiter user and password in url", dsn: tBase + "/?limiter=redis://u:" + tProxyP[:15] + "@r:bad", err: `limiter is not a valid URL: use redis://host:port/db`},
		{name: "limiter no host", dsn: tBase + "/?limiter=redis:///0", err: `limiter "redis:///0" is not usable`},
		{name: "limiter bad port", dsn: tBase + "/?limiter=redis://r:99999/0", err: `limiter host port must be a number from 1 to 65535`},
		{name: "limiter db out of range", dsn: tBase + "/?limiter=redis://r:6379/16", err: `names database "16": use a database number from 0 to 15`},
		{name: "limiter db not a number", dsn: tBase + "/?limiter=redis://r/x/y", err: `names database "x/y"`},
		{name: "limiter options", dsn: tBase + "/?limiter=redis://r/0%3Fdial_timeout%3D1s", err: `has options after the database number`},
		{name: "limiter key chars", dsn: tBase + "/?limiter=redis://r&limiter_key=a%20b", err: `limiter_key "a b" is not a usable key: use 1 to 128 letters, digits and : _ . -`},
		{name: "limiter key without limiter", dsn: tBase + "/?limiter_key=k", err: `limiter_key is set but limiter is not`},
		{name: "limiter replicas without limiter", dsn: tBase + "/?limiter_fallback_replicas=3", err: `limiter_fallback_replicas is set but limiter is not`},
		{name: "limiter replicas zero", dsn: tBase + "/?limiter=redis://r&limiter_fallback_replicas=0", err: `limiter_fallback_replicas "0" is out of range: use an integer from 1 to 1000`},

		// Structure errors.
		{name: "unknown key", dsn: tBase + "/?pagesize=10", err: `pagesize is not a known DSN key (did you mean page_size?): use one of account_sid, allow_bulk_writes, api_secret_file,`},
		{name: "duplicate key", dsn: tBase + "/?nodes=2&nodes=3", err: `nodes is given more than once`},
		{name: "wrong scheme", dsn: "mysql://" + tSid + ":" + tToken + "@/", err: `the DSN scheme "mysql" is not supported: it must be "twilio"`},
		{name: "no scheme", dsn: tSid + ":" + tToken + "@api.twilio.com", err: `the DSN must start with "twilio://"`},
		{name: "empty", dsn: "", err: `the DSN is empty`},
		{name: "path", dsn: tBase + "api.twilio.com/2010-04-01", err: `the DSN must have no path after the host`},
		{name: "fragment", dsn: tBase + "/#x", err: `'#'`},
		{name: "bad escape in secret", dsn: "twilio://" + tSid + ":ZqX9%zzSECRETvalue42@/", err: `the secret in the DSN has an invalid percent-encoding`},
		{name: "bad escape in value", dsn: tBase + "/?name=%zz", err: `name has a value with an invalid percent-encoding`},
		{name: "bad port", dsn: tBase + "api.twilio.com:http/", err: `host port must be a number from 1 to 65535`},
		{name: "missing @", dsn: "twilio://" + tSid + ":" + tToken + "/", err: `the DSN is missing its '@'`},
		{name: "bad host", dsn: tBase + "api_twilio!com/", err: `host "api_twilio!com" is not a valid host name`},
		{name: "unbracketed ipv6", dsn: tBase + "::1/", err: `write an IPv6 address in brackets`},

		// Credentials in the DSN.
		{name: "api key form", dsn: "twilio://" + tKey + ":" + tSecret + "@/?account_sid=" + tSid,
			want: func() *Config {
				c := NewConfig()
				c.AccountSid, c.APIKey, c.APISecret = tSid, tKey, tSecret
				return c
			}()},
		{name: "api key without account sid", dsn: "twilio://" + tKey + ":" + tSecret + "@/", err: `needs the Account SID it belongs to: add account_sid=AC… to the DSN or set TWILIO_ACCOUNT_SID`},
		{name: "api key bad account_sid", dsn: "twilio://" + tKey + ":" + tSecret + "@/?account_sid=AC12", err: `account_sid "AC12" is not an Account SID: use AC followed by 32 hex digits`},
		{name: "api key invalid", dsn: "twilio://SK12:" + tSecret + "@/?account_sid=" + tSid, err: `user "SK12" is not an API Key SID: use SK followed by 32 hex digits`},
		{name: "api key without secret", dsn: "twilio://" + tKey + "@/?account_sid=" + tSid, err: `has no secret: put it in the DSN (twilio://` + tKey + `:API_SECRET@…) or set TWILIO_API_SECRET`},
		{name: "account_sid conflicts with user", dsn: tBase + "/?account_sid=" + tSid2, err: `account_sid "` + tSid2 + `" differs from the Account SID given as the DSN user`},
		{name: "account_sid same as user", dsn: tBase + "/?account_sid=" + tSid, want: dsnWant(nil)},
		{name: "invalid account sid", dsn: "twilio://AC12:" + tToken + "@/", err: `user "AC12" is not an Account SID`},
		{name: "user not a sid", dsn: "twilio://" + tToken + ":x@/", err: `user is neither an Account SID (AC + 32 hex digits) nor an API Key SID (SK + 32 hex digits)`},
		{name: "secret without user", dsn: "twilio://:" + tToken + "@/", err: `the DSN has a secret but no user name`},
		{name: "token not alphanumeric", dsn: "twilio://" + tSid + ":" + tToken + "%2D1@/", err: `auth token (the DSN secret) must be letters and digits only: twilio-go refuses`},
		{name: "api secret not alphanumeric", dsn: "twilio://" + tKey + ":" + tSecret + "%2B@/?account_sid=" + tSid, err: `API secret (the DSN secret) must be letters and digits only`},
		{name: "sid without token", dsn: "twilio://" + tSid + "@/", err: `account SID "` + tSid + `" has no auth token: put it in the DSN (twilio://` + tSid + `:AUTH_TOKEN@…) or set TWILIO_AUTH_TOKEN`},
		{name: "sid with empty token", dsn: "twilio://" + tSid + ":@/", err: `or set TWILIO_AUTH_TOKEN`},

		// Credentials from the environment.
		{name: "no credentials", dsn: "twilio:///?nodes=3", err: `no credentials: put ACCOUNT_SID:AUTH_TOKEN in the DSN`},
		{name: "env sid and token", dsn: "twilio:///?nodes=3", env: map[string]string{envAccountSid: tSid, envAuthToken: tToken},
			want: dsnWant(func(c *Config) { c.Nodes = 3 })},
		{name: "env bare twilio://", dsn: "twilio://", env: map[string]string{envAccountSid: tSid, envAuthToken: tToken}, want: dsnWant(nil)},
		{name: "env token for DSN sid", dsn: "twilio://" + tSid + "@/", env: map[string]string{envAuthToken: tToken}, want: dsnWant(nil)},
		{name: "env token for matching env sid", dsn: "twilio://" + tSid + "@/", env: map[string]string{envAccountSid: tSid, envAuthToken: tToken}, want: dsnWant(nil)},
		{name: "env token of another account", dsn: "twilio://" + tSid + "@/", env: map[string]string{envAccountSid: tSid2, envAuthToken: tToken},
			err: `TWILIO_AUTH_TOKEN was not used because it belongs to TWILIO_ACCOUNT_SID "` + tSid2 + `"`},
		{name: "DSN credentials win over env", dsn: tBase + "/", env: map[string]string{envAccountSid: tSid2, envAuthToken: "OtherToken1", envAPIKey: tKey, envAPISecret: tSecret}, want: dsnWant(nil)},
		{name: "env sid without token", dsn: "twilio:///", env: map[string]string{envAccountSid: tSid}, err: `or set TWILIO_AUTH_TOKEN`},
		{name: "env sid invalid", dsn: "twilio:///", env: map[string]string{envAccountSid: "ACnope", envAuthToken: tToken}, err: `TWILIO_ACCOUNT_SID "ACnope" is not an Account SID`},
		{name: "env token not alphanumeric", dsn: "twilio:///", env: map[string]string{envAccountSid: tSid, envAuthToken: tToken + "/"}, err: `TWILIO_AUTH_TOKEN must be letters and digits only`},
		{name: "env api key", dsn: "twilio:///?page_size=100", env: map[string]string{envAccountSid: tSid, envAuthToken: "Ignored1", envAPIKey: tKey, envAPISecret: tSecret},
			want: func() *Config {
				c := NewConfig()
				c.AccountSid, c.APIKey, c.APISecret, c.PageSize = tSid, tKey, tSecret, 100
				return c
			}()},
		{name: "env api key with DSN account_sid", dsn: "twilio:///?account_sid=" + tSid2, env: map[string]string{envAccountSid: tSid, envAPIKey: tKey, envAPISecret: tSecret},
			want: func() *Config {
				c := NewConfig()
				c.AccountSid, c.APIKey, c.APISecret = tSid2, tKey, tSecret
				return c
			}()},
		{name: "DSN api key, env secret and sid", dsn: "twilio://" + tKey + "@/", env: map[string]string{envAccountSid: tSid, envAPISecret: tSecret},
			want: func() *Config {
				c := NewConfig()
				c.AccountSid, c.APIKey, c.APISecret = tSid, tKey, tSecret
				return c
			}()},
		{name: "env api secret of another key", dsn: "twilio://" + tKey + "@/", env: map[string]string{envAccountSid: tSid, envAPIKey: tKey2, envAPISecret: tSecret},
			err: `TWILIO_API_SECRET was not used because it belongs to TWILIO_API_KEY "` + tKey2 + `"`},
		{name: "env api key without secret", dsn: "twilio:///", env: map[string]string{envAccountSid: tSid, envAPIKey: tKey}, err: `or set TWILIO_API_SECRET`},
		{name: "env api key without sid", dsn: "twilio:///", env: map[string]string{envAPIKey: tKey, envAPISecret: tSecret}, err: `add account_sid=AC… to the DSN or set TWILIO_ACCOUNT_SID`},
		{name: "env api key invalid", dsn: "twilio:///", env: map[string]string{envAccountSid: tSid, envAPIKey: "SKbad", envAPISecret: tSecret}, err: `TWILIO_API_KEY "SKbad" is not an API Key SID`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsnClearEnv(t, tt.env)
			got, err := ParseDSN(tt.dsn)
			if tt.want == nil {
				if err == nil {
					t.Fatalf("ParseDSN(%q) = %v, want an error containing %q", tt.dsn, got, tt.err)
				}
				if !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseDSN(%q) error\n  %s\nwant it to contain\n  %s", tt.dsn, err, tt.err)
				}
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("error %T is not a *ConfigError", err)
				}
				dsnAssertNoSecret(t, err.Error(), tToken, tSecret, tProxyP, tProxyP[:15])
				return
			}
			if err != nil {
				t.Fatalf("ParseDSN(%q): %v", tt.dsn, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseDSN(%q)\n got %#v\nwant %#v\n(got pw %q/%q)", tt.dsn, got, tt.want, got.AuthToken, got.APISecret)
			}
			if err := got.Validate(); err != nil {
				t.Fatalf("Validate of a parsed config: %v", err)
			}
			if tt.baseURL != "" {
				if u := got.BaseURL().String(); u != tt.baseURL {
					t.Fatalf("BaseURL = %s, want %s", u, tt.baseURL)
				}
			}
			// The canonical form parses back to the same Config, without the environment.
			dsnClearEnv(t, nil)
			again, err := ParseDSN(got.FormatDSN())
			if err != nil {
				t.Fatalf("ParseDSN(FormatDSN()) = %v (DSN redacted)", err)
			}
			if !reflect.DeepEqual(again, got) {
				t.Fatalf("round trip\n got %#v\nwant %#v", again, got)
			}
		})
	}
}

func dsnAssertNoSecret(t testing.TB, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("output leaks a secret: %s", strings.ReplaceAll(text, s, "<<SECRET>>"))
		}
	}
}

func TestNewConfigDefaults(t *testing.T) {
	c := NewConfig()
	want := &Config{Host: "api.twilio.com", TLS: true, Nodes: 2, PageSize: 1000, Timeout: 30 * time.Second,
		LogLevel: slog.LevelError, Proxy: ProxyConfig{AuthScheme: "NONE", SSLType: "AUTO"},
		MaxRetries: 8, RetryTimeout: time.Minute, MaxWriteRows: 100, MaxResponseBytes: 64 << 20, CacheMaxBytes: 64 << 20,
		Limiter: LimiterConfig{FallbackReplicas: 1}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("NewConfig() = %#v", c)
	}
	if got := c.FormatDSN(); got != "twilio://api.twilio.com/" {
		t.Fatalf("FormatDSN of defaults = %q", got)
	}
}

func TestConfigFormatDSNRoundTrip(t *testing.T) {
	dsnClearEnv(t, nil)
	full := dsnWant(func(c *Config) {
		c.Host = "127.0.0.1:4010"
		c.TLS = false
		c.Nodes = 7
		c.PageSize = 250
		c.Timeout = 1500 * time.Millisecond
		c.Name = "billing-etl"
		c.Region = "ie1"
		c.Edge = "dublin"
		c.LogLevel = slog.LevelDebug
		c.Proxy = ProxyConfig{Enabled: true, URL: "http://proxy.example.com:3128/?a=b&c=d", AuthScheme: "DIGEST", User: "svc user", Password: "p@ss word&=+%/#?", SSLType: "ALWAYS"}
		c.MaxConcurrency = 40
		c.ScanParallelism = 8
		c.MaxRetries = 3
		c.RetryTimeout = 90 * time.Second
		c.AllowBulkWrites = true
		c.MaxWriteRows = 5000
		c.MaxResponseBytes = 8 << 20
		c.CacheTTL = 45 * time.Second
		c.CacheMaxBytes = 1 << 20
		c.TLSCAFile = "/etc/ssl/private-ca.pem"
		c.Limiter = LimiterConfig{URL: "rediss://twiliosql@redis.internal:6380/3", Key: "etl:twilio", FallbackReplicas: 6}
	})
	apiKey := NewConfig()
	apiKey.AccountSid, apiKey.APIKey, apiKey.APISecret = tSid, tKey, tSecret
	apiKey.Region = "au1"
	configs := map[string]*Config{
		"defaults":  dsnWant(nil),
		"full":      full,
		"api key":   apiKey,
		"ipv6 host": dsnWant(func(c *Config) { c.Host = "[::1]:8080"; c.TLS = false; c.LogLevel = slog.LevelWarn }),
		"timeouts":  dsnWant(func(c *Config) { c.Timeout = time.Hour + time.Nanosecond }),
		"proxy off": dsnWant(func(c *Config) { c.Proxy.URL = "https://p.example.com"; c.Proxy.User = "u"; c.Proxy.SSLType = "TUNNEL" }),
	}
	for name, c := range configs {
		t.Run(name, func(t *testing.T) {
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			dsn := c.FormatDSN()
			got, err := ParseDSN(dsn)
			if err != nil {
				t.Fatalf("ParseDSN(FormatDSN()): %v", err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Fatalf("round trip\n got %#v\nwant %#v", got, c)
			}
			if again := got.FormatDSN(); again != dsn {
				t.Fatalf("FormatDSN not stable: %q vs %q", again, dsn)
			}
		})
	}
	// Canonical form: keys sorted, defaults omitted, scheme upper-cased.
	want := "twilio://" + tSid + ":" + tToken + "@127.0.0.1:4010/?allow_bulk_writes=true&cache_max_bytes=1048576&cache_ttl=45s&edge=dublin&limiter=rediss%3A%2F%2Ftwiliosql%40redis.internal%3A6380%2F3&limiter_fallback_replicas=6&limiter_key=etl%3Atwilio&log_level=DEBUG&max_concurrency=40&max_response_bytes=8388608&max_retries=3&max_write_rows=5000&name=billing-etl&nodes=7&page_size=250&proxy_auth_scheme=DIGEST&proxy_enabled=true&proxy_password=p%40ss+word%26%3D%2B%25%2F%23%3F&proxy_ssltype=ALWAYS&proxy_url=http%3A%2F%2Fproxy.example.com%3A3128%2F%3Fa%3Db%26c%3Dd&proxy_user=svc+user&region=ie1&retry_timeout=1m30s&scan_parallelism=8&timeout=1.5s&tls=false&tls_ca_file=%2Fetc%2Fssl%2Fprivate-ca.pem"
	if got := full.FormatDSN(); got != want {
		t.Fatalf("FormatDSN\n got %s\nwant %s", got, want)
	}
	if got := apiKey.FormatDSN(); got != "twilio://"+tKey+":"+tSecret+"@api.twilio.com/?account_sid="+tSid+"&region=au1" {
		t.Fatalf("FormatDSN api key = %s", got)
	}
}

func TestConfigCloneUsernamePassword(t *testing.T) {
	c := dsnWant(func(c *Config) { c.Transport = http.DefaultTransport; c.Logger = slog.Default() })
	cl := c.Clone()
	if !reflect.DeepEqual(cl, c) || cl == c {
		t.Fatal("Clone is not an equal copy")
	}
	cl.Proxy.User = "changed"
	cl.Nodes = 9
	if c.Proxy.User != "" || c.Nodes != 2 {
		t.Fatal("Clone shares state with the original")
	}
	if (*Config)(nil).Clone() != nil {
		t.Fatal("nil Clone")
	}
	if c.Username() != tSid || c.Password() != tToken {
		t.Fatalf("Username/Password = %s/(redacted)", c.Username())
	}
	k := NewConfig()
	k.AccountSid, k.APIKey, k.APISecret = tSid, tKey, tSecret
	if k.Username() != tKey || k.Password() != tSecret {
		t.Fatalf("Username/Password with API key = %s/(redacted)", k.Username())
	}
}

func TestConfigValidateProgrammatic(t *testing.T) {
	dsnClearEnv(t, nil)
	tests := []struct {
		name string
		mod  func(c *Config)
		err  string
	}{
		{"ok", func(c *Config) {}, ""},
		{"empty host", func(c *Config) { c.Host = "" }, `host is empty`},
		{"nodes", func(c *Config) { c.Nodes = 0 }, `nodes "0" is out of range: use an integer from 1 to 50`},
		{"page size", func(c *Config) { c.PageSize = 5000 }, `page_size "5000" is out of range`},
		{"scan parallelism", func(c *Config) { c.ScanParallelism = 100 }, `scan_parallelism "100" is out of range: use an integer from 1 to 64, or 0 for 8 × nodes`},
		{"timeout", func(c *Config) { c.Timeout = 0 }, `timeout "0s" must be positive`},
		{"log level", func(c *Config) { c.LogLevel = slog.LevelError + 2 }, `log_level "ERROR+2" is not supported`},
		{"lower-case auth scheme", func(c *Config) { c.Proxy.AuthScheme = "basic" }, `proxy_auth_scheme "basic" is not supported`},
		{"empty ssltype", func(c *Config) { c.Proxy.SSLType = "" }, `proxy_ssltype "" is not supported`},
		{"tls off remote", func(c *Config) { c.TLS = false }, `tls "false" is allowed only for a loopback host`},
		{"token and api key", func(c *Config) { c.APIKey = tKey; c.APISecret = tSecret }, `both an auth token and an API key are set`},
		{"api secret alone", func(c *Config) { c.APISecret = tSecret }, `an API secret is set without an API key`},
		{"no token", func(c *Config) { c.AuthToken = "" }, `has no auth token: set AuthToken`},
		{"bad token", func(c *Config) { c.AuthToken = tToken + "-" }, `AuthToken must be letters and digits only`},
		{"no credentials", func(c *Config) { c.AccountSid, c.AuthToken = "", "" }, `no credentials`},
		{"sid swapped with token", func(c *Config) { c.AccountSid = tToken }, `AccountSid (not shown: it does not start with AC) is not an Account SID`},
		{"proxy password in url", func(c *Config) { c.Proxy.URL = "http://u:" + tProxyP + "@p:1" }, `proxy_url must not hold credentials`},
		{"limiter", func(c *Config) { c.Limiter.URL = "redis://127.0.0.1:6379/0"; c.Limiter.Password = tProxyP }, ""},
		{"limiter password in url", func(c *Config) { c.Limiter.URL = "redis://:" + tProxyP + "@r:1" }, `limiter must not hold a password`},
		{"limiter password without url", func(c *Config) { c.Limiter.Password = tProxyP }, `limiter_password_file is set but limiter is not`},
		{"limiter replicas zero", func(c *Config) { c.Limiter.FallbackReplicas = 0 }, `limiter_fallback_replicas "0" is out of range`},
		{"limiter lease too short", func(c *Config) { c.Limiter.URL = "redis://r"; c.Limiter.LeaseTTL = time.Millisecond }, `LeaseTTL 1ms is too short: use 100ms or more`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dsnWant(tt.mod)
			err := c.Validate()
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Validate() = %v, want %q", err, tt.err)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *ConfigError", err)
			}
			dsnAssertNoSecret(t, err.Error(), tToken, tSecret, tProxyP)
		})
	}
}

func TestConfigErrorText(t *testing.T) {
	e := &ConfigError{Key: "nodes", Problem: `"0" is out of range: use an integer from 1 to 50`}
	if e.Error() != `twilio: dsn: nodes "0" is out of range: use an integer from 1 to 50` {
		t.Fatal(e.Error())
	}
	if e := (&ConfigError{Problem: "x"}); e.Error() != "twilio: dsn: x" {
		t.Fatal(e.Error())
	}
	wrapped := fmt.Errorf("open: %w", e)
	var ce *ConfigError
	if !errors.As(wrapped, &ce) || ce.Key != "nodes" {
		t.Fatal("errors.As through a wrap")
	}
}

// dsnSecretConfig has every secret set to a distinctive value.
func dsnSecretConfig() *Config {
	c := dsnWant(nil)
	c.APIKey, c.APISecret = tKey, tSecret // not a valid combination; only printed here
	c.Proxy = ProxyConfig{Enabled: true, URL: "http://bob:" + tProxyP + "@proxy:3128", AuthScheme: "BASIC", User: "bob", Password: tProxyP, SSLType: "AUTO"}
	c.Limiter = LimiterConfig{URL: "redis://u:" + tRedisP + "@r:6379/0", Password: tRedisP, FallbackReplicas: 3}
	c.Logger = slog.Default()
	c.Transport = &http.Transport{ProxyConnectHeader: http.Header{"Proxy-Authorization": {tProxyP}}}
	return c
}

func TestRedactConfigFormatting(t *testing.T) {
	c := dsnSecretConfig()
	secrets := []string{tToken, tSecret, tProxyP, tRedisP}
	type holder struct {
		C Config
		P *Config
	}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%t", "%10.3v"} {
		outputs = append(outputs,
			fmt.Sprintf(verb, *c), fmt.Sprintf(verb, c),
			fmt.Sprintf(verb, c.Proxy), fmt.Sprintf(verb, &c.Proxy),
			fmt.Sprintf(verb, c.Limiter), fmt.Sprintf(verb, &c.Limiter),
			fmt.Sprintf(verb, holder{*c, c}), fmt.Sprintf(verb, []any{c, *c}))
	}
	outputs = append(outputs, c.String(), c.GoString(), c.Proxy.String(), c.Proxy.GoString(), fmt.Sprint(c), fmt.Sprintln(*c))
	for _, out := range outputs {
		dsnAssertNoSecret(t, out, secrets...)
	}
	s := c.String()
	for _, frag := range []string{"AuthToken:REDACTED", "APISecret:REDACTED", "Password:REDACTED", "AccountSid:" + tSid, "User:bob", "Transport:*http.Transport", "Limiter:{URL:REDACTED Key: Password:REDACTED FallbackReplicas:3"} {
		if !strings.Contains(s, frag) {
			t.Errorf("String() = %s\nwant it to contain %s", s, frag)
		}
	}
	if g := fmt.Sprintf("%#v", c); !strings.Contains(g, `AuthToken:"REDACTED"`) || !strings.HasPrefix(g, "driver.Config{") {
		t.Errorf("%%#v = %s", g)
	}
	// Empty secrets show as empty, not REDACTED.
	e := NewConfig()
	if s := fmt.Sprintf("%+v", e); strings.Contains(s, "REDACTED") || !strings.Contains(s, "AuthToken: ") {
		t.Errorf("empty secrets: %s", s)
	}
	var nilCfg *Config
	if s := fmt.Sprintf("%v", nilCfg); s != "<nil>" {
		t.Errorf("nil *Config prints %q", s)
	}
}

func TestRedactConfigLogValue(t *testing.T) {
	c := dsnSecretConfig()
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("config", "cfg", c, "value", *c, "proxy", c.Proxy)
		l.Info("attr", slog.Any("cfg", c))
	}
	out := buf.String()
	dsnAssertNoSecret(t, out, tToken, tSecret, tProxyP, tRedisP)
	for _, frag := range []string{`"auth_token":"REDACTED"`, `cfg.api_secret=REDACTED`, `cfg.proxy.password=REDACTED`, `cfg.limiter.password=REDACTED`, `"account_sid":"` + tSid + `"`} {
		if !strings.Contains(out, frag) {
			t.Errorf("log output lacks %s:\n%s", frag, out)
		}
	}
}

func TestRedactParseErrors(t *testing.T) {
	dsnClearEnv(t, map[string]string{envAuthToken: tToken + "%"})
	// Every DSN below carries a secret and fails; no error may echo it.
	dsns := []string{
		"twilio://" + tSid + ":" + tToken + "-bad@/",
		"twilio://" + tSid + ":" + tToken + "/",        // missing '@': the token lands in the host port
		"twilio://" + tSid + ":" + tToken + "?nodes=1", // same, before a query
		"twilio://" + tSid + ":" + tToken + "%zz@/",
		"twilio://:" + tToken + "@/",
		"twilio://" + tToken + ":" + tToken + "@/",
		"twilio://" + tToken + "@/",
		"twilio://AC" + tToken + ":" + tToken + "@/",
		"twilio://" + tKey + ":" + tSecret + "@/",
		"twilio://" + tKey + ":" + tSecret + "!@/?account_sid=" + tSid,
		"twilio://" + tSid + ":" + tToken + "@/#" + tToken,
		"twilio://" + tSid + ":" + tToken + "@/\n",
		"twilio://" + tSid + ":" + tToken + "@/path/" + tToken,
		"twilio://" + tSid + ":" + tToken + "@bad host/",
		"twilio://" + tSid + ":" + tToken + "@[::1/",
		"http://" + tSid + ":" + tToken + "@/",
		tSid + ":" + tToken + "@api.twilio.com/?x=http://y",
		"twilio://" + tSid + ":" + tToken + "@/?proxy_password=" + tProxyP + "&proxy_password=" + tProxyP,
		"twilio://" + tSid + ":" + tToken + "@/?proxy_pasword=" + tProxyP,
		"twilio://" + tSid + ":" + tToken + "@/?proxy_password=" + tProxyP + "%zz",
		"twilio://" + tSid + ":" + tToken + "@/?proxy_url=http://u:" + tProxyP + "@p:1",
		"twilio://" + tSid + ":" + tToken + "@/?proxy_url=http://u:" + tProxyP + "@p:bad",
		"twilio://" + tSid + ":" + tToken + "@/?proxy_enabled=true&proxy_url=http://p:1&proxy_auth_scheme=BASIC&proxy_password=" + tProxyP,
		"twilio://" + tSid + ":" + tToken + "@/?nodes=0",
		"twilio://" + tSid + ":" + tToken + "@/?limiter=redis://:" + url.QueryEscape(tRedisP) + "@r:6379",
		"twilio://" + tSid + ":" + tToken + "@/?limiter=redis://u:" + url.QueryEscape(tRedisP) + "@r:bad/0",
		"twilio://" + tSid + ":" + tToken + "@/?limiter=redis://u:" + url.QueryEscape(tRedisP) + "@r%zz",
		"twilio://" + tSid + "@/",   // env token is invalid
		"twilio:///",                // env token without sid
		"twilio://" + tSid2 + ":@/", // empty DSN secret, env token invalid
	}
	for _, dsn := range dsns {
		_, err := ParseDSN(dsn)
		if err == nil {
			t.Errorf("ParseDSN(<DSN with secret>) succeeded: %s", strings.ReplaceAll(dsn, tToken, "<<SECRET>>"))
			continue
		}
		dsnAssertNoSecret(t, err.Error(), tToken, tSecret, tProxyP, tToken+"%", tRedisP)
	}
}

func TestScanParallelismDefault(t *testing.T) {
	tests := []struct {
		nodes, maxConcurrency, set, want int
	}{
		{2, 0, 0, 16}, // the default: 8 × nodes
		{1, 0, 0, 8},
		{50, 0, 0, 64}, // at most 64
		{2, 4, 0, 4},   // never more than max_concurrency
		{2, 0, 1, 1},   // off
		{2, 4, 12, 12}, // as set
	}
	for _, tt := range tests {
		c := NewConfig()
		c.Nodes, c.MaxConcurrency, c.ScanParallelism = tt.nodes, tt.maxConcurrency, tt.set
		if got := c.scanParallelism(); got != tt.want {
			t.Errorf("nodes=%d max_concurrency=%d scan_parallelism=%d: %d slices at once, want %d", tt.nodes, tt.maxConcurrency, tt.set, got, tt.want)
		}
	}
}
