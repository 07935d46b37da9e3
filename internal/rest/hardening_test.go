package rest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// hostileLister serves one list endpoint whose every page has one call and
// the given next_page_uri; it counts the requests it gets and fails the test
// if a request leaves the list endpoint it was asked for.
func hostileLister(t *testing.T, next func(page int) string) (*Client, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	listPath := APIVersion + "/Accounts/" + testAccount + "/Calls.json"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		if r.URL.Path != listPath {
			t.Errorf("the client followed a next_page_uri to %s", r.URL.Path)
		}
		nextURI := "null"
		if v := next(i); v != "" {
			nextURI = fmt.Sprintf("%q", v)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"calls": [{"sid": "CA%032d"}], "next_page_uri": %s, "page": %d}`, i, nextURI, i-1)
	}))
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

// readAll pages through a listing as the planner does, with a Trail, and
// stops after limit pages (a listing that never ends).
func readAll(c *Client, limit int) (pages int, err error) {
	uri := c.FirstPageURI("Calls.json", url.Values{"PageSize": {"1"}})
	trail := NewTrail(uri)
	for uri != "" && pages < limit {
		page, err := c.ListPage(context.Background(), uri, "calls")
		if err != nil {
			return pages, err
		}
		pages++
		if err := trail.Follow(page.NextPageURI); err != nil {
			return pages, err
		}
		uri = page.NextPageURI
	}
	return pages, nil
}

func TestHardening11_SameNextPageForever(t *testing.T) {
	same := APIVersion + "/Accounts/" + testAccount + "/Calls.json?PageSize=1&Page=1&PageToken=PAloop"
	c, n := hostileLister(t, func(int) string { return same })
	pages, err := readAll(c, 1000)
	if err == nil || !strings.Contains(err.Error(), "already read") || !strings.Contains(err.Error(), "repeats its pages") {
		t.Fatalf("after %d pages: err = %v, want the repeated page named", pages, err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("%d requests, want 2 (the first page and the one repeated once)", got)
	}
}

func TestHardening11_NextPageCycle(t *testing.T) {
	a := APIVersion + "/Accounts/" + testAccount + "/Calls.json?PageSize=1&Page=1&PageToken=PAa"
	b := APIVersion + "/Accounts/" + testAccount + "/Calls.json?PageSize=1&Page=2&PageToken=PAb"
	c, n := hostileLister(t, func(i int) string {
		if i%2 == 1 {
			return a
		}
		return b
	})
	if _, err := readAll(c, 1000); err == nil || !strings.Contains(err.Error(), "already read") {
		t.Fatalf("err = %v", err)
	}
	if got := n.Load(); got > 4 {
		t.Errorf("%d requests for a two-page cycle", got)
	}
}

func TestHardening11_NextPageLeavesTheEndpoint(t *testing.T) {
	other := "AC" + strings.Repeat("9", 32)
	for _, tc := range []struct {
		name, next, want string
	}{
		{"another account", APIVersion + "/Accounts/" + other + "/Calls.json?Page=1&PageToken=PA1", "in another account"},
		{"admin", "/admin/users.json?Page=1", "outside /2010-04-01/"},
		{"v1", "/v1/Services.json?Page=1", "outside /2010-04-01/"},
		{"another host", "https://evil.example/2010-04-01/Accounts/" + testAccount + "/Calls.json?Page=1", "an absolute URL (another host)"},
		{"scheme-relative host", "//evil.example/2010-04-01/Accounts/" + testAccount + "/Calls.json", "an absolute URL (another host)"},
		{"another endpoint", APIVersion + "/Accounts/" + testAccount + "/Messages.json?Page=1", "another endpoint"},
		{"dot segments", APIVersion + "/Accounts/" + testAccount + "/Calls.json/../../" + other + "/Calls.json", "another endpoint"},
		{"account resource", APIVersion + "/Accounts/" + testAccount + ".json", "another endpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, n := hostileLister(t, func(int) string { return tc.next })
			pages, err := readAll(c, 10)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "only pages of the same list endpoint") {
				t.Fatalf("after %d pages: err = %v, want %q", pages, err, tc.want)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("%d requests, want 1: the next page must not be fetched", got)
			}
		})
	}
}

func TestHardening11_HonestPagingStillWorks(t *testing.T) {
	c, n := hostileLister(t, func(i int) string {
		if i == 5 {
			return ""
		}
		return fmt.Sprintf("%s/Accounts/%s/Calls.json?PageSize=1&Page=%d&PageToken=PA%d", APIVersion, testAccount, i, i)
	})
	pages, err := readAll(c, 100)
	if err != nil || pages != 5 || n.Load() != 5 {
		t.Fatalf("pages %d, requests %d, err %v", pages, n.Load(), err)
	}
}

// Whatever a server puts in next_page_uri, checkNext never panics, and what
// it accepts is a path on the list endpoint itself.
func FuzzCheckNext(f *testing.F) {
	list := APIVersion + "/Accounts/" + testAccount + "/Calls.json"
	for _, seed := range []string{
		list + "?PageSize=50&Page=1&PageToken=PA1",
		"/admin/x", "//evil.example" + list, "https://evil.example" + list,
		list + "/../../AC1/Calls.json", list + "#frag", "%zz", "",
		APIVersion + "/Accounts/" + testAccount + "%2FCalls.json",
	} {
		f.Add(seed)
	}
	c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, next string) {
		if err := c.checkNext(list+"?PageSize=50", next); err != nil || next == "" {
			return
		}
		u, err := url.Parse(next)
		if err != nil || u.Host != "" || u.Scheme != "" || u.EscapedPath() != list {
			t.Fatalf("accepted %q", next)
		}
	})
}
