package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net/url"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
)

// The plan tree. A planned query (selectPlan, unionPlan) becomes a tree of
// plan nodes, which exec.Build runs and EXPLAIN (describe.go) prints, so
// what EXPLAIN shows is what runs. A SELECT's tree, from the top:
//
//	Subqueries        its uncorrelated subqueries, run first
//	  Limit           OFFSET and LIMIT
//	    Sort          DISTINCT and ORDER BY
//	      Project     the SELECT list
//	        Filter    HAVING, over
//	          Aggregate   GROUP BY and aggregates, over
//	            Filter    WHERE and inner joins' ON
//	              Correlated  the rows counted for correlated subqueries
//	                Join …    one binary join per further table, left-deep
//	                  leaf    the table read first
//
// leaving out the nodes a query does not need; LIMIT 0 is a Limit alone.

// openQuery runs a planned query.
func openQuery(ctx context.Context, env *exec.Env, q queryPlan) (*exec.Rows, error) {
	return exec.Build(ctx, env, q.tree())
}

func (p *selectPlan) tree() plan.Node {
	project := &plan.Project{Columns: p.columns, Exprs: p.project}
	if p.limit == 0 {
		return &plan.Limit{Child: project, Limit: 0, Offset: p.offset}
	}
	n := p.driveLeaf()
	for i, st := range p.joins {
		n = p.joinNode(n, st, i == 0)
	}
	if len(p.subs.correlated) > 0 {
		c := &plan.Correlated{Child: n, Planned: p}
		if p.countsKeys() {
			c.Count = p.countKeys
		}
		n = c
	}
	n = &plan.Filter{Child: n, Cond: p.filter, Text: p.filterText()}
	if g := p.group; g != nil {
		n = &plan.Aggregate{Child: n, Keys: g.keys, Aggs: g.aggs, Selects: g.selects}
		n = &plan.Filter{Child: n, Cond: p.having, Having: true}
	}
	project.Child = n
	n = project
	if p.holdsRows() {
		n = &plan.Sort{Child: n, Keys: p.order, Distinct: p.distinct}
	}
	if p.limit >= 0 || p.offset > 0 {
		n = &plan.Limit{Child: n, Limit: p.limit, Offset: p.offset, Streaming: p.streaming, AfterAll: p.holdsRows() || p.group != nil}
	}
	return applyTreeRules(p.env(), p.subs.node(n))
}

// filterText is what the Filter node checks, for EXPLAIN.
func (p *selectPlan) filterText() string {
	detail := ""
	if p.where != nil {
		detail = "WHERE " + eval.ExprText(p.where) + " is checked on every row"
	}
	for _, it := range p.items[1:] {
		if it.on != nil && !it.left {
			if detail != "" {
				detail += "; "
			}
			detail += "ON " + eval.ExprText(it.on) + " is checked on every joined row"
		}
	}
	return detail
}

// driveLeaf reads the table read first.
func (p *selectPlan) driveLeaf() plan.Node {
	d := p.items[p.drive]
	fresh := p.holdsRows() || p.group != nil
	acc := p.access
	pageSize := p.env().PageSize
	if acc.deferred == nil || acc.none || acc.bySid || d.local() {
		return p.leaf(d, acc, pageSize, fresh, p.ahead(acc))
	}
	def := acc.deferred
	n := &plan.Deferred{Table: d.table, Sub: def.sub.node, BySid: def.bySid, Column: def.col.Name, Param: def.filter.Param,
		Queries: acc.listings(), PageSize: pageSize, MaxKeys: maxFanout, Notes: acc.notes, Rules: acc.rules}
	n.Resolve = func() (plan.Node, error) {
		// The listing depended on the subquery's values, known now.
		resolved := acc.resolve(d.table)
		return p.leaf(d, resolved, pageSize, fresh, p.ahead(resolved)), nil
	}
	return n
}

// ahead is how the driving listing reads the pages after its first: on
// demand when every row read is returned up to a LIMIT (no request may be
// wasted), else prefetched (from half the first page under a LIMIT with a
// local filter, which a selective filter reaches and a LIMIT 10 does not).
func (p *selectPlan) ahead(acc access) plan.Ahead {
	everyRow := p.limit < 0 || p.holdsRows() || p.group != nil // sorting and grouping read every row
	switch {
	case !everyRow && acc.exact:
		return plan.OnDemand
	case everyRow:
		return plan.PrefetchAll
	}
	return plan.PrefetchHalf
}

// leaf reads one table of FROM with an access.
func (p *selectPlan) leaf(it *fromItem, acc access, pageSize int, fresh bool, ahead plan.Ahead) plan.Node {
	t := it.table
	switch {
	case it.derived != nil:
		return it.derived.node(fresh)
	case it.virtual != nil:
		env := p.env()
		return &plan.Values{Table: t, Rows: func() [][]driver.Value { return it.virtual(env) }}
	}
	return accessLeaf(t, acc, pageSize, fresh, ahead)
}

