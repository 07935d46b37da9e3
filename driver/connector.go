package driver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner"
	"github.com/twiliosql/twiliosql/internal/rest"
)

// Version is the driver's version, sent in the User-Agent.
const Version = "0.1.0"

// Connector opens connections that share one configuration, one HTTP client
// and one rate limiter: the request budget of a *sql.DB holds however many
// connections its pool opens (and, with `limiter=redis://…`, however many
// processes share the Redis key). (*sql.DB).Close calls Close.
type Connector struct {
	cfg    *Config
	env    *planner.Env
	client *rest.Client
	logger *slog.Logger
	shared *rest.RedisLimiter // nil: the local limiter
}

// NewConnector validates cfg and returns a Connector. It sends nothing;
// use (*sql.DB).PingContext to check the credentials.
func NewConnector(cfg *Config) (*Connector, error) {
	if cfg == nil {
		return nil, fmt.Errorf("twilio: the Config is nil: start from driver.NewConfig() or driver.ParseDSN(dsn)")
	}
	cfg = cfg.Clone()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(levelHandler{level: cfg.LogLevel, next: slog.Default().Handler()})
	}
	transport, err := baseTransport(cfg)
	if err != nil {
		return nil, err
	}
	var limiter rest.RequestLimiter
	var shared *rest.RedisLimiter
	maxInFlight := cfg.MaxConcurrency
	if cfg.Limiter.URL != "" {
		if shared, err = sharedLimiter(cfg, logger); err != nil {
			return nil, err
		}
		limiter, maxInFlight = shared, 0 // the shared limiter caps concurrency across processes
	} else if limiter, err = rest.NewLimiter(cfg.Nodes); err != nil {
		return nil, err
	}
	userAgent := []string{"twiliosql/" + Version}
	if cfg.Name != "" {
		userAgent = append(userAgent, "("+cfg.Name+")")
	}
	client, err := rest.New(rest.Options{
		AccountSid:  cfg.AccountSid,
		Username:    cfg.Username(),
		Password:    cfg.Password(),
		Base:        cfg.BaseURL(),
		Limiter:     limiter,
		Transport:   transport,
		Timeout:     cfg.Timeout,
		Retry:       retryPolicy(cfg),
		MaxInFlight: maxInFlight,
		UserAgent:   userAgent,
		Logger:      logger,

		MaxResponseBytes: cfg.MaxResponseBytes,
		ProxyUser:        cfg.Proxy.User,
		ProxyPassword:    cfg.Proxy.Password,
		Cache:            rest.NewCache(cfg.CacheTTL, cfg.CacheMaxBytes),
	})
	if err != nil {
		if shared != nil {
			shared.Close()
		}
		return nil, err
	}
	return &Connector{
		cfg: cfg,
		env: &planner.Env{
			Client:          client,
			PageSize:        cfg.PageSize,
			Logger:          logger,
			AllowBulkWrites: cfg.AllowBulkWrites,
			MaxWriteRows:    cfg.MaxWriteRows,
			ScanParallelism: cfg.scanParallelism(),
			Pages:           planner.NewPageBudget(connectorPages),
		},
		client: client,
		logger: logger,
		shared: shared,
	}, nil
}

// connectorPages is the page budget every query of a Connector shares:
// listing pages fetched ahead of their reader by parallel range scans (a
// 1000-row page of Calls is about 2 MB of JSON), so that memory stays
// bounded however many queries run at once and whatever the parallelism.
const connectorPages = 24

