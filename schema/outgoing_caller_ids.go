package schema

// OutgoingCallerIds are verified caller ids: List, Get, Create (starts a validation request), Update, Delete.
var OutgoingCallerIds = &Table{
	Name:        "OutgoingCallerIds",
	Aliases:     []string{"OutboundCallerIds"},
	Description: "Verified phone numbers the account may use as caller id; INSERT starts a validation request and returns a validation code, not a caller id.",

	Operations: List | Get | Create | Update | Delete,
	ListPath:   "OutgoingCallerIds.json",
	ListKey:    "outgoing_caller_ids",
	ItemPath:   "OutgoingCallerIds/{Sid}.json",
	CreatePath: "OutgoingCallerIds.json",

	SidPrefixes: []string{"PN"},

	Columns: []Column{
		{Name: "Sid", Field: "sid", Type: String, Nullable: true},
		{Name: "DateCreated", Field: "date_created", Type: Time, Nullable: true},
		{Name: "DateUpdated", Field: "date_updated", Type: Time, Nullable: true},
		{Name: "FriendlyName", Field: "friendly_name", Type: String, Nullable: true, Aliases: []string{"Name"}},
		{Name: "AccountSid", Field: "account_sid", Type: String, Nullable: true},
		{Name: "PhoneNumber", Field: "phone_number", Type: String, Nullable: true},
		{Name: "Uri", Field: "uri", Type: String, Nullable: true},
	},
	Filters: []Filter{
		{Column: "PhoneNumber", Param: "PhoneNumber", Ops: Eq, Exact: true},
		{Column: "FriendlyName", Param: "FriendlyName", Ops: Eq, Exact: true},
	},
	CreateParams: []Param{
		{Name: "PhoneNumber", Type: String, Required: true},
		{Name: "FriendlyName", Type: String},
		{Name: "CallDelay", Type: Int},
		{Name: "Extension", Type: String},
		{Name: "StatusCallback", Type: String},
		{Name: "StatusCallbackMethod", Type: String},
	},
	UpdateParams: []Param{
		{Name: "FriendlyName", Type: String},
	},
}
