package plan

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// Subqueries runs the statement's uncorrelated subqueries, before its own
// requests (its Child), so their values can be pushed into them.
type Subqueries struct {
	Child   Node
	Queries []*Subquery
	// Started, when set, is told the context the statement runs under
	// (correlated subqueries run under it while rows are read).
	Started func(ctx context.Context)
}

// Subquery is one uncorrelated subquery: its tree and, once run, the first
// column of every row it returned. A subquery runs once even when several
// trees hold it.
type Subquery struct {
	Tree   Node
	Ran    bool
	Values []driver.Value
}

func (s *Subqueries) Children() []Node { return []Node{s.Child} }

func (s *Subqueries) WithChildren(children ...Node) (Node, error) {
	if err := childCount(s, children, 1); err != nil {
		return nil, err
	}
	out := *s
	out.Child = children[0]
	return &out, nil
}

func (s *Subqueries) String() string { return fmt.Sprintf("Subqueries(%d)", len(s.Queries)) }

// Correlated reads every row of its child first, to count the distinct keys
// of the correlated subqueries that could run either way (looked up key
// by key, or their table read once), and then yields the rows.
type Correlated struct {
	Child Node
	// Count is given the rows read; it decides how each subquery runs.
	Count func(rows [][]driver.Value) error
	// Planned is the planner's own description of the subqueries, which
	// EXPLAIN prints (exec never reads it).
	Planned any
}

func (c *Correlated) Children() []Node { return []Node{c.Child} }

func (c *Correlated) WithChildren(children ...Node) (Node, error) {
	if err := childCount(c, children, 1); err != nil {
		return nil, err
	}
	out := *c
	out.Child = children[0]
	return &out, nil
}

func (c *Correlated) String() string { return "Correlated" }
