package planner

import (
	"slices"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/xwb1989/sqlparser"
)

// Pushdown rules. The WHERE clause of one table is split into its AND-ed
// terms, and each term is offered to these rules in order, the way
// go-mysql-server's analyzer runs its named rules in batches: the first rule
// that takes a term decides how Twilio narrows the listing for it, and
// whether Twilio's answer then decides the term exactly. A term no rule
// takes is left to the local filter, which checks every term of the clause
// on every row anyway, so a rule may only narrow, never widen, what Twilio
// returns. Adding a way to push a term is adding a rule here.

// pushRule is one named pushdown decision for a term of a WHERE clause.
type pushRule struct {
	// name is what EXPLAIN's debug listing and tests call the rule.
	name string
	// doc says what the rule pushes, in a line.
	doc string
	// sidOnly marks the rule for Sid conditions: a term it takes leaves a
	// fetch by Sid exact; any other term is left to the local filter when
	// rows are fetched by Sid.
	sidOnly bool
	// apply pushes term into st if the rule is for it. taken reports that
	// the rule decided the term (later rules are not tried), exact that
	// Twilio's answer then decides it.
	apply func(st *pushState, term sqlparser.Expr, allowDefer bool) (taken, exact bool, err error)
}

// pushRules are tried in this order. A function, not a variable, because
// pushOr pushes its disjuncts' terms through the same rules.
func pushRules() []pushRule {
	return []pushRule{
		{name: "fetch_by_sid", sidOnly: true,
			doc: "Sid = v, Sid IN (…) and ORs of them: fetch those rows by Sid",
			apply: func(st *pushState, term sqlparser.Expr, _ bool) (bool, bool, error) {
				sids, ok, err := st.sidTerm(term)
				if err != nil || !ok {
					return err != nil, false, err
				}
				st.restrictSids(sids)
				return true, true, nil
			}},
		{name: "defer_in_subquery",
			doc: "column IN (SELECT …) on Sid or a filtered column: pushed once the subquery has run",
			apply: func(st *pushState, term sqlparser.Expr, allowDefer bool) (bool, bool, error) {
				col, op, val, ok := comparisonTerm(term)
				if !ok || op != sqlparser.InStr {
					return false, false, nil
				}
				sub, ok := val.(*sqlparser.Subquery)
				if !ok {
					return false, false, nil
				}
				return true, false, st.deferIn(col, sub, allowDefer)
			}},
		{name: "in_list_listings",
			doc: "column IN (a, b, …) on a filtered column: one listing per value, merged",
			apply: func(st *pushState, term sqlparser.Expr, _ bool) (bool, bool, error) {
				col, op, val, ok := comparisonTerm(term)
				if !ok || op != sqlparser.InStr {
					return false, false, nil
				}
				exact, err := st.pushIn(col, val)
				return true, exact, err
			}},
		{name: "filter_comparison",
			doc: "column = v, and <, <=, >, >= on a day-granular date column: a filter parameter",
			apply: func(st *pushState, term sqlparser.Expr, _ bool) (bool, bool, error) {
				col, op, val, ok := comparisonTerm(term)
				if !ok {
					return false, false, nil
				}
				if _, known := flipped[op]; !known {
					return false, false, nil
				}
				exact, err := st.pushCompare(st.base, col, op, val)
				return true, exact, err
			}},
		{name: "between_bounds",
			doc: "column BETWEEN a AND b: two bounds, as >= a and <= b",
			apply: func(st *pushState, term sqlparser.Expr, _ bool) (bool, bool, error) {
				x, ok := term.(*sqlparser.RangeCond)
				if !ok {
					return false, false, nil
				}
				colName, ok := x.Left.(*sqlparser.ColName)
				if !ok || x.Operator != sqlparser.BetweenStr {
					return false, false, nil
				}
				lo, err := st.pushCompare(st.base, colName, ">=", x.From)
				if err != nil {
					return true, false, err
				}
				hi, err := st.pushCompare(st.base, colName, "<=", x.To)
				return true, lo && hi, err
			}},
		{name: "or_listings",
			doc: "an OR whose every disjunct Twilio narrows: one listing per disjunct, merged",
			apply: func(st *pushState, term sqlparser.Expr, _ bool) (bool, bool, error) {
				or, ok := term.(*sqlparser.OrExpr)
				if !ok {
					return false, false, nil
				}
				exact, err := st.pushOr(or)
				return true, exact, err
			}},
	}
}

