package twiliotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/twiliosql/twiliosql/twiliotest"
)

func ExampleNewServer() {
	srv := twiliotest.NewServer(twiliotest.WithSeed(1))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/2010-04-01/Accounts/"+srv.AccountSid+"/Calls/"+twiliotest.FeedbackCallSid+".json", nil)
	req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var call struct {
		Sid    string `json:"sid"`
		Status string `json:"status"`
	}
	json.NewDecoder(resp.Body).Decode(&call)
	fmt.Println(resp.StatusCode, call.Sid, call.Status)
	fmt.Println(srv.RequestCount(), srv.Count("Messages"))
	// Output:
	// 200 CAdefbf2b4caa7df11dc48106385e32345 completed
	// 1 500
}

func ExampleServer_SetFaults() {
	srv := twiliotest.NewServer()
	defer srv.Close()
	srv.SetFaults(twiliotest.Faults{InternalError: 1, Methods: []string{"POST"}})

	form := url.Values{"To": {"+14155550100"}, "From": {twiliotest.WhatsAppNumber}, "Body": {"hi"}}
	req, _ := http.NewRequest("POST", srv.URL+"/2010-04-01/Accounts/"+srv.AccountSid+"/Messages.json", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	r := srv.Requests()[0]
	fmt.Println(resp.StatusCode, r.Fault, len(srv.Applied()), srv.Count("Messages"))
	// Output:
	// 500 500 0 500
}

// The validator judges every request against Twilio's OpenAPI spec. Here a
// POST forgets its Content-Type, so Twilio (and the emulator) read none of
// its parameters: the answer is Twilio's 21604, and with validation on (the
// default) the violations are recorded. NewTestServer(t) fails the test
// with them; WithSpecValidation(false) records nothing.
func ExampleWithSpecValidation() {
	for _, on := range []bool{true, false} {
		srv := twiliotest.NewServer(twiliotest.WithSpecValidation(on))
		form := url.Values{"To": {"+15005550006"}, "From": {twiliotest.WhatsAppNumber}, "Body": {"hi"}}
		req, _ := http.NewRequest("POST", srv.URL+"/2010-04-01/Accounts/"+srv.AccountSid+"/Messages.json", strings.NewReader(form.Encode()))
		req.SetBasicAuth(srv.AccountSid, srv.AuthToken) // no Content-Type
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		var answer struct {
			Code int `json:"code"`
		}
		json.NewDecoder(resp.Body).Decode(&answer)
		resp.Body.Close()
		fmt.Println("validation", on, "answer", resp.StatusCode, answer.Code)
		for _, v := range srv.SpecViolations() {
			fmt.Printf("  %s %s: %s\n", v.Operation, v.Field, v.Reason)
		}
		srv.Close()
	}
	// Output:
	// validation true answer 400 21604
	//   CreateMessage Content-Type: a POST body must be sent with Content-Type application/x-www-form-urlencoded (this one has none): Twilio reads none of its parameters
	//   CreateMessage To: required parameter missing
	// validation false answer 400 21604
}

// A subaccount's resources are read with the master account's credentials,
// under the subaccount's Sid.
func ExampleServer_SubaccountSids() {
	srv := twiliotest.NewServer()
	defer srv.Close()

	sub := srv.SubaccountSids()[0]
	req, _ := http.NewRequest("GET", srv.URL+"/2010-04-01/Accounts/"+sub+"/Calls.json", nil)
	req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Calls []struct {
			AccountSid string `json:"account_sid"`
		} `json:"calls"`
	}
	json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(len(srv.SubaccountSids()), resp.StatusCode, len(page.Calls), page.Calls[0].AccountSid == sub)
	// Output: 2 200 3 true
}
