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
	"github.com/twiliosql/twiliosql/internal/planner/plan"
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
	subSteps map[*plan.Subquery]int
	// fired are the pushdown rules that decided the reads described, as
	// "rule (table)", each once, in the order met.
	fired     []string
	firedSeen map[string]bool
}

// fire records the rules that decided a read of table.
func (x *explainer) fire(table string, rules []string) {
	for _, r := range rules {
		entry := r + " (" + table + ")"
		if x.firedSeen[entry] {
			continue
		}
		if x.firedSeen == nil {
			x.firedSeen = map[string]bool{}
		}
		x.firedSeen[entry] = true
		x.fired = append(x.fired, entry)
	}
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
	x := &explainer{cache: env.Client, subSteps: map[*plan.Subquery]int{}}
	tree, err := s.plan(env, a)
	if errors.Is(err, errNoPlan) {
		return nil, fmt.Errorf("twilio: cannot explain %s", firstWord(s.sql))
	}
	if err != nil {
		return nil, err
	}
	x.describe(tree, "")
	if len(x.fired) > 0 {
		x.add("rules", "", "", nil, exactly(0), "the pushdown rules that fired, in order: "+strings.Join(x.fired, ", "))
	}
	x.rows = append(x.rows, []driver.Value{int64(len(x.rows) + 1), "total", nil, nil, nil, x.total.String(), "requests to expect in all (n+: one more per further page or row)"})
	project := make([]eval.EvalFunc, len(ExplainColumns))
	for i := range project {
		project[i] = exec.ColumnAt(i)
	}
	return &exec.Rows{Ctx: ctx, Cols: ExplainColumns, Src: &exec.SliceSource{Rows: x.rows}, Project: project, Limit: -1}, nil
}

// explainSort adds the sort step of an ORDER BY, if there is one.
func explainSort(x *explainer, prefix string, order []plan.SortKey) {
	if len(order) == 0 {
		return
	}
	keys := make([]string, len(order))
	for i, k := range order {
		keys[i] = k.Text
		if k.Desc {
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

// describeWrite describes a write's requests.
func (x *explainer) describeWrite(w *plan.Write) {
	t := w.Table
	verb := strings.ToLower(w.Verb)
	if w.Target != nil {
		x.noCache = true
		x.describe(w.Target, "target: ")
		x.noCache = false
		method, path := "POST", schema.Path(t.ItemPath, "{Sid}")
		if w.Verb == "DELETE" {
			method = "DELETE"
		}
		x.add(verb+" "+t.Name, method, path, nil, estimate{0, -1}, "one request per row found above, in order, after every row is read")
		return
	}
	if len(w.Requests) == 0 {
		x.add(verb+" "+t.Name, "", "", nil, exactly(0), "no row to change: no request")
	}
	for _, r := range w.Requests {
		var form url.Values
		if r.Method == "POST" {
			form = r.Form
		}
		x.add(verb+" "+t.Name, r.Method, r.Path, form, exactly(1), "")
	}
}
