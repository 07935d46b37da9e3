package plan

import (
	"database/sql/driver"
	"fmt"

	"github.com/twiliosql/twiliosql/schema"
)

// Values is a table held in memory (information_schema, SHOW, dual, a
// correlated subquery's table read once): no request.
type Values struct {
	leaf
	Table *schema.Table
	Rows  func() [][]driver.Value
}

func (v *Values) WithChildren(children ...Node) (Node, error) {
	return v, childCount(v, children, 0)
}

func (v *Values) String() string { return fmt.Sprintf("Values(%s)", v.Table.Name) }

// Empty is a table read for a WHERE clause that can match no row: no
// request, no row.
type Empty struct {
	leaf
	Table *schema.Table
	Notes []string
	// Rules are the pushdown rules that decided this read, in order
	// (EXPLAIN lists them).
	Rules []string
}

func (e *Empty) WithChildren(children ...Node) (Node, error) {
	return e, childCount(e, children, 0)
}

func (e *Empty) String() string { return fmt.Sprintf("Empty(%s)", e.Table.Name) }