// accessLeaf reads table t with an access: no request, fetches by Sid,
// one listing or listings merged. (The rules may then shrink a listing's
// page or make it a range scan.)
func accessLeaf(t *schema.Table, acc access, pageSize int, fresh bool, ahead plan.Ahead) plan.Node {
	switch {
	case acc.none:
		return &plan.Empty{Table: t, Notes: acc.notes, Rules: acc.rules}
	case acc.bySid:
		return &plan.Get{Table: t, Sids: acc.sids, Rules: acc.rules}
	}
	lists := acc.listings()
	if len(lists) > 1 {
		return &plan.MergedListing{Table: t, Queries: lists, PageSize: pageSize, Fresh: fresh, Exact: acc.exact, Notes: acc.notes, Rules: acc.rules}
	}
	return &plan.Scan{Table: t, Query: lists[0], PageSize: pageSize, Fresh: fresh, Ahead: ahead, Exact: acc.exact, Notes: acc.notes, Rules: acc.rules}
}

// node is the derived table as a plan node: its query's tree.
func (d *derivedTable) node(fresh bool) *plan.Derived {
	return &plan.Derived{Child: d.query.tree(), Alias: d.alias, Columns: d.query.resultColumns(), Fresh: fresh, Pushed: d.pushed, PushedLimit: d.pushedLimit, Rules: d.rules, Limit: d.limited}
}

// joinNode joins the rows so far (left) with one more table.
func (p *selectPlan) joinNode(left plan.Node, st *joinStep, first bool) plan.Node {
	it := st.item
	env := p.env()
	j := &plan.Join{
		Left: left, Right: p.leaf(it, st.access, env.PageSize, true, plan.OnDemand),
		Label: it.label(), On: st.on, OnText: st.onText, Streaming: p.streaming, MaxKeys: maxFanout,
		Width: p.qscope.width, RightOffset: it.offset, MaxOuter: -1,
	}
	if it.left {
		j.Kind = plan.LeftOuter
	}
	if first {
		j.PadLeft, j.LeftOffset, j.Pre = true, p.items[p.drive].offset, p.pre
	}
	if p.access.bySid && p.access.deferred == nil {
		j.MaxOuter = len(p.access.sids)
	}
	k := st.key
	if k == nil {
		return j
	}
	j.Key = &plan.JoinKey{Outer: k.outer, Col: k.col, Text: k.text, Name: k.name, BySid: k.bySid, Param: k.filter.Param, Derived: k.derived, Arg: st.keyArg}
	if (k.derived || (k.bySid || k.filter.Param != "") && !it.local()) && !st.access.bySid && !st.access.none {
		j.Lookup = func(key string) (plan.Node, error) { return st.lookupLeaf(env, key) }
		j.ScanInstead = k.derived || it.table.Supports(schema.List)
	}
	return j
}

// lookupLeaf reads the joined table's rows of one key: a fetch by Sid, its
// listings filtered on the key, or its derived table's query with the key
// pushed in; nil when no row can have the key.
func (st *joinStep) lookupLeaf(env *exec.Env, key string) (plan.Node, error) {
	it := st.item
	t := it.table
	if st.key.derived {
		d := it.derived
		ast, ok := d.keyedQuery(st.key.col, st.key.name, st.keyArg)
		if !ok {
			return nil, fmt.Errorf("twilio: internal: the join key %s cannot go into derived table %s", st.key.name, d.alias)
		}
		q, err := planQuery(ast, env, append(append(eval.Args(nil), st.args...), driver.NamedValue{Name: st.keyArg, Value: key}))
		if err != nil {
			return nil, err
		}
		return &plan.Derived{Child: q.tree(), Alias: d.alias, Columns: q.resultColumns(), Fresh: true}, nil
	}
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
	return accessLeaf(t, acc, env.PageSize, true, plan.OnDemand), nil
}

// tree is the UNION's tree: its branches read one after another, then
// ORDER BY and LIMIT over the whole.
func (u *unionPlan) tree() plan.Node {
	branches := make([]plan.Node, len(u.branches))
	for i, b := range u.branches {
		branches[i] = b.tree()
	}
	un := &plan.Union{Branches: branches, Distinct: u.distinct, Columns: u.columns, LimitPushed: -1}
	if un.LastDistinct() == 0 {
		un.Limit = u.limitBranches
	}
	var n plan.Node = un
	if u.limit == 0 {
		return &plan.Limit{Child: n, Limit: 0}
	}
	if len(u.order) > 0 {
		// Sorted over the union's result, projected as it is.
		n = &plan.Sort{Child: n, Keys: u.order}
	}
	if u.limit >= 0 || u.offset > 0 {
		n = &plan.Limit{Child: n, Limit: u.limit, Offset: u.offset, Plain: true}
	}
	return applyTreeRules(u.env, n)
}

// limitBranches plans each branch again with a LIMIT of rows (one that
// cannot take one as it is).
func (u *unionPlan) limitBranches(rows int64) ([]plan.Node, error) {
	out := make([]plan.Node, len(u.branches))
	for i, b := range u.branches {
		ast, ok := b.withPushed(nil, rows)
		if !ok {
			out[i] = b.tree()
			continue
		}
		q, err := planQuery(ast, u.env, u.args)
		if err != nil {
			return nil, err
		}
		out[i] = q.tree()
	}
	return out, nil
}
