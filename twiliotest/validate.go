package twiliotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/twiliosql/twiliosql/internal/spec"
)

// WithSpecValidation turns the OpenAPI validator on (the default) or off.
// When on, every request the server receives is checked against Twilio's
// OpenAPI spec for its operation (path, method, parameters, form body,
// content type) and every answer against the response schema for its status
// (error answers against Twilio's error shape {code, message, more_info,
// status}). Violations are recorded (SpecViolations; NewTestServer fails
// the test with them); a request that breaks the schema is answered 400
// with code 20001 and a message naming the operation, the field and the
// value. Off, the server answers as it would without the judge and records
// nothing, which saves the cost of validating every answer.
func WithSpecValidation(on bool) Option { return func(c *config) { c.noValidation = !on } }

// Violation is one departure from Twilio's OpenAPI spec seen by the
// validator: in a request the server received or in an answer it gave.
type Violation struct {
	Operation string // operationId, e.g. "UpdateCall"; "" when the request matches no operation
	Method    string
	Path      string
	Response  bool   // true: in the server's answer; false: in the request
	Status    int    // the answer's status (for a response violation)
	Field     string // the parameter or body field, e.g. "Status" or "calls/0/price"
	Value     string // the offending value, as received or sent ("" when missing)
	Reason    string
}

func (v Violation) String() string {
	var b strings.Builder
	side := "request"
	if v.Response {
		side = fmt.Sprintf("answer %d", v.Status)
	}
	op := v.Operation
	if op == "" {
		op = "no operation"
	}
	fmt.Fprintf(&b, "spec violation in the %s of %s (%s %s)", side, op, v.Method, v.Path)
	if v.Field != "" {
		fmt.Fprintf(&b, ": field %q", v.Field)
	}
	if v.Value != "" {
		fmt.Fprintf(&b, ", value %q", clip(v.Value, 120))
	}
	b.WriteString(": ")
	b.WriteString(v.Reason)
	return b.String()
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// SpecViolations returns the violations recorded so far, in order.
func (s *Server) SpecViolations() []Violation {
	s.violMu.Lock()
	defer s.violMu.Unlock()
	return slices.Clone(s.violations)
}

// TB is the part of testing.TB that NewTestServer uses.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
}

// NewTestServer starts a Server for the test t, with the spec validator on
// unless an option turns it off. At the end of the test it closes the
// server and fails the test with every spec violation recorded, so a
// request the real API would refuse, or an answer it would not give, cannot
// pass unnoticed.
func NewTestServer(t TB, opts ...Option) *Server {
	t.Helper()
	s := NewServer(opts...)
	s.FailOnViolations(t)
	return s
}

// FailOnViolations closes the server at the end of the test t and fails
// the test with every spec violation recorded; NewTestServer calls it, and
// a test that starts a server itself (StartTLS) can too.
func (s *Server) FailOnViolations(t TB) {
	t.Helper()
	t.Cleanup(func() {
		s.Close()
		for _, v := range s.SpecViolations() {
			t.Errorf("twiliotest: %s", v)
		}
		s.violMu.Lock()
		dropped := s.dropped
		s.violMu.Unlock()
		if dropped > 0 {
			t.Errorf("twiliotest: and %d more spec violations (only the first %d are kept)", dropped, maxViolations)
		}
	})
}

// validator judges requests and answers against the spec. One is built per
// process, from the spec loaded once.
type validator struct {
	router routers.Router
	opts   *openapi3filter.Options
}

var loadValidator = sync.OnceValues(func() (*validator, error) {
	doc, err := spec.Load()
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("twiliotest: routing the spec: %w", err)
	}
	return &validator{router: router, opts: &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("date-time-rfc-2822", openapi3.NewCallbackValidator(checkRFC2822)),
			openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(checkAbsoluteURI)),
		},
	}}, nil
})

func checkRFC2822(v string) error {
	if _, err := time.Parse(time.RFC1123Z, v); err != nil {
		return fmt.Errorf("not an RFC 2822 date (%s)", time.RFC1123Z)
	}
	return nil
}

func checkAbsoluteURI(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return errors.New("not an absolute URI")
	}
	return nil
}

// judgement is the validator's view of one request.
type judgement struct {
	v      *validator
	input  *openapi3filter.RequestValidationInput
	op     string
	method string
	path   string
	reject int // index in found of the violation answered 400; -1: none
	found  []Violation
}

const formType = "application/x-www-form-urlencoded"

// isForm reports whether a request's body is a form Twilio reads.
func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == formType
}

