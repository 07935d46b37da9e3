package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// referencePage is DecodePage as it was before the one-pass scanner: the
// envelope into a map, then the array into raw messages.
func referencePage(body []byte, listKey string) (*Page, error) {
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(body, &envelope); err != nil {
		return nil, err
	}
	raw, ok := envelope[listKey]
	if !ok {
		return nil, fmt.Errorf("no %q array", listKey)
	}
	page := &Page{}
	if err := json.Unmarshal(raw, &page.Items); err != nil {
		return nil, err
	}
	if next, ok := envelope["next_page_uri"]; ok {
		if err := json.Unmarshal(next, &page.NextPageURI); err != nil {
			return nil, err
		}
	}
	return page, nil
}

func samePage(t *testing.T, body string) {
	t.Helper()
	want, werr := referencePage([]byte(body), "calls")
	got, gerr := DecodePage([]byte(body), "calls", nil)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("%s: error %v, reference error %v", body, gerr, werr)
	}
	if werr != nil {
		return
	}
	if got.NextPageURI != want.NextPageURI {
		t.Errorf("%s: next %q, reference %q", body, got.NextPageURI, want.NextPageURI)
	}
	if len(got.Items) != len(want.Items) {
		t.Fatalf("%s: %d items, reference %d", body, len(got.Items), len(want.Items))
	}
	for i := range got.Items {
		// json.Unmarshal copies each element as it appears in the text.
		if !bytes.Equal(got.Items[i], want.Items[i]) {
			t.Errorf("%s: item %d = %s, reference %s", body, i, got.Items[i], want.Items[i])
		}
	}
}

func TestDecodePageMatchesReference(t *testing.T) {
	for _, body := range []string{
		`{"calls":[],"next_page_uri":null}`,
		`{"calls":[{"sid":"CA1"},{"sid":"CA2","n":[1,2,{"x":"]}\""}]}],"next_page_uri":"/2010-04-01/Accounts/AC1/Calls.json?PageSize=2&Page=1&PageToken=PACA2"}`,
		` { "end" : 1 , "calls" : [ { "a" : 1 } , 2 , "three" , null , [ ] ] , "page" : 0 } `,
		`{"next_page_uri":"/x?a=\u0026b","calls":[]}`,
		`{"next_page_uri":"/x\\/y","calls":[]}`,
		`{"calls":null}`,
		`{"calls":[],"calls":[{"sid":"last wins"}]}`,
		`{"calls":[{"sid":"CA\"1\\"}],"uri":"/\"quoted\""}`,
		`{"first_page_uri":"/a","calls":[{"price":-0.75e-2,"ok":true,"no":false}],"previous_page_uri":null}`,
		`{"messages":[]}`,
		`{"calls":{}}`,
		`{"calls":[],"next_page_uri":5}`,
		`{"calls":[}`,
		`{"calls":[1,]}`,
		`{"calls":[]`,
		`{"calls":[]} trailing`,
		`[]`,
		``,
		`{"calls":[{"a":"unterminated}]}`,
		`{"calls":[],"next_page_uri":"bad \xff utf8"}`,
	} {
		samePage(t, body)
	}
}

func TestDecodePageItemsShareTheBody(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"calls":[`)
	for i := range 1000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"sid":"CA%032d","subresource_uris":{"a":"/b\"c"}}`, i)
	}
	b.WriteString(`],"next_page_uri":null}`)
	body := []byte(b.String())
	samePage(t, string(body))
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := DecodePage(body, "calls", nil); err != nil {
			t.Fatal(err)
		}
	})
	// The page, the item slice as it grows; no copy of any item.
	if allocs > 12 {
		t.Errorf("decodePage made %v allocations for 1000 items", allocs)
	}
	page, _ := DecodePage(body, "calls", nil)
	if !reflect.DeepEqual(json.RawMessage(page.Items[999]), json.RawMessage(fmt.Sprintf(`{"sid":"CA%032d","subresource_uris":{"a":"/b\"c"}}`, 999))) {
		t.Errorf("last item %s", page.Items[999])
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"calls":[{"sid":"CA1"}],"next_page_uri":"/n"}`))
	f.Add([]byte(`{"calls":null,"next_page_uri":null}`))
	f.Add([]byte(`{"calls":[{"sid":"CA1"}],"next_page_uri":"/n"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		// A body that splits is whole (wholeListPage skips complete()
		// for it): no body cut short may split.
		if _, err := DecodePage(body, "calls", nil); err == nil && !complete(body) {
			t.Fatalf("%q splits as a page but is not complete", body)
		}
		if !json.Valid(body) {
			return
		}
		samePage(t, string(body))
	})
}

