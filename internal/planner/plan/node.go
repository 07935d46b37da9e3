package plan

import (
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/schema"
)

// Node is a plan node.
type Node interface {
	// Children are the nodes whose rows this one reads, in order.
	Children() []Node
	// WithChildren returns a copy of the node with its children replaced
	// (as many as Children returns), for rules that rewrite a tree.
	WithChildren(children ...Node) (Node, error)
	// String says what the node is, in a line.
	String() string
}

// Column describes one column of a node's rows or of a result.
type Column struct {
	Name     string
	Type     schema.Type
	Nullable bool
}

// Transform rewrites a tree bottom-up: f is called on each node after its
// children were rewritten, and returns the node to put in its place and
// whether it changed it (go-mysql-server's transform.Node).
func Transform(n Node, f func(Node) (Node, bool, error)) (Node, bool, error) {
	kids := n.Children()
	changed := false
	if len(kids) > 0 {
		out := make([]Node, len(kids))
		for i, k := range kids {
			nk, ch, err := Transform(k, f)
			if err != nil {
				return nil, false, err
			}
			out[i] = nk
			changed = changed || ch
		}
		if changed {
			var err error
			if n, err = n.WithChildren(out...); err != nil {
				return nil, false, err
			}
		}
	}
	nn, ch, err := f(n)
	if err != nil {
		return nil, false, err
	}
	return nn, changed || ch, nil
}

// Inspect calls f on every node of a tree, parents before children, while f
// returns true.
func Inspect(n Node, f func(Node) bool) {
	if !f(n) {
		return
	}
	for _, k := range n.Children() {
		Inspect(k, f)
	}
}

// Format prints a tree, one node a line, children indented under their
// parent (for tests and debugging).
func Format(n Node) string {
	var b strings.Builder
	var walk func(Node, int)
	walk = func(n Node, depth int) {
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", depth), n.String())
		for _, k := range n.Children() {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// childCount checks the number of children given to WithChildren.
func childCount(n Node, got []Node, want int) error {
	if len(got) != want {
		return fmt.Errorf("twilio: internal: %T takes %d children, not %d", n, want, len(got))
	}
	return nil
}

// leaf is embedded by nodes without children.
type leaf struct{}

func (leaf) Children() []Node { return nil }
