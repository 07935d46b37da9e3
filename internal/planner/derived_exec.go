package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// rowsSource reads a nested query's result as the rows of a table: a
// derived table, a branch of a UNION. As a listing's rows, a row is valid
// until the next one is read, unless fresh: then each is a new slice the
// caller may keep (sorting, grouping, a join's scanned side).
type rowsSource struct {
	rows  *exec.Rows
	width int
	fresh bool
	buf   []driver.Value
}

func openQuerySource(ctx context.Context, env *exec.Env, q queryPlan, fresh bool) (exec.Source, error) {
	rows, err := q.open(ctx, env)
	if err != nil {
		return nil, err
	}
	rows.Inner = true // a DECIMAL stays exact for the query reading it
	return &rowsSource{rows: rows, width: len(q.resultColumns()), fresh: fresh}, nil
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

// fetchDerivedKey runs a derived table's query for one join key, the key
// pushed into it as a filter.
func (st *joinStep) fetchDerivedKey(ctx context.Context, env *exec.Env, key string) ([][]driver.Value, error) {
	d := st.item.derived
	ast, ok := d.keyedQuery(st.key.col, st.key.name, st.keyArg)
	if !ok {
		return nil, fmt.Errorf("twilio: internal: the join key %s cannot go into derived table %s", st.key.name, d.alias)
	}
	q, err := planQuery(ast, env, append(append(eval.Args(nil), st.args...), driver.NamedValue{Name: st.keyArg, Value: key}))
	if err != nil {
		return nil, err
	}
	src, err := openQuerySource(ctx, env, q, true)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var out [][]driver.Value
	for {
		row, err := src.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
}
