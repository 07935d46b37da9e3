package twiliotest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

const apiPrefix = "/2010-04-01/Accounts/"

// ctx is one request being served.
type ctx struct {
	s       *Server
	st      *state
	method  string
	path    string
	q       url.Values  // decoded query
	qOrder  [][2]string // decoded query pairs, in received order
	form    url.Values  // POST body
	sid     string      // Sid captured from the path, if any
	created string      // Sid of the row a create added
	base    string      // "/2010-04-01/Accounts/AC…"
	req     *http.Request
	body    []byte     // the request's body as read (POST, PUT, PATCH)
	judge   *judgement // the spec validator's view of the request
}

// handler answers a status and a body: *apiError, []byte (raw JSON), nil
// (no body) or a value encoded as JSON.
type handler func(c *ctx) (int, any)

type methods map[string]handler

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	s.chaos.requests.Add(1)
	c := &ctx{s: s, st: s.st, method: r.Method, path: r.URL.Path, req: r}
	c.q, _ = url.ParseQuery(r.URL.RawQuery)
	c.qOrder = orderedQuery(r.URL.RawQuery)
	if r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch {
		c.body, _ = io.ReadAll(io.LimitReader(r.Body, 32<<20))
		c.form = url.Values{}
		if isForm(r) {
			// Twilio reads a body only when it is declared a form: without
			// the Content-Type a POST has no parameters.
			c.form, _ = url.ParseQuery(string(c.body))
		}
	}
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: c.q, Form: c.form, Header: r.Header.Clone(), Time: arrived}
	rp := s.serve(c, w, &rec)
	rec.Status = rp.status
	if c.judge == nil && s.judging && rp.status >= 400 {
		// Refused before the request was judged (401, a rate cap's 429):
		// the answer still has to be Twilio's error shape.
		c.judge = &judgement{method: r.Method, path: r.URL.Path, reject: -1}
	}
	if c.judge != nil && s.judging {
		if rp.status != 0 && !rp.reset && rec.Fault != FaultUnavailable && rec.Fault != FaultTruncate {
			h := w.Header().Clone()
			if rp.raw != nil {
				h.Set("Content-Type", rp.ctype)
			}
			c.judge.judgeResponse(rp.status, h, rp.raw)
		}
		s.recordViolations(c.judge.found)
	}
	// Logged before answering: once the client has its answer, Requests
	// and SpecViolations have it.
	s.record(rec)
	switch {
	case rp.reset:
		resetConn(w)
	case rp.status != 0:
		writeRaw(w, rp.status, rp.raw, rp.ctype)
	}
}

// reply is the answer to send.
type reply struct {
	status int // 0: none (reset, or the client went away)
	raw    []byte
	ctype  string
	reset  bool // close the connection without answering
}

func jsonReply(status int, body any) reply {
	return reply{status: status, raw: replyBytes(body), ctype: "application/json; charset=utf-8"}
}

