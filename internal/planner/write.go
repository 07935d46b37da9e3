package planner

import (
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// A write is planned in full (every value rendered, every Sid checked)
// before its first request, so bad input never leaves half a statement
// applied.

// writeRequest is one create, update or delete.
type writeRequest struct {
	method string // POST or DELETE
	path   string
	sid    string // the resource's Sid, when known before the request
	form   url.Values
}

// writePlan is an INSERT, UPDATE or DELETE.
type writePlan struct {
	verb  string // INSERT, UPDATE or DELETE
	table *schema.Table
	// requests known at plan time (INSERT, or a write by Sid).
	requests []writeRequest
	// target lists the rows an UPDATE or DELETE changes when its WHERE is
	// more than Sids; build turns each into its request.
	target *selectPlan
	build  func(row []driver.Value) (writeRequest, error)
}

func requireOp(t *schema.Table, op schema.Operation, verb string) error {
	if t.Supports(op) {
		return nil
	}
	return fmt.Errorf("twilio: %s is not supported on %s: it supports %s", verb, t.Name, strings.Join(t.OperationNames(), ", "))
}

func planInsert(st *sqlparser.Insert, env *exec.Env, a eval.Args) (*writePlan, error) {
	if st.Action == sqlparser.ReplaceStr {
		return nil, eval.Unsupported("REPLACE")
	}
	if len(st.OnDup) > 0 {
		return nil, eval.Unsupported("ON DUPLICATE KEY UPDATE")
	}
	t, err := lookupTable(st.Table)
	if err != nil {
		return nil, err
	}
	if err := requireOp(t, schema.Create, "INSERT"); err != nil {
		return nil, err
	}
	values, ok := st.Rows.(sqlparser.Values)
	if !ok {
		return nil, eval.Unsupported("INSERT … SELECT")
	}
	if len(st.Columns) == 0 {
		return nil, fmt.Errorf("twilio: INSERT INTO %s needs a column list, e.g. INSERT INTO %s (%s) VALUES (…)", t.Name, t.Name, paramList(t.CreateParams, 3))
	}
	params := make([]schema.Param, len(st.Columns))
	keyCols := make([]*schema.PathKey, len(st.Columns))
	for i, col := range st.Columns {
		if k := exec.PathKeyOf(t, col.String()); k != nil {
			keyCols[i] = k
			continue
		}
		p, ok := t.Param(t.CreateParams, col.String())
		if !ok {
			return nil, fmt.Errorf("twilio: INSERT INTO %s cannot set %q%s; it takes %s", t.Name, col.String(), didYouMean(col.String(), paramNames(t.CreateParams)), paramList(t.CreateParams, 0))
		}
		params[i] = p
	}
	c := &eval.Compiler{Cols: noColumns{}, Args: a, Now: env.NowValue}
	w := &writePlan{verb: "INSERT", table: t}
	for n, tuple := range values {
		if len(tuple) != len(params) {
			return nil, fmt.Errorf("twilio: row %d of the INSERT has %d values for %d columns", n+1, len(tuple), len(params))
		}
		req := writeRequest{method: "POST", path: t.CreatePath, form: url.Values{}}
		keys := map[string]string{}
		for i, e := range tuple {
			v, err := c.Value(e)
			if err != nil {
				return nil, err
			}
			if k := keyCols[i]; k != nil {
				s, ok := v.(string)
				if !ok || !exec.SafeSegment(s) {
					return nil, fmt.Errorf("twilio: INSERT INTO %s: %s must be a key such as a Sid, not %v", t.Name, k.Column, v)
				}
				keys[k.Param] = s
				continue
			}
			if params[i].InPath {
				sid, err := validSid(t, v)
				if err != nil {
					return nil, err
				}
				req.path, req.sid = schema.Path(t.CreatePath, sid), sid
				continue
			}
			vals, err := renderParam(t, params[i], v)
			if err != nil {
				return nil, err
			}
			if vals != nil {
				req.form[params[i].Name] = vals
			}
		}
		if len(t.Keys) > 0 {
			path, ok := exec.KeyedPath(env.Client, t, req.path, keys)
			if !ok {
				return nil, fmt.Errorf("twilio: INSERT INTO %s needs %s: the keys of the path %s", t.Name, exec.KeyColumnList(t), t.CreatePath)
			}
			req.path = path
		}
		for _, p := range t.CreateParams {
			if p.Required && !p.InPath && len(req.form[p.Name]) == 0 {
				return nil, fmt.Errorf("twilio: INSERT INTO %s needs a value for %s", t.Name, p.Name)
			}
			if p.Required && p.InPath && req.sid == "" {
				return nil, fmt.Errorf("twilio: INSERT INTO %s needs %s: the Sid of the %s", t.Name, p.Name, strings.ToLower(t.SidKind()))
			}
		}
		w.requests = append(w.requests, req)
	}
	return w, nil
}

func paramNames(ps []schema.Param) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// paramList names parameters for a message, required ones first; n > 0
// keeps the first n.
func paramList(ps []schema.Param, n int) string {
	var req, opt []string
	for _, p := range ps {
		if p.Required {
			req = append(req, p.Name)
		} else {
			opt = append(opt, p.Name)
		}
	}
	all := append(req, opt...)
	if n > 0 && len(all) > n {
		all = all[:n]
	}
	return strings.Join(all, ", ")
}

// noColumns is the scope of INSERT values: they cannot name columns.
type noColumns struct{}

func (noColumns) Resolve(col *sqlparser.ColName) (int, schema.Column, error) {
	return 0, schema.Column{}, fmt.Errorf("twilio: INSERT values cannot refer to column %s: give a value", sqlparser.String(col))
}

// targetOf plans the rows an UPDATE or DELETE addresses.
func targetOf(verb string, from sqlparser.TableExprs, where *sqlparser.Where, limit *sqlparser.Limit, order sqlparser.OrderBy, env *exec.Env, a eval.Args) (*selectPlan, error) {
	sel := &sqlparser.Select{SelectExprs: sqlparser.SelectExprs{&sqlparser.StarExpr{}}, From: from, Where: where, Limit: limit, OrderBy: order}
	return planSelect(sel, env, a)
}

// The bulk-write guard, modelled on MySQL's safe-updates mode: unless the
// DSN has allow_bulk_writes=true, an UPDATE or DELETE is refused when it
// has no WHERE clause, when its WHERE clause is always true once constants
// are folded ("WHERE 1=1", "WHERE TRUE", "Status = 'x' OR 1 = 1"), or when
// no filter or Sid narrowed its listing and its WHERE clause matched every
// row listed (checked before the first write, see listTargets).

// bulkWriteError says which rule refused a write and how to lift it.
func bulkWriteError(verb, table, why string) error {
	return fmt.Errorf("twilio: %s %s is a bulk write: %s; nothing was changed (the bulk-write guard, as MySQL's safe-updates mode): narrow the WHERE clause with a Sid or a column Twilio filters on, or set allow_bulk_writes=true in the DSN", verb, table, why)
}

// requireWhere refuses an UPDATE or DELETE whose WHERE clause is missing or
// always true, unless the DSN allows bulk writes.
func requireWhere(verb, table string, where *sqlparser.Where, scope eval.Resolver, a eval.Args, env *exec.Env) error {
	if env.AllowBulkWrites {
		return nil
	}
	if where == nil {
		return bulkWriteError(verb, table, "it has no WHERE clause, so it would change every row")
	}
	c := &eval.Compiler{Cols: scope, Args: a, Now: env.NowValue}
	if alwaysTrue(c, where.Expr) {
		return bulkWriteError(verb, table, fmt.Sprintf("its WHERE clause (%s) is always true, so it would change every row", sqlparser.String(where.Expr)))
	}
	return nil
}

// alwaysTrue reports whether e is true whatever the row: a constant that
// folds to true, an OR with such a side, an AND of such terms.
func alwaysTrue(c *eval.Compiler, e sqlparser.Expr) bool {
	switch x := e.(type) {
	case *sqlparser.ParenExpr:
		return alwaysTrue(c, x.Expr)
	case *sqlparser.OrExpr:
		return alwaysTrue(c, x.Left) || alwaysTrue(c, x.Right)
	case *sqlparser.AndExpr:
		return alwaysTrue(c, x.Left) && alwaysTrue(c, x.Right)
	case *sqlparser.Subquery, *sqlparser.ExistsExpr:
		return false
	}
	t, err := c.Expr(e)
	if err != nil || !t.Constant {
		return false
	}
	v, err := t.Eval(nil)
	if err != nil {
		return false
	}
	ok, _ := eval.Truth(v)
	return ok
}

// fullListing reports whether acc lists the whole table: no Sid, no
// pushed filter, no subquery's keys.
func fullListing(acc access) bool {
	return !acc.bySid && !acc.none && acc.deferred == nil && acc.lists == nil && len(acc.query) == 0
}

func planUpdate(st *sqlparser.Update, env *exec.Env, a eval.Args) (*writePlan, error) {
	target, err := targetOf("UPDATE", st.TableExprs, st.Where, st.Limit, st.OrderBy, env, a)
	if err != nil {
		return nil, err
	}
	t := target.scope.table
	if err := requireOp(t, schema.Update, "UPDATE"); err != nil {
		return nil, err
	}
	if err := requireWhere("UPDATE", t.Name, st.Where, target.scope, a, env); err != nil {
		return nil, err
	}
	c := &eval.Compiler{Cols: target.scope, Args: a, Now: env.NowValue}
	type assignment struct {
		param schema.Param
		value eval.Typed
	}
	var sets []assignment
	rowDependent := false
	for _, ue := range st.Exprs {
		name := ue.Name.Name.String()
		p, ok := t.Param(t.UpdateParams, name)
		if !ok {
			return nil, fmt.Errorf("twilio: UPDATE %s cannot set %q%s; it takes %s", t.Name, name, didYouMean(name, paramNames(t.UpdateParams)), paramList(t.UpdateParams, 0))
		}
		v, err := c.Expr(ue.Expr)
		if err != nil {
			return nil, err
		}
		if p.InPath {
			return nil, fmt.Errorf("twilio: UPDATE cannot change %s.%s", t.Name, p.Name)
		}
		rowDependent = rowDependent || !v.Constant
		sets = append(sets, assignment{p, v})
	}
	build := func(row []driver.Value) (writeRequest, error) {
		path, sid, err := answeredItemPath(env.Client, t, row)
		if err != nil {
			return writeRequest{}, err
		}
		req := writeRequest{method: "POST", path: path, sid: sid, form: url.Values{}}
		for _, s := range sets {
			v, err := s.value.Eval(row)
			if err != nil {
				return req, err
			}
			if v == nil {
				return req, fmt.Errorf("twilio: UPDATE %s SET %s = NULL: Twilio cannot clear a value; set '' or another value", t.Name, s.param.Name)
			}
			vals, err := renderParam(t, s.param, v)
			if err != nil {
				return req, err
			}
			req.form[s.param.Name] = vals
		}
		return req, nil
	}
	w := &writePlan{verb: "UPDATE", table: t, target: target, build: build}
	if target.access.exact && target.access.bySid && !rowDependent && target.limit < 0 {
		// WHERE Sid = … / Sid IN (…): write straight away, no read first.
		w.target = nil
		for _, sid := range target.access.sids {
			row := make([]driver.Value, len(t.Columns))
			row[exec.SidColumn(t)] = sid
			req, err := build(row)
			if err != nil {
				return nil, err
			}
			w.requests = append(w.requests, req)
		}
	}
	return w, nil
}

func planDelete(st *sqlparser.Delete, env *exec.Env, a eval.Args) (*writePlan, error) {
	if len(st.Targets) > 0 {
		return nil, eval.Unsupported("a multi-table DELETE")
	}
	target, err := targetOf("DELETE", st.TableExprs, st.Where, st.Limit, st.OrderBy, env, a)
	if err != nil {
		return nil, err
	}
	t := target.scope.table
	if err := requireOp(t, schema.Delete, "DELETE"); err != nil {
		return nil, err
	}
	if err := requireWhere("DELETE", t.Name, st.Where, target.scope, a, env); err != nil {
		return nil, err
	}
	build := func(row []driver.Value) (writeRequest, error) {
		path, sid, err := answeredItemPath(env.Client, t, row)
		if err != nil {
			return writeRequest{}, err
		}
		return writeRequest{method: "DELETE", path: path, sid: sid}, nil
	}
	w := &writePlan{verb: "DELETE", table: t, target: target, build: build}
	if target.access.exact && target.access.bySid && target.limit < 0 {
		w.target = nil
		for _, sid := range target.access.sids {
			req, _ := build(rowWithSid(t, sid))
			w.requests = append(w.requests, req)
		}
	}
	return w, nil
}

// answeredSid is the Sid of a row to write, checked against the table's Sid
// pattern before it names a path: a row listed by a server may carry any
// text there ("../../AC…", "", null), and every Sid is checked before the
// statement's first write.
func answeredSid(t *schema.Table, row []driver.Value) (string, error) {
	v := row[exec.SidColumn(t)]
	if sid, ok := v.(string); ok && t.ValidSid(sid) {
		return sid, nil
	}
	return "", fmt.Errorf("twilio: the answer listed a row whose Sid %s is not a %s Sid (%s followed by 32 hex digits); nothing was changed: the server's answer cannot be trusted", eval.Describe(v), t.Name, prefixList(t))
}

// answeredItemPath is the path of a row the answer listed, for a write to
// it. Every value that names the path came from the server, so each is
// checked first: the Sid against the table's prefixes (or, for a table
// keyed otherwise, as a plain path segment), and each parent key as a
// plain path segment; one that fails stops the statement before any write.
func answeredItemPath(client *rest.Client, t *schema.Table, row []driver.Value) (path, sid string, err error) {
	if t.ItemKey == "" && len(t.SidPrefixes) > 0 {
		if _, err := answeredSid(t, row); err != nil {
			return "", "", err
		}
	}
	path, sid = exec.RowItemPath(client, t, row)
	bad := ""
	if !plainSegment(sid) {
		bad = sid
	}
	for _, k := range t.Keys {
		if i, ok := t.Column(k.Column); ok && bad == "" {
			if v, ok := row[i].(string); ok && !plainSegment(v) {
				bad = v
			}
		}
	}
	if bad != "" || (sid == "" && t.ItemKey == "") {
		return "", "", fmt.Errorf("twilio: the answer listed a %s row whose key %q cannot name a path (letters, digits, '+', '-' and '_' only); nothing was changed: the server's answer cannot be trusted", t.Name, bad)
	}
	return path, sid, nil
}

// plainSegment reports whether s can stand in a path as it is: a Sid, a
// country code or a phone number, never "..", "/" or a query.
func plainSegment(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '+' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func rowWithSid(t *schema.Table, sid string) []driver.Value {
	row := make([]driver.Value, len(t.Columns))
	row[exec.SidColumn(t)] = sid
	return row
}

// node is the write as a plan node, which exec.Build runs and EXPLAIN
// prints.
func (w *writePlan) node(env *exec.Env) plan.Node {
	n := &plan.Write{Verb: w.verb, Table: w.table, MaxRows: env.MaxWriteRows}
	if n.MaxRows <= 0 {
		n.MaxRows = defaultMaxWriteRows
	}
	for _, r := range w.requests {
		n.Requests = append(n.Requests, r.node())
	}
	if w.target == nil {
		return n
	}
	n.Build = func(row []driver.Value) (plan.WriteRequest, error) {
		r, err := w.build(row)
		return r.node(), err
	}
	// The target's result is each row whole.
	target := *w.target
	target.project = []eval.EvalFunc{func(row []driver.Value) (driver.Value, error) { return row, nil }}
	target.columns = []exec.ResultColumn{{Name: "row"}}
	// The bulk-write guard's last rule: a WHERE clause that no filter or
	// Sid narrowed, checked locally, must not match every row listed.
	if !env.AllowBulkWrites && target.limit < 0 && target.filter != nil && fullListing(target.access) {
		g := &plan.WriteGuard{Refuse: func(listed, matched int) error {
			return bulkWriteError(w.verb, w.table.Name, fmt.Sprintf("its WHERE clause matched every row (%d of %d listed) and no filter or Sid narrowed the listing", matched, listed))
		}}
		filter := target.filter
		target.filter = func(row []driver.Value) (driver.Value, error) {
			v, err := filter(row)
			g.Listed++
			if ok, _ := eval.Truth(v); ok && err == nil {
				g.Matched++
			}
			return v, err
		}
		n.Guard = g
	}
	n.Target = target.tree()
	return n
}

func (r writeRequest) node() plan.WriteRequest {
	return plan.WriteRequest{Method: r.method, Path: r.path, Sid: r.sid, Form: r.form}
}

// defaultMaxWriteRows is max_write_rows when the Env leaves it 0.
const defaultMaxWriteRows = 100
