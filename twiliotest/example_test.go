package twiliotest_test

import (
	"encoding/json"
	"fmt"
	"net/http"

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
