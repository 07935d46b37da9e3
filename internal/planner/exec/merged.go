package exec

import (
	"context"
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/schema"
)

// OpenMerged reads the listings uris of t one after another, skipping the
// rows already returned (by Sid): the listings of an IN list or an OR, one
// per value or disjunct. The first page is fetched before it returns.
func OpenMerged(ctx context.Context, env *Env, t *schema.Table, uris []string, fresh bool) (Source, error) {
	src := &mergedSource{env: env, table: t, uris: uris, fresh: fresh, sid: SidColumn(t)}
	if err := src.prime(ctx); err != nil {
		return nil, err
	}
	return src, nil
}

// mergedSource reads several listings one after another, skipping rows
// already returned (by Sid).
type mergedSource struct {
	env      *Env
	table    *schema.Table
	uris     []string
	nextList int
	cur      *ListSource
	seen     map[string]bool
	fresh    bool
	sid      int
}

func (s *mergedSource) prime(ctx context.Context) error {
	s.seen = map[string]bool{}
	s.cur = NewListSource(s.env.Client, s.table, s.uris[0])
	s.cur.Fresh = s.fresh
	s.nextList = 1
	return s.cur.Fetch(ctx)
}

func (s *mergedSource) Next(ctx context.Context) ([]driver.Value, error) {
	for {
		if s.cur == nil {
			if s.nextList >= len(s.uris) {
				return nil, io.EOF
			}
			s.cur = NewListSource(s.env.Client, s.table, s.uris[s.nextList])
			s.cur.Fresh = s.fresh
			s.nextList++
		}
		row, err := s.cur.Next(ctx)
		if err == io.EOF {
			s.cur.Close()
			s.cur = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.sid >= 0 {
			sid, _ := row[s.sid].(string)
			if s.seen[sid] {
				continue
			}
			s.seen[sid] = true
		}
		return row, nil
	}
}

func (s *mergedSource) Close() {
	if s.cur != nil {
		s.cur.Close()
	}
	s.cur, s.nextList = nil, len(s.uris)
}
