package plan

import (
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
)

// Project computes the result's columns over its child's rows: the
// SELECT list.
type Project struct {
	Child   Node
	Columns []Column
	Exprs   []eval.EvalFunc // one per column
}

func (p *Project) Children() []Node { return []Node{p.Child} }

func (p *Project) WithChildren(children ...Node) (Node, error) {
	if err := childCount(p, children, 1); err != nil {
		return nil, err
	}
	out := *p
	out.Child = children[0]
	return &out, nil
}

func (p *Project) String() string {
	names := make([]string, len(p.Columns))
	for i, c := range p.Columns {
		names[i] = c.Name
	}
	return "Project(" + strings.Join(names, ", ") + ")"
}
