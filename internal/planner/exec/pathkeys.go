package exec

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// Path keys. A table's paths may hold placeholders other than the row's
// Sid: {AccountSid} and the Sids of parent resources ({ConferenceSid}).
// Their filters (schema.KeyParam) are pushed like any exact equality, so
// an IN list, a subquery or a join gives one listing per value; here the
// values leave the query for the path. A listing that lacks a parent's key
// lists the parent table first (itself keyed the same way) and then each
// parent's children, one collection after another, streaming: the rate
// limiter of the client paces every request. {AccountSid} without a value
// is the credentials' account. Everything comes from schema facts (Keys,
// Parent, ParentColumn, Singleton), nothing from table names.

// NeedsPathKeys reports whether a listing of t goes through this file.
func NeedsPathKeys(t *schema.Table, lists []url.Values) bool {
	if t.Singleton {
		return true
	}
	for _, k := range t.Keys {
		if k.Param != "AccountSid" {
			return true
		}
	}
	for _, q := range lists {
		for p := range q {
			if schema.IsKeyParam(p) {
				return true
			}
		}
	}
	return false
}

// SplitKeys takes the path keys out of a listing's query.
func SplitKeys(q url.Values) (keys map[string]string, rest url.Values) {
	keys, rest = map[string]string{}, url.Values{}
	for p, vs := range q {
		if schema.IsKeyParam(p) {
			if len(vs) > 0 {
				keys[strings.Trim(p, "{}")] = vs[0]
			}
			continue
		}
		rest[p] = vs
	}
	return keys, rest
}

// KeyedPath fills a path's placeholders but {Sid}; ok is false when one
// stays unfilled. {AccountSid} given and not the client's makes the path
// absolute, under that account.
func KeyedPath(client *rest.Client, t *schema.Table, path string, keys map[string]string) (string, bool) {
	for _, k := range t.Keys {
		if k.Param == "AccountSid" {
			continue
		}
		v, ok := keys[k.Param]
		if !ok || !SafeSegment(v) {
			return "", false
		}
		path = strings.ReplaceAll(path, "{"+k.Param+"}", url.PathEscape(v))
	}
	if a, ok := keys["AccountSid"]; ok && a != client.AccountSid() && !strings.HasPrefix(path, "/") {
		if !SafeSegment(a) {
			return "", false
		}
		path = rest.APIVersion + "/Accounts/" + url.PathEscape(a) + "/" + path
	}
	return path, true
}

// SafeSegment accepts a key value that can only be one path segment.
func SafeSegment(v string) bool {
	return v != "" && v != "." && v != ".." && !strings.ContainsAny(v, "/?#%\\")
}

// listURI is the first page of a listing of t with the filters of q, path
// keys included; "" when a parent's key is missing.
func listURI(client *rest.Client, t *schema.Table, q url.Values) string {
	keys, query := SplitKeys(q)
	path, ok := KeyedPath(client, t, t.ListPath, keys)
	if !ok {
		return ""
	}
	return client.FirstPageURI(path, query)
}

// OpenKeyed opens the listings of a table with path keys, one after another.
func OpenKeyed(ctx context.Context, env *Env, t *schema.Table, lists []url.Values, pageSize int, fresh bool) (Source, error) {
	src := &keyedSource{env: env, table: t, lists: lists, pageSize: pageSize, fresh: fresh}
	if err := src.prime(ctx); err != nil {
		return nil, err
	}
	return src, nil
}

// keyedSource reads the listings of a keyed table in turn.
type keyedSource struct {
	env      *Env
	table    *schema.Table
	lists    []url.Values
	pageSize int
	fresh    bool
	cur      Source
	first    []driver.Value
}

func (s *keyedSource) prime(ctx context.Context) error {
	row, err := s.Next(ctx)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	s.first = row
	return nil
}

func (s *keyedSource) Next(ctx context.Context) ([]driver.Value, error) {
	if s.first != nil {
		row := s.first
		s.first = nil
		return row, nil
	}
	for {
		if s.cur == nil {
			if len(s.lists) == 0 {
				return nil, io.EOF
			}
			q := s.lists[0]
			s.lists = s.lists[1:]
			cur, err := s.open(ctx, q)
			if err != nil {
				return nil, err
			}
			s.cur = cur
		}
		row, err := s.cur.Next(ctx)
		if err == io.EOF {
			s.cur.Close()
			s.cur = nil
			continue
		}
		return row, err
	}
}

