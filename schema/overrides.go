package schema

// Hand-written facts about tables that the spec does not state. Everything
// else comes from spec_tables.go, generated from Twilio's spec. A table
// needs an entry only to be renamed, aliased or annotated; keys are the
// generated names.

// overrideOrder lists the tables SHOW TABLES names first, in this order.
var overrideOrder = []string{"Calls", "Messages", "Recordings", "IncomingPhoneNumbers", "OutgoingCallerIds", "CallFeedback", "CallsFeedbackSummary", "Accounts"}

// fieldTypes are the SQL types of fields the spec declares as strings
// although they always hold numbers, in every resource.
var fieldTypes = map[string]Type{
	"price":               Float,
	"duration":            Int,
	"queue_time":          Int,
	"num_segments":        Int,
	"num_media":           Int,
	"error_code":          Int,
	"channels":            Int,
	"count":               Float,
	"usage":               Float,
	"balance":             Float,
	"trigger_value":       Float,
	"current_value":       Float,
	"call_count":          Int,
	"call_feedback_count": Int,
}

var overrides = withUsageWindows(map[string]override{
	"Calls": {
		Description: "Voice calls made to and from the account.",
		Exact:       []string{"To", "From", "ParentCallSid", "Status"},
		SplitColumn: "StartTime",
	},
	"Messages": {
		Description:   "SMS, MMS and other messages sent and received by the account.",
		Exact:         []string{"To", "From"},
		ColumnAliases: map[string][]string{"From": {"Sender"}},
		Notes:         map[string]string{"DateSent": "Twilio refuses dates past its 400-day retention"},
		SplitColumn:   "DateSent",
		RetentionDays: 400,
	},
	"Recordings": {
		Description: "Recordings of the account's calls and conferences.",
		Exact:       []string{"CallSid", "ConferenceSid"},
		SplitColumn: "DateCreated",
	},
	"IncomingPhoneNumbers": {
		Name:          "InboundPhoneNumbers",
		Aliases:       []string{"IncomingPhoneNumbers"},
		Description:   "Phone numbers the account owns, with their voice and messaging configuration.",
		ColumnAliases: map[string][]string{"FriendlyName": {"Name"}},
		Exact:         []string{"FriendlyName", "Origin"},
		Only:          map[string][]string{"Beta": {"false"}},
		Notes: map[string]string{
			"Beta":        "Beta=false leaves out numbers new to Twilio (rows with NULL stay): re-checked exactly",
			"PhoneNumber": "Twilio matches partial numbers and * wildcards: re-checked exactly",
		},
	},
	"OutgoingCallerIds": {
		Aliases:       []string{"OutboundCallerIds"},
		ColumnAliases: map[string][]string{"FriendlyName": {"Name"}},
		Exact:         []string{"PhoneNumber", "FriendlyName"},
		Description:   "Verified phone numbers the account may use as caller id; INSERT starts a validation request and returns a validation code, not a caller id.",
	},
	"CallFeedback": {
		Name:        "Feedback",
		Description: "Quality feedback on a call (score and issues), keyed by the call's Sid.",
		Edit:        feedbackBySid,
	},
	"CallsFeedbackSummary": {
		Name:        "FeedbackSummary",
		Description: "Summaries of call quality feedback over a date range, computed asynchronously after INSERT.",
		Nullable:    []string{"Status"},
	},
	"Conferences": {
		Exact: []string{"FriendlyName", "Status"},
	},
	"Accounts": {
		Description: "The account and its subaccounts: their Sids are the AccountSid of every other table.",
	},
})

// feedbackBySid makes Call Feedback a table keyed by the call's Sid, as the
// first release had it: fetched, created and updated at
// Calls/{Sid}/Feedback.json (POST creates and updates alike).
func feedbackBySid(t *Table) {
	t.Singleton = false
	t.SidOf = "call" // fetched by its call's Sid
	t.ItemPath = "Calls/{Sid}/Feedback.json"
	t.CreatePath = t.ItemPath
	t.Operations |= Create
	t.OperationIDs = map[Operation]string{Get: "FetchCallFeedback", Create: "UpdateCallFeedback", Update: "UpdateCallFeedback"}
	t.Keys = t.Keys[:1]
	t.Columns = t.Columns[:len(t.Columns)-1] // the CallSid key column: the row's Sid is the call's
	t.CreateParams = append([]Param{{Name: "Sid", Type: String, Required: true, InPath: true}, {Name: "QualityScore", Type: Int, Required: true}}, t.UpdateParams[1:]...)
}

// withUsageWindows drops usage records' StartDate and EndDate, which choose
// the window the records sum up, not rows: they are not filters. Category
// is exact.
func withUsageWindows(o map[string]override) map[string]override {
	for _, n := range []string{"UsageRecords", "UsageRecordsAllTime", "UsageRecordsDaily", "UsageRecordsLastMonth", "UsageRecordsMonthly", "UsageRecordsThisMonth", "UsageRecordsToday", "UsageRecordsYearly", "UsageRecordsYesterday"} {
		u := o[n]
		u.Drop = []string{"StartDate", "EndDate"}
		u.Exact = []string{"Category"} // Twilio matches the category name as it is
		o[n] = u
	}
	return o
}
