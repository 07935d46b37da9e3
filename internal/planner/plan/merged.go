package plan

import (
	"fmt"
	"net/url"

	"github.com/twiliosql/twiliosql/schema"
)

// MergedListing is several listings of one table (one per value of an IN
// list or disjunct of an OR), read one after another with duplicates
// removed by Sid.
type MergedListing struct {
	leaf
	Table    *schema.Table
	Queries  []url.Values // one per listing, without PageSize
	PageSize int
	Fresh    bool
	OnePage  bool // a LIMIT was pushed into PageSize (see Scan)
	Exact    bool // Twilio's answers are exactly the WHERE clause
	Notes    []string
	// Rules are the pushdown rules that decided this read, in order
	// (EXPLAIN lists them).
	Rules []string
}

func (m *MergedListing) WithChildren(children ...Node) (Node, error) {
	return m, childCount(m, children, 0)
}

func (m *MergedListing) String() string {
	return fmt.Sprintf("MergedListing(%s, %d listings, PageSize=%d)", m.Table.Name, len(m.Queries), m.PageSize)
}