func BenchmarkDecodePage(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"calls":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"sid":"CA%032d","to":"+14155550100","from":"client:alice","status":"completed","start_time":"Tue, 31 Aug 2010 20:36:28 +0000","duration":"42","price":"-0.0075","subresource_uris":{"notifications":"/2010-04-01/Accounts/AC1/Calls/CA1/Notifications.json","recordings":"/2010-04-01/Accounts/AC1/Calls/CA1/Recordings.json"}}`, i)
	}
	sb.WriteString(`],"next_page_uri":"/2010-04-01/Accounts/AC1/Calls.json?PageSize=1000&Page=1&PageToken=PACA1"}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := DecodePage(body, "calls", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// TestListPageDecodedOnce: the transport decodes a list page as it reads it
// (wholeListPage) instead of skimming it with complete first; a page cut
// short is still retried, a page that is not JSON still named, and one that
// is JSON but no page still refused by ListPage.
func TestListPageDecodedOnce(t *testing.T) {
	whole := status(200, `{"calls": [{"sid": "CA1"}, {"sid": "CA2"}], "next_page_uri": null}`, "Content-Type", "application/json")
	c, n := scripted(t, truncated, whole)
	page, err := c.ListPage(context.Background(), c.FirstPageURI("Calls.json", nil), "calls")
	if err != nil || len(page.Items) != 2 || string(page.Items[1]) != `{"sid": "CA2"}` {
		t.Fatalf("truncated then whole: %v %v", page, err)
	}
	if n.Load() != 2 {
		t.Errorf("%d requests, want the truncated page retried once", n.Load())
	}

	html := status(200, "<html>Sign in</html>", "Content-Type", "text/html")
	c, n = scripted(t, html, html)
	if _, err := c.ListPage(context.Background(), c.FirstPageURI("Calls.json", nil), "calls"); err == nil || !strings.Contains(err.Error(), "not JSON") || n.Load() != 1 {
		t.Errorf("an HTML page: %v after %d requests, want it named not JSON after one", err, n.Load())
	}

	c, n = scripted(t) // answers {"ok":true}: whole JSON, no calls array
	if _, err := c.ListPage(context.Background(), c.FirstPageURI("Calls.json", nil), "calls"); err == nil || !strings.Contains(err.Error(), `no "calls" array`) || n.Load() != 1 {
		t.Errorf("JSON that is no page: %v after %d requests", err, n.Load())
	}
}

// itemRecorder is an ItemDecoder for tests: it finds each element's end
// with the page scanner and keeps its text; fail makes it refuse an
// element holding that text, as a decoder refuses a bad value.
type itemRecorder struct {
	begun int
	items []string
	fail  string
}

func (r *itemRecorder) BeginPage([]byte) { r.begun++; r.items = r.items[:0] }

func (r *itemRecorder) Item(body []byte, i int) (int, error) {
	s := pageScanner{b: body, i: i}
	if err := s.skip(); err != nil {
		return s.i, err
	}
	item := string(body[i:s.i])
	if r.fail != "" && strings.Contains(item, r.fail) {
		return i, fmt.Errorf("twilio: calls.duration: %q is not an integer", r.fail)
	}
	r.items = append(r.items, item)
	return s.i, nil
}

// TestListPageDecodedOnePass: with a decoder the transport walks the rows
// in the pass that reads the page. A page cut short (Content-Length
// matching) is still retried and decoded again from its start; one that
// ends before its Content-Length is retried too; malformed JSON is named
// and not retried; a value the decoder refuses in a whole page is its
// error, after one request.
func TestListPageDecodedOnePass(t *testing.T) {
	const wholeBody = `{"calls": [{"sid": "CA1"}, {"sid": "CA2", "n": [1, {"a": "]"}]}], "next_page_uri": null}`
	whole := status(200, wholeBody, "Content-Type", "application/json")
	cutInItem := status(200, wholeBody[:strings.Index(wholeBody, `"CA2"`)+3], "Content-Type", "application/json")
	shortOfLength := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(wholeBody)))
		io.WriteString(w, wholeBody[:40])
	}
	for _, first := range []struct {
		name   string
		answer func(http.ResponseWriter)
	}{{"cut in an item", cutInItem}, {"cut before the array", truncated}, {"shorter than its Content-Length", shortOfLength}} {
		t.Run(first.name, func(t *testing.T) {
			c, n := scripted(t, first.answer, whole)
			rec := &itemRecorder{}
			page, err := c.ListPageDecoded(context.Background(), c.FirstPageURI("Calls.json", nil), "calls", rec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n.Load() != 2 {
				t.Errorf("%d requests, want the page cut short retried once", n.Load())
			}
			want := []string{`{"sid": "CA1"}`, `{"sid": "CA2", "n": [1, {"a": "]"}]}`}
			if !slices.Equal(rec.items, want) || len(page.Items) != 2 || string(page.Items[1]) != want[1] {
				t.Errorf("decoded %q, page %q; want %q", rec.items, page.Items, want)
			}
		})
	}

	for _, body := range []string{
		`{"calls": [{"sid": "CA1"} {"sid": "CA2"}], "next_page_uri": null}`,
		`{"calls": [{"sid": "CA1"}], "next_page_uri": null} trailing`,
		`{"calls": [{"sid": "CA1"}, ], "next_page_uri": null}`,
	} {
		c, n := scripted(t, status(200, body, "Content-Type", "application/json"))
		_, err := c.ListPageDecoded(context.Background(), c.FirstPageURI("Calls.json", nil), "calls", &itemRecorder{}, nil)
		if err == nil || !strings.Contains(err.Error(), "not JSON") && !strings.Contains(err.Error(), "of a list page") {
			t.Errorf("%s: error %v, want the malformation named", body, err)
		}
		if n.Load() != 1 {
			t.Errorf("%s: %d requests, want 1: malformed JSON comes again, it is not retried", body, n.Load())
		}
	}

	c, n := scripted(t, whole)
	_, err := c.ListPageDecoded(context.Background(), c.FirstPageURI("Calls.json", nil), "calls", &itemRecorder{fail: "CA2"}, nil)
	if err == nil || !strings.Contains(err.Error(), "is not an integer") || n.Load() != 1 {
		t.Errorf("a value refused: %v after %d requests, want the decoder's error after one", err, n.Load())
	}
	// The same value in a page cut short: the cut is what counts.
	c, n = scripted(t, status(200, wholeBody[:len(wholeBody)-30], "Content-Type", "application/json"), whole)
	if _, err := c.ListPageDecoded(context.Background(), c.FirstPageURI("Calls.json", nil), "calls", &itemRecorder{fail: "CA2"}, nil); err == nil || n.Load() != 2 {
		t.Errorf("a value refused in a page cut short: %v after %d requests, want it retried, then refused", err, n.Load())
	}
}

