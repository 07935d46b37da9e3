package driver

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestRedisKeyDerivedFromTheAccountWithoutRevealingIt(t *testing.T) {
	a, b := dsnWant(nil), dsnWant(func(c *Config) { c.AccountSid = tSid2 })
	ka, kb := a.redisKey(), b.redisKey()
	for _, k := range []string{ka, kb} {
		if !regexp.MustCompile(`^twiliosql:[0-9a-f]{16}$`).MatchString(k) {
			t.Errorf("derived key %q, want twiliosql: and 16 hex digits", k)
		}
		if dsnCheckLimiterKey(k) != "" {
			t.Errorf("derived key %q fails the limiter_key check", k)
		}
	}
	if ka == kb {
		t.Error("two accounts derive the same key: their budgets would be merged")
	}
	if ka != dsnWant(nil).redisKey() {
		t.Error("the derived key is not stable: processes of one account would not share a budget")
	}
	for _, part := range []string{tSid, tSid[2:10], strings.ToLower(tSid[len(tSid)-8:])} {
		if strings.Contains(ka, strings.ToLower(part)) {
			t.Errorf("derived key %q shows part of the Account SID", ka)
		}
	}
	a.Limiter.Key = "billing:jobs"
	if a.redisKey() != "billing:jobs" {
		t.Errorf("limiter_key not used: %q", a.redisKey())
	}
}

func TestConnectorLimiterChoice(t *testing.T) {
	dsnClearEnv(t, nil)
	local, err := NewConnector(dsnWant(nil))
	if err != nil {
		t.Fatal(err)
	}
	if local.shared != nil {
		t.Fatal("without limiter= the connector uses a shared limiter")
	}
	if err := local.Close(); err != nil {
		t.Fatal(err)
	}
	// Nothing is sent to Redis before the first request: a Redis that does
	// not exist does not stop a connector from opening.
	shared, err := NewConnector(dsnWant(func(c *Config) { c.Limiter.URL = "redis://127.0.0.1:1/0"; c.MaxConcurrency = 8 }))
	if err != nil {
		t.Fatal(err)
	}
	if shared.shared == nil {
		t.Fatal("limiter=redis://… did not give a shared limiter")
	}
	if err := shared.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestLimiterPasswordRedactedInJSON(t *testing.T) {
	c := dsnSecretConfig()
	for _, v := range []any{c, *c, c.Limiter, &c.Limiter} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		dsnAssertNoSecret(t, string(b), tRedisP)
		if !strings.Contains(string(b), `"Password":"REDACTED"`) || !strings.Contains(string(b), `"FallbackReplicas":3`) {
			t.Errorf("json: %s", b)
		}
	}
}
