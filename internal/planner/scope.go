package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// fromItem is one table of a FROM clause. Its columns occupy
// [offset, offset+len(table.Columns)) of the combined row.
type fromItem struct {
	table  *schema.Table
	alias  string
	offset int
	// virtual, when set, yields the rows of an in-memory table
	// (information_schema, SHOW, dual): no request is made.
	virtual func(env *exec.Env) [][]driver.Value
	// derived, when set, is a query in FROM whose result is the table.
	derived *derivedTable
	left    bool // LEFT JOIN: null-extended when ON matches nothing
	// pos is the item's place in FROM as written, which SELECT * follows;
	// a RIGHT JOIN reads its right table first.
	pos int
	on  sqlparser.Expr // the join condition; nil for the first table and comma joins
}

func (f *fromItem) scope() tableScope { return tableScope{table: f.table, alias: f.alias} }

func (f *fromItem) label() string {
	if f.alias != "" {
		return f.alias
	}
	return f.table.Name
}

// listable reports whether the item can be read without Sids.
func (f *fromItem) listable() bool { return f.local() || f.table.Supports(schema.List) }

// local reports whether the item is read without requests of its own to
// push filters into: an in-memory table or a derived table.
func (f *fromItem) local() bool { return f.virtual != nil || f.derived != nil }

// queryScope resolves columns over every table of a FROM clause, bare or
// qualified by a table's name or alias.
type queryScope struct {
	items []*fromItem
	width int
}

func newQueryScope(items []*fromItem) *queryScope {
	s := &queryScope{items: items}
	for _, it := range items {
		it.offset = s.width
		s.width += len(it.table.Columns)
	}
	return s
}

func (s *queryScope) Resolve(col *sqlparser.ColName) (int, schema.Column, error) {
	if len(s.items) == 1 {
		i, c, err := s.items[0].scope().Resolve(col)
		return s.items[0].offset + i, c, err
	}
	if q := col.Qualifier.Name.String(); q != "" {
		it, err := s.itemNamed(q, col)
		if err != nil {
			return 0, schema.Column{}, err
		}
		i, c, err := it.scope().Resolve(col)
		return it.offset + i, c, err
	}
	name := col.Name.String()
	var found []*fromItem
	idx := -1
	for _, it := range s.items {
		if i, ok := it.table.Column(name); ok {
			found = append(found, it)
			idx = it.offset + i
		}
	}
	switch len(found) {
	case 0:
		var names []string
		for _, it := range s.items {
			for _, c := range it.table.Columns {
				names = append(names, it.label()+"."+c.Name)
			}
		}
		return 0, schema.Column{}, &unknownColumnError{fmt.Sprintf("twilio: no table in FROM has a column %q%s", name, didYouMean(name, names))}
	case 1:
		it := found[0]
		return idx, it.table.Columns[idx-it.offset], nil
	}
	var alts []string
	for _, it := range found {
		alts = append(alts, it.label()+"."+name)
	}
	return 0, schema.Column{}, fmt.Errorf("twilio: column %q is in more than one table: write %s", name, strings.Join(alts, " or "))
}

// itemNamed finds the table a qualifier names: an alias first, then a table
// name.
func (s *queryScope) itemNamed(q string, col *sqlparser.ColName) (*fromItem, error) {
	for _, it := range s.items {
		if it.alias != "" && strings.EqualFold(it.alias, q) {
			return it, nil
		}
	}
	var hits []*fromItem
	for _, it := range s.items {
		if it.scope().names(q) {
			hits = append(hits, it)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		var labels []string
		for _, it := range s.items {
			labels = append(labels, it.label())
		}
		return nil, &unknownColumnError{fmt.Sprintf("twilio: %s refers to %s, which is not in FROM: tables are %s", sqlparser.String(col), q, strings.Join(labels, ", "))}
	}
	return nil, fmt.Errorf("twilio: %s is ambiguous: give each %s an alias (FROM %s a JOIN %s b …) and qualify with it", sqlparser.String(col), q, q, q)
}

// itemOf is the index of the item a combined-row column belongs to.
func (s *queryScope) itemOf(col int) int {
	for i, it := range s.items {
		if col >= it.offset && col < it.offset+len(it.table.Columns) {
			return i
		}
	}
	return -1
}

// refs lists the items an expression's columns belong to (not looking into
// subqueries, which have their own FROM); ok is false when a column does not
// resolve.
func (s *queryScope) refs(e sqlparser.Expr) (map[int]bool, bool) {
	out := map[int]bool{}
	ok := true
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		switch x := node.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.ColName:
			idx, _, err := s.Resolve(x)
			if err != nil {
				ok = false
				return false, nil
			}
			out[s.itemOf(idx)] = true
		}
		return true, nil
	}, e)
	return out, ok
}

