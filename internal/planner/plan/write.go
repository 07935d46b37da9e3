package plan

import (
	"fmt"

	"github.com/twiliosql/twiliosql/schema"
)

// Write is an INSERT, UPDATE or DELETE: its target rows read (Target, the
// tree of a SELECT, for an UPDATE or DELETE whose WHERE is more than
// Sids), then one request per resource.
type Write struct {
	Verb   string // INSERT, UPDATE or DELETE
	Table  *schema.Table
	Target Node // nil: the requests are known when planned
	// Planned is the planner's write (its requests, how a target row
	// becomes one), which it runs and EXPLAIN prints.
	Planned any
}

func (w *Write) Children() []Node {
	if w.Target == nil {
		return nil
	}
	return []Node{w.Target}
}

func (w *Write) WithChildren(children ...Node) (Node, error) {
	if err := childCount(w, children, len(w.Children())); err != nil {
		return nil, err
	}
	out := *w
	if len(children) == 1 {
		out.Target = children[0]
	}
	return &out, nil
}

func (w *Write) String() string { return fmt.Sprintf("Write(%s %s)", w.Verb, w.Table.Name) }
