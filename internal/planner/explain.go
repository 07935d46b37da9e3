package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// EXPLAIN answers, without sending any request, one row per step of a
// plan: each Twilio request (method, path relative to the account,
// parameters), each step done here, and a last row with the number of
// requests to expect.

// ExplainColumns are the columns of EXPLAIN's result.
var ExplainColumns = []exec.ResultColumn{
	{Name: "step", Type: schema.Int},
	{Name: "operation", Type: schema.String},
	{Name: "method", Type: schema.String, Nullable: true},
	{Name: "path", Type: schema.String, Nullable: true},
	{Name: "params", Type: schema.String, Nullable: true},
	{Name: "requests", Type: schema.String},
	{Name: "detail", Type: schema.String},
}

// estimate is a number of requests: from min to max; max -1: no bound (one
// per page, or per row).
type estimate struct{ min, max int }

func exactly(n int) estimate { return estimate{n, n} }

func (e estimate) plus(o estimate) estimate {
	out := estimate{e.min + o.min, e.max + o.max}
	if e.max < 0 || o.max < 0 {
		out.max = -1
	}
	return out
}

func (e estimate) String() string {
	switch {
	case e.max < 0:
		return strconv.Itoa(e.min) + "+"
	case e.min == e.max:
		return strconv.Itoa(e.min)
	}
	return fmt.Sprintf("%d..%d", e.min, e.max)
}

type explainer struct {
	rows  [][]driver.Value
	total estimate
	// cache is the Connector's cache of GET answers (nil: none); noCache
	// is set while a write's own reads are explained, which never use it.
	cache   *rest.Client
	noCache bool
	// cachedStep is the last step the cache answers now (0: none): the
	// slices of a range scan whose first page is cached were read with it.
	cachedStep int
	// subSteps is the step of each subquery's last request, for the steps
	// that use its values.
	subSteps map[*subquery]int
}

func (x *explainer) add(op, method, path string, params url.Values, est estimate, detail string) int {
	if method == "GET" && x.cache != nil && x.cache.Cache() != nil {
		detail = joinDetail(detail, x.cacheNote(path, params, &est))
	}
	var m, pth, prm driver.Value
	if method != "" {
		m, pth = method, path
		prm = paramsText(params)
	}
	step := len(x.rows) + 1
	x.rows = append(x.rows, []driver.Value{int64(step), op, m, pth, prm, est.String(), detail})
	x.total = x.total.plus(est)
	return step
}

