package planner

import (
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// access is how a table's rows are fetched: by Sid, or by one filtered
// listing.
type access struct {
	sids  []string   // fetch these by Sid; nil: list
	bySid bool       // a Sid condition decided the access
	query url.Values // list filters
	// exact is true when Twilio's answer is exactly the WHERE clause: nothing
	// is left to check locally, so LIMIT may shrink the page.
	exact bool
}

// splitAnd flattens a conjunction into its terms.
func splitAnd(e sqlparser.Expr) []sqlparser.Expr {
	switch x := e.(type) {
	case nil:
		return nil
	case *sqlparser.AndExpr:
		return append(splitAnd(x.Left), splitAnd(x.Right)...)
	case *sqlparser.ParenExpr:
		if _, ok := x.Expr.(*sqlparser.AndExpr); ok {
			return splitAnd(x.Expr)
		}
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

// planAccess decides the requests for a WHERE clause: every term the API can
// serve is pushed down; every term stays in the local filter unless Twilio
// evaluates it exactly, so no row that fails the WHERE is ever returned.
func planAccess(scope tableScope, where sqlparser.Expr, c *compiler) (access, error) {
	t := scope.table
	acc := access{query: url.Values{}, exact: true}
	bounds := map[string]*dateBounds{}
	otherTerms := false
	for _, term := range splitAnd(where) {
		pushed, err := pushTerm(scope, term, c, &acc, bounds)
		if err != nil {
			return access{}, err
		}
		if !pushed {
			acc.exact = false
		}
		if !isSidTerm(scope, term) {
			otherTerms = true
		}
	}
	if acc.bySid {
		// Fetches by Sid take no filters: any other term is the local
		// filter's to check, so the answer is exact only without them.
		acc.query = url.Values{}
		bounds = nil
		acc.exact = acc.exact && !otherTerms
	}
	for _, b := range bounds {
		if b.from != nil && b.to != nil && b.from.Equal(*b.to) {
			acc.query.Set(b.filter.Param, formatDay(*b.from))
			continue
		}
		if b.from != nil {
			acc.query.Set(b.filter.Param+">", formatDay(*b.from))
		}
		if b.to != nil {
			acc.query.Set(b.filter.Param+"<", formatDay(*b.to))
		}
	}
	if acc.sids == nil && !acc.bySid && !t.Supports(schema.List) {
		return access{}, fmt.Errorf("twilio: %s has no list in the Twilio API: add WHERE Sid = '<%s Sid>' (or Sid IN (…)) to fetch rows one by one", t.Name, sidKind(t))
	}
	if acc.bySid && !t.Supports(schema.Get) {
		return access{}, fmt.Errorf("twilio: %s cannot be fetched by Sid", t.Name)
	}
	return acc, nil
}

func sidKind(t *schema.Table) string {
	if t.Name == "Feedback" {
		return "call"
	}
	return t.SidPrefixes[0] + "…"
}

// pushTerm pushes one conjunct if it can; it reports whether Twilio's answer
// decides the term exactly.
func pushTerm(scope tableScope, term sqlparser.Expr, c *compiler, acc *access, bounds map[string]*dateBounds) (bool, error) {
	switch x := term.(type) {
	case *sqlparser.ComparisonExpr:
		col, op, val, ok := columnOpValue(x)
		if !ok {
			return false, nil
		}
		if op == sqlparser.InStr {
			return pushIn(scope, col, val, c, acc)
		}
		if _, known := flipped[op]; !known {
			return false, nil
		}
		return pushCompare(scope, col, op, val, c, acc, bounds)
	case *sqlparser.RangeCond:
		colName, ok := x.Left.(*sqlparser.ColName)
		if !ok || x.Operator != sqlparser.BetweenStr {
			return false, nil
		}
		lo, err := pushCompare(scope, colName, ">=", x.From, c, acc, bounds)
		if err != nil {
			return false, err
		}
		hi, err := pushCompare(scope, colName, "<=", x.To, c, acc, bounds)
		return lo && hi, err
	}
	return false, nil
}

// isSidTerm reports whether a term is "Sid = …" or "Sid IN (…)".
func isSidTerm(scope tableScope, term sqlparser.Expr) bool {
	x, ok := term.(*sqlparser.ComparisonExpr)
	if !ok {
		return false
	}
	col, op, _, ok := columnOpValue(x)
	if !ok || (op != "=" && op != sqlparser.InStr) {
		return false
	}
	idx, _, err := scope.resolve(col)
	return err == nil && idx == sidColumn(scope.table)
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

func pushCompare(scope tableScope, colName *sqlparser.ColName, op string, valExpr sqlparser.Expr, c *compiler, acc *access, bounds map[string]*dateBounds) (bool, error) {
	idx, col, err := scope.resolve(colName)
	if err != nil {
		return false, err
	}
	vt, err := c.expr(valExpr)
	if err != nil || !vt.constant {
		return false, err
	}
	val, err := vt.eval(nil)
	if err != nil {
		return false, err
	}
	t := scope.table
	if idx == sidColumn(t) && op == "=" {
		sid, err := validSid(t, val)
		if err != nil {
			return false, err
		}
		acc.restrictSids([]string{sid})
		return true, nil
	}
	f, ok := t.Filter(col.Name)
	if !ok || val == nil {
		return false, nil
	}
	if f.DayGranular {
		return false, pushDay(f, col, op, val, bounds)
	}
	if op != "=" || !f.Ops.Has(schema.Eq) {
		return false, nil
	}
	text, ok := wireValue(col.Type, val)
	if !ok {
		return false, nil
	}
	if prev := acc.query.Get(f.Param); prev != "" && prev != text {
		// Two different equalities on one column: nothing matches, and the
		// local filter says so without a second listing.
		return false, nil
	}
	acc.query.Set(f.Param, text)
	return true, nil
}

// pushIn turns "Sid IN (…)" into fetches by Sid.
func pushIn(scope tableScope, colName *sqlparser.ColName, list sqlparser.Expr, c *compiler, acc *access) (bool, error) {
	idx, _, err := scope.resolve(colName)
	if err != nil || idx != sidColumn(scope.table) {
		return false, err
	}
	items, err := c.listValues(list)
	if err != nil {
		return false, err
	}
	sids := make([]string, 0, len(items))
	for _, it := range items {
		if !it.constant {
			return false, nil
		}
		v, err := it.eval(nil)
		if err != nil {
			return false, err
		}
		if v == nil {
			continue // NULL never matches
		}
		sid, err := validSid(scope.table, v)
		if err != nil {
			return false, err
		}
		sids = append(sids, sid)
	}
	acc.restrictSids(sids)
	return true, nil
}

// restrictSids intersects the Sids to fetch with another Sid condition.
func (a *access) restrictSids(sids []string) {
	seen := map[string]bool{}
	var unique []string
	for _, s := range sids {
		if !seen[s] {
			seen[s] = true
			unique = append(unique, s)
		}
	}
	if !a.bySid {
		a.bySid, a.sids = true, unique
		if a.sids == nil {
			a.sids = []string{}
		}
		return
	}
	kept := []string{}
	for _, s := range a.sids {
		if seen[s] {
			kept = append(kept, s)
		}
	}
	a.sids = kept
}

func sidColumn(t *schema.Table) int {
	i, _ := t.Column("Sid")
	return i
}

// validSid checks a Sid before it goes into a path: a value that is not a
// Sid of this table can never reach another endpoint.
func validSid(t *schema.Table, v driver.Value) (string, error) {
	s, ok := v.(string)
	if !ok || !t.ValidSid(s) {
		return "", fmt.Errorf("twilio: %s is not a %s Sid: a Sid is %s followed by 32 hex digits", describe(v), t.Name, prefixList(t))
	}
	return s, nil
}

func prefixList(t *schema.Table) string {
	out := ""
	for i, p := range t.SidPrefixes {
		if i > 0 {
			out += " or "
		}
		out += p
	}
	return out
}

// pushDay widens a time comparison to Twilio's inclusive day bounds. The
// term stays in the local filter, which removes the extra rows.
func pushDay(f schema.Filter, col schema.Column, op string, val driver.Value, bounds map[string]*dateBounds) error {
	tm, ok := asTime(val)
	if !ok {
		return fmt.Errorf("twilio: %s is a %s but %s is not a time: write '2024-03-05' or '2024-03-05 10:00:00'", col.Name, col.Type, describe(val))
	}
	day := time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC)
	b := bounds[f.Param]
	if b == nil {
		b = &dateBounds{filter: f}
		bounds[f.Param] = b
	}
	lower := func(d time.Time) {
		if b.from == nil || d.After(*b.from) {
			b.from = &d
		}
	}
	upper := func(d time.Time) {
		if b.to == nil || d.Before(*b.to) {
			b.to = &d
		}
	}
	switch op {
	case "=":
		lower(day)
		upper(day)
	case ">", ">=":
		lower(day)
	case "<":
		if tm.Equal(day) {
			// Before midnight is the day before.
			upper(day.AddDate(0, 0, -1))
		} else {
			upper(day)
		}
	case "<=":
		upper(day)
	}
	return nil
}

func formatDay(t time.Time) string { return t.Format(time.DateOnly) }

// wireValue renders a value for a query parameter of a column's type.
func wireValue(typ schema.Type, v driver.Value) (string, bool) {
	switch typ {
	case schema.Bool:
		b, ok := truth(v)
		return strconv.FormatBool(b), ok
	case schema.String:
		s, ok := v.(string)
		return s, ok
	case schema.Int:
		n, ok := toInt(v)
		return strconv.FormatInt(n, 10), ok
	}
	return "", false
}
