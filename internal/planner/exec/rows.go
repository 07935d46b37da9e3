package exec

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
)

// ResultColumn describes one column of a result: the plan's column.
type ResultColumn = plan.Column

// Source yields the rows of a table, one at a time; io.EOF ends it.
type Source interface {
	Next(ctx context.Context) ([]driver.Value, error)
	Close()
}

// Rows is a result being read. It streams in constant memory: rows are
// decoded one at a time from the page in hand, into a reused slice of typed
// values, while the source fetches the next page (one page ahead, or a few
// per time slice for a parallel range scan). Only ORDER BY, GROUP BY and
// DISTINCT hold rows.
type Rows struct {
	Ctx      context.Context
	Cols     []ResultColumn
	Src      Source
	Filter   eval.EvalFunc   // residual WHERE; nil: every row passes
	Project  []eval.EvalFunc // one per result column
	Offset   int64           // rows still to skip
	Limit    int64           // rows still to return; -1: no limit
	Affected int64           // resources a write changed
	// Inner: the rows feed another query (a derived table, a UNION's
	// branch, a subquery), so values stay as the engine holds them (a
	// DECIMAL exact) instead of database/sql's types (eval.Outward).
	Inner bool
	done  bool
}

// Columns describes the result's columns.
func (r *Rows) Columns() []ResultColumn { return r.Cols }

// Close stops the result: the page being prefetched is cancelled, the
// source's goroutines have returned when it does, and no further page is
// requested.
func (r *Rows) Close() error {
	if !r.done {
		r.done = true
		r.Src.Close()
	}
	return nil
}

// Next fills dest with the next row, or returns io.EOF.
func (r *Rows) Next(dest []driver.Value) error {
	for {
		if r.done || r.Limit == 0 {
			r.Close()
			return io.EOF
		}
		row, err := r.Src.Next(r.Ctx)
		if err != nil {
			r.Close()
			return err
		}
		if r.Filter != nil {
			v, err := r.Filter(row)
			if err != nil {
				r.Close()
				return err
			}
			if ok, _ := eval.Truth(v); !ok {
				continue
			}
		}
		if r.Offset > 0 {
			r.Offset--
			continue
		}
		for i, p := range r.Project {
			v, err := p(row)
			if err != nil {
				r.Close()
				return err
			}
			if !r.Inner {
				v = eval.Outward(v)
			}
			dest[i] = v
		}
		if r.Limit > 0 {
			r.Limit--
		}
		return nil
	}
}

// SliceSource yields rows held in memory: written resources, sorted results.
type SliceSource struct {
	Rows [][]driver.Value
}

func (s *SliceSource) Next(context.Context) ([]driver.Value, error) {
	if len(s.Rows) == 0 {
		return nil, io.EOF
	}
	row := s.Rows[0]
	s.Rows = s.Rows[1:]
	return row, nil
}

func (s *SliceSource) Close() { s.Rows = nil }
