// Package rest is the driver's HTTP layer: every request goes through
// twilio-go's client, a node-aware limiter and our own transport, which binds
// the query's context to the request and points the client at the configured
// host (a region, an edge or the emulator).
package rest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	twclient "github.com/twilio/twilio-go/client"
)

// APIBase is the host every request is written for; Transport sends it to
// Options.Base when that differs.
const APIBase = "https://api.twilio.com"

// APIVersion prefixes every path of the 2010 API.
const APIVersion = "/2010-04-01"

// Options configure a Client.
type Options struct {
	AccountSid string // the account whose resources are read; always in the path
	Username   string // Account SID or API key SID
	Password   string // Auth Token or API key secret
	Base       *url.URL
	Limiter    RequestLimiter    // nil: no limit; *Limiter or *RedisLimiter
	Transport  http.RoundTripper // under our Transport; nil: http.DefaultTransport
	Timeout    time.Duration     // per attempt of an HTTP request; 0: none beyond the context
	Retry      RetryPolicy       // zero: no retries
	// MaxInFlight caps requests in flight at once (Twilio's concurrency
	// limit); 0: no cap but the rate.
	MaxInFlight int
	UserAgent   []string // extensions appended to twilio-go's User-Agent
	Logger      *slog.Logger
	// MaxResponseBytes bounds an answer's body once decompressed; 0:
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// ProxyUser and ProxyPassword are hidden, like the API credentials,
	// from every excerpt of a body an error quotes.
	ProxyUser, ProxyPassword string
	Cache                    *Cache // GET answers reused for a time; nil: none
}

// Client sends requests for one account.
type Client struct {
	tw      *twclient.Client
	rt      http.RoundTripper
	account string
	creds   []credential // hidden from the text of errors (ScrubError)
	cache   *Cache
}

// New returns a Client. It sends nothing.
func New(opts Options) (*Client, error) {
	if opts.AccountSid == "" || opts.Username == "" || opts.Password == "" {
		return nil, errors.New("twilio: credentials are missing: set the Account SID and Auth Token (or API key and secret)")
	}
	tw := &twclient.Client{
		Credentials:         twclient.NewCredentials(opts.Username, opts.Password),
		UserAgentExtensions: opts.UserAgent,
	}
	tw.SetAccountSid(opts.AccountSid)
	creds := []credential{{opts.Username, opts.Password}, {opts.ProxyUser, opts.ProxyPassword}}
	return &Client{
		tw: tw,
		rt: &Transport{Base: opts.Base, Limiter: opts.Limiter, Next: opts.Transport, Logger: opts.Logger, Retry: opts.Retry, Timeout: opts.Timeout,
			MaxResponseBytes: opts.MaxResponseBytes, inFlight: newSemaphore(opts.MaxInFlight), creds: creds},
		account: opts.AccountSid,
		creds:   creds,
		cache:   opts.Cache,
	}, nil
}

// AccountSid is the account in every path.
func (c *Client) AccountSid() string { return c.account }

// AccountPath is the path of the account resource itself.
func (c *Client) AccountPath() string { return APIVersion + "/Accounts/" + c.account + ".json" }

// resolve turns a path relative to the account ("Calls/CA….json") into an
// absolute one; an absolute path (a next_page_uri) stays as it is.
func (c *Client) resolve(path string) string {
	if strings.HasPrefix(path, "/") {
		return path
	}
	return APIVersion + "/Accounts/" + c.account + "/" + path
}

// Get fetches path with query and returns the body of a 2xx answer.
func (c *Client) Get(ctx context.Context, path string, query url.Values) ([]byte, error) {
	target := c.resolve(path)
	if len(query) > 0 {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + query.Encode()
	}
	// The query goes in the URL, not in twilio-go's data argument: twilio-go
	// strips every ".digits" from encoded GET parameters, which would change
	// values such as a FriendlyName "v1.2".
	if !cacheable(ctx, c.cache) {
		return c.send(ctx, http.MethodGet, target, nil)
	}
	if body, ok := c.cache.get(target); ok {
		return body, nil
	}
	version := c.cache.version(target)
	body, err := c.send(ctx, http.MethodGet, target, nil)
	if err == nil {
		c.cache.put(target, body, version)
	}
	return body, err
}

// Cache is the client's cache of GET answers; nil when there is none.
func (c *Client) Cache() *Cache { return c.cache }

// CachedFor reports how long the answer to a GET of path (relative to the
// account, or absolute) with query stays cached, for EXPLAIN.
func (c *Client) CachedFor(path string, query url.Values) (time.Duration, bool) {
	return c.cache.Fresh(c.FirstPageURI(path, query))
}

// Post sends form to path and returns the body of a 2xx answer.
func (c *Client) Post(ctx context.Context, path string, form url.Values) ([]byte, error) {
	if form == nil {
		form = url.Values{}
	}
	return c.write(ctx, http.MethodPost, c.resolve(path), form)
}

// Delete deletes the resource at path.
func (c *Client) Delete(ctx context.Context, path string) error {
	_, err := c.write(ctx, http.MethodDelete, c.resolve(path), nil)
	return err
}

// write sends a POST or DELETE, dropping the cached answers of the resource
// it writes before (a read that starts now must not see the old rows) and
// after (one that fetched meanwhile may have cached them), whatever the
// outcome: a write that failed may still have been applied.
func (c *Client) write(ctx context.Context, method, target string, form url.Values) ([]byte, error) {
	if c.cache != nil {
		c.cache.invalidate(target)
		defer c.cache.invalidate(target)
	}
	return c.send(ctx, method, target, form)
}

// sdkHeaders are the headers twilio-go's generated methods of the 2010 API
// (rest/api/v2010) pass to SendRequest for every operation, GET and DELETE
// included: without this Content-Type Twilio ignores a POST's form body.
// SendRequest only reads the map.
var sdkHeaders = map[string]any{"Content-Type": "application/x-www-form-urlencoded"}

func (c *Client) send(ctx context.Context, method, target string, form url.Values) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	state := &sendState{}
	// A shallow copy of twilio-go's client whose HTTP client carries ctx:
	// twilio-go has no context parameter of its own.
	tw := *c.tw
	tw.HTTPClient = &http.Client{
		Transport:     boundTransport{ctx: context.WithValue(ctx, sendStateKey{}, state), next: c.rt},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	path, _, _ := strings.Cut(target, "?")
	resp, err := tw.SendRequest(method, APIBase+target, form, sdkHeaders)
	if err != nil {
		var unknown *OutcomeUnknownError
		if errors.As(err, &unknown) {
			return nil, unknown // it says what the context did, if anything
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		err = wrapSendError(fromTwilio(err, method, path), method, path)
		if method == http.MethodDelete && state.ambiguous && IsNotFound(err) {
			// An earlier attempt failed after it may have been applied; the
			// resource being gone now is that attempt's doing.
			return nil, nil
		}
		return nil, err
	}
	body, err := readBody(resp.Body)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("twilio: %s %s: reading the answer: %w", method, path, err)
	}
	return body, nil
}

// wrapSendError names the request in errors that are not Twilio's own.
func wrapSendError(err error, method, path string) error {
	var e *Error
	var unknown *OutcomeUnknownError
	if errors.As(err, &e) {
		return err
	}
	if errors.As(err, &unknown) {
		return unknown
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err // the URL is in our message already, without its host
	}
	return fmt.Errorf("twilio: %s %s: %w", method, path, err)
}
