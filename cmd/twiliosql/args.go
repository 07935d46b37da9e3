package main

import (
	"net/url"
	"os"
	"regexp"
	"strings"
)

// A mistaken argument is quoted back to help, unless it could hold a
// credential: one that looks like a DSN or URL with a password, or that
// contains a secret the program knows (from --dsn or the environment).

// argSecrets are the secrets an echoed argument must not contain: the
// password and proxy_password of any --dsn among args, and the secrets of
// the TWILIO_* environment.
func argSecrets(args []string) []string {
	var out []string
	for _, k := range []string{"TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET"} {
		if v := os.Getenv(k); v != "" {
			out = append(out, v)
		}
	}
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "dsn" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				continue
			}
			value = args[i+1]
		}
		out = append(out, dsnSecrets(value)...)
	}
	return out
}

// dsnSecrets are the secrets a DSN carries.
func dsnSecrets(dsn string) []string {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil
	}
	var out []string
	if u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p, url.QueryEscape(p), url.PathEscape(p))
		}
	}
	for _, p := range u.Query()["proxy_password"] {
		if p != "" {
			out = append(out, p, url.QueryEscape(p))
		}
	}
	return out
}

// dsnLike matches a URL with a scheme ("twilio://…") or user:password@.
var dsnLike = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://|[^\s:/@]+:[^\s@]*@`)

// sensitive reports whether arg must not be echoed.
func sensitive(arg string, secrets []string) bool {
	if dsnLike.MatchString(arg) {
		return true
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(arg, s) {
			return true
		}
	}
	return false
}

// quoteArg quotes arg for a message, or says why it is not shown.
func quoteArg(arg string, secrets []string) string {
	if sensitive(arg, secrets) {
		return "(not shown: it looks like a DSN or holds a secret)"
	}
	return `"` + strings.ReplaceAll(arg, `"`, `\"`) + `"`
}

// scrubArgs hides, in text the flag package wrote, every argument that
// must not be echoed, in the forms the flag package quotes: whole, without
// its leading dashes, and its name before '='.
func scrubArgs(text string, args, secrets []string) string {
	for _, a := range args {
		if !sensitive(a, secrets) {
			continue
		}
		bare := strings.TrimLeft(a, "-")
		name, _, _ := strings.Cut(bare, "=")
		for _, form := range []string{a, bare, name} {
			if form != "" && sensitive(form, secrets) {
				text = strings.ReplaceAll(text, form, "(an argument not shown: it looks like a DSN or holds a secret)")
			}
		}
	}
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, "REDACTED")
		}
	}
	return text
}
