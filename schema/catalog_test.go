package schema

import (
	"fmt"
	vendored "github.com/twiliosql/twiliosql/internal/spec"
	"slices"

	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestCatalogOrder(t *testing.T) {
	want := []string{"Calls", "Messages", "Recordings", "InboundPhoneNumbers", "OutgoingCallerIds", "Feedback", "FeedbackSummary"}
	got := Tables()
	if len(got) < len(want) {
		t.Fatalf("Tables() has %d tables, want at least %d", len(got), len(want))
	}
	for i, tb := range got[:len(want)] {
		if tb == nil {
			t.Fatalf("Tables()[%d] is nil", i)
		}
		if tb.Name != want[i] {
			t.Errorf("Tables()[%d] = %s, want %s", i, tb.Name, want[i])
		}
	}
	// Tables returns a copy.
	got[0] = nil
	if Tables()[0] == nil {
		t.Error("Tables() exposes the registry")
	}
}

func TestTablesWellFormed(t *testing.T) {
	tableNames := map[string]string{}
	for _, tb := range Tables() {
		t.Run(tb.Name, func(t *testing.T) {
			for _, n := range append([]string{tb.Name}, tb.Aliases...) {
				k := strings.ToLower(n)
				if prev, dup := tableNames[k]; dup {
					t.Errorf("table name %q of %s already names %s", n, tb.Name, prev)
				}
				tableNames[k] = tb.Name
			}
			if tb.Description == "" {
				t.Error("empty Description")
			}
			if tb.Operations == 0 {
				t.Error("no Operations")
			}
			_, hasSid := tb.Column("Sid")
			if hasSid && len(tb.SidPrefixes) == 0 {
				t.Error("no SidPrefixes")
			}
			if tb.Supports(List) && (tb.ListPath == "" || tb.ListKey == "") {
				t.Error("List without ListPath/ListKey")
			}
			if (tb.Supports(Get) || tb.Supports(Update) || tb.Supports(Delete)) && !tb.Singleton && !strings.Contains(tb.ItemPath, "{Sid}") {
				t.Errorf("ItemPath %q lacks {Sid}", tb.ItemPath)
			}
			if tb.Supports(Create) != (tb.CreatePath != "") {
				t.Errorf("Create support and CreatePath %q disagree", tb.CreatePath)
			}
			if !tb.Supports(Update) && len(tb.UpdateParams) > 0 {
				t.Error("UpdateParams without Update support")
			}
			if !tb.Supports(Create) && len(tb.CreateParams) > 0 {
				t.Error("CreateParams without Create support")
			}
			fromPath := map[string]bool{}
			for _, k := range tb.Keys {
				if _, ok := tb.Column(k.Column); !ok {
					t.Errorf("key %s is not a column", k.Column)
				}
				if !strings.Contains(tb.ListPath+tb.ItemPath+tb.CreatePath, "{"+k.Param+"}") && k.Param != "AccountSid" {
					t.Errorf("key %s is in no path", k.Param)
				}
				if k.Parent != "" {
					p, ok := Lookup(k.Parent)
					if !ok {
						t.Errorf("key %s: parent %q is no table", k.Column, k.Parent)
					} else if _, ok := p.Column(k.ParentColumn); !ok {
						t.Errorf("key %s: parent %s has no column %s", k.Column, k.Parent, k.ParentColumn)
					}
				}
				fromPath[k.Column] = k.FromPath
			}

			names := map[string]bool{}
			for _, c := range tb.Columns {
				if c.Name == "" || c.Field == "" && !fromPath[c.Name] {
					t.Errorf("column %+v lacks Name or Field", c)
				}
				if c.Type > JSON {
					t.Errorf("column %s has invalid Type %d", c.Name, c.Type)
				}
				for _, n := range append([]string{c.Name}, c.Aliases...) {
					k := strings.ToLower(n)
					if names[k] {
						t.Errorf("column name or alias %q is not unique", n)
					}
					names[k] = true
					if i, ok := tb.Column(n); !ok || tb.Columns[i].Name != c.Name {
						t.Errorf("Column(%q) does not resolve to %s", n, c.Name)
					}
				}
			}
			if i, ok := tb.Column("Sid"); ok && tb.Columns[i].Type != String {
				t.Errorf("Sid column has Type %s", tb.Columns[i].Type)
			}

			for _, f := range tb.Filters {
				if _, ok := tb.Column(f.Column); !ok {
					t.Errorf("filter column %q is not a column", f.Column)
				}
				if f.Param == "" || f.Ops == 0 {
					t.Errorf("filter %+v lacks Param or Ops", f)
				}
				if f.DayGranular != (f.Format == "date") {
					t.Errorf("filter %s: DayGranular %v with Format %q", f.Param, f.DayGranular, f.Format)
				}
				if got, ok := tb.Filter(strings.ToLower(f.Column)); !ok || got.Param != f.Param {
					t.Errorf("Filter(%q) = %+v, %v", f.Column, got, ok)
				}
			}

			for _, ps := range [][]Param{tb.CreateParams, tb.UpdateParams} {
				seen := map[string]bool{}
				for _, p := range ps {
					if p.Type > JSON {
						t.Errorf("param %s has invalid Type %d", p.Name, p.Type)
					}
					if seen[strings.ToLower(p.Name)] {
						t.Errorf("param %s is not unique", p.Name)
					}
					seen[strings.ToLower(p.Name)] = true
				}
			}
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name string
		want *Table
	}{
		{"Calls", Calls},
		{"calls", Calls},
		{"MESSAGES", Messages},
		{"recordings", Recordings},
		{"InboundPhoneNumbers", InboundPhoneNumbers},
		{"incomingphonenumbers", InboundPhoneNumbers},
		{"IncomingPhoneNumbers", InboundPhoneNumbers},
		{"OutgoingCallerIds", OutgoingCallerIds},
		{"OutboundCallerIds", OutgoingCallerIds},
		{"outboundcallerids", OutgoingCallerIds},
		{"feedback", Feedback},
		{"FeedbackSummary", FeedbackSummary},
		{"Account", nil},
		{"", nil},
		{"Call", nil},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.name)
		if got != tt.want || ok != (tt.want != nil) {
			t.Errorf("Lookup(%q) = %v, %v; want %v", tt.name, name(got), ok, name(tt.want))
		}
	}
}

func name(t *Table) string {
	if t == nil {
		return "<nil>"
	}
	return t.Name
}

func TestValidSid(t *testing.T) {
	const hex32 = "0123456789abcdefABCDEF0123456789"
	tests := []struct {
		table *Table
		sid   string
		want  bool
	}{
		{Calls, "CA" + hex32, true},
		{Calls, "CA" + strings.Repeat("f", 32), true},
		{Calls, "ca" + hex32, false},
		{Calls, "SM" + hex32, false},
		{Calls, "CA" + hex32[:31], false},
		{Calls, "CA" + hex32 + "0", false},
		{Calls, "CA" + hex32[:31] + "g", false},
		{Calls, "CA" + hex32[:31] + "/", false},
		{Calls, "CA" + "../" + hex32[:29], false},
		{Calls, "../", false},
		{Calls, "%2F", false},
		{Calls, "CA%2F" + hex32[:29], false},
		{Calls, "", false},
		{Messages, "SM" + hex32, true},
		{Messages, "MM" + hex32, true},
		{Messages, "CA" + hex32, false},
		{Recordings, "RE" + hex32, true},
		{InboundPhoneNumbers, "PN" + hex32, true},
		{OutgoingCallerIds, "PN" + hex32, true},
		{Feedback, "CA" + hex32, true},
		{FeedbackSummary, "FS" + hex32, true},
		{FeedbackSummary, "CA" + hex32, false},
	}
	for _, tt := range tests {
		if got := tt.table.ValidSid(tt.sid); got != tt.want {
			t.Errorf("%s.ValidSid(%q) = %v, want %v", tt.table.Name, tt.sid, got, tt.want)
		}
	}
}

func TestParam(t *testing.T) {
	tests := []struct {
		table  *Table
		params []Param
		name   string
		want   string // "" for not found
	}{
		{Messages, Messages.CreateParams, "Sender", "From"},
		{Messages, Messages.CreateParams, "sender", "From"},
		{Messages, Messages.CreateParams, "from", "From"},
		{Messages, Messages.CreateParams, "mediaurl", "MediaUrl"},
		{Messages, Messages.UpdateParams, "Sender", ""},
		{Calls, Calls.CreateParams, "Url", "Url"},
		{Calls, Calls.UpdateParams, "status", "Status"},
		{InboundPhoneNumbers, InboundPhoneNumbers.UpdateParams, "Name", "FriendlyName"},
		{OutgoingCallerIds, OutgoingCallerIds.UpdateParams, "name", "FriendlyName"},
		{Feedback, Feedback.CreateParams, "sid", "Sid"},
		{Calls, Calls.CreateParams, "NoSuchParam", ""},
	}
	for _, tt := range tests {
		p, ok := tt.table.Param(tt.params, tt.name)
		if ok != (tt.want != "") || p.Name != tt.want {
			t.Errorf("%s.Param(%q) = %q, %v; want %q", tt.table.Name, tt.name, p.Name, ok, tt.want)
		}
	}
	if p, _ := Messages.Param(Messages.CreateParams, "Sender"); p.Type != String || p.Required {
		t.Errorf("Messages From create param = %+v, want an optional String", p)
	}
	if p, _ := Feedback.Param(Feedback.CreateParams, "Sid"); !p.InPath || !p.Required {
		t.Errorf("Feedback Sid create param = %+v, want a required path param", p)
	}
	if p, _ := Messages.Param(Messages.CreateParams, "MediaUrl"); !p.Multi {
		t.Errorf("Messages MediaUrl create param = %+v, want Multi", p)
	}
}

// The cross-check against Twilio's OpenAPI spec.

type specDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]*specSchema `json:"schemas"`
	} `json:"components"`
}

