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
// Some rows are well known and always present (see RecordingSid,
// DeletableCallSid, FeedbackCallSid, WhatsAppNumberSid, OutgoingCallerIdSid).
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
