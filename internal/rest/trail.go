package rest

import (
	"fmt"
	"net/url"
	"strings"
)

// A next_page_uri comes from the server and is followed with our
// credentials, so it is trusted no further than this: it must be a path
// (no scheme, no host) on the very list endpoint the listing started on,
// under /2010-04-01/Accounts/<our account>/, and a listing never reads the
// same page twice. Anything else is an error saying which rule it broke.

// checkNext checks the next_page_uri a page at uri (a path with a query,
// as ListPage gets it) gave.
func (c *Client) checkNext(uri, next string) error {
	if next == "" {
		return nil
	}
	listPath, _, _ := strings.Cut(uri, "?")
	refuse := func(why string) error {
		return fmt.Errorf("twilio: the list page of %s gave next_page_uri %q, which is %s: only pages of the same list endpoint of the same account are followed, so the listing stops here", listPath, clipURI(next), why)
	}
	u, err := url.Parse(next)
	switch {
	case err != nil:
		return refuse("not a valid URI")
	case u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(next, "//"):
		return refuse("an absolute URL (another host)")
	case u.Fragment != "" || u.Opaque != "":
		return refuse("not a plain path")
	}
	path := u.EscapedPath()
	// The account is the one of the listing's own path: a subaccount's
	// list (queried with the master's credentials) pages under it.
	account := c.account
	if rest, ok := strings.CutPrefix(listPath, APIVersion+"/Accounts/"); ok {
		if a, _, found := strings.Cut(rest, "/"); found {
			account = a
		}
	}
	accountPrefix := APIVersion + "/Accounts/" + account + "/"
	switch {
	case !strings.HasPrefix(path, APIVersion+"/"):
		return refuse("outside " + APIVersion + "/")
	case listPath == APIVersion+"/Accounts.json" && path == listPath:
		return nil // the list of accounts itself
	case !strings.HasPrefix(path, APIVersion+"/Accounts/"+account):
		return refuse("in another account")
	case !strings.HasPrefix(path, accountPrefix):
		return refuse("another endpoint")
	case path != listPath:
		return refuse("another endpoint")
	}
	return nil
}

func clipURI(s string) string {
	const max = 160
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// Trail remembers the pages one listing has read, so that a server whose
// next_page_uri leads back to a page already read (the same one forever,
// or a cycle) ends the listing with an error instead of looping until the
// deadline. A Trail is used by one goroutine at a time.
type Trail struct {
	seen map[string]struct{}
}

// NewTrail starts the trail of a listing at its first page.
func NewTrail(firstURI string) *Trail {
	return &Trail{seen: map[string]struct{}{firstURI: {}}}
}

// Follow records next, the next_page_uri of the page just read ("" on the
// last page), and fails if the listing has read that page already.
func (t *Trail) Follow(next string) error {
	if next == "" {
		return nil
	}
	if _, ok := t.seen[next]; ok {
		path, _, _ := strings.Cut(next, "?")
		return fmt.Errorf("twilio: the listing of %s was sent back to a page it has already read (next_page_uri %q, after %d pages): the server repeats its pages, so the listing stops here", path, clipURI(next), len(t.seen))
	}
	t.seen[next] = struct{}{}
	return nil
}
