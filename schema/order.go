package schema

// registry holds every table, in the order SHOW TABLES lists them. Each table
// lives in its own file; a new resource is one new file plus its entry here.
var registry = []*Table{
	Calls,
	Messages,
	Recordings,
	InboundPhoneNumbers,
	OutgoingCallerIds,
	Feedback,
	FeedbackSummary,
}