// judgeRequest checks a request; body is its body as read.
func (v *validator) judgeRequest(r *http.Request, body []byte) *judgement {
	j := &judgement{v: v, method: r.Method, path: r.URL.Path, reject: -1}
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		reason := "no operation of the spec has this path"
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			reason = "the spec has no operation for this method on this path"
		}
		j.add(Violation{Reason: reason}, false)
		return j
	}
	j.op = route.Operation.OperationID
	req := r.Clone(r.Context())
	if route.Operation.RequestBody != nil || len(body) > 0 {
		if !isForm(r) {
			ct := r.Header.Get("Content-Type")
			if ct == "" {
				ct = "none"
			}
			j.add(Violation{Field: "Content-Type", Value: r.Header.Get("Content-Type"),
				Reason: fmt.Sprintf("a %s body must be sent with Content-Type %s (this one has %s): Twilio reads none of its parameters", r.Method, formType, ct)}, false)
			body = nil // as Twilio sees it
		}
		req.Header.Set("Content-Type", formType)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	j.input = &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: v.opts}
	j.unknownParams(route.Operation, r.URL.Query(), body)
	if err := openapi3filter.ValidateRequest(context.Background(), j.input); err != nil {
		j.requestErrors(err, r.URL.Query(), body)
	}
	return j
}

// unknownParams flags parameters the operation does not declare: the spec
// does not forbid them, but a misspelt parameter is a mistake Twilio
// ignores or refuses, never obeys.
func (j *judgement) unknownParams(op *openapi3.Operation, query url.Values, body []byte) {
	declared := map[string]bool{}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "query" {
			declared[p.Value.Name] = true
		}
	}
	for _, name := range sortedKeys(query) {
		if !declared[name] {
			j.add(Violation{Field: name, Value: query.Get(name), Reason: "unknown query parameter: " + j.op + " does not declare it"}, true)
		}
	}
	if len(body) == 0 {
		// The library skips an empty body; Twilio sees a request without
		// any of the required parameters.
		if mt := formSchema(op); mt != nil {
			for _, name := range mt.Required {
				j.add(Violation{Field: name, Reason: "required parameter missing"}, false)
			}
		}
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		j.add(Violation{Field: "body", Reason: "the form body does not parse: " + err.Error()}, true)
		return
	}
	props := map[string]bool{}
	if s := formSchema(op); s != nil {
		for name := range s.Properties {
			props[name] = true
		}
	}
	for _, name := range sortedKeys(form) {
		if !props[name] {
			j.add(Violation{Field: name, Value: form.Get(name), Reason: "unknown parameter: " + j.op + " has no such form field"}, true)
		}
	}
}

// formSchema is the schema of an operation's form body, or nil.
func formSchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get(formType)
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rejectedKeywords are the schema keywords whose violation the server
// answers 400 / 20001 itself. A missing required parameter, a bad format
// (URLs, phone numbers) and a malformed Sid in the path are left to the
// handlers, which answer Twilio's specific codes (21604, 21502, 21211, 404).
var rejectedKeywords = map[string]bool{
	"enum": true, "type": true, "pattern": true, "minimum": true, "maximum": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true, "multipleOf": true,
}

// requestErrors turns the library's errors into violations.
func (j *judgement) requestErrors(err error, query url.Values, body []byte) {
	form, _ := url.ParseQuery(string(body))
	for _, e := range flatten(err) {
		var re *openapi3filter.RequestError
		if !errors.As(e, &re) {
			j.add(Violation{Reason: e.Error()}, false)
			continue
		}
		var pe *openapi3filter.ParseError
		if errors.As(re.Err, &pe) {
			field := pathText(pe.Path())
			if re.Parameter != nil {
				field = re.Parameter.Name
			}
			top, _, _ := strings.Cut(field, "/")
			val := valueText(pe.Value)
			if pe.Value == nil {
				val = strings.Join(append(query[top], form[top]...), ",")
			}
			j.add(Violation{Field: field, Value: val, Reason: "malformed value: " + parseReason(pe)}, true)
			continue
		}
		ses := flattenSchema(re.Err)
		if len(ses) == 0 {
			v := Violation{Reason: reasonOf(re)}
			if re.Parameter != nil {
				v.Field = re.Parameter.Name
			}
			j.add(v, re.Parameter != nil && re.Parameter.In == "query")
			continue
		}
		for _, se := range ses {
			v := Violation{Reason: se.Reason}
			reject := rejectedKeywords[se.SchemaField]
			switch {
			case re.Parameter != nil:
				v.Field = re.Parameter.Name
				v.Value = query.Get(v.Field)
				if re.Parameter.In == "path" {
					v.Value = j.input.PathParams[v.Field]
					reject = false
				}
			case se.SchemaField == "required":
				v.Field = pathText(se.JSONPointer())
				v.Reason = "required parameter missing"
			default:
				v.Field = pathText(se.JSONPointer())
				top, _, _ := strings.Cut(v.Field, "/")
				v.Value = strings.Join(form[top], ",")
			}
			j.add(v, reject)
		}
	}
}