// serve works out the answer to a request, applying the latency, the rate
// and concurrency caps and the injected faults (noted in rec.Fault).
func (s *Server) serve(c *ctx, w http.ResponseWriter, rec *Request) reply {
	ch := &s.chaos
	ctx := c.req.Context()
	if aerr := s.authenticate(w, c.req); aerr != nil {
		if !wait(ctx, ch.latency()) {
			return reply{}
		}
		return jsonReply(aerr.Status, aerr)
	}
	if !ch.admit() {
		ch.throttled.Add(1)
		if !wait(ctx, ch.latency()) {
			return reply{}
		}
		return jsonReply(http.StatusTooManyRequests, errTooManyRequests())
	}
	defer ch.release()
	// Twilio refuses what the spec forbids: the request is checked whether
	// or not violations are recorded.
	c.judge = s.validator.judgeRequest(c.req, c.body)

	f := ch.draw(c.method)
	faulted := func() {
		rec.Fault = f.name
		ch.faulted.Add(1)
	}
	if f.name == FaultDelay {
		faulted()
	}
	if !wait(ctx, ch.latency()+f.delay) {
		return reply{}
	}
	switch f.name {
	case FaultTooManyRequests:
		faulted()
		return jsonReply(http.StatusTooManyRequests, errTooManyRequests())
	case FaultTooManyRequestsRetryAfter:
		faulted()
		w.Header().Set("Retry-After", retryAfterHeader(f.retry))
		return jsonReply(http.StatusTooManyRequests, errTooManyRequests())
	case FaultInternalError:
		faulted()
		return jsonReply(http.StatusInternalServerError, errInternal())
	case FaultUnavailable:
		faulted()
		return reply{status: http.StatusServiceUnavailable, raw: []byte(unavailableHTML), ctype: "text/html"}
	case FaultReset:
		faulted()
		return reply{reset: true}
	}

	var rp reply
	if c.judge != nil && c.judge.reject >= 0 {
		rp = jsonReply(http.StatusBadRequest, c.judge.rejection())
	} else {
		rp = jsonReply(s.dispatch(c, w))
	}
	switch {
	case f.name == FaultTruncate && len(rp.raw) > 0:
		faulted()
		rp.raw = rp.raw[:f.rng.IntN(len(rp.raw))]
	case f.name == FaultApplyThenFail && rp.status >= 200 && rp.status < 300:
		faulted()
		if f.reset {
			return reply{reset: true}
		}
		return jsonReply(http.StatusInternalServerError, errInternal())
	}
	return rp
}

// replyBytes encodes a handler's body: *apiError, []byte (raw JSON), nil
// (no body) or a value encoded as JSON.
func replyBytes(body any) []byte {
	switch b := body.(type) {
	case nil:
		return nil
	case []byte:
		return b
	default:
		return encodeJSON(b)
	}
}

// writeRaw sends an answer; a nil raw sends no body and no Content-Type.
func writeRaw(w http.ResponseWriter, status int, raw []byte, contentType string) {
	if raw != nil {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(raw)))
	}
	w.WriteHeader(status)
	if len(raw) > 0 {
		w.Write(raw)
	}
}

// encodeJSON encodes v without HTML escaping and without a trailing newline.
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	appendJSON(&buf, v)
	return buf.Bytes()
}

func appendJSON(buf *bytes.Buffer, v any) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("twiliotest: encoding JSON: " + err.Error())
	}
	buf.Truncate(buf.Len() - 1)
}

// orderedQuery decodes a raw query keeping the order of the pairs.
func orderedQuery(raw string) [][2]string {
	var out [][2]string
	for raw != "" {
		var kv string
		kv, raw, _ = strings.Cut(raw, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, [2]string{k, v})
	}
	return out
}

// dispatch serves an authenticated request.
func (s *Server) dispatch(c *ctx, w http.ResponseWriter) (int, any) {
	if c.path == "/2010-04-01/Accounts.json" {
		// The account and its subaccounts, served from the spec.
		c.base = apiPrefix + s.AccountSid
		if m := s.genericMethods(c); m != nil {
			return s.run(c, w, m)
		}
	}
	if !strings.HasPrefix(c.path, apiPrefix) {
		return 404, errNotFound(c.path)
	}
	rest := c.path[len(apiPrefix):]
	acct, sub, hasSub := strings.Cut(rest, "/")
	if !hasSub {
		// /2010-04-01/Accounts/{Sid}.json
		sid, ok := strings.CutSuffix(acct, ".json")
		if !ok || !validSid(sid, "AC") {
			return 404, errNotFound(c.path)
		}
		if s.generic.isSub(sid) || sid == s.AccountSid && c.method != http.MethodGet {
			c.base = apiPrefix + sid
			if m := s.genericMethods(c); m != nil {
				return s.run(c, w, m)
			}
		}
		if sid != s.AccountSid {
			return 403, errForbidden()
		}
		c.base = apiPrefix + s.AccountSid
		return s.run(c, w, methods{"GET": getAccount})
	}
	if !validSid(acct, "AC") {
		return 404, errNotFound(c.path)
	}
	if acct != s.AccountSid && !s.generic.isSub(acct) {
		return 403, errForbidden()
	}
	c.base = apiPrefix + acct
	var m methods
	if acct == s.AccountSid {
		// The hand-written resources of the account itself; a
		// subaccount's are all served from the spec.
		m = route(c, sub)
	}
	if m == nil {
		m = s.genericMethods(c)
	}
	if m == nil {
		return 404, errNotFound(c.path)
	}
	return s.run(c, w, m)
}

