package schema

// Recordings are call and conference recordings: List, Get, Delete.
var Recordings = &Table{
	Name:        "Recordings",
	Description: "Recordings of the account's calls and conferences.",

	Operations: List | Get | Delete,
	ListPath:   "Recordings.json",
	ListKey:    "recordings",
	ItemPath:   "Recordings/{Sid}.json",

	SidPrefixes: []string{"RE"},
	SplitColumn: "DateCreated",

	Columns: []Column{
		{Name: "AccountSid", Field: "account_sid", Type: String, Nullable: true},
		{Name: "ApiVersion", Field: "api_version", Type: String, Nullable: true},
		{Name: "CallSid", Field: "call_sid", Type: String, Nullable: true},
		{Name: "ConferenceSid", Field: "conference_sid", Type: String, Nullable: true},
		{Name: "DateCreated", Field: "date_created", Type: Time, Nullable: true},
		{Name: "DateUpdated", Field: "date_updated", Type: Time, Nullable: true},
		{Name: "StartTime", Field: "start_time", Type: Time, Nullable: true},
		{Name: "Duration", Field: "duration", Type: Int, Nullable: true},
		{Name: "Sid", Field: "sid", Type: String, Nullable: true},
		{Name: "Price", Field: "price", Type: Float, Nullable: true},
		{Name: "PriceUnit", Field: "price_unit", Type: String, Nullable: true},
		{Name: "Status", Field: "status", Type: String, Nullable: false},
		{Name: "Channels", Field: "channels", Type: Int, Nullable: true},
		{Name: "Source", Field: "source", Type: String, Nullable: false},
		{Name: "ErrorCode", Field: "error_code", Type: Int, Nullable: true},
		{Name: "Uri", Field: "uri", Type: String, Nullable: true},
		{Name: "EncryptionDetails", Field: "encryption_details", Type: JSON, Nullable: true},
		{Name: "SubresourceUris", Field: "subresource_uris", Type: JSON, Nullable: true},
		{Name: "MediaUrl", Field: "media_url", Type: String, Nullable: true},
	},
	Filters: []Filter{
		{Column: "DateCreated", Param: "DateCreated", Ops: Eq | Lt | Le | Gt | Ge, DayGranular: true, Format: "date"},
		{Column: "CallSid", Param: "CallSid", Ops: Eq, Exact: true},
		{Column: "ConferenceSid", Param: "ConferenceSid", Ops: Eq, Exact: true},
	},
}
