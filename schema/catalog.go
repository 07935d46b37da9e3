package schema

import (
	"slices"
	"strings"
)

// Tables returns every table in catalog order.
func Tables() []*Table { return slices.Clone(registry) }

// Lookup finds a table by name or alias, ignoring case.
func Lookup(name string) (*Table, bool) {
	for _, t := range registry {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
		for _, a := range t.Aliases {
			if strings.EqualFold(a, name) {
				return t, true
			}
		}
	}
	return nil, false
}

// Column finds a column by name or alias, ignoring case (the SQL parser
// lower-cases some identifiers). It returns the column's index in Columns.
func (t *Table) Column(name string) (int, bool) {
	for i := range t.Columns {
		c := &t.Columns[i]
		if strings.EqualFold(c.Name, name) {
			return i, true
		}
		for _, a := range c.Aliases {
			if strings.EqualFold(a, name) {
				return i, true
			}
		}
	}
	return -1, false
}

// ColumnNames lists the columns' SQL names in order.
func (t *Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// Supports reports whether the table serves op.
func (t *Table) Supports(op Operation) bool { return t.Operations&op == op }

// OperationNames lists the SQL statements the table serves, for error messages.
func (t *Table) OperationNames() []string {
	var names []string
	if t.Supports(List) || t.Supports(Get) {
		names = append(names, "SELECT")
	}
	if t.Supports(Create) {
		names = append(names, "INSERT")
	}
	if t.Supports(Update) {
		names = append(names, "UPDATE")
	}
	if t.Supports(Delete) {
		names = append(names, "DELETE")
	}
	return names
}

// Filter returns the list filter on a column, if the API has one.
func (t *Table) Filter(column string) (Filter, bool) {
	for _, f := range t.Filters {
		if strings.EqualFold(f.Column, column) {
			return f, true
		}
	}
	return Filter{}, false
}

// Param finds a create or update parameter by name, ignoring case. A column
// alias ("Sender") resolves to the parameter of the column's name ("From").
func (t *Table) Param(params []Param, name string) (Param, bool) {
	if i, ok := t.Column(name); ok {
		name = t.Columns[i].Name
	}
	for _, p := range params {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Param{}, false
}

// ValidSid reports whether s is a well-formed Sid of this table: one of its
// prefixes and 32 hex digits. Only a valid Sid is ever put into a path.
func (t *Table) ValidSid(s string) bool {
	if len(s) != 34 || !slices.Contains(t.SidPrefixes, s[:2]) {
		return false
	}
	for _, r := range s[2:] {
		if !isHex(r) {
			return false
		}
	}
	return true
}

func isHex(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
}

// Path fills a relative endpoint with a Sid.
func Path(endpoint, sid string) string { return strings.Replace(endpoint, "{Sid}", sid, 1) }
