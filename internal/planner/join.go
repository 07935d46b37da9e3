package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"net/url"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// joinStep joins one more table to the rows read so far. When the join
// condition equates one of the table's columns with the rows so far, the key
// is pushed into the table's requests: a fetch by Sid, or a listing filtered
// on the key, once per distinct key. Otherwise (or with more than
// maxFanout keys) the table is read once and matched here.
type joinStep struct {
	item   *fromItem
	index  int    // the item's position in FROM
	access access // the table's own filters (constant terms)
	on     eval.EvalFunc
	key    *joinKey
	onText string
	args   eval.Args // the statement's, for a derived table's runs
	keyArg string    // the argument a derived table's runs bind the key to

	// run-time state
	pushed  bool // decided: look keys up (true) or scan (false)
	decided bool
	cache   map[string][][]driver.Value
	all     [][]driver.Value // the scanned table
	byKey   map[string][][]driver.Value
}

// joinKey is "inner.column = expression over the tables before it".
type joinKey struct {
	col    int // the column in the inner table
	bySid  bool
	filter schema.Filter
	outer  eval.EvalFunc // over the combined row
	text   string        // the outer expression, for EXPLAIN
	name   string        // the inner column
	// derived is set when the inner table is a derived table whose column
	// is one Twilio filters on: each key is pushed into its query.
	derived bool
}

// planJoins finds each joined table's key and ON condition.
func (p *selectPlan) planJoins(c *eval.Compiler, pooled []sqlparser.Expr) error {
	avail := map[int]bool{p.drive: true}
	for _, step := range p.joins {
		it := step.item
		candidates := pooled
		if it.left {
			candidates = splitAnd(it.on)
			on, err := c.Expr(it.on)
			if err != nil {
				return err
			}
			step.on = on.Eval
			step.onText = eval.ExprText(it.on)
		}
		key, err := p.findKey(c, step.index, avail, candidates)
		if err != nil {
			return err
		}
		step.key = key
		step.args = p.subs.args
		if it.derived != nil && key != nil {
			key.derived = derivedKeyServed(it.derived.query, key.col)
			step.keyArg = freshArg(p.subs.args, joinKeyArgPrefix, 0)
		}
		if !it.local() && key == nil && !step.access.bySid && !step.access.none && !it.table.Supports(schema.List) {
			return fmt.Errorf("twilio: %s has no list in the Twilio API, so it can only be joined on its Sid: e.g. JOIN %s f ON f.Sid = c.Sid", it.table.Name, it.table.Name)
		}
		avail[step.index] = true
	}
	return nil
}

// findKey picks the best "inner.col = outer expression" among the terms:
// the Sid first, then an exact filter, then any filter, then any column
// (matched in memory).
func (p *selectPlan) findKey(c *eval.Compiler, inner int, avail map[int]bool, terms []sqlparser.Expr) (*joinKey, error) {
	var best *joinKey
	rank := func(k *joinKey) int {
		switch {
		case k.bySid:
			return 3
		case k.filter.Exact:
			return 2
		case k.filter.Param != "":
			return 1
		}
		return 0
	}
	it := p.items[inner]
	for _, t := range terms {
		cmp, ok := t.(*sqlparser.ComparisonExpr)
		if !ok || cmp.Operator != sqlparser.EqualStr {
			continue
		}
		for _, side := range [2][2]sqlparser.Expr{{cmp.Left, cmp.Right}, {cmp.Right, cmp.Left}} {
			col, ok := side[0].(*sqlparser.ColName)
			if !ok {
				continue
			}
			idx, column, err := p.qscope.Resolve(col)
			if err != nil || p.qscope.itemOf(idx) != inner {
				continue
			}
			refs, ok := p.qscope.refs(side[1])
			if !ok || len(refs) == 0 {
				continue
			}
			usable := true
			for r := range refs {
				usable = usable && avail[r]
			}
			if !usable {
				continue
			}
			outer, err := c.Expr(side[1])
			if err != nil {
				return nil, err
			}
			if column.Type != schema.String || outer.Typ != schema.String {
				continue // keys are matched as text: only text columns
			}
			k := &joinKey{col: idx - it.offset, outer: outer.Eval, text: eval.ExprText(side[1]), name: column.Name}
			if !it.local() {
				if k.col == exec.SidKey(it.table) && it.table.Supports(schema.Get) {
					k.bySid = true
				} else if f, ok := it.table.Filter(column.Name); ok && !f.DayGranular && f.Ops.Has(schema.Eq) && len(f.Only) == 0 {
					k.filter = f
				}
			}
			if best == nil || rank(k) > rank(best) {
				best = k
			}
		}
	}
	return best, nil
}

// joinSource yields combined rows: each driving row joined with every
// following table in turn.
type joinSource struct {
	plan  *selectPlan
	env   *exec.Env
	outer exec.Source
	buf   [][]driver.Value
	read  bool // the driving rows were all read (materialised mode)
	done  bool
}

// prime reads ahead until a first row is known, so errors surface in Query.
func (s *joinSource) prime(ctx context.Context) error {
	row, err := s.Next(ctx)
	if err == io.EOF {
		s.done = true
		return nil
	}
	if err != nil {
		return err
	}
	s.buf = append([][]driver.Value{row}, s.buf...)
	return nil
}

func (s *joinSource) Close() {
	s.outer.Close()
	s.buf = nil
	s.done = true
}

