package planner

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/schema"
)

// describe adds the EXPLAIN steps of a plan tree, the very tree exec.Build
// runs: the steps of a node's children first (a query's requests in the
// order they are made), then its own; prefix marks the steps of a nested
// query ("s: " for a derived table s).
func (x *explainer) describe(n plan.Node, prefix string) {
	switch n := n.(type) {
	case *plan.Subqueries:
		for _, q := range n.Queries {
			x.describe(q.Tree, prefix+"subquery: ")
			x.subSteps[q] = len(x.rows)
		}
		x.describe(n.Child, prefix)
	case *plan.Limit:
		if n.Limit == 0 {
			x.add(prefix+"limit", "", "", nil, exactly(0), "LIMIT 0: nothing to read, no request")
			return
		}
		x.describe(n.Child, prefix)
		detail := limitText(n.Limit, n.Offset)
		switch {
		case n.Plain:
		case n.PageSize > 0:
			detail += fmt.Sprintf(": Twilio answers the WHERE exactly, so PageSize=%d and no further page", n.PageSize)
		case n.Streaming:
			detail += ": reading stops once the rows are found, and keys are looked up row by row"
		case n.AfterAll:
			detail += ": applied after every row is read"
		default:
			detail += ": reading stops once the rows are found"
		}
		x.add(prefix+"limit", "", "", nil, exactly(0), detail)
	case *plan.Sort:
		x.describe(n.Child, prefix)
		if n.Distinct {
			x.add(prefix+"distinct", "", "", nil, exactly(0), "duplicate result rows are removed")
		}
		explainSort(x, prefix, n.Keys)
	case *plan.Project:
		x.describe(n.Child, prefix) // no request, no step of its own
	case *plan.Filter:
		x.describe(n.Child, prefix)
		switch {
		case n.Having && n.Cond != nil:
			x.add(prefix+"having", "", "", nil, exactly(0), "HAVING is checked on every group")
		case !n.Having && n.Text != "":
			x.add(prefix+"filter", "", "", nil, exactly(0), n.Text)
		}
	case *plan.Aggregate:
		x.describe(n.Child, prefix)
		var keys, aggs []string
		for _, k := range n.Keys {
			keys = append(keys, k.Text)
		}
		for _, a := range n.Aggs {
			aggs = append(aggs, a.Text)
		}
		detail := "one group"
		if len(keys) > 0 {
			detail = "GROUP BY " + strings.Join(keys, ", ")
		}
		if len(aggs) > 0 {
			detail += "; computing " + strings.Join(aggs, ", ")
		}
		x.add(prefix+"group", "", "", nil, exactly(0), detail)
	case *plan.Correlated:
		x.describe(n.Child, prefix)
		if p, ok := n.Planned.(*selectPlan); ok {
			p.explainCorrelated(x, prefix)
		}
	case *plan.Join:
		x.describe(n.Left, prefix)
		x.describeJoin(n, prefix)
	case *plan.Union:
		x.describeUnion(n, prefix)
		x.fire("UNION", n.Rules)
	case *plan.Derived:
		x.describeDerived(n, prefix, "read")
	case *plan.Write:
		x.describeWrite(n)
	default:
		x.describeLeaf(n, prefix)
	}
}

// describeLeaf adds the requests of a table read.
func (x *explainer) describeLeaf(n plan.Node, prefix string) {
	x.fireLeaf(n)
	switch n := n.(type) {
	case *plan.Values:
		x.add(prefix+"read "+n.Table.Name, "", "", nil, exactly(0), "built in memory from the catalog: no request")
	case *plan.Empty:
		x.add(prefix+"read "+n.Table.Name, "", "", nil, exactly(0), joinNotes("the WHERE clause can match no row: no request", strings.Join(n.Notes, "; ")))
	case *plan.Get:
		t := n.Table
		if len(n.Sids) == 0 {
			x.add(prefix+"fetch "+t.Name, "", "", nil, exactly(0), "no Sid to fetch: no request")
		}
		for _, sid := range n.Sids {
			x.add(prefix+"fetch "+t.Name, "GET", schema.Path(t.ItemPath, sid), nil, exactly(1), "by Sid; a missing one is no row")
		}
	case *plan.Deferred:
		x.describeDeferred(n, prefix)
	case *plan.RangeScan:
		if rs, ok := n.Slices.(*exec.RangeScan); ok {
			explainRangeScan(x, rs, prefix, strings.Join(n.Listing.Notes, "; "))
		}
	case *plan.Scan:
		x.describeListings(prefix, n.Table, []url.Values{n.Query}, n.PageSize, n.OnePage, n.Notes)
	case *plan.MergedListing:
		x.describeListings(prefix, n.Table, n.Queries, n.PageSize, n.OnePage, n.Notes)
	}
}

