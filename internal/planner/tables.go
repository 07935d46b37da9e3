package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// lookupTable finds a table and explains an unknown name.
func lookupTable(name sqlparser.TableName) (*schema.Table, error) {
	if q := name.Qualifier.String(); q != "" && !strings.EqualFold(q, eval.DatabaseName) {
		if strings.EqualFold(q, "information_schema") {
			return nil, fmt.Errorf("twilio: %s is read-only: only SELECT reads it", sqlparser.String(name))
		}
		return nil, fmt.Errorf("twilio: table %s: the only schema is %s: write %s or %s.%s", sqlparser.String(name), eval.DatabaseName, name.Name.String(), eval.DatabaseName, name.Name.String())
	}
	n := name.Name.String()
	if t, ok := schema.Lookup(n); ok {
		return t, nil
	}
	var names []string
	for _, t := range schema.Tables() {
		names = append(names, t.Name)
		names = append(names, t.Aliases...)
	}
	return nil, fmt.Errorf("twilio: unknown table %q%s; tables are %s", n, didYouMean(n, names), strings.Join(tableNames(), ", "))
}

func tableNames() []string {
	var names []string
	for _, t := range schema.Tables() {
		names = append(names, t.Name)
	}
	return names
}

// didYouMean names the closest candidates to a misspelt name.
func didYouMean(name string, candidates []string) string {
	type scored struct {
		name string
		dist int
	}
	var best []scored
	lname := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein.ComputeDistance(lname, lc)
		if d <= max(2, len(name)/3) || strings.Contains(lc, lname) || strings.Contains(lname, lc) {
			best = append(best, scored{c, d})
		}
	}
	if len(best) == 0 {
		return ""
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].dist < best[j].dist })
	if len(best) > 3 {
		best = best[:3]
	}
	names := make([]string, len(best))
	for i, b := range best {
		names[i] = b.name
	}
	return " (did you mean " + strings.Join(names, " or ") + "?)"
}

// tableScope resolves columns of one table, referenced bare or qualified by
// the table's name, alias or the alias given in FROM.
type tableScope struct {
	table *schema.Table
	alias string
}

func (s tableScope) Resolve(col *sqlparser.ColName) (int, schema.Column, error) {
	if q := col.Qualifier.Name.String(); q != "" && !s.names(q) {
		return 0, schema.Column{}, &unknownColumnError{fmt.Sprintf("twilio: %s refers to %s, which is not in FROM: use %s", sqlparser.String(col), q, s.label())}
	}
	name := col.Name.String()
	i, ok := s.table.Column(name)
	if !ok {
		names := s.table.ColumnNames()
		for _, c := range s.table.Columns {
			names = append(names, c.Aliases...)
		}
		return 0, schema.Column{}, &unknownColumnError{fmt.Sprintf("twilio: %s has no column %q%s", s.table.Name, name, didYouMean(name, names))}
	}
	return i, s.table.Columns[i], nil
}

func (s tableScope) names(q string) bool {
	if strings.EqualFold(q, s.alias) || strings.EqualFold(q, s.table.Name) {
		return true
	}
	for _, a := range s.table.Aliases {
		if strings.EqualFold(q, a) {
			return true
		}
	}
	return false
}

func (s tableScope) label() string {
	if s.alias != "" {
		return s.alias
	}
	return s.table.Name
}

// unknownColumnError reports a column no table in scope has.
type unknownColumnError struct{ msg string }

func (e *unknownColumnError) Error() string { return e.msg }
