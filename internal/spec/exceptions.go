package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Exception is one place where Twilio's real API, as Twilio's own examples
// in the spec show it, differs from the spec's schema. The validator allows
// exactly these and nothing else; README's testing section lists them with
// the same evidence (a test keeps the two in step).
type Exception struct {
	Name     string // short name, used in README's table
	Allows   string // what is allowed beyond the schema
	Where    string // the operations and fields concerned
	Evidence string // a quotation from the spec showing the real behaviour
	apply    func(*openapi3.T) error
}

// DayPattern accepts a day (YYYY-MM-DD) or an RFC 3339 date-time, the
// schema's own format; it replaces format date-time on the date filters.
const DayPattern = `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$`

// Exceptions are all the departures from the schema the validator allows.
var Exceptions = []Exception{
	{
		Name:   "relative page URIs",
		Allows: "a path starting /2010-04-01/ where the schema says format uri",
		Where:  "uri, first_page_uri, next_page_uri, previous_page_uri of every answer",
		Evidence: `ListCall's example: "first_page_uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls.json?Status=completed&…&PageSize=2&Page=0"; ` +
			`FetchIncomingPhoneNumber's example: "uri": "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers/PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"`,
		apply: relativeURIs,
	},
	{
		Name:     "empty application Sids",
		Allows:   `"" where the schema says ^AP[0-9a-fA-F]{32}$ or null`,
		Where:    "voice_application_sid, sms_application_sid of incoming phone numbers (every schema that has them)",
		Evidence: `FetchIncomingPhoneNumber's example: "sms_application_sid": "", … "voice_application_sid": ""`,
		apply:    emptyApplicationSids,
	},
	{
		Name:   "date filters as days",
		Allows: "YYYY-MM-DD where the schema says format date-time",
		Where:  "ListCall StartTime, StartTime<, StartTime>, EndTime, EndTime<, EndTime>; ListMessage DateSent, DateSent<, DateSent>; ListRecording DateCreated, DateCreated<, DateCreated>",
		Evidence: `ListCall's example: "next_page_uri": "/2010-04-01/Accounts/AC…/Calls.json?Status=completed&…&StartTime=2008-01-02&…&EndTime=2009-01-02&PageSize=2&Page=1&PageToken=…"; ` +
			`ListMessage's example: "first_page_uri": "/2010-04-01/Accounts/AC…/Messages.json?To=%2B123456789&From=%2B987654321&DateSent%3E=2008-01-02&PageSize=2&Page=0"; ` +
			"ListRecording's DateCreated description: \"Specify a date as `YYYY-MM-DD` in GMT, for example: `2009-07-06`\"",
		apply: dayFilters,
	},
}

var pageURIFields = []string{"uri", "first_page_uri", "next_page_uri", "previous_page_uri"}

// relativeURIs replaces format uri by a pattern of a 2010 API path on the
// URI fields of every answer's top-level object.
func relativeURIs(doc *openapi3.T) error {
	n := 0
	patch := func(s *openapi3.Schema) {
		if s == nil {
			return
		}
		for _, name := range pageURIFields {
			p := s.Properties[name]
			if p == nil || p.Value == nil || p.Value.Format != "uri" {
				continue
			}
			p.Value.Format = ""
			p.Value.Pattern = `^/2010-04-01/`
			n++
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					if mt.Schema != nil {
						patch(mt.Schema.Value)
					}
				}
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		patch(s.Value)
	}
	if n == 0 {
		return fmt.Errorf("no uri field with format uri found")
	}
	return nil
}

// emptyApplicationSids lets voice_application_sid and sms_application_sid be
// "" as well as an AP Sid or null.
func emptyApplicationSids(doc *openapi3.T) error {
	n := 0
	for _, s := range doc.Components.Schemas {
		if s.Value == nil {
			continue
		}
		for _, name := range []string{"voice_application_sid", "sms_application_sid"} {
			p := s.Value.Properties[name]
			if p == nil || p.Value == nil || p.Value.Pattern != `^AP[0-9a-fA-F]{32}$` {
				continue
			}
			p.Value.Pattern = `^(AP[0-9a-fA-F]{32})?$`
			p.Value.MinLength = 0
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("no application Sid field found")
	}
	return nil
}

// dayFilterParams are the date filters, by operation, sent as days.
var dayFilterParams = map[string][]string{
	"ListCall":      {"StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<", "EndTime>"},
	"ListMessage":   {"DateSent", "DateSent<", "DateSent>"},
	"ListRecording": {"DateCreated", "DateCreated<", "DateCreated>"},
}

// dayFilters lets the date filters be days as well as date-times.
func dayFilters(doc *openapi3.T) error {
	for id, names := range dayFilterParams {
		_, _, op := Operation(doc, id)
		if op == nil {
			return fmt.Errorf("no operation %s", id)
		}
		found := 0
		for _, p := range op.Parameters {
			if p.Value == nil || p.Value.In != "query" || !slices.Contains(names, p.Value.Name) {
				continue
			}
			s := p.Value.Schema
			if s == nil || s.Value == nil || s.Value.Format != "date-time" {
				return fmt.Errorf("%s %s: not format date-time", id, p.Value.Name)
			}
			// A copy: the schema may be shared through a $ref.
			c := *s.Value
			c.Format = ""
			c.Pattern = DayPattern
			p.Value.Schema = &openapi3.SchemaRef{Value: &c}
			found++
		}
		if found != len(names) {
			return fmt.Errorf("%s: %d of %d date filters found", id, found, len(names))
		}
	}
	return nil
}

// ExceptionsMarkdown is the table of Exceptions as README's testing
// section shows it (a test checks that README has it verbatim).
func ExceptionsMarkdown() string {
	var b strings.Builder
	b.WriteString("| Exception | Allowed | Where | Evidence in Twilio's spec |\n|---|---|---|---|\n")
	for _, e := range Exceptions {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", e.Name, e.Allows, e.Where, e.Evidence)
	}
	return b.String()
}
