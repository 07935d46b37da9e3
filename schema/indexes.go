package schema

// Index is a way Twilio finds rows without listing them all, reported to SQL
// clients as an index: the primary key Sid (fetched by Sid) and one
// non-unique index per column a list filter serves.
type Index struct {
	Name   string // "PRIMARY" or the column's name
	Column string
	Unique bool
}

// Indexes lists the table's indexes: PRIMARY on Sid first, then the
// filtered columns in the order of Filters.
func (t *Table) Indexes() []Index {
	var out []Index
	if _, ok := t.Column("Sid"); ok {
		out = append(out, Index{Name: "PRIMARY", Column: "Sid", Unique: true})
	}
	seen := map[string]bool{"Sid": true}
	for _, f := range t.Filters {
		i, ok := t.Column(f.Column)
		if !ok || seen[t.Columns[i].Name] {
			continue
		}
		name := t.Columns[i].Name
		seen[name] = true
		out = append(out, Index{Name: name, Column: name})
	}
	return out
}
