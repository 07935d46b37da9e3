package exec

import (
	"context"
	"database/sql/driver"
)

// rowsSource reads a nested query's result as the rows of a table: a
// derived table, a branch of a UNION. As a listing's rows, a row is valid
// until the next one is read, unless fresh: then each is a new slice the
// caller may keep (sorting, grouping, a join's scanned side).
type rowsSource struct {
	rows  *Rows
	width int
	fresh bool
	buf   []driver.Value
}

func (s *rowsSource) Next(context.Context) ([]driver.Value, error) {
	dest := s.buf
	if s.fresh || dest == nil {
		dest = make([]driver.Value, s.width)
	}
	if !s.fresh {
		s.buf = dest
	}
	if err := s.rows.Next(dest); err != nil {
		return nil, err
	}
	return dest, nil
}

func (s *rowsSource) Close() { s.rows.Close() }
