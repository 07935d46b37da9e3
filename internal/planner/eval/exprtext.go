package eval

import (
	"strings"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// ExprText is an expression as SQL text for a result column's name, as
// MySQL names it: column names in the catalog's spelling (the parser lowers
// some, such as Status), DISTINCT in capitals, no backticks.
func ExprText(e sqlparser.Expr) string {
	buf := sqlparser.NewTrackedBuffer(formatLabel)
	buf.Myprintf("%v", e)
	return strings.ReplaceAll(buf.String(), "`", "")
}

func formatLabel(buf *sqlparser.TrackedBuffer, node sqlparser.SQLNode) {
	switch n := node.(type) {
	case *sqlparser.ColName:
		if !n.Qualifier.IsEmpty() {
			buf.Myprintf("%v.", n.Qualifier)
		}
		buf.WriteString(canonicalColumn(n.Name.String()))
		return
	case *sqlparser.FuncExpr:
		if n.Distinct {
			if !n.Qualifier.IsEmpty() {
				buf.Myprintf("%v.", n.Qualifier)
			}
			buf.Myprintf("%s(DISTINCT %v)", n.Name.String(), n.Exprs)
			return
		}
	}
	node.Format(buf)
}

// canonicalColumn spells a column name as the catalog does, when any table
// has a column of that name.
func canonicalColumn(name string) string {
	for _, t := range schema.Tables() {
		if i, ok := t.Column(name); ok && strings.EqualFold(t.Columns[i].Name, name) {
			return t.Columns[i].Name
		}
	}
	return name
}
