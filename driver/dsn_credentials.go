package driver

import (
	"fmt"
	"strings"
)

// dsnCredLabels names where each credential came from, for error messages.
type dsnCredLabels struct {
	accountSid, authToken, apiKey, apiSecret string
	hint                                     string // appended to "missing secret" problems
}

var dsnProgrammaticLabels = dsnCredLabels{
	accountSid: "AccountSid", authToken: "AuthToken", apiKey: "APIKey", apiSecret: "APISecret",
}

// dsnResolveCredentials fills the credential fields of cfg from the DSN parts,
// the account_sid key and the environment.
//
//   - DSN user AC…: Account SID + Auth Token; a missing token comes from
//     TWILIO_AUTH_TOKEN, provided TWILIO_ACCOUNT_SID is unset or the same SID.
//   - DSN user SK…: API key + secret; a missing secret comes from TWILIO_API_SECRET
//     (provided TWILIO_API_KEY is unset or the same key); the Account SID comes
//     from account_sid, else TWILIO_ACCOUNT_SID.
//   - No DSN user: TWILIO_API_KEY/TWILIO_API_SECRET when TWILIO_API_KEY is set,
//     else TWILIO_ACCOUNT_SID (or account_sid)/TWILIO_AUTH_TOKEN.
func dsnResolveCredentials(cfg *Config, p dsnParts, accountSidKey string, getenv func(string) string) (dsnCredLabels, *ConfigError) {
	labels := dsnCredLabels{
		accountSid: "user", authToken: "auth token (the DSN secret)",
		apiKey: "user", apiSecret: "API secret (the DSN secret)",
	}
	envSid, envToken := getenv(envAccountSid), getenv(envAuthToken)
	envKey, envKeySecret := getenv(envAPIKey), getenv(envAPISecret)

	keyMode := false
	switch {
	case p.user == "" && p.secret != "":
		return labels, dsnErr("", "the DSN has a secret but no user name: write twilio://ACCOUNT_SID:AUTH_TOKEN@… or twilio://API_KEY:API_SECRET@…?account_sid=AC…")
	case p.user == "":
		if envKey != "" {
			keyMode = true
			cfg.APIKey, labels.apiKey = envKey, envAPIKey
		}
	case strings.HasPrefix(p.user, "SK"):
		keyMode = true
		cfg.APIKey = p.user
	case strings.HasPrefix(p.user, "AC"):
		cfg.AccountSid = p.user
		if accountSidKey != "" && accountSidKey != p.user {
			return labels, dsnErr("account_sid", "%s differs from the Account SID given as the DSN user: give account_sid only with an API key user (SK…)", dsnQuoteSid(accountSidKey, "AC"))
		}
	default:
		return labels, dsnErr("user", "is neither an Account SID (AC + 32 hex digits) nor an API Key SID (SK + 32 hex digits)")
	}

	if keyMode {
		if p.secret != "" {
			cfg.APISecret = p.secret
		} else if cfg.APISecretFile != "" {
			labels.apiSecret = "api_secret_file"
		} else if envKeySecret != "" {
			if envKey != "" && envKey != cfg.APIKey {
				return labels, dsnErr("", "API key %s has no secret: put it in the DSN (twilio://%s:API_SECRET@…); %s was not used because it belongs to %s %s", dsnQuoteSid(cfg.APIKey, "SK"), dsnSidOrPlaceholder(cfg.APIKey, "SK"), envAPISecret, envAPIKey, dsnQuoteSid(envKey, "SK"))
			}
			cfg.APISecret, labels.apiSecret = envKeySecret, envAPISecret
		} else {
			labels.hint = fmt.Sprintf(": put it in the DSN (twilio://%s:API_SECRET@…) or set %s", dsnSidOrPlaceholder(cfg.APIKey, "SK"), envAPISecret)
		}
		switch {
		case accountSidKey != "":
			cfg.AccountSid, labels.accountSid = accountSidKey, "account_sid"
		case envSid != "":
			cfg.AccountSid, labels.accountSid = envSid, envAccountSid
		default:
			return labels, dsnErr("", "API key %s needs the Account SID it belongs to: add account_sid=AC… to the DSN or set %s", dsnQuoteSid(cfg.APIKey, "SK"), envAccountSid)
		}
		return labels, nil
	}

	if cfg.AccountSid == "" {
		switch {
		case accountSidKey != "":
			cfg.AccountSid, labels.accountSid = accountSidKey, "account_sid"
		case envSid != "":
			cfg.AccountSid, labels.accountSid = envSid, envAccountSid
		default:
			return labels, dsnErr("", "no credentials: put ACCOUNT_SID:AUTH_TOKEN in the DSN (twilio://AC…:AUTH_TOKEN@/), or API_KEY:API_SECRET with account_sid=AC…, or set %s and %s (or %s, %s and %s)", envAccountSid, envAuthToken, envAPIKey, envAPISecret, envAccountSid)
		}
	}
	if p.secret != "" {
		cfg.AuthToken = p.secret
	} else if cfg.AuthTokenFile != "" {
		labels.authToken = "auth_token_file"
	} else if envToken != "" {
		if envSid != "" && envSid != cfg.AccountSid {
			return labels, dsnErr("", "account SID %s has no auth token: put it in the DSN (twilio://%s:AUTH_TOKEN@…); %s was not used because it belongs to %s %s", dsnQuoteSid(cfg.AccountSid, "AC"), dsnSidOrPlaceholder(cfg.AccountSid, "AC"), envAuthToken, envAccountSid, dsnQuoteSid(envSid, "AC"))
		}
		cfg.AuthToken, labels.authToken = envToken, envAuthToken
	} else {
		labels.hint = fmt.Sprintf(": put it in the DSN (twilio://%s:AUTH_TOKEN@…) or set %s", dsnSidOrPlaceholder(cfg.AccountSid, "AC"), envAuthToken)
	}
	return labels, nil
}
