package schema

// FeedbackSummary is an aggregate of call feedback over a date range: Get, Create, Delete.
var FeedbackSummary = &Table{
	Name:        "FeedbackSummary",
	Description: "Summaries of call quality feedback over a date range, computed asynchronously after INSERT.",

	Operations: Get | Create | Delete,
	ItemPath:   "Calls/FeedbackSummary/{Sid}.json",
	CreatePath: "Calls/FeedbackSummary.json",

	SidPrefixes: []string{"FS"},

	Columns: []Column{
		{Name: "AccountSid", Field: "account_sid", Type: String, Nullable: true},
		{Name: "CallCount", Field: "call_count", Type: Int, Nullable: true},
		{Name: "CallFeedbackCount", Field: "call_feedback_count", Type: Int, Nullable: true},
		{Name: "DateCreated", Field: "date_created", Type: Time, Nullable: true},
		{Name: "DateUpdated", Field: "date_updated", Type: Time, Nullable: true},
		{Name: "EndDate", Field: "end_date", Type: Date, Nullable: true},
		{Name: "IncludeSubaccounts", Field: "include_subaccounts", Type: Bool, Nullable: true},
		{Name: "Issues", Field: "issues", Type: JSON, Nullable: true},
		{Name: "QualityScoreAverage", Field: "quality_score_average", Type: Float, Nullable: true},
		{Name: "QualityScoreMedian", Field: "quality_score_median", Type: Float, Nullable: true},
		{Name: "QualityScoreStandardDeviation", Field: "quality_score_standard_deviation", Type: Float, Nullable: true},
		{Name: "Sid", Field: "sid", Type: String, Nullable: true},
		{Name: "StartDate", Field: "start_date", Type: Date, Nullable: true},
		{Name: "Status", Field: "status", Type: String, Nullable: true},
	},
	CreateParams: []Param{
		{Name: "StartDate", Type: Date, Required: true},
		{Name: "EndDate", Type: Date, Required: true},
		{Name: "IncludeSubaccounts", Type: Bool},
		{Name: "StatusCallback", Type: String},
		{Name: "StatusCallbackMethod", Type: String},
	},
}
