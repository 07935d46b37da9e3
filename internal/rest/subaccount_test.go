package rest

import (
	"strings"
	"testing"
)

// A subaccount's list, read with the master's credentials, pages under the
// subaccount: next_page_uri must stay under the account of the listing's
// own path, whichever account the credentials are.
func TestCheckNextFollowsTheListingsAccount(t *testing.T) {
	const sub = "AC00000000000000000000000000000abc"
	const other = "ACfedcba9876543210fedcba9876543210"
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token"})
	if err != nil {
		t.Fatal(err)
	}
	subList := APIVersion + "/Accounts/" + sub + "/Calls.json"
	masterList := APIVersion + "/Accounts/" + testAccount + "/Calls.json"
	accounts := APIVersion + "/Accounts.json"
	tests := []struct {
		list, next string
		refusal    string // "" when accepted
	}{
		{subList, subList + "?PageSize=50&Page=1&PageToken=PA1", ""},
		{masterList, masterList + "?Page=1", ""},
		{subList, masterList + "?Page=1", "in another account"},
		{subList, APIVersion + "/Accounts/" + other + "/Calls.json?Page=1", "in another account"},
		{masterList, subList + "?Page=1", "in another account"},
		{subList, APIVersion + "/Accounts/" + sub + "/Messages.json?Page=1", "another endpoint"},
		{accounts, accounts + "?PageSize=50&Page=1", ""},
		{accounts, masterList + "?Page=1", "another endpoint"},
	}
	for _, tt := range tests {
		err := c.checkNext(tt.list+"?PageSize=50", tt.next)
		switch {
		case tt.refusal == "" && err != nil:
			t.Errorf("list %s, next %s: %v", tt.list, tt.next, err)
		case tt.refusal != "" && (err == nil || !strings.Contains(err.Error(), tt.refusal)):
			t.Errorf("list %s, next %s: error %v, want one saying %q", tt.list, tt.next, err, tt.refusal)
		}
	}
}