// pad places a driving row in a combined row.
func (s *joinSource) pad(row []driver.Value) ([]driver.Value, bool, error) {
	p := s.plan
	out := make([]driver.Value, p.qscope.width)
	copy(out[p.items[p.drive].offset:], row)
	if p.pre != nil {
		v, err := p.pre(out)
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
		if s.plan.streaming {
			row, err := s.outer.Next(ctx)
			if err == io.EOF {
				s.done = true
				return nil, io.EOF
			}
			if err != nil {
				return nil, err
			}
			padded, ok, err := s.pad(row)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			rows := [][]driver.Value{padded}
			for _, step := range s.plan.joins {
				if rows, err = step.apply(ctx, s.env, rows, false); err != nil {
					return nil, err
				}
			}
			s.buf = rows
			continue
		}
		// Materialised: read every driving row, then join table by table,
		// counting the keys before choosing lookups or one scan.
		var rows [][]driver.Value
		for {
			row, err := s.outer.Next(ctx)
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			padded, ok, err := s.pad(row)
			if err != nil {
				return nil, err
			}
			if ok {
				rows = append(rows, padded)
			}
		}
		var err error
		for _, step := range s.plan.joins {
			if rows, err = step.apply(ctx, s.env, rows, true); err != nil {
				return nil, err
			}
		}
		s.buf, s.done = rows, true
	}
	row := s.buf[0]
	s.buf[0] = nil
	s.buf = s.buf[1:]
	return row, nil
}

// keyOf evaluates a row's key; ok is false for NULL, which matches nothing.
func (k *joinKey) keyOf(row []driver.Value) (string, bool, error) {
	v, err := k.outer(row)
	if err != nil || v == nil {
		return "", false, err
	}
	return eval.ToString(v), true, nil
}

// apply joins rows with the step's table.
func (st *joinStep) apply(ctx context.Context, env *exec.Env, rows [][]driver.Value, counted bool) ([][]driver.Value, error) {
	if !st.decided {
		st.decided = true
		st.cache = map[string][][]driver.Value{}
		st.pushed = st.key != nil && (st.key.derived || (st.key.bySid || st.key.filter.Param != "") && !st.item.local()) && !st.access.bySid && !st.access.none
		if st.pushed && counted && (st.key.derived || st.item.table.Supports(schema.List)) {
			keys := map[string]bool{}
			for _, r := range rows {
				k, ok, err := st.key.keyOf(r)
				if err != nil {
					return nil, err
				}
				if ok {
					keys[k] = true
				}
			}
			st.pushed = len(keys) <= maxFanout
		}
		if !st.pushed {
			if err := st.scan(ctx, env); err != nil {
				return nil, err
			}
		}
	}
	it := st.item
	var out [][]driver.Value
	for _, r := range rows {
		var candidates [][]driver.Value
		if st.key != nil {
			k, ok, err := st.key.keyOf(r)
			if err != nil {
				return nil, err
			}
			if ok {
				if st.pushed {
					if candidates, err = st.lookup(ctx, env, k); err != nil {
						return nil, err
					}
				} else {
					candidates = st.byKey[k]
				}
			}
		} else {
			candidates = st.all
		}
		matched := false
		for _, inner := range candidates {
			combined := make([]driver.Value, len(r))
			copy(combined, r)
			copy(combined[it.offset:], inner)
			if st.on != nil {
				v, err := st.on(combined)
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
		if !matched && it.left {
			out = append(out, r) // its slots for this table are NULL
		}
	}
	return out, nil
}

// scan reads the whole table once (with its own filters) and indexes it by
// key.
func (st *joinStep) scan(ctx context.Context, env *exec.Env) error {
	src, err := openSource(ctx, env, st.item, st.access, env.PageSize, true)
	if err != nil {
		return err
	}
	defer src.Close()
	st.byKey = map[string][][]driver.Value{}
	for {
		row, err := src.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		row = append([]driver.Value(nil), row...)
		st.all = append(st.all, row)
		if st.key != nil {
			if v := row[st.key.col]; v != nil {
				k := eval.ToString(v)
				st.byKey[k] = append(st.byKey[k], row)
			}
		}
	}
}

// lookup fetches the rows of one key, once.
func (st *joinStep) lookup(ctx context.Context, env *exec.Env, key string) ([][]driver.Value, error) {
	if rows, ok := st.cache[key]; ok {
		return rows, nil
	}
	rows, err := st.fetchKey(ctx, env, key)
	if err != nil {
		return nil, err
	}
	st.cache[key] = rows
	return rows, nil
}

func (st *joinStep) fetchKey(ctx context.Context, env *exec.Env, key string) ([][]driver.Value, error) {
	if st.key.derived {
		return st.fetchDerivedKey(ctx, env, key)
	}
	t := st.item.table
	var acc access
	switch {
	case st.key.bySid:
		if !t.ValidSid(key) {
			return nil, nil // no row of this table has such a Sid
		}
		acc = access{bySid: true, sids: []string{key}}
	case key == "" || !st.key.filter.Serves(key):
		// Twilio ignores an empty filter: read with the other filters and
		// match here.
		acc = st.access
	default:
		acc = access{lists: []url.Values{}}
		for _, q := range st.access.listings() {
			if prev := q.Get(st.key.filter.Param); prev != "" {
				if prev == key || !st.key.filter.Exact {
					acc.lists = append(acc.lists, q)
				}
				continue
			}
			q = exec.CloneValues(q)
			q.Set(st.key.filter.Param, key)
			acc.lists = append(acc.lists, q)
		}
		if len(acc.lists) == 0 {
			return nil, nil
		}
	}
	src, err := openSource(ctx, env, st.item, acc, env.PageSize, true)
	if err != nil {
		if rest.IsNotFound(err) {
			return nil, nil
		}
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
		out = append(out, append([]driver.Value(nil), row...))
	}
}