// fireLeaf records the rules that decided a table's read.
func (x *explainer) fireLeaf(n plan.Node) {
	switch n := n.(type) {
	case *plan.Scan:
		x.fire(n.Table.Name, n.Rules)
	case *plan.RangeScan:
		x.fire(n.Listing.Table.Name, n.Listing.Rules)
	case *plan.MergedListing:
		x.fire(n.Table.Name, n.Rules)
	case *plan.Get:
		x.fire(n.Table.Name, n.Rules)
	case *plan.Empty:
		x.fire(n.Table.Name, n.Rules)
	case *plan.Deferred:
		x.fire(n.Table.Name, n.Rules)
	}
}

// describeListings adds a listing, or listings merged.
func (x *explainer) describeListings(prefix string, t *schema.Table, lists []url.Values, pageSize int, onePage bool, noteList []string) {
	notes := strings.Join(noteList, "; ")
	if exec.NeedsPathKeys(t, lists) {
		explainKeyed(x, prefix, t, lists, pageSize, notes)
		return
	}
	first := len(x.rows) + 1
	for i, q := range lists {
		q = exec.CloneValues(q)
		q.Set("PageSize", strconv.Itoa(pageSize))
		est := estimate{1, -1}
		detail := fmt.Sprintf("one request per page of %d rows", pageSize)
		if onePage {
			est = exactly(1)
			detail = "one page holds every row asked for"
		}
		if i > 0 && onePage {
			est.min = 0
			detail = fmt.Sprintf("only if the listings before found too few rows (PageSize=%d)", pageSize)
		}
		if len(lists) > 1 {
			detail += fmt.Sprintf("; steps %d to %d are merged, duplicates removed by Sid", first, first+len(lists)-1)
		}
		x.add(prefix+"list "+t.Name, "GET", t.ListPath, q, est, joinNotes(detail, notes))
	}
}

// describeDeferred adds the requests of an IN (SELECT …) pushed once the
// subquery has run.
func (x *explainer) describeDeferred(n *plan.Deferred, prefix string) {
	t := n.Table
	notes := strings.Join(n.Notes, "; ")
	step := x.subSteps[n.Sub]
	fallback := exec.CloneValues(n.Queries[0])
	fallback.Set("PageSize", strconv.Itoa(n.PageSize))
	if n.BySid {
		x.add(prefix+"fetch "+t.Name, "GET", schema.Path(t.ItemPath, "{"+n.Column+"}"), nil, estimate{0, n.MaxKeys},
			fmt.Sprintf("one fetch per value of step %d, when at most %d; otherwise one listing: GET %s?%s", step, n.MaxKeys, t.ListPath, fallback.Encode()))
		return
	}
	for _, q := range n.Queries {
		q = exec.CloneValues(q)
		q.Set("PageSize", strconv.Itoa(n.PageSize))
		q.Set(n.Param, "{"+n.Column+"}")
		x.add(prefix+"list "+t.Name, "GET", t.ListPath, q, estimate{0, -1},
			joinNotes(fmt.Sprintf("one listing per value of step %d (%s), merged without duplicates, when at most %d; otherwise one listing: GET %s?%s", step, n.Param, n.MaxKeys, t.ListPath, fallback.Encode()), notes))
	}
}

// describeDerived adds a derived table's query's steps, marked with its
// alias, then what the outer query pushed into it.
func (x *explainer) describeDerived(n *plan.Derived, prefix, op string) {
	x.describe(n.Child, prefix+n.Alias+": ")
	x.fire(n.Alias, n.Rules)
	detail := fmt.Sprintf("the rows of the query above, as table %s", n.Alias)
	if len(n.Pushed) > 0 {
		detail += "; pushed into it: WHERE " + strings.Join(n.Pushed, " AND ")
	}
	if n.PushedLimit >= 0 {
		detail += fmt.Sprintf("; pushed into it: LIMIT %d", n.PushedLimit)
	}
	x.add(prefix+op+" "+n.Alias, "", "", nil, exactly(0), detail)
}