type specSchema struct {
	Type       string                 `json:"type"`
	Format     string                 `json:"format"`
	Nullable   bool                   `json:"nullable"`
	Ref        string                 `json:"$ref"`
	Pattern    string                 `json:"pattern"`
	Items      *specSchema            `json:"items"`
	Properties map[string]*specSchema `json:"properties"`
	Required   []string               `json:"required"`
}

type specOp struct {
	Parameters []struct {
		Name string `json:"name"`
		In   string `json:"in"`
	} `json:"parameters"`
	RequestBody struct {
		Content map[string]struct {
			Schema specSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
}

const specPrefix = "/2010-04-01/Accounts/{AccountSid}/"

var placeholders = regexp.MustCompile(`\{[A-Za-z]+\}`)

// specPath is the spec's path of a table's path: absolute as it is, else
// under the account; with paths given, the one whose placeholders are
// named otherwise ({CallSid} for the table's {Sid}).
func specPath[V any](p string, paths map[string]V) string {
	if !strings.HasPrefix(p, "/") {
		p = specPrefix + p
	}
	if _, ok := paths[p]; ok || paths == nil {
		return p
	}
	norm := placeholders.ReplaceAllString(p, "{}")
	for k := range paths {
		if placeholders.ReplaceAllString(k, "{}") == norm {
			return k
		}
	}
	return p
}

func loadSpec(t *testing.T, file string) *specDoc {
	t.Helper()
	b, err := vendored.File(file)
	if err != nil {
		t.Fatal(err)
	}
	var d specDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &d
}

func (d *specDoc) op(t *testing.T, path, method string) *specOp {
	t.Helper()
	raw, ok := d.Paths[specPath(path, d.Paths)][method]
	if !ok {
		t.Errorf("spec has no %s %s", strings.ToUpper(method), path)
		return nil
	}
	var op specOp
	if err := json.Unmarshal(raw, &op); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return &op
}

func (o *specOp) form() *specSchema {
	s := o.RequestBody.Content["application/x-www-form-urlencoded"].Schema
	return &s
}

// numericStrings are fields Twilio sends as strings that the catalog types.
var numericStrings = map[string]Type{
	"duration":     Int,
	"queue_time":   Int,
	"num_segments": Int,
	"num_media":    Int,
	"price":        Float,
}

func specColumnType(field string, s *specSchema) Type {
	if t, ok := numericStrings[field]; ok {
		return t
	}
	switch {
	case s.Format == "date-time-rfc-2822":
		return Time
	case s.Format == "date":
		return Date
	}
	switch s.Type {
	case "integer":
		return Int
	case "number":
		return Float
	case "boolean":
		return Bool
	case "object", "array":
		return JSON
	case "":
		if s.Ref == "" { // no type at all: any JSON value
			return JSON
		}
	}
	return String
}

func specParamType(s *specSchema) (Type, bool) {
	if s.Type == "array" && s.Items != nil {
		t, _ := specParamType(s.Items)
		return t, true
	}
	switch {
	case s.Format == "date-time":
		return Time, false
	case s.Format == "date":
		return Date, false
	}
	switch s.Type {
	case "integer":
		return Int, false
	case "number":
		return Float, false
	case "boolean":
		return Bool, false
	}
	return String, false
}

func TestCatalogMatchesSpec(t *testing.T) {
	const (
		current  = "twilio_api_v2010.json"
		feedback = "twilio_api_v2010_2024-02-09_with_feedback.json"
	)
	tests := []struct {
		table    *Table
		file     string
		schema   string // the response schema of a row
		itemPath string // ItemPath as the spec spells it
		// createFrom is the spec path whose POST describes CreateParams.
		createFrom string
		// createRequired are params the catalog requires beyond the spec.
		createRequired []string
	}{
		{table: Calls, file: current, schema: "api.v2010.account.call", itemPath: "Calls/{Sid}.json", createFrom: "Calls.json"},
		{table: Messages, file: current, schema: "api.v2010.account.message", itemPath: "Messages/{Sid}.json", createFrom: "Messages.json"},
		{table: Recordings, file: current, schema: "api.v2010.account.recording", itemPath: "Recordings/{Sid}.json"},
		{table: InboundPhoneNumbers, file: current, schema: "api.v2010.account.incoming_phone_number", itemPath: "IncomingPhoneNumbers/{Sid}.json", createFrom: "IncomingPhoneNumbers.json"},
		{table: OutgoingCallerIds, file: current, schema: "api.v2010.account.outgoing_caller_id", itemPath: "OutgoingCallerIds/{Sid}.json", createFrom: "OutgoingCallerIds.json"},
		// The 2024 spec has no create op for feedback: creating is the
		// same POST as updating, with a score the API insists on.
		{table: Feedback, file: feedback, schema: "api.v2010.account.call.call_feedback", itemPath: "Calls/{CallSid}/Feedback.json", createFrom: "Calls/{CallSid}/Feedback.json", createRequired: []string{"QualityScore"}},
		{table: FeedbackSummary, file: feedback, schema: "api.v2010.account.call.call_feedback_summary", itemPath: "Calls/FeedbackSummary/{Sid}.json", createFrom: "Calls/FeedbackSummary.json"},
	}
	specs := map[string]*specDoc{}
	for _, tt := range tests {
		t.Run(tt.table.Name, func(t *testing.T) {
			spec := specs[tt.file]
			if spec == nil {
				spec = loadSpec(t, tt.file)
				specs[tt.file] = spec
			}
			tb := tt.table
			schema := spec.Components.Schemas[tt.schema]
			if schema == nil {
				t.Fatalf("spec has no schema %s", tt.schema)
			}

			// Columns: exactly the schema's properties, with spec types.
			fields := map[string]bool{}
			for _, c := range tb.Columns {
				fields[c.Field] = true
				p := schema.Properties[c.Field]
				if p == nil {
					t.Errorf("column %s: field %q is not in %s", c.Name, c.Field, tt.schema)
					continue
				}
				if want := specColumnType(c.Field, p); c.Type != want {
					t.Errorf("column %s: Type %s, spec says %s", c.Name, c.Type, want)
				}
				if c.Nullable != p.Nullable {
					t.Errorf("column %s: Nullable %v, spec says %v", c.Name, c.Nullable, p.Nullable)
				}
			}
			for f := range schema.Properties {
				if !fields[f] {
					t.Errorf("spec field %q of %s has no column", f, tt.schema)
				}
			}

			// Every Sid prefix matches the spec's Sid pattern.
			if sid := schema.Properties["sid"]; sid != nil && sid.Pattern != "" {
				re := regexp.MustCompile(sid.Pattern)
				for _, p := range tb.SidPrefixes {
					if s := p + strings.Repeat("0", 32); !re.MatchString(s) {
						t.Errorf("prefix %s does not match the spec's Sid pattern %s", p, sid.Pattern)
					}
				}
			}

			// Endpoints exist.
			if tb.Supports(Get) {
				spec.op(t, tt.itemPath, "get")
			}
			if tb.Supports(Delete) {
				spec.op(t, tt.itemPath, "delete")
			}

			// Filters: every query filter of the list op, and nothing else.
			if tb.Supports(List) {
				if op := spec.op(t, tb.ListPath, "get"); op != nil {
					specParams := map[string]bool{}
					for _, p := range op.Parameters {
						if p.In != "query" {
							continue
						}
						specParams[p.Name] = true
						switch p.Name {
						case "PageSize", "Page", "PageToken", "IncludeSoftDeleted":
							continue
						}
						base := strings.TrimRight(p.Name, "<>")
						f, ok := filterByParam(tb, base)
						switch {
						case !ok:
							t.Errorf("query filter %q is not in Filters", p.Name)
						case base != p.Name && !f.Ops.Has(Lt|Gt):
							t.Errorf("query filter %q: filter %s lacks range Ops", p.Name, f.Param)
						}
					}
					for _, f := range tb.Filters {
						if IsKeyParam(f.Param) {
							continue // a path placeholder, not a query parameter
						}
						if !specParams[f.Param] {
							t.Errorf("filter param %q is not a query param of the list op", f.Param)
						}
						if f.Ops.Has(Lt) && (!specParams[f.Param+"<"] || !specParams[f.Param+">"]) {
							t.Errorf("filter %s has range Ops the spec lacks", f.Param)
						}
					}
				}
			} else if tb.ListPath != "" || len(tb.Filters) > 0 {
				t.Error("no List, yet ListPath or Filters")
			}

			if tb.Supports(Create) {
				if op := spec.op(t, tt.createFrom, "post"); op != nil {
					checkParams(t, "create", tb.CreateParams, op.form(), tt.createRequired)
				}
			}
			if tb.Supports(Update) {
				if op := spec.op(t, tt.itemPath, "post"); op != nil {
					checkParams(t, "update", tb.UpdateParams, op.form(), nil)
				}
			}
		})
	}
}

func filterByParam(tb *Table, param string) (Filter, bool) {
	for _, f := range tb.Filters {
		if f.Param == param {
			return f, true
		}
	}
	return Filter{}, false
}

// checkParams asserts that params, less path params, are exactly the form's
// properties with the spec's types and required flags (plus extraRequired).
func checkParams(t *testing.T, kind string, params []Param, form *specSchema, extraRequired []string) {
	t.Helper()
	if len(form.Properties) == 0 {
		t.Errorf("%s: spec op has no form properties", kind)
		return
	}
	required := map[string]bool{}
	for _, r := range append(form.Required, extraRequired...) {
		required[r] = true
	}
	names := map[string]bool{}
	for _, p := range params {
		if p.InPath {
			continue
		}
		names[p.Name] = true
		s := form.Properties[p.Name]
		if s == nil {
			t.Errorf("%s param %s is not in the spec", kind, p.Name)
			continue
		}
		typ, multi := specParamType(s)
		if p.Type != typ || p.Multi != multi {
			t.Errorf("%s param %s: Type %s Multi %v, spec says %s %v", kind, p.Name, p.Type, p.Multi, typ, multi)
		}
		if p.Required != required[p.Name] {
			t.Errorf("%s param %s: Required %v, want %v", kind, p.Name, p.Required, required[p.Name])
		}
	}
	for n := range form.Properties {
		if !names[n] {
			t.Errorf("spec %s param %s is missing", kind, n)
		}
	}
}

// TestFilterDescribe checks the one description of a filter that SHOW FULL
// COLUMNS, EXPLAIN and TABLES.md print.
func TestFilterDescribe(t *testing.T) {
	tests := []struct {
		table, column, want string
	}{
		{"Calls", "Status", "pushed to Twilio as Status: =, IN, OR; exact"},
		{"Calls", "StartTime", "pushed to Twilio as StartTime, StartTime>, StartTime<: =, <, <=, >, >=, BETWEEN; whole UTC days, inclusive: re-checked exactly; sent as YYYY-MM-DD"},
		{"Messages", "DateSent", "pushed to Twilio as DateSent, DateSent>, DateSent<: =, <, <=, >, >=, BETWEEN; whole UTC days, inclusive: re-checked exactly; Twilio refuses dates past its 400-day retention; sent as YYYY-MM-DD"},
		{"InboundPhoneNumbers", "Beta", "pushed to Twilio as Beta: =, IN, OR; Beta=false leaves out numbers new to Twilio (rows with NULL stay): re-checked exactly; sent only for false"},
	}
	for _, tt := range tests {
		tab, ok := Lookup(tt.table)
		if !ok {
			t.Fatalf("no table %s", tt.table)
		}
		f, ok := tab.Filter(tt.column)
		if !ok {
			t.Fatalf("%s has no filter on %s", tt.table, tt.column)
		}
		if got := f.Describe().String(); got != tt.want {
			t.Errorf("%s.%s:\n got %s\nwant %s", tt.table, tt.column, got, tt.want)
		}
	}
}

// TestSplitColumns checks that every split column is a day-granular range
// filter, which the parallel scan needs.
func TestSplitColumns(t *testing.T) {
	for _, tab := range Tables() {
		if tab.SplitColumn == "" {
			continue
		}
		f, ok := tab.Filter(tab.SplitColumn)
		if !ok || !f.DayGranular || !f.Ops.Has(Lt|Gt) {
			t.Errorf("%s.SplitColumn %s is not a day-granular range filter", tab.Name, tab.SplitColumn)
		}
		if _, ok := tab.Column("Sid"); !ok {
			t.Errorf("%s is split but has no Sid to tell rows apart", tab.Name)
		}
	}
}

// A filter whose parameter the spec restricts to an enum lists exactly
// those values, so that no other value is ever sent (Twilio refuses it).
func TestFilterValuesAreTheSpecEnums(t *testing.T) {
	doc, err := vendored.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range Tables() {
		if tb.ListPath == "" {
			continue
		}
		item := doc.Paths.Find(specPath[any](tb.ListPath, nil))
		if item == nil || item.Get == nil {
			t.Errorf("%s: the spec has no GET %s", tb.Name, tb.ListPath)
			continue
		}
		for _, f := range tb.Filters {
			for _, p := range item.Get.Parameters {
				if p.Value == nil || p.Value.Name != f.Param || p.Value.Schema == nil || p.Value.Schema.Value == nil {
					continue
				}
				var enum []string
				for _, v := range p.Value.Schema.Value.Enum {
					enum = append(enum, fmt.Sprint(v))
				}
				got := slices.Clone(f.Values)
				slices.Sort(got)
				slices.Sort(enum)
				if !slices.Equal(got, enum) {
					t.Errorf("%s filter %s: Values %v, the spec's enum %v", tb.Name, f.Param, f.Values, enum)
				}
			}
		}
	}
}

// A filter whose parameter the spec restricts by a pattern carries that
// pattern, so that no value Twilio would refuse is ever sent.
func TestFilterPatternsAreTheSpecs(t *testing.T) {
	doc, err := vendored.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range Tables() {
		if tb.ListPath == "" {
			continue
		}
		item := doc.Paths.Value(specPrefix + tb.ListPath)
		if item == nil || item.Get == nil {
			continue
		}
		for _, f := range tb.Filters {
			for _, p := range item.Get.Parameters {
				if p.Value == nil || p.Value.Name != f.Param || p.Value.Schema == nil || p.Value.Schema.Value == nil {
					continue
				}
				want := p.Value.Schema.Value.Pattern
				if !strings.Contains(want, "[0-9a-fA-F]{32}") {
					continue // dates: the vendored spec's own pattern, sent as the driver formats them
				}
				got := ""
				if f.Pattern != nil {
					got = f.Pattern.String()
				}
				if got != want {
					t.Errorf("%s filter %s: Pattern %q, the spec's %q", tb.Name, f.Param, got, want)
				}
			}
		}
	}
}