// TestListPageDecodedLends: a body read for a one-pass call is the
// caller's (Page.Body) with room for a page a little longer; lent back,
// the next page is read into it (a retried attempt too), one too small is
// not used, and a body a cache keeps is never handed out as the caller's.
func TestListPageDecodedLends(t *testing.T) {
	pageOf := func(sids ...string) string {
		var items []string
		for _, s := range sids {
			items = append(items, `{"sid": "`+s+`"}`)
		}
		return `{"calls": [` + strings.Join(items, ", ") + `], "next_page_uri": null}`
	}
	first, second := pageOf("CA1", "CA2"), pageOf("CA3", "CA4")
	cut := status(200, second[:len(second)-20], "Content-Type", "application/json")
	c, _ := scripted(t, status(200, first, "Content-Type", "application/json"), cut, status(200, second, "Content-Type", "application/json"),
		status(200, pageOf("CA5", "CA6", "CA7", "CA8", "CA9"), "Content-Type", "application/json"))
	ctx := context.Background()
	uri := c.FirstPageURI("Calls.json", nil)
	rec := &itemRecorder{}
	p1, err := c.ListPageDecoded(ctx, uri, "calls", rec, nil)
	if err != nil || string(p1.Body) != first || cap(p1.Body) <= len(first) {
		t.Fatalf("first page: %v, body %q (cap %d)", err, p1.Body, cap(p1.Body))
	}
	lent := p1.Body
	p2, err := c.ListPageDecoded(ctx, uri, "calls", rec, lent)
	if err != nil || string(p2.Body) != second || &p2.Body[0] != &lent[:1][0] {
		t.Fatalf("second page (cut short once, then whole): %v, body %q, in the lent buffer: %v", err, p2.Body, err == nil && &p2.Body[0] == &lent[:1][0])
	}
	if !slices.Equal(rec.items, []string{`{"sid": "CA3"}`, `{"sid": "CA4"}`}) || string(p2.Items[1]) != `{"sid": "CA4"}` {
		t.Errorf("second page items %q, decoded %q", p2.Items, rec.items)
	}
	p3, err := c.ListPageDecoded(ctx, uri, "calls", rec, p2.Body[:0:len(second)-5])
	if err != nil || len(p3.Items) != 5 || &p3.Body[0] == &p2.Body[0] {
		t.Errorf("a page longer than the lent buffer: %v, %d items, read into the lent buffer: %v", err, len(p3.Items), err == nil && &p3.Body[0] == &p2.Body[0])
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, first)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	cached, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base, Cache: NewCache(time.Minute, 1<<20)})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // read, then answered by the cache
		page, err := cached.ListPageDecoded(ctx, uri, "calls", rec, nil)
		if err != nil || page.Body != nil || len(page.Items) != 2 {
			t.Errorf("a cached page: %v, body handed out: %q", err, page.Body)
		}
	}
}

