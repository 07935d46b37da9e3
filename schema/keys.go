package schema

// PrimaryKey is the column that identifies a row: the Sid, by which Twilio
// fetches, updates and deletes a resource. "" when the table has none (the
// virtual tables of information_schema). Other columns are functionally
// dependent on it, so GROUP BY Sid may select them (MySQL's rule).
func (t *Table) PrimaryKey() string {
	if _, ok := t.Column("Sid"); ok {
		return "Sid"
	}
	return ""
}
