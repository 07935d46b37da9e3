package planner

import (
	"context"
	"database/sql/driver"
)

// rowsSource reads a nested query's result as the rows of a table: a
// derived table, a branch of a UNION. Each row is a new slice, so callers
// may keep it.
type rowsSource struct {
	rows  *Rows
	width int
}

func openQuerySource(ctx context.Context, env *Env, q queryPlan) (source, error) {
	rows, err := q.open(ctx, env)
	if err != nil {
		return nil, err
	}
	return &rowsSource{rows: rows, width: len(q.resultColumns())}, nil
}

func (s *rowsSource) next(context.Context) ([]driver.Value, error) {
	dest := make([]driver.Value, s.width)
	if err := s.rows.Next(dest); err != nil {
		return nil, err
	}
	return dest, nil
}

func (s *rowsSource) close() { s.rows.Close() }
