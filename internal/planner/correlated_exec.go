package planner

import (
	"database/sql/driver"
	"io"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/xwb1989/sqlparser"
)

// capRows gives a correlated SELECT a LIMIT of n rows when it has none:
// EXISTS is decided by one row, a scalar by two.
func (cq *correlated) capRows(n int64) {
	sel, ok := cq.ast.(*sqlparser.Select)
	if n < 0 || !ok || sel.Limit != nil {
		return
	}
	capped := *sel
	capped.Limit = &sqlparser.Limit{Rowcount: sqlparser.NewIntVal([]byte{byte('0' + n)})}
	cq.ast = &capped
}

// result runs the subquery for an outer row, once per distinct set of
// outer values.
func (cq *correlated) result(row []driver.Value) (*subquery, error) {
	vals := make([]driver.Value, len(cq.outer))
	for i, f := range cq.outer {
		v, err := f(row)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	key := exec.RowKey(vals)
	if q, ok := cq.cache[key]; ok {
		return q, nil
	}
	ctx, env := cq.subs.ctx, cq.env
	a := cq.bind(vals)
	var plan queryPlan
	var err error
	inMemory := cq.inMemory()
	if inMemory {
		if err := cq.scan(); err != nil {
			return nil, err
		}
		it := &fromItem{table: cq.item.table, alias: cq.item.alias, virtual: func(*exec.Env) [][]driver.Value { return cq.rows }}
		plan, err = planSelectFrom(cq.ast.(*sqlparser.Select), env, a, []*fromItem{it})
	} else {
		plan, err = planQuery(cq.ast, env, a)
		cq.lookups++
	}
	if err != nil {
		return nil, err
	}
	q := newSubquery(nil, plan)
	if err := exec.RunSubquery(ctx, env, q.node); err != nil {
		return nil, err
	}
	if !inMemory || len(cq.cache) < maxCachedRuns {
		// A run that made requests is always kept; one done on rows in
		// memory is kept while the cache is small, so that a million
		// distinct keys do not hold a million results.
		cq.cache[key] = q
	}
	return q, nil
}

// maxCachedRuns bounds the results kept of runs done in memory.
const maxCachedRuns = 4096

// inMemory reports whether the next run reads the table read once rather
// than Twilio: when Twilio cannot filter on the correlation, or after
// maxFanout runs that it could.
func (cq *correlated) inMemory() bool {
	return cq.scanAST != nil && (cq.pushedKey == "" || cq.manyKeys || cq.lookups >= maxFanout)
}

// countsKeys reports whether the plan reads its driving rows before the
// first result row to count its correlated subqueries' keys, as a join
// counts its keys: it does when a correlation could go either way (looked
// up key by key, or its table read once) and no small LIMIT streams.
func (p *selectPlan) countsKeys() bool {
	if p.limit >= 0 && !p.holdsRows() && p.group == nil && p.offset+p.limit <= maxFanout {
		return false
	}
	for _, cq := range p.subs.correlated {
		if cq.pushedKey != "" && cq.scanAST != nil && !cq.grouped {
			return true
		}
	}
	return false
}

// countKeys marks, among the rows read first, the correlated subqueries
// with more than maxFanout distinct keys: every run of those reads their
// table read once.
func (p *selectPlan) countKeys(rows [][]driver.Value) error {
	for _, cq := range p.subs.correlated {
		if cq.pushedKey == "" || cq.scanAST == nil || cq.grouped {
			continue
		}
		keys := map[string]bool{}
		vals := make([]driver.Value, len(cq.outer))
		for _, row := range rows {
			for i, f := range cq.outer {
				v, err := f(row)
				if err != nil {
					return err
				}
				vals[i] = v
			}
			keys[exec.RowKey(vals)] = true
			if len(keys) > maxFanout {
				cq.manyKeys = true
				break
			}
		}
	}
	return nil
}

// scan reads the subquery's table once, with its uncorrelated filters.
func (cq *correlated) scan() error {
	if cq.scanned {
		return nil
	}
	p, err := planSelect(cq.scanAST, cq.env, cq.args)
	if err != nil {
		return err
	}
	rows, err := openQuery(cq.subs.ctx, cq.env, p)
	if err != nil {
		return err
	}
	defer rows.Close()
	width := len(p.columns)
	for {
		dest := make([]driver.Value, width)
		err := rows.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		cq.rows = append(cq.rows, dest)
	}
	cq.scanned = true
	return nil
}