func (s *keyedSource) Close() {
	if s.cur != nil {
		s.cur.Close()
		s.cur = nil
	}
	s.lists = nil
}

// open starts one listing: directly when every key is known, else under
// the parent's rows.
func (s *keyedSource) open(ctx context.Context, q url.Values) (Source, error) {
	t := s.table
	keys, query := SplitKeys(q)
	if missing := MissingParent(t, keys); missing != nil {
		parent, ok := schema.Lookup(missing.Parent)
		if !ok {
			return nil, fmt.Errorf("twilio: %s needs %s, whose parent table %s is not in the catalog", t.Name, missing.Column, missing.Parent)
		}
		return s.underParents(ctx, parent, keys, query)
	}
	for _, k := range t.Keys {
		if _, ok := keys[k.Param]; !ok && k.Param != "AccountSid" {
			return nil, fmt.Errorf("twilio: %s is read under a %s: add WHERE %s = '…' (or IN (…), or a join)", t.Name, k.Column, k.Column)
		}
	}
	fill := fromPathValues(t, keys)
	sid, bySid := keys["Sid"]
	if t.Singleton || bySid && t.Supports(schema.Get) {
		item := t.ItemPath
		if bySid {
			if !SafeSegment(sid) {
				return &SliceSource{}, nil
			}
			item = schema.Path(item, url.PathEscape(sid))
		}
		path, ok := KeyedPath(s.env.Client, t, item, keys)
		if !ok {
			return &SliceSource{}, nil
		}
		body, err := s.env.Client.Get(ctx, path, nil)
		if rest.IsNotFound(err) {
			return &SliceSource{}, nil
		}
		if err != nil {
			return nil, err
		}
		row := make([]driver.Value, len(t.Columns))
		if err := NewDecoder(t).Decode(body, row); err != nil {
			return nil, err
		}
		fill(row)
		return &SliceSource{Rows: [][]driver.Value{row}}, nil
	}
	path, ok := KeyedPath(s.env.Client, t, t.ListPath, keys)
	if !ok {
		return &SliceSource{}, nil
	}
	query.Set("PageSize", strconv.Itoa(s.pageSize))
	ls := NewListSource(s.env.Client, t, s.env.Client.FirstPageURI(path, query))
	ls.Fresh = true
	if err := ls.Fetch(ctx); err != nil {
		if rest.IsNotFound(err) {
			return &SliceSource{}, nil // a parent without this collection
		}
		return nil, err
	}
	return &fillSource{src: ls, fill: fill}, nil
}

// MissingParent is the deepest key with a parent whose value is unknown.
func MissingParent(t *schema.Table, keys map[string]string) *schema.PathKey {
	var miss *schema.PathKey
	for i := range t.Keys {
		k := &t.Keys[i]
		if _, ok := keys[k.Param]; !ok && k.Parent != "" {
			miss = k
		}
	}
	return miss
}

// fromPathValues sets the key columns the resource does not return.
func fromPathValues(t *schema.Table, keys map[string]string) func([]driver.Value) {
	type set struct {
		i int
		v string
	}
	var sets []set
	for _, k := range t.Keys {
		if !k.FromPath {
			continue
		}
		i, ok := t.Column(k.Column)
		v, known := keys[k.Param]
		if k.Param == "AccountSid" && !known {
			continue
		}
		if ok {
			sets = append(sets, set{i, v})
		}
	}
	return func(row []driver.Value) {
		for _, s := range sets {
			row[s.i] = s.v
		}
	}
}

// underParents lists the parent's rows (keyed by what is known), and for
// each the child collection.
func (s *keyedSource) underParents(ctx context.Context, parent *schema.Table, keys map[string]string, query url.Values) (Source, error) {
	pq := url.Values{}
	for _, k := range parent.Keys {
		if v, ok := keys[k.Param]; ok {
			pq.Set(schema.KeyParam(k.Param), v)
		}
	}
	var psrc Source
	var err error
	if NeedsPathKeys(parent, []url.Values{pq}) {
		psrc, err = OpenKeyed(ctx, s.env, parent, []url.Values{pq}, s.pageSize, true)
	} else {
		pq.Set("PageSize", strconv.Itoa(s.pageSize))
		ls := NewListSource(s.env.Client, parent, s.env.Client.FirstPageURI(parent.ListPath, pq))
		ls.Fresh = true
		err = ls.Fetch(ctx)
		psrc = ls
	}
	if err != nil {
		return nil, err
	}
	return &parentsSource{child: s, parent: parent, parents: psrc, keys: keys, rest: query}, nil
}

