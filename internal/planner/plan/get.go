package plan

import (
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/schema"
)

// Get fetches rows by Sid, one request each; a missing one is no row.
type Get struct {
	leaf
	Table *schema.Table
	Sids  []string
	// Rules are the pushdown rules that decided this read, in order
	// (EXPLAIN lists them).
	Rules []string
}

func (g *Get) WithChildren(children ...Node) (Node, error) {
	return g, childCount(g, children, 0)
}

func (g *Get) String() string {
	return fmt.Sprintf("Get(%s %s)", g.Table.Name, strings.Join(g.Sids, ", "))
}
