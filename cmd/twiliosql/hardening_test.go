package main

import (
	"strings"
	"testing"
)

// Item 7 of issue 14: an argument the CLI complains about is never echoed
// when it looks like a DSN or holds a secret.
func TestHardening7_ArgumentsWithSecretsNotEchoed(t *testing.T) {
	noEnv(t)
	const sid, token, envSecret, proxyPass = "AC0123456789abcdef0123456789abcdef", "Tok3nValue0123456789abcdef012345", "EnvS3cretValue42", "PrxPass77"
	t.Setenv("TWILIO_API_SECRET", envSecret)
	dsn := "twilio://" + sid + ":" + token + "@/?proxy_password=" + proxyPass
	tests := []struct {
		name string
		args []string
	}{
		{"DSN as a positional argument", []string{"twilio://" + sid + ":" + token + "@/"}},
		{"DSN after -e", []string{"-e", "SELECT 1", "twilio://" + sid + ":" + token + "@/"}},
		{"any URL with a password", []string{"https://user:" + token + "@example.com/"}},
		{"the token alone", []string{"--dsn", dsn, token}},
		{"the proxy password alone", []string{"--dsn", dsn, "x" + proxyPass}},
		{"the environment's secret", []string{"-e", "SELECT 1", envSecret}},
		{"DSN as a flag", []string{"-twilio://" + sid + ":" + token + "@/"}},
		{"bad flag syntax", []string{"---" + envSecret}},
		{"undefined flag with a value", []string{"--dns=twilio://" + sid + ":" + token + "@/"}},
		{"DSN as the format", []string{"--format", dsn, "-e", "SELECT 1"}},
		{"secret as the format", []string{"--format", envSecret, "-e", "SELECT 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, "", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (usage)", code)
			}
			for _, secret := range []string{token, envSecret, proxyPass} {
				if strings.Contains(stderr+stdout, secret) {
					t.Errorf("the output echoes a secret: %q", stderr)
				}
			}
			if !strings.Contains(stderr, "twiliosql:") && !strings.Contains(stderr, "flag") {
				t.Errorf("no error message: %q", stderr)
			}
		})
	}
	// Harmless mistakes are still quoted, to help.
	if _, _, stderr := cli(t, "", "SELECT 1"); !strings.Contains(stderr, `"SELECT 1"`) {
		t.Errorf("a plain mistaken argument is not quoted: %q", stderr)
	}
	if _, _, stderr := cli(t, "", "--format", "xml", "-e", "SELECT 1"); !strings.Contains(stderr, `"xml"`) {
		t.Errorf("a plain bad format is not quoted: %q", stderr)
	}
}
