// Package twiliotest is an in-process emulator of the Twilio 2010 REST API
// (https://api.twilio.com/2010-04-01), shaped like net/http/httptest.
//
// A Server serves deterministic, seeded data for Calls, Messages, Recordings,
// IncomingPhoneNumbers, OutgoingCallerIds, Call Feedback and FeedbackSummary,
// with Twilio's paging envelope, filters, validation errors and status codes.
// Every other resource of the catalog, and every resource of the account's
// subaccounts (SubaccountSids), is served from the spec (generic.go): rows
// from the spec's examples made to satisfy the response schemas, with
// deterministic Sids and the path's keys; list, fetch, create, update and
// delete, with paging and the list operation's equality filters.
// It is used by the driver's tests, by the CLI's demo mode and by users' own
// tests.
//
// Usage:
//
//	srv := twiliotest.NewTestServer(t, twiliotest.WithSeed(7)) // closed and judged at the end of the test
//
//	db, err := sql.Open("twilio", srv.DSN())
//	...
//
//	// or talk HTTP directly:
//	req, _ := http.NewRequest("GET", srv.URL+"/2010-04-01/Accounts/"+srv.AccountSid+"/Messages.json?PageSize=2", nil)
//	req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
//	resp, err := http.DefaultClient.Do(req)
//
// Data is a pure function of the seed, the Size and the clock (WithNow):
// two servers built with the same options serve byte-identical responses.
// WithCallStartDelay(d) starts seeded calls up to d after their creation, so StartTime strays from the list order.
// Some rows are well known and always present (see RecordingSid,
// DeletableCallSid, FeedbackCallSid, WhatsAppNumberSid, OutgoingCallerIdSid).
//
// A test can also make the server misbehave, from the start with options
// or at run time, typically after seeding it:
//
//	srv := twiliotest.NewServer(twiliotest.WithLatency(20*time.Millisecond, 10*time.Millisecond))
//	// ... seed ...
//	srv.SetFaults(twiliotest.Faults{TooManyRequests: 0.2, ApplyThenFail: 0.1, Methods: []string{"POST"}})
//	srv.SetRateLimit(50, 10) // 429 (code 20429) above 50 requests/s
//	srv.SetMaxConcurrent(4)  // 429 beyond 4 requests in flight
//	// ... run the code under test, then check:
//	srv.Requests() // each request's Status and Fault ("429", "reset", ...)
//	srv.Applied()  // writes that reached the store, e.g. no create applied twice
//	srv.Stats()    // Requests, Throttled, Faulted, MaxInFlight
//
// Fault draws are a pure function of the seed and of the requests since
// SetFaults, so a sequential run meets the same faults every time.
//
// # Twilio's OpenAPI spec as the judge
//
// Every request is checked against Twilio's OpenAPI description of the
// operation it names (internal/spec: twilio_api_v2010.json, plus the
// 2024-02-09 version for Call Feedback and FeedbackSummary), through
// github.com/getkin/kin-openapi's openapi3filter; the spec is parsed once
// per process (about 0.2 s). The emulator is as strict as Twilio:
//   - A POST whose Content-Type is not application/x-www-form-urlencoded
//     has no parameters, as at Twilio, which reads a body only when it is
//     declared a form: the answer is the handler's error for the first
//     missing parameter (21604 for Messages' To, 21201 for Calls' To, …).
//   - A parameter the operation does not declare (misspelt, or from another
//     operation), a value outside the spec's enum, a malformed integer or
//     boolean, a string breaking the spec's pattern or length, a number out
//     of range: 400 with code 20001 and the message "Invalid parameter
//     <name> (value '<value>') of <operationId>: <reason> [twiliotest:
//     derived from Twilio's OpenAPI spec]". Twilio's exact code and wording
//     for these cases are not documented; 20001 ("Invalid parameter") is
//     the code Twilio uses for invalid parameters, and the rest is derived
//     from the spec.
//   - Where Twilio has a specific code the handlers give it, and the spec
//     check steps aside: a missing required parameter (21201, 21213, 21602,
//     21603, 21604, 21452, 21401, …), an invalid URL (21205, 21502), phone
//     number (21211, 21212, 21421) or Sid in the path (404, 20404).
//
// With WithSpecValidation(true), the default, the server also records
// every violation (SpecViolations), including those it answers as Twilio
// would, and checks every answer it gives against the response schema for
// its status code; error answers, which the spec does not describe, against
// Twilio's error shape {code, message, more_info, status}. NewTestServer(t)
// and Server.FailOnViolations(t) fail the test with them, naming the
// operationId, the field and the value. The three places where Twilio's own
// examples show the real API departing from its schema (relative page
// URIs, "" for unset application Sids, date filters as YYYY-MM-DD) are
// allowed and listed in spec.Exceptions and in README's testing section.
// At most 1000 violations are kept per server.
//
// Simplifications compared with the real API are documented next to the code
// concerned; the most visible ones are:
//   - POST OutgoingCallerIds.json (CreateValidationRequest) answers the
//     validation_request body and immediately adds the caller id to the
//     store, as if the validation call had succeeded.
//   - Nothing ever progresses on its own: a queued message stays queued
//     and a FeedbackSummary is answered "queued" on creation and "completed"
//     when fetched.
//   - Call Feedback POST answers 200 on create and update alike, as the
//     last spec that had the resource (2024-02-09) says.
package twiliotest
