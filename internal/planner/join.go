package planner

import (
	"fmt"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
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
