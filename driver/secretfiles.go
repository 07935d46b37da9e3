package driver

import (
	"os"
	"strings"
)

// Secrets may live in files, the way secret managers and Kubernetes mount
// them, so they need not sit in a DSN. A file's content is trimmed of
// surrounding white space; it is never echoed in an error.

// dsnCheckFile checks a file key's value (a path, not a secret).
func dsnCheckFile(path string) string {
	if strings.TrimSpace(path) == "" {
		return "is empty: give the path of a readable file"
	}
	return ""
}

// readSecretFiles fills the secrets whose files are set. dsnHasSecret says
// the DSN gave the account's secret inline, which conflicts with a file.
func (c *Config) readSecretFiles(dsnHasSecret bool) *ConfigError {
	files := []struct {
		key, path string
		dest      *string
	}{
		{"auth_token_file", c.AuthTokenFile, &c.AuthToken},
		{"api_secret_file", c.APISecretFile, &c.APISecret},
		{"proxy_password_file", c.Proxy.PasswordFile, &c.Proxy.Password},
		{"limiter_password_file", c.Limiter.PasswordFile, &c.Limiter.Password},
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		accountSecret := f.key == "auth_token_file" || f.key == "api_secret_file"
		if accountSecret && dsnHasSecret {
			return dsnErr(f.key, "is set but the DSN also has a secret after the user name: give the secret once")
		}
		if f.key == "proxy_password_file" && *f.dest != "" {
			return dsnErr(f.key, "is set together with proxy_password: give the password once")
		}
		data, err := os.ReadFile(f.path)
		if err != nil {
			return dsnErr(f.key, "%s cannot be read (%s): give the path of a readable file", dsnQuote(f.path), readProblem(err))
		}
		secret := strings.TrimSpace(string(data))
		if secret == "" {
			return dsnErr(f.key, "%s is empty: the file must hold the secret", dsnQuote(f.path))
		}
		*f.dest = secret
	}
	return nil
}

// readProblem names why a file could not be read without quoting anything
// read from it.
func readProblem(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file"
	case os.IsPermission(err):
		return "permission denied"
	}
	return "read error"
}
