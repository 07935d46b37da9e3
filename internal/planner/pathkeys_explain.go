package planner

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// explainKeyed shows the listings of a keyed table: the path with the keys
// the query gives, and for a missing parent key the parent's listing and
// one listing of children per parent row.
func explainKeyed(x *explainer, prefix string, t *schema.Table, lists []url.Values, pageSize int, notes string) {
	for _, q := range lists {
		keys, query := exec.SplitKeys(q)
		query.Set("PageSize", strconv.Itoa(pageSize))
		path := t.ListPath
		if t.Singleton {
			path, query = t.ItemPath, nil
		}
		filled := path
		for _, k := range t.Keys {
			if v, ok := keys[k.Param]; ok && k.Param != "AccountSid" {
				filled = strings.ReplaceAll(filled, "{"+k.Param+"}", v)
			}
		}
		if a, ok := keys["AccountSid"]; ok && !strings.HasPrefix(filled, "/") {
			filled = rest.APIVersion + "/Accounts/" + a + "/" + filled
		}
		miss := exec.MissingParent(t, keys)
		if miss == nil {
			detail := "path keys from the query"
			if t.Singleton {
				detail = "one fetch: the resource has no list"
			}
			x.add(prefix+"list "+t.Name, "GET", filled, query, estimate{1, -1}, joinNotes(detail, notes))
			continue
		}
		parent, ok := schema.Lookup(miss.Parent)
		if !ok {
			continue
		}
		pq := url.Values{}
		for _, k := range parent.Keys {
			if v, ok := keys[k.Param]; ok {
				pq.Set(schema.KeyParam(k.Param), v)
			}
		}
		if exec.NeedsPathKeys(parent, []url.Values{pq}) {
			explainKeyed(x, prefix, parent, []url.Values{pq}, pageSize, "")
		} else {
			pq.Set("PageSize", strconv.Itoa(pageSize))
			x.add(prefix+"list "+parent.Name, "GET", parent.ListPath, pq, estimate{1, -1}, fmt.Sprintf("the parents of %s: no %s in the query", t.Name, miss.Column))
		}
		step := len(x.rows)
		x.add(prefix+"list "+t.Name, "GET", filled, query, estimate{0, -1},
			joinNotes(fmt.Sprintf("one listing per row of step %d (%s = its %s), one after another, streaming within the rate limit", step, miss.Column, miss.ParentColumn), notes))
	}
}

// joinNotes appends notes to a detail, either of which may be empty.
func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
