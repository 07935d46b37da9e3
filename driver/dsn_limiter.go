package driver

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The shared limiter's part of the configuration: with `limiter=redis://…`
// every process using the same Redis and key draws from one request budget
// (see rest.RedisLimiter).

const (
	dsnMaxFallbackReplicas = 1000
	dsnMaxRedisDB          = 15
	dsnMinLeaseTTL         = 100 * time.Millisecond
	dsnLimiterURLAllowed   = "use redis://host:port/db, or rediss://host:port/db for TLS, with the password in a file named by limiter_password_file"
	dsnLimiterKeyPrefix    = "twiliosql:"
)

var dsnLimiterKeyRE = regexp.MustCompile(`^[A-Za-z0-9:_.-]{1,128}$`)

// LimiterConfig is the shared limiter part of Config. With URL empty (the
// default) each *sql.DB has its own local limiter, as before.
type LimiterConfig struct {
	URL              string // `limiter` redis://[user@]host[:port][/db] or rediss://…; "": the local limiter
	Key              string // `limiter_key` names the shared budget; "": derived from the Account SID (a truncated SHA-256, not the SID)
	PasswordFile     string // `limiter_password_file` file holding the Redis password
	Password         string // secret: the Redis password, read from PasswordFile (or set in code)
	FallbackReplicas int    // `limiter_fallback_replicas` 1..1000, default 1: processes sharing the budget; while Redis is unreachable each takes 1/FallbackReplicas of it

	// Not settable from a DSN: how long the concurrency slots of a process
	// that died stay taken; 0: 5s.
	LeaseTTL time.Duration
}

// redisKey is the key of the shared budget: limiter_key, or one derived from
// the Account SID that does not reveal it.
func (c *Config) redisKey() string {
	if c.Limiter.Key != "" {
		return c.Limiter.Key
	}
	sum := sha256.Sum256([]byte("twiliosql limiter " + c.AccountSid))
	return dsnLimiterKeyPrefix + hex.EncodeToString(sum[:8])
}

// dsnCheckLimiterURL checks a limiter URL. It never echoes a URL holding a password.
func dsnCheckLimiterURL(v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil {
		if strings.Contains(v, "@") {
			return "is not a valid URL: " + dsnLimiterURLAllowed
		}
		return fmt.Sprintf("%s is not a valid URL: %s", dsnQuote(v), dsnLimiterURLAllowed)
	}
	if _, ok := u.User.Password(); ok {
		return "must not hold a password: put it in a file and name the file with limiter_password_file"
	}
	if (u.Scheme != "redis" && u.Scheme != "rediss") || u.Opaque != "" || u.Host == "" {
		return fmt.Sprintf("%s is not usable: %s", dsnQuote(v), dsnLimiterURLAllowed)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Sprintf("%s has options after the database number: %s", dsnQuote(v), dsnLimiterURLAllowed)
	}
	if p := dsnCheckHost(u.Host); p != "" {
		return "host " + p
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 || n > dsnMaxRedisDB || db[0] == '+' || db[0] == '-' {
			return fmt.Sprintf("%s names database %s: use a database number from 0 to %d", dsnQuote(v), dsnQuote(db), dsnMaxRedisDB)
		}
	}
	return ""
}

func dsnCheckLimiterKey(v string) string {
	if v == "" || dsnLimiterKeyRE.MatchString(v) {
		return ""
	}
	return fmt.Sprintf("%s is not a usable key: use 1 to 128 letters, digits and : _ . -, the same in every process that shares the budget", dsnQuote(v))
}

func (l *LimiterConfig) validate() *ConfigError {
	if l.FallbackReplicas < 1 || l.FallbackReplicas > dsnMaxFallbackReplicas {
		return dsnErr("limiter_fallback_replicas", "%q is out of range: use an integer from 1 to %d", strconv.Itoa(l.FallbackReplicas), dsnMaxFallbackReplicas)
	}
	if l.LeaseTTL != 0 && l.LeaseTTL < dsnMinLeaseTTL {
		return dsnErr("LeaseTTL", "%s is too short: use %s or more, or 0 for the default", l.LeaseTTL, dsnMinLeaseTTL)
	}
	if l.URL == "" {
		switch {
		case l.Key != "":
			return dsnErr("limiter_key", "is set but limiter is not: add limiter=redis://host:port/db to share the budget, or drop limiter_key")
		case l.PasswordFile != "" || l.Password != "":
			return dsnErr("limiter_password_file", "is set but limiter is not: add limiter=redis://host:port/db, or drop the password")
		case l.FallbackReplicas != 1:
			return dsnErr("limiter_fallback_replicas", "is set but limiter is not: add limiter=redis://host:port/db, or drop limiter_fallback_replicas")
		}
		return nil
	}
	if p := dsnCheckLimiterURL(l.URL); p != "" {
		return dsnErr("limiter", "%s", p)
	}
	if p := dsnCheckLimiterKey(l.Key); p != "" {
		return dsnErr("limiter_key", "%s", p)
	}
	return nil
}

// String returns l with its password redacted.
func (l LimiterConfig) String() string {
	return fmt.Sprintf("{URL:%s Key:%s Password:%s FallbackReplicas:%d LeaseTTL:%s}",
		dsnRedactURL(l.URL), l.Key, dsnRedact(l.Password), l.FallbackReplicas, l.LeaseTTL)
}

// GoString returns l as Go syntax with its password redacted.
func (l LimiterConfig) GoString() string {
	return fmt.Sprintf("driver.LimiterConfig{URL:%q, Key:%q, PasswordFile:%q, Password:%q, FallbackReplicas:%d, LeaseTTL:%d}",
		dsnRedactURL(l.URL), l.Key, l.PasswordFile, dsnRedact(l.Password), l.FallbackReplicas, int64(l.LeaseTTL))
}

// Format makes every fmt verb redact, as Config.Format does.
func (l LimiterConfig) Format(f fmt.State, verb rune) {
	dsnFormat(f, verb, l.String, l.GoString)
}

// LogValue returns l as a slog group with its password redacted.
func (l LimiterConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", dsnRedactURL(l.URL)),
		slog.String("key", l.Key),
		slog.String("password", dsnRedact(l.Password)),
		slog.Int("fallback_replicas", l.FallbackReplicas),
		slog.Duration("lease_ttl", l.LeaseTTL),
	)
}

// formatDSN adds l's keys at non-default values to q.
func (l *LimiterConfig) formatDSN(q url.Values) {
	if l.URL != "" {
		q.Set("limiter", l.URL)
	}
	if l.Key != "" {
		q.Set("limiter_key", l.Key)
	}
	if l.PasswordFile != "" {
		q.Set("limiter_password_file", l.PasswordFile)
	}
	if l.FallbackReplicas != 1 {
		q.Set("limiter_fallback_replicas", strconv.Itoa(l.FallbackReplicas))
	}
}

// MarshalJSON encodes l with its password redacted.
func (l LimiterConfig) MarshalJSON() ([]byte, error) {
	type fields LimiterConfig
	f := fields(l)
	f.Password, f.URL = dsnRedact(l.Password), dsnRedactURL(l.URL)
	return json.Marshal(f)
}
