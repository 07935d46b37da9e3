package plan

import (
	"fmt"
	"net/url"

	"github.com/twiliosql/twiliosql/schema"
)

// Deferred reads a table whose access depends on the values of an
// uncorrelated subquery (column IN (SELECT …)), known only once the
// Subqueries node above has run it: Resolve then gives the leaf to read
// (fetches by Sid, listings merged, or one listing when the values are
// too many).
type Deferred struct {
	leaf
	Table   *schema.Table
	Resolve func() (Node, error)

	// What EXPLAIN shows before the values are known.
	Sub      *Subquery // the subquery whose values are pushed
	BySid    bool      // the values are Sids: one fetch each
	Column   string    // the column the values are for
	Param    string    // the filter parameter they go into (not BySid)
	Queries  []url.Values
	PageSize int
	MaxKeys  int // more values than this: one listing instead
	Notes    []string
	// Rules are the pushdown rules that decided this read, in order
	// (EXPLAIN lists them).
	Rules []string
}

func (d *Deferred) WithChildren(children ...Node) (Node, error) {
	return d, childCount(d, children, 0)
}

func (d *Deferred) String() string {
	return fmt.Sprintf("Deferred(%s.%s IN subquery)", d.Table.Name, d.Column)
}
