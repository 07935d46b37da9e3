package driver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretFiles(t *testing.T) {
	dsnClearEnv(t, nil)
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const sid = "AC0123456789abcdef0123456789abcdef"
	const key = "SK0123456789abcdef0123456789abcdef"
	token := write("token", "FileToken0123456789abcdef\n")
	secret := write("secret", "FileSecret0123456789\n")
	proxyPass := write("proxy", "  proxy-pass  \n")
	empty := write("empty", "\n")
	redisPass := write("redis", "redis-pass\n")

	tests := []struct {
		name string
		dsn  string
		want func(*Config) bool
		err  string
	}{
		{name: "auth token from a file", dsn: "twilio://" + sid + "@/?auth_token_file=" + token,
			want: func(c *Config) bool { return c.AuthToken == "FileToken0123456789abcdef" && c.AuthTokenFile == token }},
		{name: "API secret from a file", dsn: "twilio://" + key + "@/?account_sid=" + sid + "&api_secret_file=" + secret,
			want: func(c *Config) bool { return c.APISecret == "FileSecret0123456789" }},
		{name: "proxy password from a file", dsn: "twilio://" + sid + ":tok@/?proxy_enabled=true&proxy_url=http://p:3128&proxy_auth_scheme=BASIC&proxy_user=u&proxy_password_file=" + proxyPass,
			want: func(c *Config) bool { return c.Proxy.Password == "proxy-pass" }},
		{name: "Redis password from a file", dsn: "twilio://" + sid + ":tok@/?limiter=redis://127.0.0.1:6379/0&limiter_password_file=" + redisPass,
			want: func(c *Config) bool { return c.Limiter.Password == "redis-pass" && c.Limiter.PasswordFile == redisPass }},
		{name: "Redis password file without limiter", dsn: "twilio://" + sid + ":tok@/?limiter_password_file=" + redisPass, err: "limiter_password_file is set but limiter is not"},
		{name: "missing file", dsn: "twilio://" + sid + "@/?auth_token_file=" + filepath.Join(dir, "nope"), err: "cannot be read (no such file)"},
		{name: "empty file", dsn: "twilio://" + sid + "@/?auth_token_file=" + empty, err: "is empty: the file must hold the secret"},
		{name: "secret given twice", dsn: "twilio://" + sid + ":tok@/?auth_token_file=" + token, err: "give the secret once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseDSN(tt.dsn)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(cfg) {
				t.Fatalf("config = %+v", cfg)
			}
			// The DSN names the file, never its content, and parses back the same.
			out := cfg.FormatDSN()
			if strings.Contains(out, "FileToken") || strings.Contains(out, "FileSecret") || strings.Contains(out, "proxy-pass") || strings.Contains(out, "redis-pass") {
				t.Errorf("FormatDSN shows a secret read from a file: %s", out)
			}
			back, err := ParseDSN(out)
			if err != nil {
				t.Fatalf("ParseDSN(FormatDSN()) = %v", err)
			}
			if back.AuthToken != cfg.AuthToken || back.APISecret != cfg.APISecret || back.Proxy.Password != cfg.Proxy.Password || back.Limiter.Password != cfg.Limiter.Password {
				t.Errorf("round trip lost a secret")
			}
		})
	}
}
