package planner

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// steps is the UNION's chain of nodes: its branches read one after
// another, then ORDER BY and LIMIT over the whole (node.go).
func (p *unionPlan) steps() []node {
	project := make([]eval.EvalFunc, len(p.columns))
	for i := range project {
		project[i] = exec.ColumnAt(i)
	}
	if p.limit == 0 {
		return []node{emptyNode{cols: p.columns, project: project}}
	}
	out := []node{unionNode{p: p, project: project}}
	if len(p.order) > 0 {
		out = append(out, sortNode{&selectPlan{columns: p.columns, project: project, order: p.order}})
	}
	if p.limit >= 0 || p.offset > 0 {
		out = append(out, unionLimitNode{p})
	}
	return out
}

func (p *unionPlan) open(ctx context.Context, env *exec.Env) (*exec.Rows, error) {
	return runSteps(ctx, env, p.steps())
}

func (p *unionPlan) explain(x *explainer, prefix string) {
	describeSteps(x, prefix, p.steps())
}

// unionNode reads the branches one after another: the first is opened
// now, so its errors surface in Query; each later one only once the rows
// before it are used up, so a LIMIT the first branches fill costs nothing
// more.
type unionNode struct {
	p       *unionPlan
	project []eval.EvalFunc
}

func (unionNode) name() string { return "union" }

func (n unionNode) run(ctx context.Context, pl *pipeline) error {
	p := n.p
	// Rows are handed on as they come (each branch's own until the next):
	// the dedupe keeps keys, not rows.
	first, err := openQuerySource(ctx, pl.env, p.branches[0], false)
	if err != nil {
		return err
	}
	src := &unionSource{plan: p, env: pl.env, cur: first, dedupeTo: p.lastDistinct(), seen: map[string]bool{}}
	pl.rows = &exec.Rows{Ctx: ctx, Cols: p.columns, Src: src, Project: n.project, Limit: -1}
	return nil
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
		for j, c := range s.plan.columns {
			// A branch's BIGINT in a DECIMAL column is a DECIMAL (MySQL
			// converts each branch to the union's column types).
			row[j] = eval.ConformNumeric(row[j], c.Type)
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
