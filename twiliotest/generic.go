package twiliotest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/twiliosql/twiliosql/internal/spec"
	"github.com/twiliosql/twiliosql/schema"
)

// The generic resources: every table of the catalog that the hand-written
// handlers do not serve (Conferences, Participants, Usage records,
// Available numbers, ...), and every resource of a subaccount, is served
// from Twilio's spec. A collection (one table under one set of path keys:
// the participants of one conference of one account) is made on first use:
// rows copied from the spec's examples of the operation, or built from the
// response schema, with deterministic Sids, the path's keys filled in and
// dates spread over the days before now. Rows satisfy the response schema;
// lists page with PageSize, Page and PageToken and apply the equality
// filters of the list operation; POST creates or updates from the form,
// DELETE removes. Parents are not checked: a collection exists for any
// well-formed key.

// genericRows is how many rows a collection with generated Sids starts with.
const genericRows = 3

// Subaccounts of the emulated account, served from the spec like the
// generic resources: SubaccountSids lists them.
var subaccountCount = 2

type genericRoute struct {
	table *schema.Table
	re    *regexp.Regexp
	names []string // placeholders in order
	item  bool     // the item path (fetch, update, delete); false: the list path
}

type genericStore struct {
	mu     sync.Mutex
	routes []genericRoute
	ops    map[string]*openapi3.Operation
	colls  map[string]*collection // by table name and path keys
	seed   int64
	nowU   int64
	subs   []string
	master string
}

type collection struct {
	rows []map[string]any // newest first
	made int
}

var genericSetup = sync.OnceValues(func() ([]genericRoute, map[string]*openapi3.Operation) {
	doc, err := spec.Load()
	if err != nil {
		panic("twiliotest: the embedded OpenAPI spec does not load: " + err.Error())
	}
	ops := map[string]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ops[op.OperationID] = op
		}
	}
	var routes []genericRoute
	for _, t := range schema.Tables() {
		for _, p := range []struct {
			path string
			item bool
		}{{t.ListPath, false}, {t.CreatePath, false}, {t.ItemPath, true}} {
			if p.path == "" {
				continue
			}
			full := p.path
			if !strings.HasPrefix(full, "/") {
				full = "/2010-04-01/Accounts/{AccountSid}/" + full
			}
			var names []string
			pat := regexp.QuoteMeta(full)
			pat = regexp.MustCompile(`\\\{([A-Za-z]+)\\\}`).ReplaceAllStringFunc(pat, func(m string) string {
				names = append(names, strings.Trim(m, `\{}`))
				return `([^/]+)`
			})
			routes = append(routes, genericRoute{table: t, re: regexp.MustCompile("^" + pat + "$"), names: names, item: p.item && !t.Singleton || t.Singleton})
		}
	}
	// Fewest placeholders first: "IncomingPhoneNumbers/Local.json" before
	// "IncomingPhoneNumbers/{Sid}.json".
	sort.SliceStable(routes, func(i, j int) bool { return len(routes[i].names) < len(routes[j].names) })
	return routes, ops
})

func newGenericStore(st *state) *genericStore {
	routes, ops := genericSetup()
	g := &genericStore{routes: routes, ops: ops, colls: map[string]*collection{}, seed: st.seed, nowU: st.nowU, master: st.acct}
	for i := range subaccountCount {
		g.subs = append(g.subs, "AC"+hexOf(st.seed, "subaccount", strconv.Itoa(i)))
	}
	return g
}

// SubaccountSids are the subaccounts of the server's account, in the order
// GET Accounts.json lists them after the account itself.
func (s *Server) SubaccountSids() []string { return slices.Clone(s.generic.subs) }

func (g *genericStore) isSub(acct string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.isSubLocked(acct)
}

// isSubLocked: a seeded subaccount or one created by POST Accounts.json.
func (g *genericStore) isSubLocked(acct string) bool {
	if slices.Contains(g.subs, acct) {
		return true
	}
	for _, r := range g.colls["Accounts"].rowsOrNil() {
		if r["sid"] == acct && acct != g.master {
			return true
		}
	}
	return false
}

func (c *collection) rowsOrNil() []map[string]any {
	if c == nil {
		return nil
	}
	return c.rows
}

func hexOf(seed int64, parts ...string) string {
	h := sha256.Sum256([]byte(strconv.FormatInt(seed, 10) + "\x00" + strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:16])
}

