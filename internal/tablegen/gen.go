// Package tablegen turns Twilio's OpenAPI description of the 2010 API
// (internal/spec) into the schema package's spec tables: one table per
// resource with a list or fetch operation, its columns from the response
// schema, its key columns from the path, its filters from the list
// operation's query parameters and its INSERT/UPDATE parameters from the
// create and update operations' forms. What the spec does not say (table
// names, exactness of filters, ...) is in schema/overrides.go, applied when
// the catalog is built, so regenerating never loses a hand-written fact.
//
// cmd: go generate ./schema (runs internal/tablegen/cmd).
package tablegen

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

const (
	versionPrefix = "/2010-04-01/"
	accountPrefix = "/2010-04-01/Accounts/{AccountSid}/"
)

// column is a generated column.
type column struct {
	Name, Field, Type string
	Nullable          bool
}

// sidPatternRE matches the spec's pattern of a Sid parameter
// ("^CA[0-9a-fA-F]{32}$"); Twilio refuses any other value.
var sidPatternRE = regexp.MustCompile(`^\^([A-Z]{2})\[0-9a-fA-F\]\{32\}\$$`)

type filter struct {
	Column, Param, Ops string
	DayGranular        bool
	Format             string
	Values             []string
	SidPrefix          string // the spec's pattern is a Sid of this prefix
	Note               string
}

type param struct {
	Name, Type      string
	Required, Multi bool
}

type pathKey struct {
	Column, Param, Parent, ParentColumn string
	FromPath                            bool
}

// table is one generated table.
type table struct {
	Name                           string
	Description                    string
	Ops                            []string
	OpIDs                          map[string]string
	ListPath, ListKey              string
	ItemPath, CreatePath           string
	SidPrefixes                    []string
	Columns                        []column
	Filters                        []filter
	CreateParams, UpdateParams     []param
	Keys                           []pathKey
	ItemKey                        string
	Singleton                      bool
	base                           string // the path of the collection without .json, e.g. "Conferences/{ConferenceSid}/Participants"
	rawItem                        string // the item path with its own placeholder name
	itemParam                      string // the placeholder of the row's key in the item path
	accountScoped                  bool
	listOp, fetchOp                *openapi3.Operation
	createOp, updateOp, deleteOp   *openapi3.Operation
	rowSchema                      *openapi3.Schema
	listItemsKey                   string
	createOnItem, postIsCreateOnly bool
}

var errNoRows = errors.New("no JSON response")

var placeholder = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// Generate returns the Go source of schema's spec tables.
func Generate(doc *openapi3.T) ([]byte, error) {
	tables := map[string]*table{}
	get := func(base string, scoped bool) *table {
		t := tables[base]
		if t == nil {
			t = &table{base: base, accountScoped: scoped, OpIDs: map[string]string{}}
			tables[base] = t
		}
		return t
	}
	for _, raw := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(raw)
		var rel string
		scoped := true
		switch {
		case strings.HasPrefix(raw, accountPrefix):
			rel = strings.TrimPrefix(raw, accountPrefix)
		case strings.HasPrefix(raw, versionPrefix):
			rel, scoped = strings.TrimPrefix(raw, versionPrefix), false
		default:
			continue
		}
		noExt := strings.TrimSuffix(rel, ".json")
		segs := strings.Split(noExt, "/")
		last := segs[len(segs)-1]
		if m := placeholder.FindStringSubmatch(last); m != nil && m[0] == last {
			// An item path: X/{Key}.json.
			t := get(strings.Join(segs[:len(segs)-1], "/"), scoped)
			t.rawItem, t.itemParam = rel, m[1]
			t.fetchOp, t.updateOp, t.deleteOp = item.Get, item.Post, item.Delete
			continue
		}
		t := get(noExt, scoped)
		t.listOp = item.Get
		t.createOp = item.Post
		if item.Delete != nil {
			t.deleteOp = item.Delete
		}
	}
	// Collections read by GET on their own path without a list envelope
	// (Balance.json, .../Data.json, Calls/{CallSid}/Feedback.json) are
	// singletons: their "list" GET is a fetch.
	var out []*table
	for _, t := range tables {
		if t.listOp != nil && listArrayKey(t.listOp) == "" && t.fetchOp == nil {
			t.fetchOp, t.listOp, t.Singleton = t.listOp, nil, true
			t.rawItem = t.base + ".json"
			if t.createOp != nil {
				t.updateOp = t.createOp
			}
		}
		if t.listOp == nil && t.fetchOp == nil {
			continue
		}
		if err := t.build(doc); err == errNoRows {
			// A GET answering no JSON (Payloads' Data.json redirects to
			// the payload's media): not a table.
			continue
		} else if err != nil {
			return nil, fmt.Errorf("tablegen: %s: %w", t.base, err)
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].base < out[j].base })
	names := map[string]string{}
	for _, t := range out {
		if prev, dup := names[t.Name]; dup {
			return nil, fmt.Errorf("tablegen: %s and %s are both named %s", prev, t.base, t.Name)
		}
		names[t.Name] = t.base
	}
	linkParents(out)
	return render(out)
}

