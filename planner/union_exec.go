package planner

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/planner/eval"
	"github.com/twiliosql/twiliosql/planner/exec"
)

// open reads the branches one after another: the first is opened now, so
// its errors surface in Query; each later one only once the rows before it
// are used up, so a LIMIT the first branches fill costs nothing more.
func (p *unionPlan) open(ctx context.Context, env *exec.Env) (*exec.Rows, error) {
	project := make([]eval.EvalFunc, len(p.columns))
	for i := range project {
		project[i] = exec.ColumnAt(i)
	}
	if p.limit == 0 {
		return &exec.Rows{Ctx: ctx, Cols: p.columns, Src: &exec.SliceSource{}, Project: project, Limit: 0}, nil
	}
	// Rows are handed on as they come (each branch's own until the next):
	// the dedupe keeps keys, not rows.
	first, err := openQuerySource(ctx, env, p.branches[0], false)
	if err != nil {
		return nil, err
	}
	src := &unionSource{plan: p, env: env, cur: first, dedupeTo: p.lastDistinct(), seen: map[string]bool{}}
	rows := &exec.Rows{Ctx: ctx, Cols: p.columns, Src: src, Project: project, Offset: p.offset, Limit: p.limit}
	if len(p.order) > 0 {
		sorter := &selectPlan{columns: p.columns, project: project, order: p.order}
		return sorter.gather(rows)
	}
	return rows, nil
}

// unionSource yields the rows of each branch in turn, removing duplicates
// among the branches up to the last DISTINCT union.
type unionSource struct {
	plan     *unionPlan
	env      *exec.Env
	cur      exec.Source
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
			if s.i >= len(s.plan.branches) {
				return nil, io.EOF
			}
			if s.cur, err = openQuerySource(ctx, s.env, s.plan.branches[s.i], false); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.dedupeTo > 0 && s.i <= s.dedupeTo {
			k := exec.RowKey(row)
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
	s.i = len(s.plan.branches)
	s.seen = nil
}