// comparisonTerm reads "column op value" (or "value op column").
func comparisonTerm(term sqlparser.Expr) (*sqlparser.ColName, string, sqlparser.Expr, bool) {
	x, ok := term.(*sqlparser.ComparisonExpr)
	if !ok {
		return nil, "", nil, false
	}
	return columnOpValue(x)
}

// push pushes one conjunct through the rules; it reports whether Twilio's
// answer decides the term exactly. The rules that took a term are recorded
// in st.fired.
func (st *pushState) push(term sqlparser.Expr, allowDefer bool) (bool, error) {
	for _, r := range pushRules() {
		if !r.sidOnly {
			st.other = true
		}
		taken, exact, err := r.apply(st, term, allowDefer)
		if err != nil {
			return false, err
		}
		if taken {
			st.fired = append(st.fired, r.name)
			return exact, nil
		}
	}
	return false, nil
}

// Tree rules. Once a query's plan tree is built (tree.go), these named
// rules rewrite it, in this order (go-mysql-server's analyzer runs its
// rules over sql/plan nodes the same way). Each looks at the query's
// spine, the nodes from its top down to the table read first, and
// rewrites that table's read; a rule that fires adds its name to the
// read's Rules, which EXPLAIN lists. A nested query's tree (a derived
// table's, a UNION branch's, a subquery's) is rewritten when it is built.
type treeRule struct {
	name string
	doc  string
	// apply rewrites the read of a query whose spine is s; nil: the rule
	// does not apply.
	apply func(env *exec.Env, s spine) plan.Node
}

// treeRules are applied in this order.
func treeRules() []treeRule {
	return []treeRule{
		{name: "push_limit_into_derived",
			doc:   "a LIMIT over a derived table alone, every outer filter pushed into it: the query runs with the LIMIT",
			apply: pushLimitIntoDerived},
		{name: "push_limit_into_union",
			doc:   "a LIMIT over a UNION ALL without ORDER BY: every branch runs with the LIMIT",
			apply: pushLimitIntoUnion},
		{name: "limit_page_size",
			doc:   "a LIMIT over one table Twilio filters exactly, nothing held: PageSize = OFFSET + LIMIT, and one page",
			apply: limitPageSize},
		{name: "range_scan",
			doc:   "a listing bounded on the table's split column whose rows are all read: parallel time slices",
			apply: rangeScan},
	}
}

// spine is what a query's tree says about reading its first table.
type spine struct {
	limit *plan.Limit // nil: no LIMIT or OFFSET
	holds bool        // a Sort or an Aggregate reads every row first
	joins bool        // another table is joined
	drive plan.Node   // the read of the table read first
}

// everyRow reports whether every row of the table read first is read.
func (s spine) everyRow() bool { return s.limit == nil || s.limit.Limit < 0 || s.holds }

// spineChild is the index of the child a query's spine goes on in: the
// rows the node reads, or the left side of a join; -1 at a read.
func spineChild(n plan.Node) int {
	switch n.(type) {
	case *plan.Subqueries, *plan.Limit, *plan.Sort, *plan.Project, *plan.Filter, *plan.Aggregate, *plan.Correlated, *plan.Join:
		if len(n.Children()) > 0 {
			return 0
		}
	}
	return -1
}

func spineOf(n plan.Node) spine {
	var s spine
	for {
		switch x := n.(type) {
		case *plan.Limit:
			s.limit = x
		case *plan.Sort, *plan.Aggregate:
			s.holds = true
		case *plan.Join:
			s.joins = true
		}
		i := spineChild(n)
		if i < 0 {
			s.drive = n
			return s
		}
		n = n.Children()[i]
	}
}

// withDrive rebuilds a query's tree with its first table's read replaced.
func withDrive(n plan.Node, drive plan.Node) plan.Node {
	i := spineChild(n)
	if i < 0 {
		return drive
	}
	kids := slices.Clone(n.Children())
	kids[i] = withDrive(kids[i], drive)
	out, err := n.WithChildren(kids...)
	if err != nil {
		panic(err) // as many children as it had: cannot fail
	}
	if l, ok := out.(*plan.Limit); ok {
		// The LIMIT says how it is met: by the page size, when a rule
		// shrank it.
		if sc, ok := drive.(*plan.Scan); ok && sc.OnePage {
			l.PageSize = sc.PageSize
		}
		if m, ok := drive.(*plan.MergedListing); ok && m.OnePage {
			l.PageSize = m.PageSize
		}
	}
	return out
}