// match finds the generic route of a path and the values of its placeholders.
func (g *genericStore) match(path string) (*genericRoute, map[string]string) {
	for i := range g.routes {
		r := &g.routes[i]
		m := r.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		vals := map[string]string{}
		for j, n := range r.names {
			vals[n] = m[j+1]
		}
		return r, vals
	}
	return nil, nil
}

// serveGeneric answers a request on a generic resource; nil when none matches.
func (s *Server) genericMethods(c *ctx) methods {
	g := s.generic
	r, vals := g.match(c.path)
	if r == nil {
		return nil
	}
	t := r.table
	m := methods{}
	if r.item {
		if t.Supports(schema.Get) {
			m["GET"] = func(c *ctx) (int, any) { return g.fetch(c, t, vals) }
		}
		if t.Supports(schema.Update) {
			m["POST"] = func(c *ctx) (int, any) { return g.update(c, t, vals) }
		}
		if t.Supports(schema.Delete) {
			m["DELETE"] = func(c *ctx) (int, any) { return g.remove(c, t, vals) }
		}
	} else {
		if t.Supports(schema.List) {
			m["GET"] = func(c *ctx) (int, any) { return g.list(c, t, vals) }
		}
		if t.Supports(schema.Create) {
			m["POST"] = func(c *ctx) (int, any) { return g.create(c, t, vals) }
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// collKey names a collection: the table and its path keys but the row's own.
func collKey(t *schema.Table, vals map[string]string) string {
	var b strings.Builder
	b.WriteString(t.Name)
	for _, k := range t.Keys {
		b.WriteString("|" + vals[k.Param])
	}
	return b.String()
}

func (g *genericStore) coll(t *schema.Table, vals map[string]string) *collection {
	key := collKey(t, vals)
	if c, ok := g.colls[key]; ok {
		return c
	}
	c := &collection{}
	if t.Name == "Accounts" {
		for i, acct := range append([]string{g.master}, g.subs...) {
			c.rows = append(c.rows, g.newRow(t, vals, i, acct))
		}
	} else if t.Singleton {
		c.rows = append(c.rows, g.newRow(t, vals, 0, ""))
	} else if g.keyPrefix(t) != "" {
		for i := range genericRows {
			c.rows = append(c.rows, g.newRow(t, vals, i, ""))
		}
	} else {
		// Keyed by values only the examples know (a country, a usage
		// category): the examples' rows.
		for i, ex := range g.examples(t) {
			c.rows = append(c.rows, g.fill(t, vals, ex, i, ""))
		}
	}
	c.made = len(c.rows)
	g.colls[key] = c
	return c
}

// keyPrefix is the Sid prefix of the column that identifies a row.
func (g *genericStore) keyPrefix(t *schema.Table) string {
	if len(t.SidPrefixes) > 0 {
		return t.SidPrefixes[0]
	}
	// Keyed by another resource's Sid (a participant by its call's): the
	// prefix the examples show.
	if f := g.itemField(t); f != "" {
		for _, ex := range g.examples(t) {
			if v, ok := ex[f].(string); ok && len(v) == 34 && patternMatch("^[A-Z]{2}[0-9a-fA-F]{32}$", v) {
				return v[:2]
			}
		}
	}
	return ""
}

func (g *genericStore) itemField(t *schema.Table) string {
	name := "Sid"
	if t.ItemKey != "" {
		name = t.ItemKey
	}
	if i, ok := t.Column(name); ok {
		return t.Columns[i].Field
	}
	return ""
}

// examples are the rows the spec shows for the table's read operations.
func (g *genericStore) examples(t *schema.Table) []map[string]any {
	var out []map[string]any
	seen := map[string]bool{}
	add := func(m map[string]any) {
		b, _ := json.Marshal(m)
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, m)
		}
	}
	for _, kind := range []schema.Operation{schema.List, schema.Get} {
		op := g.ops[t.OperationIDs[kind]]
		if op == nil || op.Responses == nil {
			continue
		}
		r := op.Responses.Value("200")
		if r == nil || r.Value == nil {
			continue
		}
		mt := r.Value.Content.Get("application/json")
		if mt == nil {
			continue
		}
		for _, name := range sortedExamples(mt.Examples) {
			v, ok := mt.Examples[name].Value.Value.(map[string]any)
			if !ok {
				continue
			}
			if kind == schema.List {
				items, _ := v[t.ListKey].([]any)
				for _, it := range items {
					if m, ok := it.(map[string]any); ok {
						add(m)
					}
				}
			} else {
				add(v)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, g.synthesize(t))
	}
	return out
}

func sortedExamples(m openapi3.Examples) []string {
	var names []string
	for n, e := range m {
		if e != nil && e.Value != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// rowSchema is the response schema of one row.
func (g *genericStore) rowSchema(t *schema.Table) *openapi3.Schema {
	if op := g.ops[t.OperationIDs[schema.Get]]; op != nil {
		if s := jsonSchema(op); s != nil {
			return s
		}
	}
	if op := g.ops[t.OperationIDs[schema.List]]; op != nil {
		if s := jsonSchema(op); s != nil {
			if items := s.Properties[t.ListKey]; items != nil && items.Value != nil && items.Value.Items != nil {
				return items.Value.Items.Value
			}
		}
	}
	return nil
}

func jsonSchema(op *openapi3.Operation) *openapi3.Schema {
	for _, code := range []string{"200", "201"} {
		if r := op.Responses.Value(code); r != nil && r.Value != nil {
			if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				return mt.Schema.Value
			}
		}
	}
	return nil
}

// synthesize builds a row from the response schema alone.
func (g *genericStore) synthesize(t *schema.Table) map[string]any {
	row := map[string]any{}
	s := g.rowSchema(t)
	if s == nil {
		return row
	}
	for name, p := range s.Properties {
		row[name] = sample(p.Value)
	}
	return row
}

var patterns sync.Map // pattern → *regexp.Regexp

func patternMatch(pattern, s string) bool {
	re, ok := patterns.Load(pattern)
	if !ok {
		r, err := regexp.Compile(pattern)
		if err != nil {
			return true
		}
		re, _ = patterns.LoadOrStore(pattern, r)
	}
	return re.(*regexp.Regexp).MatchString(s)
}

var sidPattern = regexp.MustCompile(`^\^\(?([A-Z]{2})`)

func sample(s *openapi3.Schema) any {
	switch {
	case s == nil:
		return nil
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Nullable:
		return nil
	case s.Type.Is("integer"), s.Type.Is("number"):
		return 0
	case s.Type.Is("boolean"):
		return false
	case s.Type.Is("object"):
		return map[string]any{}
	case s.Type.Is("array"):
		return []any{}
	case s.Format == "date-time-rfc-2822":
		return "Tue, 01 Dec 2026 00:00:00 +0000"
	case s.Format == "date-time":
		return "2026-12-01T00:00:00Z"
	case s.Format == "date":
		return "2026-12-01"
	case s.Format == "uri":
		return "https://example.com/"
	}
	if m := sidPattern.FindStringSubmatch(s.Pattern); m != nil {
		return m[1] + strings.Repeat("0", 32)
	}
	return ""
}

func (g *genericStore) newRow(t *schema.Table, vals map[string]string, i int, acct string) map[string]any {
	ex := g.examples(t)
	return g.fill(t, vals, ex[i%len(ex)], i, acct)
}

// fill copies a template row and gives it its identity: the Sid, the
// account, the path's keys and its dates.
func (g *genericStore) fill(t *schema.Table, vals map[string]string, tmpl map[string]any, i int, sid string) map[string]any {
	row := deepCopy(tmpl).(map[string]any)
	acct := vals["AccountSid"]
	if t.Name == "Accounts" {
		acct = sid
	}
	if _, ok := row["account_sid"]; ok && acct != "" {
		row["account_sid"] = acct
	}
	for _, k := range t.Keys {
		if i, ok := t.Column(k.Column); ok && t.Columns[i].Field != "" {
			if _, present := row[t.Columns[i].Field]; present {
				row[t.Columns[i].Field] = vals[k.Param]
			}
		}
	}
	if p := g.keyPrefix(t); p != "" {
		if sid == "" {
			sid = p + hexOf(g.seed, collKey(t, vals), strconv.Itoa(i))
		}
		if f := g.itemField(t); f != "" {
			row[f] = sid
		}
	}
	if t.Name == "Accounts" {
		row["sid"], row["owner_account_sid"] = sid, g.master
		if sid != g.master {
			row["friendly_name"] = "Subaccount " + strconv.Itoa(i)
		}
	}
	for _, f := range []string{"date_created", "date_updated"} {
		if v, ok := row[f].(string); ok && strings.Contains(v, ",") {
			row[f] = *rfc2822(g.nowU - int64(i+1)*day)
		}
	}
	if _, ok := row["uri"]; ok && t.ItemPath != "" {
		row["uri"] = g.itemURI(t, vals, row)
	}
	conform(row, g.rowSchema(t))
	return row
}

// conform makes an example row satisfy the response schema where Twilio's
// own examples do not (numbers as strings, null for an enum).
func conform(row map[string]any, s *openapi3.Schema) {
	if s == nil {
		return
	}
	for name, p := range s.Properties {
		ps := p.Value
		if ps == nil {
			continue
		}
		v, present := row[name]
		if !present {
			continue
		}
		switch x := v.(type) {
		case nil:
			if len(ps.Enum) > 0 && !slices.Contains(ps.Enum, any(nil)) {
				row[name] = ps.Enum[0]
			} else if !ps.Nullable {
				row[name] = sample(ps)
			}
		case string:
			switch {
			case ps.Type.Is("number"):
				f, err := strconv.ParseFloat(x, 64)
				if err != nil {
					f = 0
				}
				row[name] = f
			case ps.Type.Is("integer"):
				n, err := strconv.ParseInt(x, 10, 64)
				if err != nil {
					n = 0
				}
				row[name] = n
			case ps.Type.Is("boolean"):
				row[name] = x == "true"
			case len(ps.Enum) > 0 && !slices.Contains(ps.Enum, any(x)):
				row[name] = ps.Enum[0]
			case ps.Format == "uri" && !strings.Contains(x, "://") && name != "uri" && !strings.HasSuffix(name, "_uri"):
				row[name] = "https://example.com" + x
			case ps.Pattern != "" && !patternMatch(ps.Pattern, x):
				if m := sidPattern.FindStringSubmatch(ps.Pattern); m != nil {
					row[name] = m[1] + hexOf(0, name, x)
				}
			}
		}
	}
}

func (g *genericStore) itemURI(t *schema.Table, vals map[string]string, row map[string]any) string {
	p := t.ItemPath
	if !strings.HasPrefix(p, "/") {
		p = "/2010-04-01/Accounts/{AccountSid}/" + p
	}
	key, _ := row[g.itemField(t)].(string)
	p = strings.Replace(p, "{Sid}", key, 1)
	for n, v := range vals {
		p = strings.ReplaceAll(p, "{"+n+"}", v)
	}
	return p
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}

func (g *genericStore) known(t *schema.Table, vals map[string]string) *apiError {
	if a := vals["AccountSid"]; a != "" && a != g.master && !g.isSubLocked(a) {
		return errForbidden()
	}
	return nil
}

func (g *genericStore) find(t *schema.Table, vals map[string]string) (*collection, int) {
	c := g.coll(t, vals)
	if t.Singleton {
		return c, 0
	}
	f := g.itemField(t)
	for i, r := range c.rows {
		if fmt.Sprint(r[f]) == vals["Sid"] || t.Name == "Accounts" && r["sid"] == vals["Sid"] {
			return c, i
		}
	}
	return c, -1
}

func (g *genericStore) fetch(c *ctx, t *schema.Table, vals map[string]string) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.known(t, vals); e != nil {
		return e.Status, e
	}
	coll, i := g.find(t, vals)
	if i < 0 {
		return 404, errNotFound(c.path)
	}
	return 200, encodeJSON(coll.rows[i])
}

func (g *genericStore) list(c *ctx, t *schema.Table, vals map[string]string) (int, any) {
	pp, aerr := c.pageParams()
	if aerr != nil {
		return 400, aerr
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.known(t, vals); e != nil {
		return e.Status, e
	}
	coll := g.coll(t, vals)
	var params []string
	var rows []map[string]any
	for _, f := range t.Filters {
		params = append(params, f.Param, f.Param+"<", f.Param+">")
	}
	for _, r := range coll.rows {
		if g.matches(t, r, c) {
			rows = append(rows, r)
		}
	}
	start := pp.page * pp.size
	if pp.token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(pp.token, "PO"))
		if err != nil || !strings.HasPrefix(pp.token, "PO") || n < 0 {
			return 400, errParam("Invalid PageToken '%s'", pp.token)
		}
		start = n
	}
	end := min(start+pp.size, len(rows))
	page := []map[string]any{}
	if start < len(rows) {
		page = rows[start:end]
	}
	filters := c.carried(params)
	pageURI := func(page, offset int) string {
		u := c.path + "?" + filters + "PageSize=" + strconv.Itoa(pp.size) + "&Page=" + strconv.Itoa(page)
		if offset > 0 {
			u += "&PageToken=PO" + strconv.Itoa(offset)
		}
		return u
	}
	var next, prev *string
	if end < len(rows) {
		next = sp(pageURI(pp.page+1, end))
	}
	if pp.page > 0 {
		prev = sp(pageURI(pp.page-1, max(start-pp.size, 0)))
	}
	last := start
	if len(page) > 0 {
		last = start + len(page) - 1
	}
	return 200, encodeJSON(map[string]any{
		t.ListKey:           page,
		"end":               last,
		"first_page_uri":    pageURI(0, 0),
		"next_page_uri":     next,
		"previous_page_uri": prev,
		"page":              pp.page,
		"page_size":         pp.size,
		"start":             start,
		"uri":               pageURI(pp.page, start),
	})
}

// matches applies the list operation's equality filters.
func (g *genericStore) matches(t *schema.Table, row map[string]any, c *ctx) bool {
	for _, f := range t.Filters {
		v, ok := c.first(f.Param)
		if !ok || !f.Ops.Has(schema.Eq) {
			continue
		}
		i, _ := t.Column(f.Column)
		got := row[t.Columns[i].Field]
		if got == nil || f.DayGranular {
			continue
		}
		if fmt.Sprint(got) != v {
			return false
		}
	}
	return true
}

func (g *genericStore) create(c *ctx, t *schema.Table, vals map[string]string) (int, any) {
	if e := missing(t.CreateParams, c); e != nil {
		return 400, e
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.known(t, vals); e != nil {
		return e.Status, e
	}
	coll := g.coll(t, vals)
	ex := g.examples(t)
	if len(ex) == 0 || g.keyPrefix(t) == "" {
		return 400, errParam("twiliotest: %s rows cannot be created here", t.Name)
	}
	row := g.fill(t, vals, ex[0], coll.made, "")
	coll.made++
	g.setForm(t, row, c)
	coll.rows = slices.Insert(coll.rows, 0, row)
	c.created, _ = row[g.itemField(t)].(string)
	return g.status(t, schema.Create, 201), encodeJSON(row)
}

func missing(ps []schema.Param, c *ctx) *apiError {
	for _, p := range ps {
		if p.Required && !p.InPath && c.form.Get(p.Name) == "" {
			return newError(400, 21000, "Missing required parameter %s in the post body", p.Name)
		}
	}
	return nil
}

func (g *genericStore) update(c *ctx, t *schema.Table, vals map[string]string) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.known(t, vals); e != nil {
		return e.Status, e
	}
	coll, i := g.find(t, vals)
	if i < 0 {
		return 404, errNotFound(c.path)
	}
	g.setForm(t, coll.rows[i], c)
	return g.status(t, schema.Update, 200), encodeJSON(coll.rows[i])
}

func (g *genericStore) remove(c *ctx, t *schema.Table, vals map[string]string) (int, any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e := g.known(t, vals); e != nil {
		return e.Status, e
	}
	coll, i := g.find(t, vals)
	if i < 0 {
		return 404, errNotFound(c.path)
	}
	coll.rows = slices.Delete(coll.rows, i, i+1)
	return http.StatusNoContent, nil
}

// status is the 2xx status the spec gives the operation.
func (g *genericStore) status(t *schema.Table, op schema.Operation, def int) int {
	if o := g.ops[t.OperationIDs[op]]; o != nil && o.Responses != nil {
		for _, code := range []int{200, 201, 202} {
			if o.Responses.Value(strconv.Itoa(code)) != nil {
				return code
			}
		}
	}
	return def
}

// setForm copies the form's parameters into the fields of the same name,
// typed as the row's template has them.
func (g *genericStore) setForm(t *schema.Table, row map[string]any, c *ctx) {
	for name, vs := range c.form {
		if len(vs) == 0 {
			continue
		}
		field := snakeCase(name)
		old, ok := row[field]
		if !ok || field == "sid" || field == "account_sid" {
			continue
		}
		v := vs[0]
		switch old.(type) {
		case bool:
			if b, err := strconv.ParseBool(v); err == nil {
				row[field] = b
			}
		case float64:
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				row[field] = f
			}
		case map[string]any, []any:
		default:
			row[field] = v
		}
	}
	if _, ok := row["date_updated"].(string); ok {
		row["date_updated"] = *rfc2822(g.nowU)
	}
}

func snakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if 'A' <= r && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
