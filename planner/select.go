package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// selectPlan is a planned SELECT on one table.
type selectPlan struct {
	scope    tableScope
	access   access
	filter   evalFunc
	columns  []ResultColumn
	project  []evalFunc
	order    []orderKey
	distinct bool
	offset   int64
	limit    int64 // -1: none
	pageSize int
}

type orderKey struct {
	eval evalFunc
	desc bool
}

func planSelect(st *sqlparser.Select, env *Env, a args) (*selectPlan, error) {
	scope, err := singleTable(st.From)
	if err != nil {
		return nil, err
	}
	if len(st.GroupBy) > 0 || st.Having != nil {
		return nil, unsupported("GROUP BY")
	}
	if st.Lock != "" {
		return nil, unsupported("locking reads (FOR UPDATE)")
	}
	c := &compiler{cols: scope, args: a, now: env.now}
	p := &selectPlan{scope: scope, distinct: st.Distinct != "", limit: -1}
	if err := p.planColumns(st.SelectExprs, c); err != nil {
		return nil, err
	}
	var where sqlparser.Expr
	if st.Where != nil {
		where = st.Where.Expr
		f, err := c.expr(where)
		if err != nil {
			return nil, err
		}
		p.filter = f.eval
	}
	if p.access, err = planAccess(scope, where, c); err != nil {
		return nil, err
	}
	if err := p.planOrder(st.OrderBy, c); err != nil {
		return nil, err
	}
	if err := p.planLimit(st.Limit, c); err != nil {
		return nil, err
	}
	p.pageSize = env.PageSize
	if p.access.exact && p.limit >= 0 && !p.holdsRows() {
		// Nothing is filtered locally: the first page need hold no more
		// than the rows asked for.
		p.pageSize = int(min(int64(p.pageSize), max(1, p.offset+p.limit)))
	}
	return p, nil
}

// holdsRows reports whether the result must be gathered before the first
// row is known (sorting, DISTINCT).
func (p *selectPlan) holdsRows() bool { return len(p.order) > 0 || p.distinct }

func (p *selectPlan) planColumns(exprs sqlparser.SelectExprs, c *compiler) error {
	t := p.scope.table
	for _, se := range exprs {
		switch x := se.(type) {
		case *sqlparser.StarExpr:
			if q := x.TableName.Name.String(); q != "" && !p.scope.names(q) {
				return fmt.Errorf("twilio: %s.* refers to a table not in FROM", q)
			}
			for i, col := range t.Columns {
				p.columns = append(p.columns, ResultColumn{Name: col.Name, Type: col.Type, Nullable: col.Nullable})
				p.project = append(p.project, columnAt(i))
			}
		case *sqlparser.AliasedExpr:
			if fn, ok := x.Expr.(*sqlparser.FuncExpr); ok && isAggregate(fn.Name.Lowered()) {
				return unsupported("the aggregate " + strings.ToUpper(fn.Name.String()) + "()")
			}
			e, err := c.expr(x.Expr)
			if err != nil {
				return err
			}
			name := x.As.String()
			nullable := true
			if name == "" {
				if cn, ok := x.Expr.(*sqlparser.ColName); ok {
					_, col, _ := p.scope.resolve(cn)
					name, nullable = col.Name, col.Nullable
				} else {
					name = sqlparser.String(x.Expr)
				}
			}
			p.columns = append(p.columns, ResultColumn{Name: name, Type: e.typ, Nullable: nullable})
			p.project = append(p.project, e.eval)
		default:
			return unsupported(sqlparser.String(se))
		}
	}
	return nil
}

func columnAt(i int) evalFunc {
	return func(row []driver.Value) (driver.Value, error) { return row[i], nil }
}

// planOrder compiles ORDER BY terms: a result position (ORDER BY 2), a
// result alias, or any expression over the table's columns.
func (p *selectPlan) planOrder(order sqlparser.OrderBy, c *compiler) error {
	for _, o := range order {
		key := orderKey{desc: o.Direction == sqlparser.DescScr}
		switch x := o.Expr.(type) {
		case *sqlparser.SQLVal:
			if x.Type == sqlparser.IntVal {
				n, _ := strconv.Atoi(string(x.Val))
				if n < 1 || n > len(p.project) {
					return fmt.Errorf("twilio: ORDER BY %d: the result has columns 1 to %d", n, len(p.project))
				}
				key.eval = p.project[n-1]
			}
		case *sqlparser.ColName:
			if x.Qualifier.IsEmpty() {
				for i, col := range p.columns {
					if strings.EqualFold(col.Name, x.Name.String()) {
						key.eval = p.project[i]
						break
					}
				}
			}
		}
		if key.eval == nil {
			e, err := c.expr(o.Expr)
			if err != nil {
				return err
			}
			key.eval = e.eval
		}
		p.order = append(p.order, key)
	}
	return nil
}

