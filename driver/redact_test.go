package driver

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
)

// A URL that does not parse but holds credentials is hidden whole: the
// fallback of the redaction never prints what it could not take apart.
func TestRedactUnparsableURLs(t *testing.T) {
	const pw = "UnparsedPW7secret"
	urls := []string{
		"http://bob:" + pw + "@[::1",          // an unclosed IPv6 bracket
		"http://bob:" + pw + "@proxy:31a8",    // a port that is not a number
		"http://bob:" + pw + "@pro xy:3128",   // a space in the host
		"http://bob:" + pw + "@proxy%zz:3128", // a bad escape
		"http://bob:" + pw + "@proxy:3128/\x7f",
		"bob:" + pw + "@proxy:3128", // no scheme: "bob" is read as one
		"http://bob:" + pw + "@@proxy:3128",
	}
	for _, raw := range urls {
		name := strings.ReplaceAll(raw, pw, "<pw>")
		t.Run(name, func(t *testing.T) {
			if got := dsnRedactURL(raw); strings.Contains(got, pw) {
				t.Fatalf("dsnRedactURL shows the password: %s", strings.ReplaceAll(got, pw, "<<SECRET>>"))
			}
			c := NewConfig()
			c.Host = "https://u:" + pw + "@%zz/"
			c.Proxy = ProxyConfig{Enabled: true, URL: raw, AuthScheme: "BASIC", User: "bob"}
			var outs []string
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x"} {
				outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, c.Proxy))
			}
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("config", "cfg", c, "proxy", c.Proxy)
			slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "cfg", *c)
			outs = append(outs, buf.String())
			for _, out := range outs {
				dsnAssertNoSecret(t, out, pw)
			}
		})
	}
}

// A URL that parses keeps everything but its password, which shows as
// REDACTED; one without credentials is shown as it is.
func TestRedactParsableURLs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://bob:" + tProxyP + "@proxy:3128", "http://REDACTED@proxy:3128"},
		{"http://bob@proxy:3128", "http://REDACTED@proxy:3128"},
		{"http://proxy:3128", "http://proxy:3128"},
		{"proxy:3128", "proxy:3128"},
		{"", ""},
	}
	for _, tt := range tests {
		got := dsnRedactURL(tt.in)
		if got != tt.want {
			t.Errorf("dsnRedactURL(%q) = %q, want %q", strings.ReplaceAll(tt.in, tProxyP, "<pw>"), got, tt.want)
		}
	}
	// The unparsable cases above really are unparsable: else the test
	// would not reach the fallback.
	for _, raw := range []string{"http://bob:x@[::1", "http://bob:x@proxy:31a8", "http://bob:x@proxy%zz:3128"} {
		if _, err := url.Parse(raw); err == nil {
			t.Errorf("url.Parse(%q) succeeds: the fallback is not exercised", raw)
		}
	}
}

// Values echoed in error messages are cut at 64 characters, not bytes;
// one of exactly 64 is shown whole.
func TestDSNTruncate(t *testing.T) {
	at := strings.Repeat("k", 64)
	multi := strings.Repeat("é", 40) // 80 bytes, 40 characters
	long := strings.Repeat("é", 70)
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{at, at},
		{at + "x", at + "…"},
		{multi, multi},
		{strings.Repeat("é", 64), strings.Repeat("é", 64)},
		{long, strings.Repeat("é", 64) + "…"},
	} {
		if got := dsnTruncate(tt.in); got != tt.want {
			t.Errorf("dsnTruncate(%d bytes) = %q, want %q", len(tt.in), got, tt.want)
		}
	}
}

// %#v names a Logger or Transport by type and address, or as a typed nil,
// without printing what it holds.
func TestGoStringDescribesLoggerAndTransport(t *testing.T) {
	c := NewConfig()
	if g := c.GoString(); !strings.Contains(g, "Logger:(*slog.Logger)(nil)") || !strings.Contains(g, "Transport:http.RoundTripper(nil)") {
		t.Errorf("GoString of a Config without Logger and Transport: %s", g)
	}
	c.Logger = slog.Default()
	if g := c.GoString(); !strings.Contains(g, "Logger:(*slog.Logger)(0x") {
		t.Errorf("GoString of a Config with a Logger: %s", g)
	}
}
