package schema

// Feedback is the quality feedback of a call, one row per call Sid: Get, Create, Update.
var Feedback = &Table{
	Name:        "Feedback",
	Description: "Quality feedback on a call (score and issues), keyed by the call's Sid.",

	Operations: Get | Create | Update,
	ItemPath:   "Calls/{Sid}/Feedback.json",
	CreatePath: "Calls/{Sid}/Feedback.json",

	SidPrefixes: []string{"CA"},
	SidOf:       "call", // Feedback is a call's: fetched by the call's Sid

	Columns: []Column{
		{Name: "AccountSid", Field: "account_sid", Type: String, Nullable: true},
		{Name: "DateCreated", Field: "date_created", Type: Time, Nullable: true},
		{Name: "DateUpdated", Field: "date_updated", Type: Time, Nullable: true},
		{Name: "Issues", Field: "issues", Type: JSON, Nullable: true},
		{Name: "QualityScore", Field: "quality_score", Type: Int, Nullable: true},
		{Name: "Sid", Field: "sid", Type: String, Nullable: true},
	},
	CreateParams: []Param{
		{Name: "Sid", Type: String, Required: true, InPath: true},
		{Name: "QualityScore", Type: Int, Required: true},
		{Name: "Issue", Type: String, Multi: true},
	},
	UpdateParams: []Param{
		{Name: "QualityScore", Type: Int},
		{Name: "Issue", Type: String, Multi: true},
	},
}
