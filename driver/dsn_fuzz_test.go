package driver

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// dsnFuzzSecret is a secret found in a fuzzed DSN: its raw text, its decoded
// value, and the DSN with the raw text cut out (to tell whether the same text
// also appears elsewhere, in a non-secret place an error may legitimately echo).
type dsnFuzzSecret struct {
	raw, decoded, rest string
}

// dsnFuzzSecrets finds the secrets of a DSN the way ParseDSN splits it: the part
// after ':' in the userinfo (authority up to the first / or ?, userinfo up to the
// last @), and every proxy_password value.
func dsnFuzzSecrets(dsn string) []dsnFuzzSecret {
	var out []dsnFuzzSecret
	add := func(start, end int, unescape func(string) (string, error)) {
		raw := dsn[start:end]
		dec, err := unescape(raw)
		if err != nil {
			dec = raw
		}
		out = append(out, dsnFuzzSecret{raw: raw, decoded: dec, rest: dsn[:start] + "\x00" + dsn[end:]})
	}
	i := strings.Index(dsn, "://")
	if i < 0 {
		return nil
	}
	start := i + 3
	end := len(dsn)
	if j := strings.IndexAny(dsn[start:], "/?#"); j >= 0 {
		end = start + j
	}
	if at := strings.LastIndex(dsn[start:end], "@"); at >= 0 {
		if colon := strings.Index(dsn[start:start+at], ":"); colon >= 0 {
			add(start+colon+1, start+at, url.PathUnescape)
		}
	}
	if q := strings.Index(dsn, "?"); q >= 0 {
		pos := q + 1
		for _, part := range strings.Split(dsn[q+1:], "&") {
			if k, _, ok := strings.Cut(part, "="); ok && strings.Contains(k, "password") {
				add(pos+len(k)+1, pos+len(part), url.QueryUnescape)
			}
			pos += len(part) + 1
		}
	}
	return out
}