// listArrayKey is the key of the array of rows in a list answer.
func listArrayKey(op *openapi3.Operation) string {
	s := responseSchema(op)
	if s == nil || s.Properties["next_page_uri"] == nil && (s.Properties["sid"] != nil || s.Properties["account_sid"] != nil) {
		// Not a page of a list but a resource (Call Feedback's issues
		// are an array of the resource, not rows).
		return ""
	}
	for _, k := range sortedKeys(s.Properties) {
		p := s.Properties[k]
		if p.Value != nil && p.Value.Type.Is("array") && !strings.HasSuffix(k, "_uri") {
			return k
		}
	}
	return ""
}

func responseSchema(op *openapi3.Operation) *openapi3.Schema {
	if op == nil || op.Responses == nil {
		return nil
	}
	for _, code := range []string{"200", "201"} {
		r := op.Responses.Value(code)
		if r == nil || r.Value == nil {
			continue
		}
		if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// tableName makes a PascalCase name of a collection path: placeholders are
// dropped and the segment before one loses its plural
// ("Conferences/{ConferenceSid}/Participants" → "ConferenceParticipants").
func tableName(base string, scoped bool) string {
	segs := strings.Split(base, "/")
	var b strings.Builder
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			continue
		}
		if i+1 < len(segs) && strings.HasPrefix(segs[i+1], "{") {
			s = singular(s)
		}
		if s == "SIP" || s == "SMS" {
			s = s[:1] + strings.ToLower(s[1:])
		}
		b.WriteString(s)
	}
	return b.String()
}