func pathText[T any](path []T) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, "/")
}

func parseReason(pe *openapi3filter.ParseError) string {
	r := pe.Reason
	for c := pe.Cause; c != nil; {
		var inner *openapi3filter.ParseError
		if errors.As(c, &inner) {
			if inner.Reason != "" {
				r += ": " + inner.Reason
			}
			c = inner.Cause
			continue
		}
		r += ": " + c.Error()
		break
	}
	return r
}

func reasonOf(re *openapi3filter.RequestError) string {
	var se *openapi3.SchemaError
	if errors.As(re.Err, &se) {
		return se.Reason
	}
	if re.Err != nil {
		return re.Err.Error()
	}
	return re.Reason
}

// flatten splits a top-level MultiError, keeping each error's wrapping.
func flatten(err error) []error {
	if me, ok := err.(openapi3.MultiError); ok {
		var out []error
		for _, e := range me {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// flattenSchema finds every SchemaError inside err, MultiErrors included.
func flattenSchema(err error) []*openapi3.SchemaError {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []*openapi3.SchemaError
		for _, e := range me {
			out = append(out, flattenSchema(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []*openapi3.SchemaError{se}
	}
	return nil
}

// add records a violation; reject makes the server answer 400 for it.
func (j *judgement) add(v Violation, reject bool) {
	v.Operation, v.Method, v.Path = j.op, j.method, j.path
	j.found = append(j.found, v)
	if reject && j.reject < 0 && j.op != "" {
		j.reject = len(j.found) - 1
	}
}

// rejection is the 400 answer to a request that breaks the schema.
func (j *judgement) rejection() *apiError {
	v := j.found[j.reject]
	return errParam("Invalid parameter %s (value '%s') of %s: %s [twiliotest: derived from Twilio's OpenAPI spec]", v.Field, clip(v.Value, 120), v.Operation, v.Reason)
}

// judgeResponse checks an answer; faulted answers (injected on purpose) are
// not judged.
func (j *judgement) judgeResponse(status int, header http.Header, raw []byte) {
	add := func(field, value, reason string) {
		j.found = append(j.found, Violation{Operation: j.op, Method: j.method, Path: j.path, Response: true, Status: status, Field: field, Value: value, Reason: reason})
	}
	if status >= 400 {
		if reason := checkErrorShape(status, raw); reason != "" {
			add("", clip(string(raw), 200), reason)
		}
		return
	}
	if j.input == nil {
		return
	}
	in := &openapi3filter.ResponseValidationInput{RequestValidationInput: j.input, Status: status, Header: header, Options: j.v.opts}
	in.SetBodyBytes(raw)
	err := openapi3filter.ValidateResponse(context.Background(), in)
	if err == nil {
		return
	}
	for _, e := range flatten(err) {
		ses := flattenSchema(e)
		if len(ses) == 0 {
			add("", "", e.Error())
			continue
		}
		for _, s := range ses {
			add(strings.Join(s.JSONPointer(), "/"), valueText(s.Value), s.Reason)
		}
	}
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// checkErrorShape checks Twilio's error body: {code, message, more_info,
// status[, details]}, status repeating the HTTP status. The spec has no
// error schema; this shape is twilio-go's TwilioRestError.
func checkErrorShape(status int, raw []byte) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return "an error answer is not a JSON object"
	}
	var e struct {
		Code     *int    `json:"code"`
		Message  *string `json:"message"`
		MoreInfo *string `json:"more_info"`
		Status   *int    `json:"status"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return "an error answer's fields have the wrong types: " + err.Error()
	}
	switch {
	case e.Code == nil || e.Message == nil || e.MoreInfo == nil || e.Status == nil:
		return "an error answer lacks one of code, message, more_info, status"
	case *e.Status != status:
		return fmt.Sprintf("an error answer's status %d differs from the HTTP status", *e.Status)
	case *e.Message == "":
		return "an error answer's message is empty"
	case !strings.HasPrefix(*e.MoreInfo, "https://www.twilio.com/docs/errors/"):
		return "an error answer's more_info is not a Twilio error page"
	}
	for k := range m {
		switch k {
		case "code", "message", "more_info", "status", "details":
		default:
			return fmt.Sprintf("an error answer has an unknown field %q", k)
		}
	}
	return ""
}

// recordViolations files a judgement's findings.
func (s *Server) recordViolations(vs []Violation) {
	if len(vs) == 0 {
		return
	}
	s.violMu.Lock()
	room := max(0, maxViolations-len(s.violations))
	if len(vs) > room {
		s.dropped += len(vs) - room
		vs = vs[:room]
	}
	s.violations = append(s.violations, vs...)
	s.violMu.Unlock()
}

// maxViolations bounds the violations kept: a long-running server fed bad
// requests must not grow without end.
const maxViolations = 1000