// sharedLimiter is the Redis-backed limiter of `limiter=redis://…`.
func sharedLimiter(cfg *Config, logger *slog.Logger) (*rest.RedisLimiter, error) {
	var tc *tls.Config
	if strings.HasPrefix(cfg.Limiter.URL, "rediss://") && cfg.TLSCAFile != "" {
		pool, err := caPool(cfg.TLSCAFile)
		if err != nil {
			return nil, err
		}
		tc = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	l, err := rest.NewRedisLimiter(rest.RedisOptions{
		URL:              cfg.Limiter.URL,
		Password:         cfg.Limiter.Password,
		TLSConfig:        tc,
		Key:              cfg.redisKey(),
		Nodes:            cfg.Nodes,
		MaxInFlight:      cfg.MaxConcurrency,
		FallbackReplicas: cfg.Limiter.FallbackReplicas,
		LeaseTTL:         cfg.Limiter.LeaseTTL,
		Logger:           logger,
	})
	if err != nil {
		return nil, &ConfigError{Key: "limiter", Problem: "cannot be used: " + strings.TrimPrefix(err.Error(), "twilio: ")}
	}
	return l, nil
}

// Close releases what the connector holds outside the process: the shared
// limiter's connections to Redis. database/sql calls it from (*sql.DB).Close.
func (c *Connector) Close() error {
	if c.shared != nil {
		return c.shared.Close()
	}
	return nil
}

// OpenDB returns a *sql.DB for cfg, as pgx's stdlib.OpenDB does.
func OpenDB(cfg *Config) (*sql.DB, error) {
	c, err := NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// Connect returns a connection. Twilio's API is stateless, so a connection
// costs no request.
func (c *Connector) Connect(context.Context) (sqldriver.Conn, error) {
	return &conn{connector: c}, nil
}

// Driver returns the driver.
func (c *Connector) Driver() sqldriver.Driver { return &Driver{} }

// Config returns a copy of the connector's configuration.
func (c *Connector) Config() *Config { return c.cfg.Clone() }

// retryPolicy applies the DSN's max_retries and retry_timeout.
func retryPolicy(cfg *Config) rest.RetryPolicy {
	p := rest.DefaultRetryPolicy
	p.MaxRetries, p.Timeout = cfg.MaxRetries, cfg.RetryTimeout
	return p
}

// baseTransport is the HTTP transport under the driver's own: the one the
// Config gives, or a clone of the default with the configured proxy.
func baseTransport(cfg *Config) (http.RoundTripper, error) {
	if cfg.Transport != nil {
		return cfg.Transport, nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // the environment's proxy settings apply only when the DSN asks for a proxy
	if cfg.TLSCAFile != "" {
		pool, err := caPool(cfg.TLSCAFile)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	if !cfg.Proxy.Enabled {
		return t, nil
	}
	u, err := url.Parse(cfg.Proxy.URL)
	if err != nil {
		return nil, &ConfigError{Key: "proxy_url", Problem: "is not a URL: use http://host:port"}
	}
	// Tunnels go through t, so its TLS settings (tls_ca_file) apply to the
	// TLS with Twilio, and to the TLS with the proxy itself.
	rt, err := rest.NewProxyTransport(t, rest.ProxySettings{
		URL:      u,
		Auth:     rest.ProxyAuth(strings.ToUpper(cfg.Proxy.AuthScheme)),
		User:     cfg.Proxy.User,
		Password: cfg.Proxy.Password,
		SSL:      rest.ProxySSL(strings.ToUpper(cfg.Proxy.SSLType)),
	})
	if err != nil {
		var se *rest.ProxySettingsError
		if errors.As(err, &se) {
			key := map[string]string{"URL": "proxy_url", "Auth": "proxy_auth_scheme", "User": "proxy_user", "SSL": "proxy_ssltype"}[se.Setting]
			return nil, &ConfigError{Key: key, Problem: se.Problem}
		}
		return nil, err
	}
	return rt, nil
}

// caPool is the system's CAs plus those in a PEM file.
func caPool(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, &ConfigError{Key: "tls_ca_file", Problem: fmt.Sprintf("%q cannot be read (%s): give a PEM file of CA certificates", path, readProblem(err))}
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &ConfigError{Key: "tls_ca_file", Problem: fmt.Sprintf("%q holds no PEM certificate: give a PEM file of CA certificates", path)}
	}
	return pool, nil
}

var (
	_ sqldriver.Connector = (*Connector)(nil)
	_ io.Closer           = (*Connector)(nil)
)
