package plan

import "github.com/twiliosql/twiliosql/internal/planner/eval"

// Filter passes the rows of its child for which Cond is true: WHERE and the
// ON of inner joins on every row, whatever Twilio was asked (so no row that
// fails them is returned), or HAVING on every group.
type Filter struct {
	Child Node
	Cond  eval.EvalFunc // nil: every row passes
	// Having marks HAVING, over groups.
	Having bool
	// Text is what EXPLAIN says it checks; "": no step of its own.
	Text string
}

func (f *Filter) Children() []Node { return []Node{f.Child} }

func (f *Filter) WithChildren(children ...Node) (Node, error) {
	if err := childCount(f, children, 1); err != nil {
		return nil, err
	}
	out := *f
	out.Child = children[0]
	return &out, nil
}

func (f *Filter) String() string {
	if f.Having {
		return "Filter(HAVING)"
	}
	return "Filter(" + f.Text + ")"
}
