package plan

import "fmt"

// Derived is a query read as a table: FROM (SELECT …) AS alias. Its child
// is the query's tree, planned with what the outer query pushed into it.
type Derived struct {
	Child   Node
	Alias   string
	Columns []Column
	// Fresh asks for each row as a new slice the reader may keep.
	Fresh bool
	// Pushed are the outer WHERE terms pushed into the query, as written
	// outside; PushedLimit the outer LIMIT given to it (-1: none).
	Pushed      []string
	PushedLimit int64
	// Rules are the rules that pushed them.
	Rules []string
	// Limit plans the query again with an outer LIMIT of rows (OFFSET +
	// LIMIT) given to it, for the rule that pushes one; nil when it may
	// not take one (an outer filter stays outside). It returns nil when
	// the query cannot take it.
	Limit func(rows int64) (Node, error)
}

func (d *Derived) Children() []Node { return []Node{d.Child} }

func (d *Derived) WithChildren(children ...Node) (Node, error) {
	if err := childCount(d, children, 1); err != nil {
		return nil, err
	}
	out := *d
	out.Child = children[0]
	return &out, nil
}

func (d *Derived) String() string { return fmt.Sprintf("Derived(%s)", d.Alias) }
