package exec

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
)

// openUnion opens a Union's first branch now, so its errors surface in
// Query; each later one only once the rows before it are used up.
func openUnion(ctx context.Context, env *Env, n *plan.Union) (Source, error) {
	// Rows are handed on as they come (each branch's own until the next):
	// the dedupe keeps keys, not rows.
	first, err := openBranch(ctx, env, n.Branches[0], len(n.Columns))
	if err != nil {
		return nil, err
	}
	return &unionSource{n: n, env: env, cur: first, dedupeTo: n.LastDistinct(), seen: map[string]bool{}}, nil
}

func openBranch(ctx context.Context, env *Env, branch plan.Node, width int) (Source, error) {
	rows, err := Build(ctx, env, branch)
	if err != nil {
		return nil, err
	}
	rows.Inner = true // a DECIMAL stays exact until the union's own result
	return &rowsSource{rows: rows, width: width}, nil
}

// unionSource yields the rows of each branch in turn, removing duplicates
// among the branches up to the last DISTINCT union.
type unionSource struct {
	n        *plan.Union
	env      *Env
	cur      Source
	i        int // the branch cur reads
	dedupeTo int
	seen     map[string]bool
}

func (s *unionSource) Next(ctx context.Context) ([]driver.Value, error) {
	for {
		if s.cur == nil {
			return nil, io.EOF
		}
		row, err := s.cur.Next(ctx)
		if err == io.EOF {
			s.cur.Close()
			s.cur = nil
			s.i++
			if s.i >= len(s.n.Branches) {
				return nil, io.EOF
			}
			if s.cur, err = openBranch(ctx, s.env, s.n.Branches[s.i], len(s.n.Columns)); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		for j, c := range s.n.Columns {
			// A branch's BIGINT in a DECIMAL column is a DECIMAL (MySQL
			// converts each branch to the union's column types).
			row[j] = eval.ConformNumeric(row[j], c.Type)
		}
		if s.dedupeTo > 0 && s.i <= s.dedupeTo {
			k := RowKey(row)
			if s.seen[k] {
				continue
			}
			s.seen[k] = true
		}
		return row, nil
	}
}

func (s *unionSource) Close() {
	if s.cur != nil {
		s.cur.Close()
		s.cur = nil
	}
	s.i = len(s.n.Branches)
	s.seen = nil
}
