package plan

import (
	"fmt"
	"net/url"

	"github.com/twiliosql/twiliosql/schema"
)

// Scan is one listing of a table, read page by page.
type Scan struct {
	leaf
	Table    *schema.Table
	Query    url.Values // the filters Twilio applies, without PageSize
	PageSize int
	// Fresh asks for each row as a new slice the reader may keep (sorting,
	// grouping, a join's scanned side); otherwise a row is valid until the
	// next one is read.
	Fresh bool
	// Ahead is how the pages after the first are read.
	Ahead Ahead
	// OnePage is set when a LIMIT was pushed into PageSize: Twilio answers
	// the WHERE exactly, so the first page holds every row asked for.
	OnePage bool
	// Exact is set when Twilio's answer is exactly the WHERE clause:
	// nothing is left to check here (a LIMIT may shrink the page).
	Exact bool
	// Notes say which WHERE terms Twilio answers and how (EXPLAIN).
	Notes []string
	// Rules are the pushdown rules that decided this read, in order
	// (EXPLAIN lists them).
	Rules []string
}

// Ahead is how a listing reads the pages after its first.
type Ahead int

const (
	// OnDemand reads a page only once the rows before it are used up: every
	// row read is returned, up to a LIMIT, so none is fetched past it.
	OnDemand Ahead = iota
	// PrefetchAll fetches the next page from the first row read on.
	PrefetchAll
	// PrefetchHalf fetches the next page once half the page in hand is
	// read (a LIMIT with a local filter: a selective filter gets there, a
	// small LIMIT does not).
	PrefetchHalf
)

func (s *Scan) WithChildren(children ...Node) (Node, error) {
	return s, childCount(s, children, 0)
}

func (s *Scan) String() string {
	return fmt.Sprintf("Scan(%s?%s PageSize=%d)", s.Table.Name, s.Query.Encode(), s.PageSize)
}
