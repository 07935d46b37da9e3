package plan

import (
	"database/sql/driver"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/schema"
)

// Aggregate reads every row of its child and groups them (GROUP BY, or one
// group for aggregates alone). A group's row is laid out as [group keys…,
// select values…, aggregates…]: the SELECT list, HAVING and ORDER BY
// above are compiled over it.
type Aggregate struct {
	Child   Node
	Keys    []GroupKey
	Aggs    []*AggFunc
	Selects []eval.EvalFunc // the select list over the group's row
}

// GroupKey is a term of GROUP BY.
type GroupKey struct {
	Eval eval.EvalFunc // over the input row
	Type schema.Type
	Text string
	Col  int // the input column when the key is a plain column; -1 otherwise
}

// AggFunc is one aggregate function call.
type AggFunc struct {
	Name     string // count, sum, avg, min, max, any_value, group_concat
	Star     bool   // COUNT(*)
	Distinct bool
	Args     []eval.EvalFunc
	Type     schema.Type
	Sep      string
	Order    []SortKey // GROUP_CONCAT(… ORDER BY …)
	Text     string
}

// Width is the width of a group's row.
func (a *Aggregate) Width() int { return len(a.Keys) + len(a.Selects) + len(a.Aggs) }

// AggSlot is where aggregate i sits in a group's row.
func (a *Aggregate) AggSlot(i int) int { return len(a.Keys) + len(a.Selects) + i }

// ReadAgg reads aggregate i from a group's row.
func (a *Aggregate) ReadAgg(i int) eval.EvalFunc {
	return func(row []driver.Value) (driver.Value, error) { return row[a.AggSlot(i)], nil }
}

func (a *Aggregate) Children() []Node { return []Node{a.Child} }

func (a *Aggregate) WithChildren(children ...Node) (Node, error) {
	if err := childCount(a, children, 1); err != nil {
		return nil, err
	}
	out := *a
	out.Child = children[0]
	return &out, nil
}

func (a *Aggregate) String() string {
	var keys, aggs []string
	for _, k := range a.Keys {
		keys = append(keys, k.Text)
	}
	for _, f := range a.Aggs {
		aggs = append(aggs, f.Text)
	}
	return "Aggregate(GROUP BY " + strings.Join(keys, ", ") + "; " + strings.Join(aggs, ", ") + ")"
}