// cacheNote says whether the cache answers a GET: now (it costs no request
// while fresh) or, once fetched, for cache_ttl.
func (x *explainer) cacheNote(path string, params url.Values, est *estimate) string {
	ttl := x.cache.Cache().TTL()
	switch {
	case x.noCache:
		return "never from the cache: a write reads what it changes from Twilio"
	case strings.Contains(path, "{") || strings.Contains(paramsText(params), "{"):
		if x.cachedStep == len(x.rows) && x.cachedStep > 0 {
			*est = estimate{0, 0}
			return fmt.Sprintf("answered from the cache with step %d's page while they stay cached (they were read with it): no request", x.cachedStep)
		}
		return fmt.Sprintf("answers cached for %s (cache_ttl) once fetched", ttl)
	}
	if left, ok := x.cache.CachedFor(path, params); ok {
		x.cachedStep = len(x.rows) + 1
		*est = estimate{0, est.max}
		if est.max > 0 {
			est.max = 0 // every page of a cached first page was read with it
		}
		return fmt.Sprintf("answered from the cache (fresh for %s more): no request, nor for the pages after it while they stay cached", left.Round(time.Second))
	}
	return fmt.Sprintf("not cached now; its answer is cached for %s (cache_ttl)", ttl)
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// paramsText shows a request's parameters unescaped, in order:
// "PageSize=1000&StartTime>=2026-06-01" (the parameter "StartTime>" set to
// the day, as Twilio's documentation writes it).
func paramsText(q url.Values) string {
	var parts []string
	for _, k := range sortedKeys(q) {
		for _, v := range q[k] {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, "&")
}

// explainRows plans the statement and describes the plan.
func (s *Statement) explainRows(ctx context.Context, env *exec.Env, a eval.Args) (*exec.Rows, error) {
	x := &explainer{cache: env.Client, subSteps: map[*subquery]int{}}
	steps, err := s.plan(env, a)
	if errors.Is(err, errNoPlan) {
		return nil, fmt.Errorf("twilio: cannot explain %s", firstWord(s.sql))
	}
	if err != nil {
		return nil, err
	}
	describeSteps(x, "", steps)
	x.rows = append(x.rows, []driver.Value{int64(len(x.rows) + 1), "total", nil, nil, nil, x.total.String(), "requests to expect in all (n+: one more per further page or row)"})
	project := make([]eval.EvalFunc, len(ExplainColumns))
	for i := range project {
		project[i] = exec.ColumnAt(i)
	}
	return &exec.Rows{Ctx: ctx, Cols: ExplainColumns, Src: &exec.SliceSource{Rows: x.rows}, Project: project, Limit: -1}, nil
}

// explainSort adds the sort step of an ORDER BY, if there is one.
func explainSort(x *explainer, prefix string, order []orderKey) {
	if len(order) == 0 {
		return
	}
	keys := make([]string, len(order))
	for i, k := range order {
		keys[i] = k.text
		if k.desc {
			keys[i] += " DESC"
		}
	}
	x.add(prefix+"sort", "", "", nil, exactly(0), "ORDER BY "+strings.Join(keys, ", ")+" (NULLs first ascending); every row is read first")
}

// limitText is how EXPLAIN shows a LIMIT and OFFSET (limit < 0: none).
func limitText(limit, offset int64) string {
	text := fmt.Sprintf("LIMIT %d", limit)
	if limit < 0 {
		text = "no LIMIT"
	}
	if offset > 0 {
		text += fmt.Sprintf(" OFFSET %d", offset)
	}
	return text
}

// env is the plan's environment as planned (for the page size).
func (p *selectPlan) env() *exec.Env { return p.subs.env }

func (p *selectPlan) explainAccess(x *explainer, prefix string, it *fromItem, acc access, pageSize int, limitPushed bool, subSteps map[*subquery]int) {
	t := it.table
	notes := strings.Join(acc.notes, "; ")
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		if b == "" {
			return a
		}
		return a + "; " + b
	}
	switch {
	case it.derived != nil:
		it.derived.explain(x, prefix, "read")
		return
	case it.virtual != nil:
		x.add(prefix+"read "+t.Name, "", "", nil, exactly(0), "built in memory from the catalog: no request")
		return
	case acc.none:
		x.add(prefix+"read "+t.Name, "", "", nil, exactly(0), join("the WHERE clause can match no row: no request", notes))
		return
	case acc.bySid:
		if len(acc.sids) == 0 {
			x.add(prefix+"fetch "+t.Name, "", "", nil, exactly(0), "no Sid to fetch: no request")
		}
		for _, sid := range acc.sids {
			x.add(prefix+"fetch "+t.Name, "GET", schema.Path(t.ItemPath, sid), nil, exactly(1), "by Sid; a missing one is no row")
		}
		return
	}
	if d := acc.deferred; d != nil {
		step := subSteps[d.sub]
		fallback := exec.CloneValues(acc.listings()[0])
		fallback.Set("PageSize", strconv.Itoa(pageSize))
		if d.bySid {
			x.add(prefix+"fetch "+t.Name, "GET", schema.Path(t.ItemPath, "{"+d.col.Name+"}"), nil, estimate{0, maxFanout},
				fmt.Sprintf("one fetch per value of step %d, when at most %d; otherwise one listing: GET %s?%s", step, maxFanout, t.ListPath, fallback.Encode()))
			return
		}
		for _, q := range acc.listings() {
			q = exec.CloneValues(q)
			q.Set("PageSize", strconv.Itoa(pageSize))
			q.Set(d.filter.Param, "{"+d.col.Name+"}")
			x.add(prefix+"list "+t.Name, "GET", t.ListPath, q, estimate{0, -1},
				join(fmt.Sprintf("one listing per value of step %d (%s), merged without duplicates, when at most %d; otherwise one listing: GET %s?%s", step, d.filter.Param, maxFanout, t.ListPath, fallback.Encode()), notes))
		}
		return
	}
	if p.rangeScan != nil && it == p.items[p.drive] {
		explainRangeScan(x, p.rangeScan, prefix, notes)
		return
	}
	lists := acc.listings()
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
		if limitPushed {
			est = exactly(1)
			detail = "one page holds every row asked for"
		}
		if i > 0 && limitPushed {
			est.min = 0
			detail = fmt.Sprintf("only if the listings before found too few rows (PageSize=%d)", pageSize)
		}
		if len(lists) > 1 {
			detail += fmt.Sprintf("; steps %d to %d are merged, duplicates removed by Sid", first, first+len(lists)-1)
		}
		x.add(prefix+"list "+t.Name, "GET", t.ListPath, q, est, join(detail, notes))
	}
}