func (s *Server) run(c *ctx, w http.ResponseWriter, m methods) (int, any) {
	h, ok := m[c.method]
	if !ok {
		allow := make([]string, 0, len(m))
		for k := range m {
			allow = append(allow, k)
		}
		sort.Strings(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return 405, errMethod(c.method, c.path)
	}
	if c.method == http.MethodGet {
		s.mu.RLock()
		defer s.mu.RUnlock()
	} else {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	status, body := h(c)
	if c.method != http.MethodGet && status >= 200 && status < 300 {
		sid := c.sid
		if c.created != "" {
			sid = c.created
		}
		s.applied = append(s.applied, Write{Method: c.method, Path: c.path, Form: cloneValues(c.form), Sid: sid})
	}
	// Encoded here, under the lock: a handler may answer a pointer into the
	// stored rows, which the next write changes as soon as the lock is free.
	return status, replyBytes(body)
}

// route maps the part of the path after the account to its methods.
func route(c *ctx, sub string) methods {
	seg := strings.Split(sub, "/")
	item := func(s string) bool {
		sid, ok := strings.CutSuffix(s, ".json")
		if ok && sid != "" {
			c.sid = sid
		}
		return ok && sid != ""
	}
	switch len(seg) {
	case 1:
		switch seg[0] {
		case "Calls.json":
			return methods{"GET": listCalls, "POST": createCall}
		case "Messages.json":
			return methods{"GET": listMessages, "POST": createMessage}
		case "Recordings.json":
			return methods{"GET": listRecordings}
		case "IncomingPhoneNumbers.json":
			return methods{"GET": listNumbers, "POST": createNumber}
		case "OutgoingCallerIds.json":
			return methods{"GET": listCallerIDs, "POST": createCallerID}
		}
	case 2:
		if seg[0] == "IncomingPhoneNumbers" && (seg[1] == "Local.json" || seg[1] == "Mobile.json" || seg[1] == "TollFree.json") {
			return nil // served from the spec
		}
		if seg[0] == "Calls" && seg[1] == "FeedbackSummary.json" {
			return methods{"POST": createSummary}
		}
		if !item(seg[1]) {
			return nil
		}
		switch seg[0] {
		case "Calls":
			return methods{"GET": getCall, "POST": updateCall, "DELETE": deleteCall}
		case "Messages":
			return methods{"GET": getMessage, "POST": updateMessage, "DELETE": deleteMessage}
		case "Recordings":
			return methods{"GET": getRecording, "DELETE": deleteRecording}
		case "IncomingPhoneNumbers":
			return methods{"GET": getNumber, "POST": updateNumber, "DELETE": deleteNumber}
		case "OutgoingCallerIds":
			return methods{"GET": getCallerID, "POST": updateCallerID, "DELETE": deleteCallerID}
		}
	case 3:
		if seg[0] != "Calls" {
			return nil
		}
		if seg[1] == "FeedbackSummary" && item(seg[2]) {
			return methods{"GET": getSummary, "DELETE": deleteSummary}
		}
		if seg[2] == "Feedback.json" && seg[1] != "" {
			c.sid = seg[1]
			return methods{"GET": getFeedback, "POST": updateFeedback}
		}
	}
	return nil
}

func validSid(s, prefix string) bool {
	_, ok := parseSid(s, prefix)
	return ok
}

// uri returns the account-relative URI of a resource path.
func (c *ctx) uri(p string) string { return c.base + "/" + p }