// describeJoin adds the requests of a joined table: read once, or per
// distinct key.
func (x *explainer) describeJoin(j *plan.Join, prefix string) {
	kind := j.Kind.String()
	on := ""
	if j.OnText != "" {
		on = "; ON " + j.OnText + " is checked on each pair"
	}
	if j.Kind == plan.LeftOuter {
		on += "; a row without a match is kept with NULLs"
	}
	k := j.Key
	x.fireLeaf(j.Right)
	switch r := j.Right.(type) {
	case *plan.Derived:
		x.describeDerivedJoin(j, r, prefix, kind)
		return
	case *plan.Values:
		x.add(prefix+kind+" "+r.Table.Name, "", "", nil, exactly(0), "built in memory from the catalog: no request"+on)
		return
	case *plan.Empty:
		x.add(prefix+kind+" "+r.Table.Name, "", "", nil, exactly(0), "its conditions match no row: no request"+on)
		return
	case *plan.Get:
		for _, sid := range r.Sids {
			x.add(prefix+kind+" "+r.Table.Name, "GET", schema.Path(r.Table.ItemPath, sid), nil, exactly(1), "by Sid, once"+on)
		}
		return
	}
	t, lists, pageSize, ok := listingsOf(j.Right)
	if !ok {
		return
	}
	if k == nil {
		for _, q := range lists {
			q = exec.CloneValues(q)
			q.Set("PageSize", strconv.Itoa(pageSize))
			x.add(prefix+kind+" "+t.Name, "GET", t.ListPath, q, estimate{1, -1}, "read once and matched here"+on)
		}
		return
	}
	placeholder := "{" + k.Text + "}"
	if k.BySid {
		x.add(prefix+kind+" "+t.Name, "GET", schema.Path(t.ItemPath, placeholder), nil, estimate{0, j.MaxOuter},
			fmt.Sprintf("one fetch per distinct %s (%s.%s = %s), each key once; a missing one is no match", k.Text, j.Label, k.Name, k.Text)+on)
		return
	}
	fallback := ""
	if t.Supports(schema.List) {
		scan := exec.CloneValues(lists[0])
		scan.Set("PageSize", strconv.Itoa(pageSize))
		fallback = fmt.Sprintf("; with more than %d distinct keys, one listing instead: GET %s?%s", j.MaxKeys, t.ListPath, scan.Encode())
	}
	for _, q := range lists {
		q = exec.CloneValues(q)
		q.Set("PageSize", strconv.Itoa(pageSize))
		q.Set(k.Param, placeholder)
		x.add(prefix+kind+" "+t.Name, "GET", t.ListPath, q, estimate{0, -1},
			fmt.Sprintf("one listing per distinct %s (%s.%s = %s), each key once%s", k.Text, j.Label, k.Name, k.Text, fallback)+on)
	}
}

// listingsOf are the listings of a leaf that lists; ok is false for
// another read.
func listingsOf(n plan.Node) (*schema.Table, []url.Values, int, bool) {
	switch n := n.(type) {
	case *plan.Scan:
		return n.Table, []url.Values{n.Query}, n.PageSize, true
	case *plan.MergedListing:
		return n.Table, n.Queries, n.PageSize, true
	case *plan.RangeScan:
		return n.Listing.Table, []url.Values{n.Listing.Query}, n.Listing.PageSize, true
	}
	return nil, nil, 0, false
}

// describeDerivedJoin adds a derived table joined: read once, or run once
// per distinct key with the key pushed in (one run shown, the key as
// {outer expression}).
func (x *explainer) describeDerivedJoin(j *plan.Join, d *plan.Derived, prefix, kind string) {
	k := j.Key
	if k == nil || !k.Derived {
		x.describeDerived(d, prefix, kind)
		return
	}
	placeholder := "{" + k.Text + "}"
	if run, err := j.Lookup(placeholder); err == nil && run != nil {
		start := len(x.rows)
		if rd, ok := run.(*plan.Derived); ok {
			run = rd.Child
		}
		x.describe(run, prefix+d.Alias+": ")
		for _, r := range x.rows[start:] {
			for i, v := range r {
				if s, ok := v.(string); ok {
					r[i] = strings.ReplaceAll(s, ":"+k.Arg, placeholder)
				}
			}
		}
	}
	detail := fmt.Sprintf("the rows of the query above for each distinct %s (%s.%s = %s pushed into it), each key once; with more than %d distinct keys, the query runs once in whole instead", k.Text, d.Alias, k.Name, k.Text, j.MaxKeys)
	if len(d.Pushed) > 0 {
		detail += "; pushed into it: WHERE " + strings.Join(d.Pushed, " AND ")
	}
	x.add(prefix+kind+" "+d.Alias, "", "", nil, estimate{0, -1}, detail)
}

// describeUnion adds each branch's steps, then the union's.
func (x *explainer) describeUnion(u *plan.Union, prefix string) {
	var kinds []string
	for i, b := range u.Branches {
		x.describe(b, fmt.Sprintf("%sunion %d: ", prefix, i+1))
		if i > 0 {
			k := "UNION ALL"
			if u.Distinct[i] {
				k = "UNION DISTINCT"
			}
			kinds = append(kinds, k)
		}
	}
	detail := fmt.Sprintf("the rows of %d SELECTs one after another (%s), each read only once the ones before are used up", len(u.Branches), strings.Join(kinds, ", "))
	if d := u.LastDistinct(); d > 0 {
		detail += fmt.Sprintf("; duplicate rows of SELECTs 1 to %d removed", d+1)
	}
	if u.LimitPushed >= 0 {
		detail += fmt.Sprintf("; each SELECT given LIMIT %d", u.LimitPushed)
	}
	x.add(prefix+"union", "", "", nil, exactly(0), detail)
}
