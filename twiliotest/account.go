package twiliotest

// accountJSON is api.v2010.account.
type accountJSON struct {
	AuthToken       *string           `json:"auth_token"`
	DateCreated     *string           `json:"date_created"`
	DateUpdated     *string           `json:"date_updated"`
	FriendlyName    *string           `json:"friendly_name"`
	OwnerAccountSid *string           `json:"owner_account_sid"`
	Sid             *string           `json:"sid"`
	Status          string            `json:"status"`
	SubresourceURIs map[string]string `json:"subresource_uris"`
	Type            string            `json:"type"`
	URI             *string           `json:"uri"`
}

var accountSubresources = []struct{ key, path string }{
	{"available_phone_numbers", "AvailablePhoneNumbers.json"},
	{"calls", "Calls.json"},
	{"conferences", "Conferences.json"},
	{"incoming_phone_numbers", "IncomingPhoneNumbers.json"},
	{"notifications", "Notifications.json"},
	{"outgoing_caller_ids", "OutgoingCallerIds.json"},
	{"recordings", "Recordings.json"},
	{"transcriptions", "Transcriptions.json"},
	{"addresses", "Addresses.json"},
	{"signing_keys", "SigningKeys.json"},
	{"connect_apps", "ConnectApps.json"},
	{"sip", "SIP.json"},
	{"authorized_connect_apps", "AuthorizedConnectApps.json"},
	{"usage", "Usage.json"},
	{"keys", "Keys.json"},
	{"applications", "Applications.json"},
	{"short_codes", "SMS/ShortCodes.json"},
	{"queues", "Queues.json"},
	{"messages", "Messages.json"},
	{"balance", "Balance.json"},
}

// getAccount answers GET /2010-04-01/Accounts/{AccountSid}.json. Like
// Twilio, it includes the auth token.
func getAccount(c *ctx) (int, any) {
	st := c.st
	sub := make(map[string]string, len(accountSubresources))
	for _, r := range accountSubresources {
		sub[r.key] = c.uri(r.path)
	}
	created := st.nowU - 400*day - 7*3600
	return 200, &accountJSON{
		AuthToken:       sp(st.token),
		DateCreated:     rfc2822(created),
		DateUpdated:     rfc2822(created + 35*day),
		FriendlyName:    sp("My first Twilio account"),
		OwnerAccountSid: sp(st.acct),
		Sid:             sp(st.acct),
		Status:          "active",
		SubresourceURIs: sub,
		Type:            "Full",
		URI:             sp(st.accountURI() + ".json"),
	}
}
