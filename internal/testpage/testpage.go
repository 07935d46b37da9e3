// Package testpage records list pages as the emulator answers them, so that
// tests and benchmarks can decode the same bytes held in memory, apart from
// the emulator's cost. It is shared by the decoder's tests in
// internal/planner and internal/planner/exec.
package testpage

import (
	"io"
	"net/http"
	"testing"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Recorded is a 1000-row list page of t as the emulator answers it.
func Recorded(tb testing.TB, t *schema.Table) []byte {
	tb.Helper()
	srv := twiliotest.NewServer(twiliotest.WithSize(twiliotest.Size{Calls: 1000, Messages: 1000}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/2010-04-01/Accounts/"+srv.AccountSid+"/"+t.ListPath+"?PageSize=1000", nil)
	req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		tb.Fatalf("recording a page of %s: %d %v", t.Name, resp.StatusCode, err)
	}
	return body
}