// applyTreeRules applies the tree rules to a query's tree.
func applyTreeRules(env *exec.Env, n plan.Node) plan.Node {
	for _, r := range treeRules() {
		s := spineOf(n)
		if d, ok := s.drive.(*plan.Deferred); ok {
			// The read is known once the subquery has run: the rule
			// applies to it then.
			n = withDrive(n, deferRule(env, r, s, d))
			continue
		}
		if drive := r.apply(env, s); drive != nil {
			n = withDrive(n, drive)
		}
	}
	return n
}

// deferRule applies a rule to the read a Deferred resolves to.
func deferRule(env *exec.Env, r treeRule, s spine, d *plan.Deferred) *plan.Deferred {
	out := *d
	resolve := d.Resolve
	out.Resolve = func() (plan.Node, error) {
		leaf, err := resolve()
		if err != nil {
			return nil, err
		}
		s.drive = leaf
		if drive := r.apply(env, s); drive != nil {
			return drive, nil
		}
		return leaf, nil
	}
	return &out
}

// pushLimitIntoDerived: the outer LIMIT counts the derived table's rows
// (no filter, join, grouping or sort between), so its query need yield no
// more. A query that cannot be planned again with it keeps its plan (the
// LIMIT still applies outside).
func pushLimitIntoDerived(_ *exec.Env, s spine) plan.Node {
	d, ok := s.drive.(*plan.Derived)
	if !ok || d.Limit == nil || s.limit == nil || s.limit.Limit < 0 || s.holds || s.joins {
		return nil
	}
	rows := s.limit.Offset + s.limit.Limit
	child, err := d.Limit(rows)
	if err != nil || child == nil {
		return nil
	}
	out := *d
	out.Child, out.PushedLimit, out.Limit = child, rows, nil
	out.Rules = appendRule(d.Rules, "push_limit_into_derived")
	return &out
}

// pushLimitIntoUnion: without ORDER BY or duplicates removed, the first
// OFFSET + LIMIT rows come from the first branches; none need yield more.
func pushLimitIntoUnion(_ *exec.Env, s spine) plan.Node {
	u, ok := s.drive.(*plan.Union)
	if !ok || u.Limit == nil || s.limit == nil || s.limit.Limit <= 0 || s.holds {
		return nil
	}
	rows := s.limit.Offset + s.limit.Limit
	branches, err := u.Limit(rows)
	if err != nil {
		return nil
	}
	out := *u
	out.Branches, out.LimitPushed, out.Limit = branches, rows, nil
	out.Rules = appendRule(u.Rules, "push_limit_into_union")
	return &out
}

// limitPageSize: nothing is filtered here, so the first page need hold no
// more than the rows asked for.
func limitPageSize(env *exec.Env, s spine) plan.Node {
	if s.limit == nil || s.limit.Limit < 0 || s.holds || s.joins {
		return nil
	}
	rows := max(1, s.limit.Offset+s.limit.Limit)
	switch d := s.drive.(type) {
	case *plan.Scan:
		if !d.Exact || rows >= int64(d.PageSize) || rows >= int64(env.PageSize) {
			return nil
		}
		out := *d
		out.PageSize, out.OnePage, out.Rules = int(rows), true, appendRule(d.Rules, "limit_page_size")
		return &out
	case *plan.MergedListing:
		if !d.Exact || rows >= int64(d.PageSize) || rows >= int64(env.PageSize) {
			return nil
		}
		out := *d
		out.PageSize, out.OnePage, out.Rules = int(rows), true, appendRule(d.Rules, "limit_page_size")
		return &out
	}
	return nil
}

// rangeScan: a listing read whole (not under a LIMIT its first page
// serves, nor one Twilio answers exactly, whose pages are read on demand)
// and bounded on its table's split column is read as time slices.
func rangeScan(env *exec.Env, s spine) plan.Node {
	d, ok := s.drive.(*plan.Scan)
	if !ok {
		return nil
	}
	if !s.everyRow() && (d.Exact || s.limit.Offset+s.limit.Limit <= int64(d.PageSize)) {
		return nil
	}
	rs := exec.PlanRangeScan(env, d.Table, d.Query, d.PageSize)
	if rs == nil {
		return nil
	}
	listing := *d
	listing.Rules = appendRule(d.Rules, "range_scan")
	return &plan.RangeScan{Listing: &listing, Slices: rs}
}

func appendRule(rules []string, name string) []string {
	return append(slices.Clone(rules), name)
}
