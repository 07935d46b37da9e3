package plan

import (
	"database/sql/driver"
	"fmt"
	"net/url"

	"github.com/twiliosql/twiliosql/schema"
)

// Write is an INSERT, UPDATE or DELETE: its target rows read (Target, for
// an UPDATE or DELETE whose WHERE is more than Sids), then one request per
// resource, in order, each checked before the first is sent.
type Write struct {
	Verb  string // INSERT, UPDATE or DELETE
	Table *schema.Table
	// Requests are the requests known when planned (INSERT, a write by
	// Sid); with a Target, Build makes one of each row it yields.
	Requests []WriteRequest
	Target   Node // a query whose one result column is the whole row
	Build    func(row []driver.Value) (WriteRequest, error)
	// MaxRows is the most resources the statement may change.
	MaxRows int
	// Guard, when set, counts the rows Target's filter saw and passed: a
	// WHERE clause no filter or Sid narrowed must not match every row
	// listed (the bulk-write guard).
	Guard *WriteGuard
}

// WriteRequest is one create, update or delete.
type WriteRequest struct {
	Method string // POST or DELETE
	Path   string
	Sid    string // the resource's Sid, when known before the request
	Form   url.Values
}

// WriteGuard counts the rows a write's WHERE clause was checked on
// (Listed) and matched (Matched); Refuse is the error when it matched
// every one.
type WriteGuard struct {
	Listed, Matched int
	Refuse          func(listed, matched int) error
}

func (w *Write) Children() []Node {
	if w.Target == nil {
		return nil
	}
	return []Node{w.Target}
}

func (w *Write) WithChildren(children ...Node) (Node, error) {
	if err := childCount(w, children, len(w.Children())); err != nil {
		return nil, err
	}
	out := *w
	if len(children) == 1 {
		out.Target = children[0]
	}
	return &out, nil
}

func (w *Write) String() string { return fmt.Sprintf("Write(%s %s)", w.Verb, w.Table.Name) }
