package twiliotest

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Default credentials of the emulated account (used unless WithCredentials is given).
const (
	DefaultAccountSid = "AC5ef872f6da5a21de157d80997a64bd33"
	DefaultAuthToken  = "5f1b2c9d8e7a6b4c3d2e1f0a9b8c7d6e"
)

// Server is a running (or not yet started) Twilio API emulator.
type Server struct {
	URL        string // base URL, e.g. "http://127.0.0.1:41234"; set by Start/StartTLS
	AccountSid string // "AC" + 32 hex
	AuthToken  string // 32 alphanumeric characters

	ts  *httptest.Server
	tls bool

	mu      sync.RWMutex // guards st and applied
	st      *state
	applied []Write
	generic *genericStore // the resources served from the spec, and subaccounts

	chaos chaos

	logMu sync.Mutex
	log   []Request

	validator  *validator // checks requests against the spec, always
	judging    bool       // record violations and judge answers (WithSpecValidation)
	violMu     sync.Mutex
	violations []Violation // the first maxViolations
	dropped    int         // violations beyond them
}

// Request is one request the server received, as logged by Requests.
type Request struct {
	Method string
	Path   string      // URL path, without the query
	Query  url.Values  // query parameters as received (decoded)
	Form   url.Values  // POST body parameters: nil for other methods, empty when the body is not a form (Twilio reads no parameters then)
	Header http.Header // the request's headers
	Status int         // HTTP status answered; 0 if none was (connection reset, client gone)
	Fault  string      // injected fault, e.g. "500" (see the Fault constants); "" if none
	Time   time.Time   // when the request arrived (to judge rates and concurrency)
}

// Size is the number of seeded rows per resource. A zero field means the
// default (200 calls, 500 messages, 60 recordings, 12 incoming phone numbers,
// 6 outgoing caller ids); a negative field means none.
type Size struct {
	Calls, Messages, Recordings, IncomingPhoneNumbers, OutgoingCallerIds int
}

// DefaultSize is the Size used when WithSize is not given.
var DefaultSize = Size{Calls: 200, Messages: 500, Recordings: 60, IncomingPhoneNumbers: 12, OutgoingCallerIds: 6}

// DefaultNow is the emulator's fixed clock unless WithNow is given.
var DefaultNow = time.Date(2026, time.June, 15, 12, 0, 0, 0, time.UTC)

type config struct {
	seed       int64
	accountSid string
	authToken  string
	size       Size
	now        time.Time

	callStartDelay time.Duration // WithCallStartDelay
	noValidation   bool          // WithSpecValidation(false)

	faults              Faults
	latFixed, latJitter time.Duration
	rps                 float64
	burst               int
	maxConc             int
}

// Option configures a Server.
type Option func(*config)

// WithSeed sets the seed of the generated data (default 1). The same seed,
// size and clock give byte-identical data.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithCredentials sets the account's Sid and auth token.
func WithCredentials(accountSid, authToken string) Option {
	return func(c *config) { c.accountSid, c.authToken = accountSid, authToken }
}

// WithSize sets how many rows of each resource are seeded; zero fields keep
// their default.
func WithSize(sz Size) Option { return func(c *config) { c.size = sz } }

// WithNow sets the emulator's clock: seeded data lies before it, and created
// or updated rows are stamped with it. The clock does not advance.
func WithNow(t time.Time) Option { return func(c *config) { c.now = t.UTC() } }

func (c *config) normalize() {
	fix := func(v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0
		}
	}
	fix(&c.size.Calls, DefaultSize.Calls)
	fix(&c.size.Messages, DefaultSize.Messages)
	fix(&c.size.Recordings, DefaultSize.Recordings)
	fix(&c.size.IncomingPhoneNumbers, DefaultSize.IncomingPhoneNumbers)
	fix(&c.size.OutgoingCallerIds, DefaultSize.OutgoingCallerIds)
}