// planFrom reads a FROM clause: tables, aliases, comma joins and INNER and
// LEFT JOINs in a left-deep chain.
func planFrom(from sqlparser.TableExprs, env *exec.Env, a eval.Args) ([]*fromItem, error) {
	var items []*fromItem
	var add func(te sqlparser.TableExpr) error
	add = func(te sqlparser.TableExpr) error {
		switch x := te.(type) {
		case *sqlparser.AliasedTableExpr:
			it, err := fromTable(x, env, a)
			if err != nil {
				return err
			}
			it.pos = len(items)
			items = append(items, it)
			return nil
		case *sqlparser.ParenTableExpr:
			if len(x.Exprs) == 1 {
				return add(x.Exprs[0])
			}
			return eval.Unsupported("a parenthesised list of tables")
		case *sqlparser.JoinTableExpr:
			if err := add(x.LeftExpr); err != nil {
				return err
			}
			right, ok := x.RightExpr.(*sqlparser.AliasedTableExpr)
			if !ok {
				return eval.Unsupported("a join with a parenthesised right side: write the joins one after another")
			}
			it, err := fromTable(right, env, a)
			if err != nil {
				return err
			}
			it.pos = len(items)
			switch x.Join {
			case sqlparser.JoinStr, sqlparser.StraightJoinStr:
			case sqlparser.LeftJoinStr:
				it.left = true
			case sqlparser.RightJoinStr:
				// A RIGHT JOIN B is B LEFT JOIN A, with A's columns first.
				if len(items) != 1 {
					return fmt.Errorf("twilio: RIGHT JOIN %s follows another join, which is not supported: write the RIGHT JOIN first (A RIGHT JOIN B ON … JOIN C ON …) or a LEFT JOIN with the tables swapped", it.label())
				}
				it.left = true
				items[0], it = it, items[0]
				it.left, items[0].left = true, false
			default:
				return eval.Unsupported(strings.ToUpper(x.Join) + ": write JOIN … ON or LEFT JOIN … ON")
			}
			if len(x.Condition.Using) > 0 {
				on, err := usingCondition(items, it, x.Condition.Using)
				if err != nil {
					return err
				}
				it.on = on
			} else {
				it.on = x.Condition.On
			}
			if it.left && it.on == nil {
				return fmt.Errorf("twilio: %s %s needs an ON condition", strings.ToUpper(x.Join), it.label())
			}
			items = append(items, it)
			return nil
		}
		return eval.Unsupported(sqlparser.String(te) + " in FROM")
	}
	for _, te := range from {
		if err := add(te); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		l := strings.ToLower(it.label())
		if seen[l] && it.derived != nil {
			return nil, fmt.Errorf("twilio: %s names two tables in FROM: give each its own alias", it.label())
		}
		if seen[l] {
			return nil, fmt.Errorf("twilio: %s appears twice in FROM: give each an alias (FROM %s a JOIN %s b …)", it.label(), it.table.Name, it.table.Name)
		}
		seen[l] = true
	}
	return items, nil
}

// usingCondition turns JOIN … USING (a, b) into ON left.a = right.a AND ….
func usingCondition(left []*fromItem, right *fromItem, cols sqlparser.Columns) (sqlparser.Expr, error) {
	var on sqlparser.Expr
	for _, c := range cols {
		var owner *fromItem
		for _, it := range left {
			if _, ok := it.table.Column(c.String()); ok {
				owner = it
				break
			}
		}
		if _, ok := right.table.Column(c.String()); !ok || owner == nil {
			return nil, fmt.Errorf("twilio: USING (%s): both sides of the join need a column %s", c.String(), c.String())
		}
		eq := &sqlparser.ComparisonExpr{
			Operator: sqlparser.EqualStr,
			Left:     &sqlparser.ColName{Name: c, Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(owner.label())}},
			Right:    &sqlparser.ColName{Name: c, Qualifier: sqlparser.TableName{Name: sqlparser.NewTableIdent(right.label())}},
		}
		if on == nil {
			on = eq
		} else {
			on = &sqlparser.AndExpr{Left: on, Right: eq}
		}
	}
	return on, nil
}

func fromTable(ate *sqlparser.AliasedTableExpr, env *exec.Env, a eval.Args) (*fromItem, error) {
	if sub, ok := ate.Expr.(*sqlparser.Subquery); ok {
		return derivedItem(sub, ate.As.String(), env, a)
	}
	name, ok := ate.Expr.(sqlparser.TableName)
	if !ok {
		return nil, eval.Unsupported(sqlparser.String(ate.Expr) + " in FROM")
	}
	if vt, ok, err := lookupVirtual(name); ok || err != nil {
		if err != nil {
			return nil, err
		}
		return &fromItem{table: vt.table, alias: ate.As.String(), virtual: vt.rows}, nil
	}
	t, err := lookupTable(name)
	if err != nil {
		return nil, err
	}
	return &fromItem{table: t, alias: ate.As.String()}, nil
}
