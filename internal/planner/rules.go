package planner

import "github.com/xwb1989/sqlparser"

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
