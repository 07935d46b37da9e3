// Package twiliotest is an in-process emulator of the Twilio 2010 REST API
// (https://api.twilio.com/2010-04-01), shaped like net/http/httptest.
//
// A Server serves deterministic, seeded data for Calls, Messages, Recordings,
// IncomingPhoneNumbers, OutgoingCallerIds, Call Feedback and FeedbackSummary,
// with Twilio's paging envelope, filters, validation errors and status codes.
// It is used by the driver's tests, by the CLI's demo mode and by users' own
// tests.
//
// Usage:
//
//	srv := twiliotest.NewServer(twiliotest.WithSeed(7))
//	defer srv.Close()
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
