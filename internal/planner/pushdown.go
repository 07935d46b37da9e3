package planner

import (
	"database/sql/driver"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// maxFanout is the most listings (or fetches by Sid) one table's access may
// fan out into: an IN list, an OR of equalities, a subquery's values or a
// join's keys. Past it, one listing and a local check are used instead.
const maxFanout = 50

// access is how one table's rows are fetched: by Sid, by one filtered
// listing, or by several listings merged without duplicates.
type access struct {
	sids  []string   // fetch these by Sid (bySid)
	bySid bool       // a Sid condition decided the access
	query url.Values // the filters every listing carries
	// lists, when not nil, are the listings to merge (each already holds
	// query's filters): one per value of an IN list or disjunct of an OR.
	lists []url.Values
	// none is set when the WHERE clause can match no row (two different
	// exact equalities, an empty day range): no request is made.
	none bool
	// exact is true when Twilio's answer is exactly the WHERE clause: nothing
	// is left to check locally, so LIMIT may shrink the page. The local
	// filter still runs on every row whatever exact says.
	exact bool
	// deferred is an IN (subquery) whose values decide the access once the
	// subquery has run.
	deferred *deferredIn
	// notes say which terms Twilio answers and how, for EXPLAIN.
	notes []string
	// rules are the pushdown rules that took a term, in order (rules.go).
	rules []string
}

// listings are the list requests' filters, one per listing.
func (a access) listings() []url.Values {
	if a.lists != nil {
		return a.lists
	}
	return []url.Values{a.query}
}

// deferredIn pushes the values of "column IN (subquery)" once known.
type deferredIn struct {
	sub    *subquery
	bySid  bool
	filter schema.Filter
	col    schema.Column
}

// splitAnd flattens a conjunction into its terms.
func splitAnd(e sqlparser.Expr) []sqlparser.Expr {
	switch x := e.(type) {
	case nil:
		return nil
	case *sqlparser.AndExpr:
		return append(splitAnd(x.Left), splitAnd(x.Right)...)
	case *sqlparser.ParenExpr:
		return splitAnd(x.Expr)
	}
	return []sqlparser.Expr{e}
}

// splitOr flattens a disjunction into its terms.
func splitOr(e sqlparser.Expr) []sqlparser.Expr {
	switch x := e.(type) {
	case *sqlparser.OrExpr:
		return append(splitOr(x.Left), splitOr(x.Right)...)
	case *sqlparser.ParenExpr:
		return splitOr(x.Expr)
	}
	return []sqlparser.Expr{e}
}

// flipped turns "value op column" into "column op' value".
var flipped = map[string]string{"=": "=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}

// dateBounds collects the day bounds of one day-granular filter.
type dateBounds struct {
	filter   schema.Filter
	from, to *time.Time // inclusive days, UTC midnight
}

func (b *dateBounds) clone() *dateBounds {
	c := &dateBounds{filter: b.filter}
	if b.from != nil {
		f := *b.from
		c.from = &f
	}
	if b.to != nil {
		t := *b.to
		c.to = &t
	}
	return c
}

func (b *dateBounds) lower(d time.Time) {
	if b.from == nil || d.After(*b.from) {
		b.from = &d
	}
}

func (b *dateBounds) upper(d time.Time) {
	if b.to == nil || d.Before(*b.to) {
		b.to = &d
	}
}

// conj is a conjunction of pushed filters: one listing's parameters.
type conj struct {
	eq      map[string]string // parameter → value
	eqExact map[string]bool   // the parameter's filter is exact
	bounds  map[string]*dateBounds
	empty   bool // matches nothing
}

func newConj() *conj {
	return &conj{eq: map[string]string{}, eqExact: map[string]bool{}, bounds: map[string]*dateBounds{}}
}

func (c *conj) clone() *conj {
	out := &conj{eq: maps.Clone(c.eq), eqExact: maps.Clone(c.eqExact), bounds: map[string]*dateBounds{}, empty: c.empty}
	for k, b := range c.bounds {
		out.bounds[k] = b.clone()
	}
	return out
}

func (c *conj) narrows() bool { return len(c.eq) > 0 || len(c.bounds) > 0 }

// addEq adds an equality; it reports whether it was pushed (a different
// value of an inexact filter is left to the local filter).
func (c *conj) addEq(f schema.Filter, value string) bool {
	prev, ok := c.eq[f.Param]
	switch {
	case !ok:
		c.eq[f.Param] = value
		c.eqExact[f.Param] = f.Exact
		return true
	case prev == value:
		return true
	case f.Exact:
		// Two different exact equalities on one column: no row matches.
		c.empty = true
		return true
	}
	return false
}

// merge returns the conjunction of c and d.
func (c *conj) merge(d *conj) *conj {
	out := c.clone()
	out.empty = out.empty || d.empty
	for p, v := range d.eq {
		prev, ok := out.eq[p]
		switch {
		case !ok:
			out.eq[p], out.eqExact[p] = v, d.eqExact[p]
		case prev != v && (out.eqExact[p] || d.eqExact[p]):
			out.empty = true
		}
	}
	for p, b := range d.bounds {
		ob := out.bounds[p]
		if ob == nil {
			out.bounds[p] = b.clone()
			continue
		}
		if b.from != nil {
			ob.lower(*b.from)
		}
		if b.to != nil {
			ob.upper(*b.to)
		}
	}
	return out
}

// values renders the conjunction; ok is false when it matches nothing.
func (c *conj) values() (url.Values, bool) {
	if c.empty {
		return nil, false
	}
	q := url.Values{}
	for p, v := range c.eq {
		q.Set(p, v)
	}
	for _, b := range c.bounds {
		if b.from != nil && b.to != nil && b.from.After(*b.to) {
			return nil, false
		}
		if b.from != nil && b.to != nil && b.from.Equal(*b.to) {
			q.Set(b.filter.Param, formatDay(*b.from))
			continue
		}
		if b.from != nil {
			q.Set(b.filter.Param+">", formatDay(*b.from))
		}
		if b.to != nil {
			q.Set(b.filter.Param+"<", formatDay(*b.to))
		}
	}
	return q, true
}

// pushState is the pushdown of one table's conjunction of terms.
type pushState struct {
	scope    tableScope
	c        *eval.Compiler
	base     *conj
	alts     []*conj // nil: no disjunction; each is ANDed with base
	bySid    bool
	sids     []string
	exact    bool
	other    bool // a term that is not a Sid condition
	deferred *deferredIn
	notes    []string
	fired    []string // the pushdown rules that took a term (rules.go)
}

// planAccess decides the requests for a WHERE clause on one table: every
// term the API can serve is pushed down, and the local filter re-checks the
// whole clause on every row, so no row that fails it is ever returned.
func planAccess(scope tableScope, where sqlparser.Expr, c *eval.Compiler) (access, error) {
	acc, err := pushTerms(scope, splitAnd(where), c, true)
	if err != nil {
		return access{}, err
	}
	return acc, requireListing(scope.table, acc)
}

// requireListing refuses an access that needs a list the table lacks.
func requireListing(t *schema.Table, acc access) error {
	if !acc.bySid && acc.deferred == nil && !acc.none && !t.Supports(schema.List) && !t.Singleton {
		return fmt.Errorf("twilio: %s has no list in the Twilio API: add WHERE Sid = '<%s Sid>' (or Sid IN (…)) to fetch rows one by one", t.Name, t.SidKind())
	}
	if acc.bySid && !t.Supports(schema.Get) {
		return fmt.Errorf("twilio: %s cannot be fetched by Sid", t.Name)
	}
	return nil
}

// pushTerms pushes the conjunction of terms into one access.
func pushTerms(scope tableScope, terms []sqlparser.Expr, c *eval.Compiler, allowDefer bool) (access, error) {
	st := &pushState{scope: scope, c: c, base: newConj(), exact: true}
	for _, term := range terms {
		exact, err := st.push(term, allowDefer)
		if err != nil {
			return access{}, err
		}
		if !exact {
			st.exact = false
		}
	}
	return st.access(), nil
}

func (st *pushState) note(format string, a ...any) {
	st.notes = append(st.notes, fmt.Sprintf(format, a...))
}

// access renders the state.
func (st *pushState) access() access {
	acc := access{query: url.Values{}, exact: st.exact, deferred: st.deferred, notes: st.notes, rules: st.fired}
	if st.bySid {
		// Fetches by Sid take no filters: any other term is the local
		// filter's to check, so the answer is exact only without them.
		acc.bySid, acc.sids = true, st.sids
		acc.exact = st.exact && !st.other
		acc.deferred = nil
		return acc
	}
	q, ok := st.base.values()
	if !ok {
		return access{none: true, exact: true, query: url.Values{}, notes: st.notes, rules: st.fired}
	}
	acc.query = q
	if st.alts != nil {
		acc.lists = []url.Values{}
		seen := map[string]bool{}
		for _, alt := range st.alts {
			v, ok := st.base.merge(alt).values()
			if !ok || seen[v.Encode()] {
				continue
			}
			seen[v.Encode()] = true
			acc.lists = append(acc.lists, v)
		}
		if len(acc.lists) == 0 {
			return access{none: true, exact: true, query: url.Values{}, notes: st.notes, rules: st.fired}
		}
		if len(acc.lists) == 1 {
			acc.query, acc.lists = acc.lists[0], nil
		}
	}
	return acc
}

// sidTerm reads "Sid = v", "Sid IN (…)" and ORs of them.
func (st *pushState) sidTerm(term sqlparser.Expr) ([]string, bool, error) {
	if or, ok := term.(*sqlparser.OrExpr); ok {
		var all []string
		for _, d := range splitOr(or) {
			sids, ok, err := st.sidTerm(d)
			if err != nil || !ok {
				return nil, false, err
			}
			all = append(all, sids...)
		}
		return all, true, nil
	}
	if p, ok := term.(*sqlparser.ParenExpr); ok {
		return st.sidTerm(p.Expr)
	}
	x, ok := term.(*sqlparser.ComparisonExpr)
	if !ok {
		return nil, false, nil
	}
	col, op, val, ok := columnOpValue(x)
	if !ok || (op != "=" && op != sqlparser.InStr) {
		return nil, false, nil
	}
	idx, _, err := st.scope.Resolve(col)
	if err != nil || idx != exec.SidKey(st.scope.table) {
		return nil, false, err
	}
	var items []eval.Typed
	if op == "=" {
		t, err := st.c.Expr(val)
		if err != nil {
			return nil, false, err
		}
		items = []eval.Typed{t}
	} else {
		if _, sub := val.(*sqlparser.Subquery); sub {
			return nil, false, nil
		}
		if items, err = st.c.ListValues(val); err != nil {
			return nil, false, err
		}
	}
	sids := make([]string, 0, len(items))
	for _, it := range items {
		if !it.Constant {
			return nil, false, nil
		}
		v, err := it.Eval(nil)
		if err != nil {
			return nil, false, err
		}
		if v == nil {
			continue // NULL never matches
		}
		sid, err := validSid(st.scope.table, v)
		if err != nil {
			return nil, false, err
		}
		sids = append(sids, sid)
	}
	return sids, true, nil
}

// restrictSids intersects the Sids to fetch with another Sid condition.
func (st *pushState) restrictSids(sids []string) {
	seen := map[string]bool{}
	unique := []string{}
	for _, s := range sids {
		if !seen[s] {
			seen[s] = true
			unique = append(unique, s)
		}
	}
	if !st.bySid {
		st.bySid, st.sids = true, unique
		return
	}
	kept := []string{}
	for _, s := range st.sids {
		if seen[s] {
			kept = append(kept, s)
		}
	}
	st.sids = kept
}

// columnOpValue reads "column op value" in either order.
func columnOpValue(x *sqlparser.ComparisonExpr) (*sqlparser.ColName, string, sqlparser.Expr, bool) {
	if col, ok := x.Left.(*sqlparser.ColName); ok {
		return col, x.Operator, x.Right, true
	}
	if col, ok := x.Right.(*sqlparser.ColName); ok {
		if op, ok := flipped[x.Operator]; ok {
			return col, op, x.Left, true
		}
	}
	return nil, "", nil, false
}

// constValue evaluates a constant expression; ok is false for one that
// depends on a row.
func (st *pushState) constValue(e sqlparser.Expr) (driver.Value, bool, error) {
	vt, err := st.c.Expr(e)
	if err != nil || !vt.Constant {
		return nil, false, err
	}
	v, err := vt.Eval(nil)
	return v, err == nil, err
}

func (st *pushState) pushCompare(into *conj, colName *sqlparser.ColName, op string, valExpr sqlparser.Expr) (bool, error) {
	_, col, err := st.scope.Resolve(colName)
	if err != nil {
		return false, err
	}
	val, ok, err := st.constValue(valExpr)
	if err != nil || !ok {
		return false, err
	}
	f, ok := st.scope.table.Filter(col.Name)
	if !ok || val == nil {
		return false, nil
	}
	if f.DayGranular {
		if err := pushDay(into, f, col, op, val); err != nil {
			return false, err
		}
		st.note("%s %s %s: sent as whole UTC days (%s), re-checked here", col.Name, op, eval.Describe(val), f.Param)
		return false, nil
	}
	if op != "=" || !f.Ops.Has(schema.Eq) {
		return false, nil
	}
	text, ok := wireValue(col.Type, val)
	if !ok || !filterServes(f, text) {
		return false, nil
	}
	if !into.addEq(f, text) {
		return false, nil
	}
	if f.Exact {
		st.note("%s = %s: answered exactly by Twilio (%s)", col.Name, eval.Describe(val), f.Param)
	} else {
		st.note("%s = %s: Twilio returns a superset (%s), re-checked here", col.Name, eval.Describe(val), f.Param)
	}
	return f.Exact, nil
}

// eqFilter is the equality filter on a column, if the API has one.
func (st *pushState) eqFilter(colName *sqlparser.ColName) (schema.Filter, schema.Column, bool, error) {
	_, col, err := st.scope.Resolve(colName)
	if err != nil {
		return schema.Filter{}, col, false, err
	}
	f, ok := st.scope.table.Filter(col.Name)
	if !ok || f.DayGranular || !f.Ops.Has(schema.Eq) {
		return f, col, false, nil
	}
	return f, col, true, nil
}

// pushIn turns "column IN (a, b, …)" on a filtered column into one listing
// per value.
func (st *pushState) pushIn(colName *sqlparser.ColName, list sqlparser.Expr) (bool, error) {
	f, col, ok, err := st.eqFilter(colName)
	if err != nil || !ok {
		return false, err
	}
	items, err := st.c.ListValues(list)
	if err != nil {
		return false, err
	}
	var alts []*conj
	for _, it := range items {
		if !it.Constant {
			return false, nil
		}
		v, err := it.Eval(nil)
		if err != nil {
			return false, err
		}
		if v == nil {
			continue // NULL never matches
		}
		text, ok := wireValue(col.Type, v)
		if !ok || !filterServes(f, text) {
			return false, nil
		}
		alt := newConj()
		alt.addEq(f, text)
		alts = append(alts, alt)
	}
	if !st.addAlts(alts) {
		return false, nil
	}
	if f.Exact {
		st.note("%s IN (…): one listing per value (%s), answered exactly by Twilio", col.Name, f.Param)
	} else {
		st.note("%s IN (…): one listing per value (%s), re-checked here", col.Name, f.Param)
	}
	return f.Exact, nil
}

// addAlts ANDs a disjunction into the state: the cross product with any
// disjunction already there, if it stays small enough.
func (st *pushState) addAlts(alts []*conj) bool {
	if st.alts == nil {
		if len(alts) > maxFanout {
			return false
		}
		st.alts = alts
		return true
	}
	if len(st.alts)*len(alts) > maxFanout {
		return false
	}
	var out []*conj
	for _, a := range st.alts {
		for _, b := range alts {
			out = append(out, a.merge(b))
		}
	}
	st.alts = out
	return true
}

// pushOr pushes an OR whose every disjunct Twilio can narrow: one listing
// per disjunct, merged without duplicates.
func (st *pushState) pushOr(or *sqlparser.OrExpr) (bool, error) {
	var alts []*conj
	exact := true
	for _, d := range splitOr(or) {
		sub := &pushState{scope: st.scope, c: st.c, base: newConj(), exact: true}
		for _, term := range splitAnd(d) {
			e, err := sub.push(term, false)
			if err != nil {
				return false, err
			}
			if !e {
				sub.exact = false
			}
		}
		if sub.bySid {
			return false, nil
		}
		if sub.base.empty {
			continue // this disjunct matches nothing
		}
		if sub.alts == nil {
			if !sub.base.narrows() {
				return false, nil
			}
			alts = append(alts, sub.base)
		} else {
			for _, a := range sub.alts {
				alts = append(alts, sub.base.merge(a))
			}
		}
		exact = exact && sub.exact
	}
	if alts == nil {
		// Every disjunct is impossible.
		st.base.empty = true
		return true, nil
	}
	if !st.addAlts(alts) {
		return false, nil
	}
	st.note("%s: one listing per disjunct", eval.ExprText(or))
	return exact, nil
}

// deferIn records "column IN (subquery)" on Sid or a filtered column, to be
// pushed once the subquery's values are known.
func (st *pushState) deferIn(colName *sqlparser.ColName, sub *sqlparser.Subquery, allowDefer bool) error {
	if !allowDefer || st.deferred != nil || subsOf(st.c) == nil {
		return nil
	}
	idx, col, err := st.scope.Resolve(colName)
	if err != nil {
		return err
	}
	s := subsOf(st.c).lookup(sub)
	if s == nil {
		return nil
	}
	if idx == exec.SidKey(st.scope.table) {
		st.deferred = &deferredIn{sub: s, bySid: true, col: col}
		return nil
	}
	f, _, ok, err := st.eqFilter(colName)
	if err != nil || !ok {
		return err
	}
	st.deferred = &deferredIn{sub: s, filter: f, col: col}
	return nil
}

// resolve turns a deferred IN into requests once its values are known: a
// fetch by Sid or one listing per value, when there are few enough.
func (a access) resolve(t *schema.Table) access {
	d := a.deferred
	if d == nil || a.none || a.bySid {
		return a
	}
	out := a
	out.deferred = nil
	vals := d.sub.distinctValues()
	if len(vals) > maxFanout {
		return out
	}
	if d.bySid {
		sids := []string{}
		for _, v := range vals {
			if s, ok := v.(string); ok && t.ValidSid(s) {
				sids = append(sids, s)
			}
		}
		if !t.Supports(schema.Get) {
			return out
		}
		return access{bySid: true, sids: sids, query: url.Values{}}
	}
	var lists []url.Values
	for _, base := range a.listings() {
		for _, v := range vals {
			text, ok := wireValue(d.col.Type, v)
			if !ok || !filterServes(d.filter, text) {
				return out // a value Twilio cannot filter on: one listing instead
			}
			if prev := base.Get(d.filter.Param); prev != "" {
				if prev == text || !d.filter.Exact {
					lists = append(lists, base)
				}
				continue
			}
			q := exec.CloneValues(base)
			q.Set(d.filter.Param, text)
			lists = append(lists, q)
		}
	}
	if len(lists) > maxFanout {
		return out
	}
	// Deduplicate identical listings.
	seen := map[string]bool{}
	out.lists = []url.Values{}
	for _, q := range lists {
		if !seen[q.Encode()] {
			seen[q.Encode()] = true
			out.lists = append(out.lists, q)
		}
	}
	if len(out.lists) == 0 {
		return access{none: true, exact: true, query: url.Values{}}
	}
	return out
}

// validSid checks a Sid before it goes into a path: a value that is not a
// Sid of this table can never reach another endpoint.
func validSid(t *schema.Table, v driver.Value) (string, error) {
	s, ok := v.(string)
	if !ok || !t.ValidSid(s) {
		return "", fmt.Errorf("twilio: %s is not a %s Sid: a Sid is %s followed by 32 hex digits", eval.Describe(v), t.Name, prefixList(t))
	}
	return s, nil
}

func prefixList(t *schema.Table) string {
	return strings.Join(t.SidPrefixes, " or ")
}

// pushDay widens a time comparison to Twilio's inclusive day bounds. The
// term stays in the local filter, which removes the extra rows.
func pushDay(into *conj, f schema.Filter, col schema.Column, op string, val driver.Value) error {
	tm, ok := eval.AsTime(val)
	if !ok {
		return fmt.Errorf("twilio: %s is a %s but %s is not a time: write '2024-03-05' or '2024-03-05 10:00:00'", col.Name, col.Type, eval.Describe(val))
	}
	day := time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC)
	b := into.bounds[f.Param]
	if b == nil {
		b = &dateBounds{filter: f}
		into.bounds[f.Param] = b
	}
	switch op {
	case "=":
		b.lower(day)
		b.upper(day)
	case ">", ">=":
		b.lower(day)
	case "<":
		if tm.Equal(day) {
			// Before midnight is the day before.
			b.upper(day.AddDate(0, 0, -1))
		} else {
			b.upper(day)
		}
	case "<=":
		b.upper(day)
	}
	return nil
}

func formatDay(t time.Time) string { return t.Format(time.DateOnly) }

// wireValue renders a value for a query parameter of a column's type.
func wireValue(typ schema.Type, v driver.Value) (string, bool) {
	switch typ {
	case schema.Bool:
		if _, isStr := v.(string); isStr {
			return "", false
		}
		b, ok := eval.Truth(v)
		return strconv.FormatBool(b), ok
	case schema.String:
		s, ok := v.(string)
		return s, ok
	case schema.Int:
		if _, isStr := v.(string); isStr {
			return "", false
		}
		n, ok := eval.ToInt(v)
		return strconv.FormatInt(n, 10), ok
	}
	return "", false
}

// sortedKeys lists a url.Values' keys in order.
func sortedKeys(q url.Values) []string {
	return slices.Sorted(maps.Keys(q))
}

// filterServes is f.Serves, except for the outer values EXPLAIN binds as
// placeholders ("{c.Sid}", see explainDerived and explainRun): each stands
// for a value checked against the filter's enum and pattern when the
// statement runs, so it is shown pushed wherever a real value would be.
func filterServes(f schema.Filter, text string) bool {
	if len(text) > 2 && text[0] == '{' && text[len(text)-1] == '}' {
		return len(f.Only) == 0
	}
	return f.Serves(text)
}
