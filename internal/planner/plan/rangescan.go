package plan

import "fmt"

// RangeScan is a listing on a range of days of the table's split column,
// run as time slices fetched in parallel once its first page (Listing's)
// shows a page follows. When the scan cannot be split at run time, it is
// read as Listing says.
type RangeScan struct {
	leaf
	Listing *Scan
	// Slices is how exec splits the range (an *exec.RangeScan), made once
	// by the rule that chose the range scan: EXPLAIN prints it and exec
	// runs it.
	Slices Slicer
}

// Slicer is the split of a range scan into slices.
type Slicer interface {
	// DaysText is the range in words: "2026-01-01..2026-04-30 (120 days)".
	DaysText() string
}

func (r *RangeScan) WithChildren(children ...Node) (Node, error) {
	return r, childCount(r, children, 0)
}

func (r *RangeScan) String() string {
	return fmt.Sprintf("RangeScan(%s %s)", r.Listing.Table.Name, r.Slices.DaysText())
}
