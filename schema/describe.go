package schema

import "strings"

// FilterDescription is what Twilio does with a condition on a filtered
// column, in words: SHOW FULL COLUMNS, EXPLAIN and the generated TABLES.md
// all print it, so the three cannot disagree.
type FilterDescription struct {
	Operators []string // the SQL comparisons pushed: "=", "IN", "<", "BETWEEN"…
	Params    []string // the query parameters sent: "StartTime", "StartTime<"…
	Matching  []string // how Twilio matches, and how the value is sent
}

// String is the description on one line: "pushed to Twilio as StartTime,
// StartTime>, StartTime<: =, <, …; whole UTC days, inclusive: re-checked
// exactly; sent as YYYY-MM-DD".
func (d FilterDescription) String() string {
	return "pushed to Twilio as " + strings.Join(d.Params, ", ") + ": " + strings.Join(d.Operators, ", ") + "; " + strings.Join(d.Matching, "; ")
}

// Describe describes the filter.
func (f Filter) Describe() FilterDescription {
	var d FilterDescription
	if f.Ops.Has(Eq) {
		d.Operators = append(d.Operators, "=")
		if !f.DayGranular {
			// A day-granular = is one day, not a value list.
			d.Operators = append(d.Operators, "IN", "OR")
		}
		d.Params = append(d.Params, f.Param)
	}
	for _, o := range []struct {
		op   Op
		name string
	}{{Lt, "<"}, {Le, "<="}, {Gt, ">"}, {Ge, ">="}} {
		if f.Ops.Has(o.op) {
			d.Operators = append(d.Operators, o.name)
		}
	}
	if f.Ops.Has(Gt|Lt) || f.Ops.Has(Ge|Le) {
		d.Operators = append(d.Operators, "BETWEEN")
	}
	if f.Ops&(Gt|Ge) != 0 {
		d.Params = append(d.Params, f.Param+">")
	}
	if f.Ops&(Lt|Le) != 0 {
		d.Params = append(d.Params, f.Param+"<")
	}
	switch {
	case f.DayGranular:
		d.Matching = append(d.Matching, "whole UTC days, inclusive: re-checked exactly")
	case f.Exact:
		d.Matching = append(d.Matching, "exact")
	case f.Note == "":
		d.Matching = append(d.Matching, "a superset, re-checked exactly")
	}
	if f.Note != "" {
		d.Matching = append(d.Matching, f.Note)
	}
	if len(f.Only) > 0 {
		d.Matching = append(d.Matching, "sent only for "+strings.Join(f.Only, " or "))
	}
	if f.Format == "date" {
		d.Matching = append(d.Matching, "sent as YYYY-MM-DD")
	}
	return d
}
