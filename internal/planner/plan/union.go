package plan

import (
	"fmt"
	"slices"
)

// Union reads its branches (each a query's tree) one after another: the
// first is opened with the statement, each later one only once the rows
// before it are used up, so a LIMIT the first branches fill costs nothing
// more. Duplicates are removed among branches 0 to the last one joined by
// a DISTINCT union, as MySQL removes them.
type Union struct {
	Branches []Node
	// Distinct[i] tells whether the union joining branch i to the ones
	// before it is DISTINCT; Distinct[0] is unused.
	Distinct []bool
	Columns  []Column
	// LimitPushed is the LIMIT given to every branch (-1: none).
	LimitPushed int64
	// Rules are the rules that rewrote the branches.
	Rules []string
	// Limit plans the branches again each with a LIMIT of rows, for the
	// rule that pushes the union's LIMIT into them; nil when duplicates
	// are removed (a branch's first rows may not be the union's).
	Limit func(rows int64) ([]Node, error)
}

// LastDistinct is the index of the last branch joined by a DISTINCT union
// (0: none).
func (u *Union) LastDistinct() int {
	last := 0
	for i := 1; i < len(u.Distinct); i++ {
		if u.Distinct[i] {
			last = i
		}
	}
	return last
}

func (u *Union) Children() []Node { return u.Branches }

func (u *Union) WithChildren(children ...Node) (Node, error) {
	if err := childCount(u, children, len(u.Branches)); err != nil {
		return nil, err
	}
	out := *u
	out.Branches = slices.Clone(children)
	return &out, nil
}

func (u *Union) String() string { return fmt.Sprintf("Union(%d branches)", len(u.Branches)) }
