package plan

import (
	"fmt"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
)

// Join joins the rows of Left with those of Right: binary, so a FROM of
// several tables is a left-deep tree of joins over the table read first.
// Rows are combined rows, every table of FROM at its offset (Width wide),
// the slots of a table not yet joined NULL.
//
// With a Key whose value Twilio can filter on (Lookup set), Right is read
// per distinct key of the left rows, each key once (Lookup gives the leaf
// to read for a key); otherwise Right is read once, whole, and matched
// here by Key, or every pair is tried when there is no key.
type Join struct {
	Left, Right Node
	Kind        JoinKind
	// Label names the right table (its alias, or its name).
	Label string
	Key   *JoinKey
	// Lookup reads the rows of one key; nil: Right is read once.
	Lookup func(key string) (Node, error)
	// ScanInstead: when the left rows are counted first (not Streaming)
	// and hold more than MaxKeys distinct keys, Right is read once
	// instead of looked up key by key.
	ScanInstead bool
	MaxKeys     int
	// Streaming joins each left row as it comes, looking keys up row by
	// row (a small LIMIT); otherwise every left row is read first.
	Streaming bool
	// On is a LEFT JOIN's condition, checked on each pair (an inner
	// join's ON is in the Filter above, with WHERE).
	On     eval.EvalFunc
	OnText string
	// PadLeft places Left's rows (those of one table) at LeftOffset of a
	// combined row, and Pre filters them there (the WHERE terms on that
	// table alone) before any key is looked up.
	PadLeft    bool
	LeftOffset int
	Pre        eval.EvalFunc
	Width      int
	// RightOffset is where Right's rows go in the combined row.
	RightOffset int
	// MaxOuter is the most left rows there can be (Sids fetched), for
	// EXPLAIN's estimate; -1: unknown.
	MaxOuter int
}

// JoinKind is INNER or LEFT (a RIGHT JOIN is planned as the LEFT JOIN of
// its tables swapped).
type JoinKind int

const (
	Inner JoinKind = iota
	LeftOuter
)

func (k JoinKind) String() string {
	if k == LeftOuter {
		return "LEFT JOIN"
	}
	return "JOIN"
}

// JoinKey is "right.column = expression over the left rows".
type JoinKey struct {
	Outer eval.EvalFunc // over the combined row
	Col   int           // the column in Right's rows
	Text  string        // the outer expression, as written
	Name  string        // the right column
	// How Twilio serves a key: a fetch by Sid, a filter parameter, or a
	// filter pushed into a derived table's query.
	BySid   bool
	Param   string
	Derived bool
	// Arg is the argument a derived table's query binds the key to.
	Arg string
}

func (j *Join) Children() []Node { return []Node{j.Left, j.Right} }

func (j *Join) WithChildren(children ...Node) (Node, error) {
	if err := childCount(j, children, 2); err != nil {
		return nil, err
	}
	out := *j
	out.Left, out.Right = children[0], children[1]
	return &out, nil
}

func (j *Join) String() string {
	strategy := "read once"
	if j.Lookup != nil {
		strategy = "lookup per key"
	}
	key := ""
	if j.Key != nil {
		key = fmt.Sprintf(" ON %s.%s = %s", j.Label, j.Key.Name, j.Key.Text)
	}
	return fmt.Sprintf("Join(%s %s%s, %s)", j.Kind, j.Label, key, strategy)
}
