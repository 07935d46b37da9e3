package planner

import (
	"database/sql/driver"
	"io"

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
	key := rowKey(vals)
	if q, ok := cq.cache[key]; ok {
		return q, nil
	}
	ctx, env := cq.subs.ctx, cq.env
	a := cq.bind(vals)
	var plan queryPlan
	var err error
	if cq.inMemory() {
		if err := cq.scan(); err != nil {
			return nil, err
		}
		it := &fromItem{table: cq.item.table, alias: cq.item.alias, virtual: func(*Env) [][]driver.Value { return cq.rows }}
		plan, err = planSelectFrom(cq.ast.(*sqlparser.Select), env, a, []*fromItem{it})
	} else {
		plan, err = planQuery(cq.ast, env, a)
		cq.lookups++
	}
	if err != nil {
		return nil, err
	}
	q := &subquery{plan: plan}
	if err := q.run(ctx, env); err != nil {
		return nil, err
	}
	cq.cache[key] = q
	return q, nil
}

// inMemory reports whether the next run reads the table read once rather
// than Twilio: when Twilio cannot filter on the correlation, or after
// maxFanout runs that it could.
func (cq *correlated) inMemory() bool {
	return cq.scanAST != nil && (cq.pushedKey == "" || cq.lookups >= maxFanout)
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
	rows, err := p.open(cq.subs.ctx, cq.env)
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