func (st *joinStep) explain(x *explainer, prefix string, pageSize, outer int) {
	it := st.item
	t := it.table
	kind := "JOIN"
	if it.left {
		kind = "LEFT JOIN"
	}
	on := ""
	if st.onText != "" {
		on = "; ON " + st.onText + " is checked on each pair"
	}
	if it.left {
		on += "; a row without a match is kept with NULLs"
	}
	if it.derived != nil {
		st.explainDerived(x, prefix, kind)
		return
	}
	if it.virtual != nil {
		x.add(prefix+kind+" "+t.Name, "", "", nil, exactly(0), "built in memory from the catalog: no request"+on)
		return
	}
	scan := exec.CloneValues(st.access.listings()[0])
	scan.Set("PageSize", strconv.Itoa(pageSize))
	if st.key == nil || st.access.bySid || st.access.none {
		switch {
		case st.access.none:
			x.add(prefix+kind+" "+t.Name, "", "", nil, exactly(0), "its conditions match no row: no request"+on)
		case st.access.bySid:
			for _, sid := range st.access.sids {
				x.add(prefix+kind+" "+t.Name, "GET", schema.Path(t.ItemPath, sid), nil, exactly(1), "by Sid, once"+on)
			}
		default:
			for _, q := range st.access.listings() {
				q = exec.CloneValues(q)
				q.Set("PageSize", strconv.Itoa(pageSize))
				x.add(prefix+kind+" "+t.Name, "GET", t.ListPath, q, estimate{1, -1}, "read once and matched here"+on)
			}
		}
		return
	}
	k := st.key
	placeholder := "{" + k.text + "}"
	if k.bySid {
		x.add(prefix+kind+" "+t.Name, "GET", schema.Path(t.ItemPath, placeholder), nil, estimate{0, outer},
			fmt.Sprintf("one fetch per distinct %s (%s.%s = %s), each key once; a missing one is no match", k.text, it.label(), k.name, k.text)+on)
		return
	}
	fallback := ""
	if t.Supports(schema.List) {
		fallback = fmt.Sprintf("; with more than %d distinct keys, one listing instead: GET %s?%s", maxFanout, t.ListPath, scan.Encode())
	}
	for _, q := range st.access.listings() {
		q = exec.CloneValues(q)
		q.Set("PageSize", strconv.Itoa(pageSize))
		q.Set(k.filter.Param, placeholder)
		x.add(prefix+kind+" "+t.Name, "GET", t.ListPath, q, estimate{0, -1},
			fmt.Sprintf("one listing per distinct %s (%s.%s = %s), each key once%s", k.text, it.label(), k.name, k.text, fallback)+on)
	}
}

// explain describes a write's requests.
func (w *writePlan) explain(x *explainer) {
	t := w.table
	verb := strings.ToLower(w.verb)
	if w.target != nil {
		x.noCache = true
		w.target.explain(x, "target: ")
		x.noCache = false
		method, path := "POST", schema.Path(t.ItemPath, "{Sid}")
		if w.verb == "DELETE" {
			method = "DELETE"
		}
		x.add(verb+" "+t.Name, method, path, nil, estimate{0, -1}, "one request per row found above, in order, after every row is read")
		return
	}
	if len(w.requests) == 0 {
		x.add(verb+" "+t.Name, "", "", nil, exactly(0), "no row to change: no request")
	}
	for _, r := range w.requests {
		var form url.Values
		if r.method == "POST" {
			form = r.form
		}
		x.add(verb+" "+t.Name, r.method, r.path, form, exactly(1), "")
	}
}
