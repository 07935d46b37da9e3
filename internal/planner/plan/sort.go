package plan

import (
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
)

// Sort holds every result row of its child (a Project) to remove duplicate
// rows (Distinct) and sort them by Keys, in one pass.
type Sort struct {
	Child    Node
	Keys     []SortKey
	Distinct bool
}

// SortKey is a term of ORDER BY.
type SortKey struct {
	Eval eval.EvalFunc
	Desc bool
	Text string
}

func (s *Sort) Children() []Node { return []Node{s.Child} }

func (s *Sort) WithChildren(children ...Node) (Node, error) {
	if err := childCount(s, children, 1); err != nil {
		return nil, err
	}
	out := *s
	out.Child = children[0]
	return &out, nil
}

func (s *Sort) String() string {
	keys := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		keys[i] = k.Text
		if k.Desc {
			keys[i] += " DESC"
		}
	}
	d := ""
	if s.Distinct {
		d = "DISTINCT "
	}
	return "Sort(" + d + strings.Join(keys, ", ") + ")"
}