// TestWithLenderLendsAfterTheGate: a Lender is asked for a buffer only once
// the answer is let in (after BeforeBody), once for a request whatever its
// retries, and not when the caller lent one; the body is read into it.
func TestWithLenderLendsAfterTheGate(t *testing.T) {
	page := `{"calls": [{"sid": "CA1"}, {"sid": "CA2"}], "next_page_uri": null}`
	cut := status(200, page[:len(page)-20], "Content-Type", "application/json")
	whole := status(200, page, "Content-Type", "application/json")
	c, _ := scripted(t, cut, whole, whole)
	var events []string
	spare := make([]byte, 0, 2*len(page))
	ctx := WithBeforeBody(context.Background(), func(context.Context) error {
		events = append(events, "gate")
		return nil
	})
	ctx = WithLender(ctx, func() []byte {
		events = append(events, "lend")
		return spare
	})
	uri := c.FirstPageURI("Calls.json", nil)
	p, err := c.ListPageDecoded(ctx, uri, "calls", &itemRecorder{}, nil)
	if err != nil || string(p.Body) != page || &p.Body[0] != &spare[:1][0] {
		t.Fatalf("a page (cut short once, then whole): %v, body %q, in the lender's buffer: %v", err, p.Body, err == nil && &p.Body[0] == &spare[:1][0])
	}
	if want := []string{"gate", "lend", "gate"}; !slices.Equal(events, want) {
		t.Errorf("calls %q, want %q: lent after the gate, once", events, want)
	}
	events = nil
	own := make([]byte, 0, 2*len(page))
	if p, err := c.ListPageDecoded(ctx, uri, "calls", &itemRecorder{}, own); err != nil || &p.Body[0] != &own[:1][0] || slices.Contains(events, "lend") {
		t.Errorf("a buffer passed in: %v, lender called: %v", err, slices.Contains(events, "lend"))
	}
}