func FuzzParseDSN(f *testing.F) {
	for _, k := range []string{envAccountSid, envAuthToken, envAPIKey, envAPISecret} {
		f.Setenv(k, "")
	}
	seeds := []string{
		"",
		"twilio://",
		"twilio:///",
		"twilio:///?nodes=3",
		tBase,
		tBase + "/",
		tBase + "/?nodes=3&page_size=100&timeout=45",
		tBase + "api.twilio.com?timeout=1m30s&log_level=debug&name=my-app",
		tBase + "localhost:8080/?tls=false",
		tBase + "127.0.0.1:4010?tls=0&region=ie1&edge=dublin",
		tBase + "[::1]:3000/?tls=false",
		tBase + "/?region=au1&edge=sydney",
		tBase + "/?proxy_enabled=true&proxy_url=http://proxy.example.com:3128&proxy_auth_scheme=basic&proxy_user=bob&proxy_password=Pr0xy%21Secret&proxy_ssltype=tunnel",
		tBase + "/?proxy_url=https://p:1&proxy_auth_scheme=DIGEST&proxy_ssltype=NEVER",
		tBase + "/?proxy_url=http://u:Pr0xySecretValue@p:1",
		tBase + "/?account_sid=" + tSid,
		"twilio://" + tKey + ":" + tSecret + "@/?account_sid=" + tSid,
		"twilio://" + tKey + ":" + tSecret + "@/",
		"twilio://" + tSid + ":" + tToken + "%2D@/",
		"twilio://" + tSid + ":ZqX9%74oken@/",
		"twilio://" + tSid + ":" + tToken + "/",
		"twilio://" + tSid + ":" + tToken + "%zz@/",
		"twilio://:" + tToken + "@/",
		"twilio://" + tToken + "@/",
		"twilio://" + tSid + "@/",
		"mysql://" + tSid + ":" + tToken + "@/",
		tBase + "/?nodes=0",
		tBase + "/?nodes=51&page_size=1001",
		tBase + "/?tls=false",
		tBase + "/?name=Bad_Name",
		tBase + "/?pagesize=10",
		tBase + "/?nodes=2&nodes=3",
		tBase + "/db",
		tBase + "/#frag",
		tBase + "host:port/",
		tBase + "/?timeout=-1&log_level=trace",
		tBase + "/?max_response_bytes=1048576",
		tBase + "/?max_response_bytes=1023&max_response_bytes=99999999999999999999",
		tBase + "/?proxy_password=a+b%20c&proxy_user=u+v",
		tBase + "/?limiter=redis://127.0.0.1:6379/0&limiter_key=k:1&limiter_fallback_replicas=4",
		tBase + "/?limiter=rediss%3A%2F%2Fsvc%40redis.example.com%3A6380%2F15",
		tBase + "/?limiter=redis://:R3disPassSECRET@r:6379",
		tBase + "/?limiter=redis://r:6379/16&limiter_key=a%20b",
		tBase + "/?limiter_fallback_replicas=2",
		tBase + "/?cache_ttl=30s&cache_max_bytes=1048576",
		tBase + "/?cache_ttl=0&cache_max_bytes=0",
		tBase + "/?cache_ttl=-5s",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		cfg, err := ParseDSN(dsn)
		if err != nil {
			if cfg != nil {
				t.Fatalf("ParseDSN returned both a Config and an error: %v", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "twilio: dsn: ") {
				t.Fatalf("error lacks the twilio: dsn: prefix: %s", msg)
			}
			if _, ok := err.(*ConfigError); !ok {
				t.Fatalf("error is %T, not *ConfigError", err)
			}
			// Secrets shorter than 8 bytes could match the message's own words.
			for _, s := range dsnFuzzSecrets(dsn) {
				for _, v := range []string{s.raw, s.decoded} {
					if len(v) >= 8 && strings.Contains(msg, v) && !strings.Contains(s.rest, v) {
						t.Fatalf("error leaks the secret %q: %s", v, msg)
					}
				}
			}
			return
		}
		if cfg == nil {
			t.Fatal("ParseDSN returned neither a Config nor an error")
		}
		if verr := cfg.Validate(); verr != nil {
			t.Fatalf("a parsed Config fails Validate: %v", verr)
		}
		// Printing must not reveal a secret: compare with the same Config whose
		// secrets are empty (a secret may equal a non-secret value printed anyway).
		bare := cfg.Clone()
		bare.AuthToken, bare.APISecret, bare.Proxy.Password, bare.Limiter.Password = "", "", "", ""
		js, err := json.Marshal(cfg)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		bareJS, _ := json.Marshal(bare)
		outs := []string{cfg.String(), cfg.GoString(), cfg.LogValue().String(), string(js)}
		bareOuts := []string{bare.String(), bare.GoString(), bare.LogValue().String(), string(bareJS)}
		for i, out := range outs {
			for _, s := range []string{cfg.AuthToken, cfg.APISecret, cfg.Proxy.Password, cfg.Limiter.Password} {
				if s != "" && !strings.Contains(dsnRedacted, s) && strings.Count(out, s) > strings.Count(bareOuts[i], s) {
					t.Fatalf("printed Config leaks a secret: %s", out)
				}
			}
		}
		formatted := cfg.FormatDSN()
		again, err := ParseDSN(formatted)
		if err != nil {
			t.Fatalf("ParseDSN(FormatDSN()) failed: %v\ninput  %q\nformat %q", err, dsn, formatted)
		}
		a, b := cfg.Clone(), again.Clone()
		a.Logger, a.Transport, b.Logger, b.Transport = nil, nil, nil, nil
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip differs\ninput  %q\nformat %q\n got %#v\nwant %#v", dsn, formatted, b, a)
		}
		if f2 := again.FormatDSN(); f2 != formatted {
			t.Fatalf("FormatDSN is not stable: %q then %q", formatted, f2)
		}
	})
}
