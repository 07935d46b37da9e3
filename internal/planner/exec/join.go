package exec

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/internal/rest"
)

// joinSource yields the combined rows of a Join: each left row with every
// matching row of the right table. Streaming, it joins left rows as they
// come; otherwise it reads every left row first, so that the keys can be
// counted before choosing lookups or one read of the right table.
type joinSource struct {
	n    *plan.Join
	env  *Env
	left Source
	buf  [][]driver.Value
	done bool

	decided bool
	pushed  bool // look keys up (true) or match a table read once
	cache   map[string][][]driver.Value
	all     [][]driver.Value // the right table, read once
	byKey   map[string][][]driver.Value
}

// openJoin opens the left rows and reads ahead until a first row is
// known, so errors surface in Query.
func openJoin(ctx context.Context, env *Env, n *plan.Join) (Source, error) {
	left, err := BuildSource(ctx, env, n.Left)
	if err != nil {
		return nil, err
	}
	s := &joinSource{n: n, env: env, left: left}
	row, err := s.Next(ctx)
	if err == io.EOF {
		s.done = true
		return s, nil
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	s.buf = append([][]driver.Value{row}, s.buf...)
	return s, nil
}

func (s *joinSource) Close() {
	s.left.Close()
	s.buf = nil
	s.done = true
}

// leftRow places a left row in a combined row when the left side is one
// table, and applies its own filter there; ok is false when it fails it.
func (s *joinSource) leftRow(row []driver.Value) ([]driver.Value, bool, error) {
	n := s.n
	if !n.PadLeft {
		return row, true, nil
	}
	out := make([]driver.Value, n.Width)
	copy(out[n.LeftOffset:], row)
	if n.Pre != nil {
		v, err := n.Pre(out)
		if err != nil {
			return nil, false, err
		}
		if ok, _ := eval.Truth(v); !ok {
			return nil, false, nil
		}
	}
	return out, true, nil
}

func (s *joinSource) Next(ctx context.Context) ([]driver.Value, error) {
	for len(s.buf) == 0 {
		if s.done {
			return nil, io.EOF
		}
		if s.n.Streaming {
			row, err := s.left.Next(ctx)
			if err == io.EOF {
				s.done = true
				return nil, io.EOF
			}
			if err != nil {
				return nil, err
			}
			lrow, ok, err := s.leftRow(row)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			if s.buf, err = s.apply(ctx, [][]driver.Value{lrow}, false); err != nil {
				return nil, err
			}
			continue
		}
		var rows [][]driver.Value
		for {
			row, err := s.left.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			lrow, ok, err := s.leftRow(row)
			if err != nil {
				return nil, err
			}
			if ok {
				rows = append(rows, lrow)
			}
		}
		var err error
		if s.buf, err = s.apply(ctx, rows, true); err != nil {
			return nil, err
		}
		s.done = true
	}
	row := s.buf[0]
	s.buf[0] = nil
	s.buf = s.buf[1:]
	return row, nil
}

// keyOf evaluates a row's key; ok is false for NULL, which matches nothing.
func keyOf(k *plan.JoinKey, row []driver.Value) (string, bool, error) {
	v, err := k.Outer(row)
	if err != nil || v == nil {
		return "", false, err
	}
	return eval.ToString(v), true, nil
}

// apply joins rows with the right table. The first call decides how: keys
// looked up, unless counted rows hold more distinct keys than a lookup
// each is worth.
func (s *joinSource) apply(ctx context.Context, rows [][]driver.Value, counted bool) ([][]driver.Value, error) {
	n := s.n
	if !s.decided {
		s.decided = true
		s.cache = map[string][][]driver.Value{}
		s.pushed = n.Lookup != nil
		if s.pushed && counted && n.ScanInstead {
			keys := map[string]bool{}
			for _, r := range rows {
				k, ok, err := keyOf(n.Key, r)
				if err != nil {
					return nil, err
				}
				if ok {
					keys[k] = true
				}
			}
			s.pushed = len(keys) <= n.MaxKeys
		}
		if !s.pushed {
			if err := s.scan(ctx); err != nil {
				return nil, err
			}
		}
	}
	var out [][]driver.Value
	for _, r := range rows {
		var candidates [][]driver.Value
		if n.Key != nil {
			k, ok, err := keyOf(n.Key, r)
			if err != nil {
				return nil, err
			}
			if ok {
				if s.pushed {
					if candidates, err = s.lookup(ctx, k); err != nil {
						return nil, err
					}
				} else {
					candidates = s.byKey[k]
				}
			}
		} else {
			candidates = s.all
		}
		matched := false
		for _, inner := range candidates {
			combined := make([]driver.Value, len(r))
			copy(combined, r)
			copy(combined[n.RightOffset:], inner)
			if n.On != nil {
				v, err := n.On(combined)
				if err != nil {
					return nil, err
				}
				if ok, _ := eval.Truth(v); !ok {
					continue
				}
			}
			matched = true
			out = append(out, combined)
		}
		if !matched && n.Kind == plan.LeftOuter {
			out = append(out, r) // its slots for the right table are NULL
		}
	}
	return out, nil
}

// scan reads the right table once (with its own filters) and indexes it by
// key.
func (s *joinSource) scan(ctx context.Context) error {
	src, err := BuildSource(ctx, s.env, s.n.Right)
	if err != nil {
		return err
	}
	rows, err := readAll(ctx, src, true)
	if err != nil {
		return err
	}
	s.all = rows
	s.byKey = map[string][][]driver.Value{}
	if k := s.n.Key; k != nil {
		for _, row := range rows {
			if v := row[k.Col]; v != nil {
				key := eval.ToString(v)
				s.byKey[key] = append(s.byKey[key], row)
			}
		}
	}
	return nil
}

// lookup reads the right rows of one key, once.
func (s *joinSource) lookup(ctx context.Context, key string) ([][]driver.Value, error) {
	if rows, ok := s.cache[key]; ok {
		return rows, nil
	}
	leaf, err := s.n.Lookup(key)
	if err != nil {
		return nil, err
	}
	var rows [][]driver.Value
	if leaf != nil {
		src, err := BuildSource(ctx, s.env, leaf)
		if err != nil && !rest.IsNotFound(err) {
			return nil, err
		}
		if err == nil {
			if rows, err = readAll(ctx, src, true); err != nil {
				return nil, err
			}
		}
	}
	s.cache[key] = rows
	return rows, nil
}
