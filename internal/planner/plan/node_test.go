package plan

import (
	"net/url"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/schema"
)

func testTree() Node {
	calls := &schema.Table{Name: "Calls"}
	recs := &schema.Table{Name: "Recordings"}
	join := &Join{Left: &Scan{Table: calls, Query: url.Values{"Status": {"busy"}}, PageSize: 50}, Right: &Scan{Table: recs, Query: url.Values{}, PageSize: 50}, Label: "r"}
	return &Limit{Child: &Project{Child: &Filter{Child: join, Text: "WHERE …"}, Columns: []Column{{Name: "Sid"}}}, Limit: 5}
}

// Transform rebuilds a tree bottom-up, copying the nodes above a change
// and leaving the tree it was given as it was.
func TestTransform(t *testing.T) {
	tree := testTree()
	before := Format(tree)
	got, changed, err := Transform(tree, func(n Node) (Node, bool, error) {
		if s, ok := n.(*Scan); ok && s.Table.Name == "Calls" {
			out := *s
			out.PageSize = 5
			return &out, true, nil
		}
		return n, false, nil
	})
	if err != nil || !changed {
		t.Fatalf("Transform: changed %v, err %v", changed, err)
	}
	if Format(tree) != before {
		t.Errorf("the original tree changed:\n%s", Format(tree))
	}
	want := "Limit(5 OFFSET 0)\n  Project(Sid)\n    Filter(WHERE …)\n      Join(JOIN r, read once)\n        Scan(Calls?Status=busy PageSize=5)\n        Scan(Recordings? PageSize=50)\n"
	if s := Format(got); s != want {
		t.Errorf("Format =\n%s\nwant\n%s", s, want)
	}
	_, changed, _ = Transform(tree, func(n Node) (Node, bool, error) { return n, false, nil })
	if changed {
		t.Error("a rule that changes nothing reported a change")
	}
}

// WithChildren takes as many children as the node has.
func TestWithChildrenArity(t *testing.T) {
	for _, n := range []Node{testTree(), &Scan{Table: &schema.Table{Name: "Calls"}}, &Union{Branches: []Node{&Empty{}, &Empty{}}}} {
		kids := n.Children()
		if _, err := n.WithChildren(append(kids, &Empty{})...); err == nil || !strings.Contains(err.Error(), "children") {
			t.Errorf("%s.WithChildren with one child too many: err = %v", n, err)
		}
		if _, err := n.WithChildren(kids...); err != nil {
			t.Errorf("%s.WithChildren(its children): %v", n, err)
		}
	}
}