// parentsSource walks the parents and opens each one's children.
type parentsSource struct {
	child   *keyedSource
	parent  *schema.Table
	parents Source
	keys    map[string]string
	rest    url.Values
	cur     Source
}

func (s *parentsSource) Next(ctx context.Context) ([]driver.Value, error) {
	t := s.child.table
	for {
		if s.cur != nil {
			row, err := s.cur.Next(ctx)
			if err != io.EOF {
				return row, err
			}
			s.cur.Close()
			s.cur = nil
		}
		prow, err := s.parents.Next(ctx)
		if err != nil {
			return nil, err
		}
		keys := make(map[string]string, len(s.keys)+len(t.Keys))
		for k, v := range s.keys {
			keys[k] = v
		}
		for _, k := range t.Keys {
			if _, ok := keys[k.Param]; ok {
				continue
			}
			col := k.Column
			if k.Parent == s.parent.Name {
				col = k.ParentColumn
			}
			if i, ok := s.parent.Column(col); ok && prow[i] != nil {
				keys[k.Param] = fmt.Sprint(prow[i])
			}
		}
		q := CloneValues(s.rest)
		for k, v := range keys {
			q.Set(schema.KeyParam(k), v)
		}
		if MissingParent(t, keys) != nil {
			continue // a parent row without the key: no children to list
		}
		cur, err := s.child.open(ctx, q)
		if err != nil {
			return nil, err
		}
		s.cur = cur
	}
}

func (s *parentsSource) Close() {
	if s.cur != nil {
		s.cur.Close()
	}
	s.parents.Close()
}

// fillSource sets the key columns taken from the path on each row.
type fillSource struct {
	src  Source
	fill func([]driver.Value)
}

func (s *fillSource) Next(ctx context.Context) ([]driver.Value, error) {
	row, err := s.src.Next(ctx)
	if err == nil {
		s.fill(row)
	}
	return row, err
}

func (s *fillSource) Close() { s.src.Close() }

// SidKey is the Sid column when a Sid alone fetches a row: not in a table
// whose item path also needs a parent's key (a recording of a call), which
// is listed under its parent and filtered here instead.
func SidKey(t *schema.Table) int {
	for _, k := range t.Keys {
		if k.Parent != "" {
			return -1
		}
	}
	return SidColumn(t)
}

// PathKeyOf finds the path key a column names (INSERT INTO
// ConferenceParticipants (ConferenceSid, …)); nil for other columns.
func PathKeyOf(t *schema.Table, name string) *schema.PathKey {
	i, ok := t.Column(name)
	if !ok {
		return nil
	}
	for j := range t.Keys {
		if t.Keys[j].Column == t.Columns[i].Name {
			return &t.Keys[j]
		}
	}
	return nil
}

func KeyColumnList(t *schema.Table) string {
	var names []string
	for _, k := range t.Keys {
		if k.Param != "AccountSid" {
			names = append(names, k.Column)
		}
	}
	return strings.Join(names, ", ")
}

// RowItemPath is the item path of a row read from the table: its key (Sid
// or ItemKey) and the path keys from its columns.
func RowItemPath(client *rest.Client, t *schema.Table, row []driver.Value) (path, sid string) {
	key := "Sid"
	if t.ItemKey != "" {
		key = t.ItemKey
	}
	if i, ok := t.Column(key); ok {
		sid, _ = row[i].(string)
	}
	path = schema.Path(t.ItemPath, sid)
	if len(t.Keys) == 0 {
		return path, sid
	}
	keys := map[string]string{}
	for _, k := range t.Keys {
		if i, ok := t.Column(k.Column); ok {
			if v, ok := row[i].(string); ok {
				keys[k.Param] = v
			}
		}
	}
	if p, ok := KeyedPath(client, t, path, keys); ok {
		path = p
	}
	return path, sid
}

// SidColumn is the index of t's Sid column; -1: none.
func SidColumn(t *schema.Table) int {
	i, ok := t.Column("Sid")
	if !ok {
		return -1
	}
	return i
}
