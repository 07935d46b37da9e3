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
