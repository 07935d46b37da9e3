package plan

import "fmt"

// Limit applies OFFSET and LIMIT to its child's result: reading stops once
// the rows are found, unless a node below holds every row anyway. LIMIT 0
// reads nothing: its child is neither run nor explained.
type Limit struct {
	Child  Node
	Limit  int64 // -1: none
	Offset int64
	// How the LIMIT is met, for EXPLAIN: PageSize > 0 when it was pushed
	// into the listing's page size (Twilio answers the WHERE exactly);
	// Streaming when joined keys are looked up row by row; AfterAll when
	// a node below reads every row first.
	PageSize  int
	Streaming bool
	AfterAll  bool
	// Plain leaves out the how (a UNION's LIMIT).
	Plain bool
}

func (l *Limit) Children() []Node {
	if l.Limit == 0 {
		return nil
	}
	return []Node{l.Child}
}

func (l *Limit) WithChildren(children ...Node) (Node, error) {
	if l.Limit == 0 {
		return l, childCount(l, children, 0)
	}
	if err := childCount(l, children, 1); err != nil {
		return nil, err
	}
	out := *l
	out.Child = children[0]
	return &out, nil
}

func (l *Limit) String() string { return fmt.Sprintf("Limit(%d OFFSET %d)", l.Limit, l.Offset) }
