package planner

import (
	"context"
	"database/sql/driver"
	"github.com/twiliosql/twiliosql/planner/eval"
	"io"

	"github.com/twiliosql/twiliosql/schema"
)

// ResultColumn describes one column of a result.
type ResultColumn struct {
	Name     string
	Type     schema.Type
	Nullable bool
}

// source yields the rows of a table, one at a time; io.EOF ends it.
type source interface {
	next(ctx context.Context) ([]driver.Value, error)
	close()
}

// Rows is a result being read. It streams in constant memory: rows are
// decoded one at a time from the page in hand, into a reused slice of typed
// values, while the source fetches the next page (one page ahead, or a few
// per time slice for a parallel range scan). Only ORDER BY, GROUP BY and
// DISTINCT hold rows.
type Rows struct {
	ctx      context.Context
	columns  []ResultColumn
	src      source
	filter   eval.EvalFunc   // residual WHERE; nil: every row passes
	project  []eval.EvalFunc // one per result column
	offset   int64           // rows still to skip
	limit    int64           // rows still to return; -1: no limit
	affected int64           // resources a write changed
	done     bool
}

// Columns describes the result's columns.
func (r *Rows) Columns() []ResultColumn { return r.columns }

// Close stops the result: the page being prefetched is cancelled, the
// source's goroutines have returned when it does, and no further page is
// requested.
func (r *Rows) Close() error {
	if !r.done {
		r.done = true
		r.src.close()
	}
	return nil
}

// Next fills dest with the next row, or returns io.EOF.
func (r *Rows) Next(dest []driver.Value) error {
	for {
		if r.done || r.limit == 0 {
			r.Close()
			return io.EOF
		}
		row, err := r.src.next(r.ctx)
		if err != nil {
			r.Close()
			return err
		}
		if r.filter != nil {
			v, err := r.filter(row)
			if err != nil {
				r.Close()
				return err
			}
			if ok, _ := eval.Truth(v); !ok {
				continue
			}
		}
		if r.offset > 0 {
			r.offset--
			continue
		}
		for i, p := range r.project {
			v, err := p(row)
			if err != nil {
				r.Close()
				return err
			}
			dest[i] = eval.Outward(v)
		}
		if r.limit > 0 {
			r.limit--
		}
		return nil
	}
}

// sliceSource yields rows held in memory: written resources, sorted results.
type sliceSource struct {
	rows [][]driver.Value
}

func (s *sliceSource) next(context.Context) ([]driver.Value, error) {
	if len(s.rows) == 0 {
		return nil, io.EOF
	}
	row := s.rows[0]
	s.rows = s.rows[1:]
	return row, nil
}

func (s *sliceSource) close() { s.rows = nil }