// NewServer starts and returns a new plain-HTTP Server on 127.0.0.1.
// The caller should call Close when finished.
func NewServer(opts ...Option) *Server {
	s := NewUnstartedServer(opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a new Server with its data seeded but not yet
// listening. Call Start or StartTLS, then Close.
func NewUnstartedServer(opts ...Option) *Server {
	cfg := config{seed: 1, accountSid: DefaultAccountSid, authToken: DefaultAuthToken, now: DefaultNow}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.normalize()
	s := &Server{AccountSid: cfg.accountSid, AuthToken: cfg.authToken}
	s.st = newState(cfg)
	s.generic = newGenericStore(s.st)
	v, err := loadValidator()
	if err != nil {
		panic("twiliotest: the embedded OpenAPI spec does not load: " + err.Error())
	}
	s.validator, s.judging = v, !cfg.noValidation
	cfg.applyChaos(s)
	s.ts = httptest.NewUnstartedServer(s.Handler())
	return s
}

// Start starts the server (plain HTTP).
func (s *Server) Start() {
	s.ts.Start()
	s.URL = s.ts.URL
}

// StartTLS starts the server with TLS; use Client or Certificate to trust it.
func (s *Server) StartTLS() {
	s.ts.StartTLS()
	s.tls = true
	s.URL = s.ts.URL
}

// Close shuts the server down and blocks until all outstanding requests
// have completed.
func (s *Server) Close() { s.ts.Close() }

// Certificate returns the certificate used by the server, or nil if it is
// not using TLS.
func (s *Server) Certificate() *x509.Certificate { return s.ts.Certificate() }

// Client returns an HTTP client configured for making requests to the
// server (it trusts the server's TLS certificate).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Handler returns the emulator's http.Handler, usable without a listener.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// DSN returns the data source name the twiliosql driver uses to reach this
// server: "twilio://<AccountSid>:<AuthToken>@127.0.0.1:<port>/?tls=false"
// (without "?tls=false" once started with StartTLS).
func (s *Server) DSN() string {
	host := strings.TrimPrefix(strings.TrimPrefix(s.URL, "https://"), "http://")
	u := url.URL{Scheme: "twilio", User: url.UserPassword(s.AccountSid, s.AuthToken), Host: host, Path: "/"}
	if !s.tls {
		u.RawQuery = "tls=false"
	}
	return u.String()
}

// Requests returns a copy of every request served so far, in order,
// including rejected ones.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: cloneValues(r.Query), Form: cloneValues(r.Form), Header: r.Header.Clone(), Status: r.Status, Fault: r.Fault, Time: r.Time}
	}
	return out
}

// RequestCount returns how many requests were served so far.
func (s *Server) RequestCount() int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return len(s.log)
}

// ResetRequests forgets the requests logged so far.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	s.log = nil
	s.logMu.Unlock()
}

// Now returns the emulator's (fixed) clock.
func (s *Server) Now() time.Time { return s.st.now }

// Count returns the number of live (not deleted) rows of a resource, named
// as in the API path or its list key, case-insensitively: "Calls",
// "Messages", "Recordings", "IncomingPhoneNumbers", "OutgoingCallerIds",
// "Feedback" (calls with feedback), "FeedbackSummary". It returns -1 for an
// unknown name.
func (s *Server) Count(resource string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	switch strings.ToLower(strings.ReplaceAll(resource, "_", "")) {
	case "calls", "call":
		return st.calls.idx.live
	case "messages", "message":
		return st.msgs.idx.live
	case "recordings", "recording":
		return st.liveRecordings()
	case "incomingphonenumbers", "incomingphonenumber":
		return st.nums.idx.live
	case "outgoingcallerids", "outgoingcallerid":
		return st.cids.idx.live
	case "feedback", "callfeedback":
		n := 0
		for row := range st.feedback {
			if !st.calls.idx.dead[row] {
				n++
			}
		}
		return n
	case "feedbacksummary", "feedbacksummaries", "callfeedbacksummary":
		return len(st.summaries)
	}
	return -1
}

// Exists reports whether a row with this Sid is live in any resource.
func (s *Server) Exists(sid string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.st
	for _, x := range []*index{&st.calls.idx, &st.msgs.idx, &st.recs.idx, &st.nums.idx, &st.cids.idx} {
		if _, ok := x.find(sid); ok {
			return true
		}
	}
	_, ok := st.summaries[sid]
	return ok
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func (s *Server) record(r Request) {
	s.logMu.Lock()
	s.log = append(s.log, r)
	s.logMu.Unlock()
}