func (p *selectPlan) planLimit(l *sqlparser.Limit, c *compiler) error {
	if l == nil {
		return nil
	}
	read := func(e sqlparser.Expr, what string) (int64, error) {
		v, err := c.value(e)
		if err != nil {
			return 0, err
		}
		n, ok := toInt(v)
		if !ok || n < 0 {
			return 0, fmt.Errorf("twilio: %s must be a whole number of 0 or more, not %s", what, describe(v))
		}
		return n, nil
	}
	var err error
	if l.Offset != nil {
		if p.offset, err = read(l.Offset, "OFFSET"); err != nil {
			return err
		}
	}
	p.limit, err = read(l.Rowcount, "LIMIT")
	return err
}

// open starts the scan and fetches its first page (or first resource), so
// errors surface in QueryContext.
func (p *selectPlan) open(ctx context.Context, env *Env) (*Rows, error) {
	rows := &Rows{ctx: ctx, columns: p.columns, filter: p.filter, project: p.project, offset: p.offset, limit: p.limit}
	t := p.scope.table
	if p.limit == 0 {
		// LIMIT 0 asks for nothing; it costs no request.
		rows.src = &sliceSource{}
		return rows, nil
	}
	if p.access.bySid {
		src := &getSource{client: env.Client, table: t, decoder: newDecoder(t), sids: slices.Clone(p.access.sids)}
		if err := src.prime(ctx); err != nil {
			return nil, err
		}
		rows.src = src
	} else {
		q := cloneValues(p.access.query)
		q.Set("PageSize", strconv.Itoa(p.pageSize))
		src := newListSource(env.Client, t, env.Client.FirstPageURI(t.ListPath, q))
		src.fresh = p.holdsRows()
		if err := src.fetch(ctx); err != nil {
			return nil, err
		}
		rows.src = src
	}
	if p.holdsRows() {
		return p.gather(rows)
	}
	return rows, nil
}

// gather reads every matching row, sorts and de-duplicates, and returns a
// result over the projected rows with OFFSET and LIMIT still to apply.
func (p *selectPlan) gather(stream *Rows) (*Rows, error) {
	type held struct {
		out  []driver.Value
		keys []driver.Value
	}
	var all []held
	limit, offset := stream.limit, stream.offset
	stream.limit, stream.offset = -1, 0
	stream.project = append(slices.Clone(p.project), orderEvals(p.order)...)
	defer stream.Close()
	for {
		dest := make([]driver.Value, len(stream.project))
		err := stream.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		all = append(all, held{out: dest[:len(p.project)], keys: dest[len(p.project):]})
	}
	if len(p.order) > 0 {
		slices.SortStableFunc(all, func(a, b held) int {
			for i, k := range p.order {
				c := compareNullsFirst(a.keys[i], b.keys[i])
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	rows := make([][]driver.Value, 0, len(all))
	seen := map[string]bool{}
	for _, h := range all {
		if p.distinct {
			k := rowKey(h.out)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		rows = append(rows, h.out)
	}
	project := make([]evalFunc, len(p.project))
	for i := range project {
		project[i] = columnAt(i)
	}
	return &Rows{ctx: stream.ctx, columns: p.columns, src: &sliceSource{rows: rows}, project: project, offset: offset, limit: limit}, nil
}

func orderEvals(keys []orderKey) []evalFunc {
	out := make([]evalFunc, len(keys))
	for i, k := range keys {
		out[i] = k.eval
	}
	return out
}

// compareNullsFirst orders NULL before every value, as MySQL sorts ascending.
func compareNullsFirst(a, b driver.Value) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	c, _ := compare(a, b)
	return c
}

// rowKey identifies a row's values for DISTINCT.
func rowKey(row []driver.Value) string {
	var b strings.Builder
	for _, v := range row {
		if v == nil {
			b.WriteString("\x00N")
		} else {
			fmt.Fprintf(&b, "\x00%T:%s", v, toString(v))
		}
	}
	return b.String()
}
