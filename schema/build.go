package schema

import (
	"fmt"
	"slices"
	"strings"
)

// The catalog is the spec tables (spec_tables.go, generated) with the
// hand-written facts of overrides.go applied: the seven tables of the first
// release keep their names, aliases and behaviour, and every other
// resource of the 2010 API is a table under its generated name.

// override is what the spec does not say about one table.
type override struct {
	Name        string   // the table's name, when not the generated one
	Aliases     []string // other names of the table
	Description string
	// Exact lists the filters (by parameter) whose answer is exactly the
	// SQL comparison; the others are re-checked locally.
	Exact []string
	// Only, Notes: per filter parameter, see Filter.Only and Filter.Note.
	Only  map[string][]string
	Notes map[string]string
	// Drop lists filter parameters not to push (their answer is not a
	// filter of the rows).
	Drop []string
	// ColumnAliases: per column, other names.
	ColumnAliases map[string][]string
	// Types: per column or parameter, the SQL type where the spec's is
	// too loose ("price" is a string in the spec).
	Types map[string]Type
	// Nullable lists columns Twilio may send as null although the spec
	// says otherwise.
	Nullable []string
	// SplitColumn and RetentionDays: see Table.
	SplitColumn   string
	RetentionDays int
	// Edit changes anything else (reshaping a singleton keyed by a parent
	// into a table keyed by Sid, as Feedback is).
	Edit func(*Table)
}

// build applies the overrides and returns the catalog in SHOW TABLES
// order: the overridden tables in the order of overrideOrder, then the
// others by name.
func build() []*Table {
	byName := map[string]*Table{}
	for _, st := range specTables {
		t := cloneTable(st)
		applyFieldTypes(t)
		if o, ok := overrides[st.Name]; ok {
			o.apply(t)
		}
		addKeyFilters(t)
		byName[st.Name] = t
	}
	var out []*Table
	for _, n := range overrideOrder {
		t, ok := byName[n]
		if !ok {
			panic(fmt.Sprintf("schema: overrides.go names %q, which the spec has no table for: regenerate or fix the override", n))
		}
		out = append(out, t)
		delete(byName, n)
	}
	if !allResources {
		return out
	}
	rest := make([]*Table, 0, len(byName))
	for _, t := range byName {
		rest = append(rest, t)
	}
	slices.SortFunc(rest, func(a, b *Table) int { return strings.Compare(a.Name, b.Name) })
	out = append(out, rest...)
	linkRenamedParents(out)
	return out
}

// linkRenamedParents points keys at the parents' final names.
func linkRenamedParents(ts []*Table) {
	rename := map[string]string{}
	for _, st := range specTables {
		if o, ok := overrides[st.Name]; ok && o.Name != "" {
			rename[st.Name] = o.Name
		}
	}
	for _, t := range ts {
		for i := range t.Keys {
			if n, ok := rename[t.Keys[i].Parent]; ok {
				t.Keys[i].Parent = n
			}
		}
	}
}

// addKeyFilters makes each path key a pushable, exact equality: its
// parameter is the placeholder, "{ConferenceSid}", which the planner puts
// into the path instead of the query.
func addKeyFilters(t *Table) {
	if !t.Supports(List) && !t.Singleton {
		return
	}
	for _, k := range t.Keys {
		if slices.ContainsFunc(t.Filters, func(f Filter) bool { return strings.EqualFold(f.Column, k.Column) }) {
			continue
		}
		t.Filters = append(t.Filters, Filter{Column: k.Column, Param: KeyParam(k.Param), Ops: Eq, Exact: true, Note: "path key: one listing per value"})
	}
	// A nested row is fetched by its key under its parent.
	nested := slices.ContainsFunc(t.Keys, func(k PathKey) bool { return k.Parent != "" })
	if nested && t.Supports(Get) && !t.Singleton {
		col := "Sid"
		if t.ItemKey != "" {
			col = t.ItemKey
		}
		if _, ok := t.Column(col); ok && !slices.ContainsFunc(t.Filters, func(f Filter) bool { return strings.EqualFold(f.Column, col) }) {
			t.Filters = append(t.Filters, Filter{Column: col, Param: KeyParam("Sid"), Ops: Eq, Exact: true, Note: "fetched by key under its parent"})
		}
	}
}

// KeyParam is the parameter a key filter carries: the placeholder it fills.
func KeyParam(name string) string { return "{" + name + "}" }

// IsKeyParam reports whether a filter parameter fills a path placeholder.
func IsKeyParam(p string) bool { return strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") }

// applyFieldTypes gives columns the types of fieldTypes.
func applyFieldTypes(t *Table) {
	for i := range t.Columns {
		if ty, ok := fieldTypes[t.Columns[i].Field]; ok && t.Columns[i].Type == String {
			t.Columns[i].Type = ty
		}
	}
}

func (o override) apply(t *Table) {
	if o.Name != "" {
		t.Name = o.Name
	}
	t.Aliases = o.Aliases
	if o.Description != "" {
		t.Description = o.Description
	}
	for i := range t.Columns {
		c := &t.Columns[i]
		c.Aliases = o.ColumnAliases[c.Name]
		if slices.Contains(o.Nullable, c.Name) {
			c.Nullable = true
		}
		if ty, ok := o.Types[c.Name]; ok {
			c.Type = ty
		}
	}
	for _, ps := range [][]Param{t.CreateParams, t.UpdateParams} {
		for i := range ps {
			if ty, ok := o.Types[ps[i].Name]; ok {
				ps[i].Type = ty
			}
		}
	}
	t.Filters = slices.DeleteFunc(t.Filters, func(f Filter) bool { return slices.Contains(o.Drop, f.Param) })
	for i := range t.Filters {
		f := &t.Filters[i]
		f.Exact = slices.Contains(o.Exact, f.Param)
		if v, ok := o.Only[f.Param]; ok {
			f.Only = v
		}
		if n, ok := o.Notes[f.Param]; ok {
			f.Note = n
		}
	}
	t.SplitColumn, t.RetentionDays = o.SplitColumn, o.RetentionDays
	if o.Edit != nil {
		o.Edit(t)
	}
}

func cloneTable(st *Table) *Table {
	t := *st
	t.Aliases = slices.Clone(st.Aliases)
	t.SidPrefixes = slices.Clone(st.SidPrefixes)
	t.Columns = slices.Clone(st.Columns)
	t.Filters = slices.Clone(st.Filters)
	t.CreateParams = slices.Clone(st.CreateParams)
	t.UpdateParams = slices.Clone(st.UpdateParams)
	t.Keys = slices.Clone(st.Keys)
	return &t
}

// allResources puts every generated table in the catalog; until the
// emulator serves them all, only the tables of overrideOrder are.
const allResources = true

// registry holds every table, in the order SHOW TABLES lists them.
var registry = build()

func mustTable(name string) *Table {
	t, ok := Lookup(name)
	if !ok {
		panic("schema: no table " + name)
	}
	return t
}

// The tables of the first release, by name, for code and tests that name them.
var (
	Calls               = mustTable("Calls")
	Messages            = mustTable("Messages")
	Recordings          = mustTable("Recordings")
	InboundPhoneNumbers = mustTable("InboundPhoneNumbers")
	OutgoingCallerIds   = mustTable("OutgoingCallerIds")
	Feedback            = mustTable("Feedback")
	FeedbackSummary     = mustTable("FeedbackSummary")
	Accounts            = mustTable("Accounts")
)