func singular(s string) string {
	switch {
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

// pascal turns a JSON field into a column name: "api_version" → "ApiVersion".
func pascal(field string) string {
	var b strings.Builder
	for _, part := range strings.Split(field, "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// snake turns a path parameter into a JSON field: "ConferenceSid" → "conference_sid".
func snake(name string) string {
	var b strings.Builder
	for i, r := range name {
		if 'A' <= r && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func columnType(s *openapi3.Schema) string {
	switch {
	case s == nil:
		return "String"
	case s.Type.Is("integer"):
		return "Int"
	case s.Type.Is("number"):
		return "Float"
	case s.Type.Is("boolean"):
		return "Bool"
	case s.Type.Is("object"), s.Type.Is("array"):
		return "JSON"
	case s.Format == "date-time-rfc-2822" || s.Format == "date-time":
		return "Time"
	case s.Format == "date":
		return "Date"
	}
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Type == nil || len(*s.Type) == 0 && len(s.Enum) == 0 {
		return "JSON"
	}
	return "String"
}

func (t *table) build(doc *openapi3.T) error {
	t.Name = tableName(t.base, t.accountScoped)
	if t.listOp != nil {
		t.Ops = append(t.Ops, "List")
		t.OpIDs["List"] = t.listOp.OperationID
		t.ListPath = t.rel(t.base + ".json")
		t.ListKey = listArrayKey(t.listOp)
		t.Description = describe(t.listOp)
		if items := responseSchema(t.listOp).Properties[t.ListKey]; items.Value.Items != nil {
			t.rowSchema = items.Value.Items.Value
		}
	}
	if t.fetchOp != nil {
		t.Ops = append(t.Ops, "Get")
		t.OpIDs["Get"] = t.fetchOp.OperationID
		if t.rowSchema == nil {
			t.rowSchema = responseSchema(t.fetchOp)
		}
		if t.Description == "" {
			t.Description = describe(t.fetchOp)
		}
	}
	if t.rowSchema == nil {
		return errNoRows
	}
	if t.rawItem != "" {
		t.ItemPath = t.rel(t.rawItem)
		if t.itemParam != "" {
			t.ItemPath = strings.Replace(t.ItemPath, "{"+t.itemParam+"}", "{Sid}", 1)
		}
	}
	if t.createOp != nil && !t.Singleton {
		t.Ops = append(t.Ops, "Create")
		t.OpIDs["Create"] = t.createOp.OperationID
		t.CreatePath = t.ListPath
		if t.CreatePath == "" {
			t.CreatePath = t.rel(t.base + ".json")
		}
		t.CreateParams = formParams(t.createOp)
	}
	if t.updateOp != nil {
		t.Ops = append(t.Ops, "Update")
		t.OpIDs["Update"] = t.updateOp.OperationID
		t.UpdateParams = formParams(t.updateOp)
		if t.ItemPath == "" {
			t.ItemPath = t.rel(t.rawItem)
		}
	}
	if t.deleteOp != nil {
		t.Ops = append(t.Ops, "Delete")
		t.OpIDs["Delete"] = t.deleteOp.OperationID
	}

	// Columns, in the order of the schema's properties as the spec lists
	// them (kin-openapi keeps no order: the JSON order is recovered from
	// the example-free extension-free key order of the spec, sorted here
	// for stability).
	props := t.rowSchema.Properties
	order := propertyOrder(doc, t.rowSchema)
	for _, f := range order {
		p := props[f]
		if p == nil || p.Value == nil {
			continue
		}
		t.Columns = append(t.Columns, column{Name: pascal(f), Field: f, Type: columnType(p.Value), Nullable: p.Value.Nullable})
	}
	if sp := props["sid"]; sp != nil && sp.Value != nil {
		t.SidPrefixes = sidPrefixes(sp.Value.Pattern)
	}
	if t.itemParam != "" && t.itemParam != "Sid" {
		// Keyed by another column (a participant by its CallSid).
		t.ItemKey = t.keyColumn(t.itemParam)
		if len(t.SidPrefixes) == 0 || t.ItemKey != "Sid" {
			t.SidPrefixes = pathPrefixes(t.fetchOrUpdate(), t.itemParam)
		}
		if t.ItemKey == "Sid" {
			t.ItemKey = ""
		}
	}
	// Key columns from the path.
	path := t.base
	if t.accountScoped {
		path = "{AccountSid}/" + path
	}
	for _, m := range placeholder.FindAllStringSubmatch(path, -1) {
		col := t.keyColumn(m[1])
		k := pathKey{Column: col, Param: m[1]}
		if _, ok := props[snake(m[1])]; !ok && !(m[1] == "AccountSid" && props["account_sid"] != nil) {
			k.FromPath = true
			if !slices.ContainsFunc(t.Columns, func(c column) bool { return c.Name == col }) {
				t.Columns = append(t.Columns, column{Name: col, Type: "String"})
			}
		}
		t.Keys = append(t.Keys, k)
	}
	if t.listOp != nil {
		t.Filters = t.listFilters()
	}
	return nil
}

func (t *table) fetchOrUpdate() *openapi3.Operation {
	for _, op := range []*openapi3.Operation{t.fetchOp, t.updateOp, t.deleteOp} {
		if op != nil {
			return op
		}
	}
	return nil
}

// keyColumn is the column a path parameter fills: the field of its snake
// name ("ConferenceSid" → conference_sid → ConferenceSid).
func (t *table) keyColumn(param string) string {
	if param == "Sid" {
		return "Sid"
	}
	return pascal(snake(param))
}

func (t *table) rel(p string) string {
	if t.accountScoped {
		return p
	}
	return versionPrefix + p
}

func describe(op *openapi3.Operation) string {
	d := op.Description
	if d == "" {
		d = op.Summary
	}
	d = strings.Join(strings.Fields(d), " ")
	if d == "" {
		d = "Rows of " + op.OperationID + "."
	}
	if !strings.HasSuffix(d, ".") {
		d += "."
	}
	return d
}

var prefixPattern = regexp.MustCompile(`^\^\(?([A-Z]{2}(?:\|[A-Z]{2})*)\)?\[`)

func sidPrefixes(pattern string) []string {
	m := prefixPattern.FindStringSubmatch(pattern)
	if m == nil {
		return nil
	}
	return strings.Split(m[1], "|")
}

func pathPrefixes(op *openapi3.Operation, name string) []string {
	if op == nil {
		return nil
	}
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "path" && p.Value.Name == name && p.Value.Schema != nil && p.Value.Schema.Value != nil {
			return sidPrefixes(p.Value.Schema.Value.Pattern)
		}
	}
	return nil
}

func (t *table) listFilters() []filter {
	byParam := map[string]*filter{}
	var order []string
	for _, pr := range t.listOp.Parameters {
		p := pr.Value
		if p == nil || p.In != "query" {
			continue
		}
		name := p.Name
		switch name {
		case "PageSize", "Page", "PageToken":
			continue
		}
		base, ops := name, "Eq"
		if b, ok := strings.CutSuffix(name, "<"); ok {
			base, ops = b, "Lt | Le"
		} else if b, ok := strings.CutSuffix(name, ">"); ok {
			base, ops = b, "Gt | Ge"
		}
		i := slices.IndexFunc(t.Columns, func(c column) bool { return strings.EqualFold(c.Name, base) })
		if i < 0 {
			continue
		}
		c := t.Columns[i]
		f := byParam[base]
		if f == nil {
			f = &filter{Column: c.Name, Param: base}
			byParam[base] = f
			order = append(order, base)
		}
		if f.Ops == "" {
			f.Ops = ops
		} else {
			f.Ops += " | " + ops
		}
		if p.Schema != nil && p.Schema.Value != nil {
			if m := sidPatternRE.FindStringSubmatch(p.Schema.Value.Pattern); m != nil {
				f.SidPrefix = m[1]
			}
			for _, v := range p.Schema.Value.Enum {
				if s, ok := v.(string); ok && !slices.Contains(f.Values, s) {
					f.Values = append(f.Values, s)
				}
			}
		}
		switch c.Type {
		case "Time":
			if ops != "Eq" || f.Format == "date" {
				f.DayGranular, f.Format = true, "date"
			}
		}
	}
	var out []filter
	for _, b := range order {
		f := byParam[b]
		// Put the ops in the canonical order.
		var ops []string
		for _, o := range []string{"Eq", "Lt", "Le", "Gt", "Ge"} {
			if strings.Contains(f.Ops, o) {
				ops = append(ops, o)
			}
		}
		f.Ops = strings.Join(ops, " | ")
		if f.Ops != "Eq" && t.Columns[slices.IndexFunc(t.Columns, func(c column) bool { return c.Name == f.Column })].Type == "Time" {
			f.DayGranular, f.Format = true, "date"
		}
		out = append(out, *f)
	}
	return out
}

func formParams(op *openapi3.Operation) []param {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/x-www-form-urlencoded")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	s := mt.Schema.Value
	var out []param
	names := formOrder[op.OperationID]
	if len(names) != len(s.Properties) {
		names = sortedKeys(s.Properties)
	}
	for _, name := range names {
		p := s.Properties[name].Value
		pr := param{Name: name, Type: "String", Required: slices.Contains(s.Required, name)}
		if p != nil {
			if p.Type.Is("array") {
				pr.Multi = true
				if p.Items != nil {
					pr.Type = columnType(p.Items.Value)
				}
			} else {
				pr.Type = columnType(p)
			}
			if pr.Type == "JSON" {
				pr.Type = "String"
			}
		}
		out = append(out, pr)
	}
	return out
}

// linkParents fills each key's parent table: the table whose item path is
// the child's path up to that key.
func linkParents(ts []*table) {
	byItem := map[string]*table{}
	for _, t := range ts {
		if t.rawItem != "" && t.itemParam != "" {
			byItem[strings.TrimSuffix(t.rawItem, ".json")] = t
		}
	}
	for _, t := range ts {
		for i := range t.Keys {
			k := &t.Keys[i]
			if k.Param == "AccountSid" {
				continue
			}
			pos := strings.Index(t.base, "{"+k.Param+"}")
			// The last key decides the parent; earlier keys are the parent's keys.
			prefix := t.base[:pos]
			var parent *table
			for _, cand := range byItem {
				if strings.TrimSuffix(cand.rawItem, ".json") == prefix+"{"+cand.itemParam+"}" {
					parent = cand
				}
			}
			if parent == nil {
				continue
			}
			k.Parent = parent.Name
			k.ParentColumn = "Sid"
			if parent.ItemKey != "" {
				k.ParentColumn = parent.ItemKey
			}
		}
	}
}

// propertyOrder lists a schema's properties in the spec's order, found by
// looking the schema up among the components and reading the vendored
// JSON order there; kin-openapi's maps lose it.
func propertyOrder(doc *openapi3.T, s *openapi3.Schema) []string {
	if o, ok := s.Extensions["x-property-order"].([]string); ok {
		return o
	}
	for name, ref := range doc.Components.Schemas {
		if ref.Value == s {
			if o := jsonOrder[name]; o != nil {
				return o
			}
		}
	}
	return sortedKeys(s.Properties)
}

// jsonOrder maps a component schema's name to its property names in the
// spec's order; SetOrder fills it before Generate.
var jsonOrder = map[string][]string{}

// formOrder maps an operationId to its form parameters in the spec's order.
var formOrder = map[string][]string{}

// SetOrder records the JSON order of component schemas' properties and of
// operations' form parameters, which kin-openapi's maps lose.
func SetOrder(schemas, forms map[string][]string) { jsonOrder, formOrder = schemas, forms }

func render(ts []*table) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/tablegen from internal/spec; DO NOT EDIT.\n// Regenerate with: go generate ./schema\n\npackage schema\n\n")
	b.WriteString("// specTables are the resources of the 2010 API as the spec describes them,\n// before overrides.go names and annotates them.\nvar specTables = []*Table{\n")
	q := strconv.Quote
	strs := func(ss []string) string {
		qs := make([]string, len(ss))
		for i, s := range ss {
			qs[i] = q(s)
		}
		return "[]string{" + strings.Join(qs, ", ") + "}"
	}
	for _, t := range ts {
		fmt.Fprintf(&b, "{\nName: %s,\nDescription: %s,\nOperations: %s,\n", q(t.Name), q(t.Description), strings.Join(t.Ops, " | "))
		ids := []string{}
		for _, op := range []string{"List", "Get", "Create", "Update", "Delete"} {
			if id, ok := t.OpIDs[op]; ok {
				ids = append(ids, op+": "+q(id))
			}
		}
		fmt.Fprintf(&b, "OperationIDs: map[Operation]string{%s},\n", strings.Join(ids, ", "))
		for _, kv := range [][2]string{{"ListPath", t.ListPath}, {"ListKey", t.ListKey}, {"ItemPath", t.ItemPath}, {"CreatePath", t.CreatePath}, {"ItemKey", t.ItemKey}} {
			if kv[1] != "" {
				fmt.Fprintf(&b, "%s: %s,\n", kv[0], q(kv[1]))
			}
		}
		if t.Singleton {
			b.WriteString("Singleton: true,\n")
		}
		if len(t.SidPrefixes) > 0 {
			fmt.Fprintf(&b, "SidPrefixes: %s,\n", strs(t.SidPrefixes))
		}
		b.WriteString("Columns: []Column{\n")
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "{Name: %s, Field: %s, Type: %s, Nullable: %t},\n", q(c.Name), q(c.Field), c.Type, c.Nullable)
		}
		b.WriteString("},\n")
		if len(t.Keys) > 0 {
			b.WriteString("Keys: []PathKey{\n")
			for _, k := range t.Keys {
				fmt.Fprintf(&b, "{Column: %s, Param: %s", q(k.Column), q(k.Param))
				if k.Parent != "" {
					fmt.Fprintf(&b, ", Parent: %s, ParentColumn: %s", q(k.Parent), q(k.ParentColumn))
				}
				if k.FromPath {
					b.WriteString(", FromPath: true")
				}
				b.WriteString("},\n")
			}
			b.WriteString("},\n")
		}
		if len(t.Filters) > 0 {
			b.WriteString("Filters: []Filter{\n")
			for _, f := range t.Filters {
				fmt.Fprintf(&b, "{Column: %s, Param: %s, Ops: %s", q(f.Column), q(f.Param), f.Ops)
				if f.DayGranular {
					b.WriteString(", DayGranular: true")
				}
				if f.Format != "" {
					fmt.Fprintf(&b, ", Format: %s", q(f.Format))
				}
				if len(f.Values) > 0 {
					fmt.Fprintf(&b, ", Values: %s", strs(f.Values))
				}
				if f.SidPrefix != "" {
					fmt.Fprintf(&b, ", Pattern: SidPattern(%s)", q(f.SidPrefix))
				}
				if f.Note != "" {
					fmt.Fprintf(&b, ", Note: %s", q(f.Note))
				}
				b.WriteString("},\n")
			}
			b.WriteString("},\n")
		}
		for _, ps := range []struct {
			name   string
			params []param
		}{{"CreateParams", t.CreateParams}, {"UpdateParams", t.UpdateParams}} {
			if len(ps.params) == 0 {
				continue
			}
			fmt.Fprintf(&b, "%s: []Param{\n", ps.name)
			for _, p := range ps.params {
				fmt.Fprintf(&b, "{Name: %s, Type: %s", q(p.Name), p.Type)
				if p.Required {
					b.WriteString(", Required: true")
				}
				if p.Multi {
					b.WriteString(", Multi: true")
				}
				b.WriteString("},\n")
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
