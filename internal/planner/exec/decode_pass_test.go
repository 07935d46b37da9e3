package exec

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// twoPass decodes a page as before the one pass: split, then each item
// walked and converted by Decode.
func twoPass(t *schema.Table, body []byte) ([][]driver.Value, error) {
	page, err := rest.DecodePage(body, t.ListKey, nil)
	if err != nil {
		return nil, err
	}
	d := NewDecoder(t)
	var rows [][]driver.Value
	for _, item := range page.Items {
		row := make([]driver.Value, len(t.Columns))
		if err := d.Decode(item, row); err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// onePass decodes a page as ListSource does: the walk in the pass that
// splits the page, then each row converted from its fields. walkErr is
// the pass's error (the page refused as a whole), err a row's.
func onePass(t *schema.Table, body []byte) (rows [][]driver.Value, walkErr, err error) {
	p := newPageFields(NewDecoder(t))
	page, walkErr := rest.DecodePage(body, t.ListKey, p)
	list, walked := p.take()
	if walkErr != nil {
		return nil, walkErr, nil
	}
	if walked != len(page.Items) {
		return nil, fmt.Errorf("%d items walked of %d", walked, len(page.Items)), nil
	}
	d := NewDecoder(t)
	for _, item := range page.Items {
		fields, rest, ok := nextFields(list)
		if !ok {
			return rows, nil, errors.New("no fields for an item")
		}
		list = rest
		row := make([]driver.Value, len(t.Columns))
		if err := d.fill(item, fields, row); err != nil {
			return rows, nil, err
		}
		rows = append(rows, row)
	}
	if len(list) != 0 {
		return rows, nil, errors.New("fields left over")
	}
	return rows, nil, nil
}

// samePass checks that the one pass gives what the two passes gave: the
// same rows, an error where they gave one (at the page, or at the same
// row), and that a page it accepts whole the split accepts too (the split
// accepts only whole bodies: rest's FuzzDecodePage).
func samePass(t *testing.T, tbl *schema.Table, body []byte) {
	t.Helper()
	want, werr := twoPass(tbl, body)
	got, walkErr, gerr := onePass(tbl, body)
	if walkErr != nil {
		if werr == nil {
			t.Fatalf("%s: the one pass refused the page (%v), the split and Decode did not", body, walkErr)
		}
		return
	}
	if werr != nil && gerr == nil {
		t.Fatalf("%s: the one pass accepted the page, the split and Decode refused it: %v", body, werr)
	}
	if (werr == nil) != (gerr == nil) || len(got) != len(want) {
		t.Fatalf("%s: one pass %d rows, %v; two passes %d rows, %v", body, len(got), gerr, len(want), werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: one pass\n%v\ntwo passes\n%v", body, got, want)
	}
}

func TestPagePassMatchesTwoPasses(t *testing.T) {
	for _, body := range []string{
		`{"messages":[],"next_page_uri":null}`,
		`{"messages":null}`,
		`{"messages":[null,{},{"sid":"SM1","num_segments":"2","price":"-0.0075","date_sent":"Tue, 31 Aug 2010 20:36:28 +0000"}]}`,
		`{"messages":[{"sid":"SM1","sid":"SM2","body":"a\"b\\\u00e9"},{"sid":null,"sid":"SM3"}]}`,
		`{"messages":[{"account_sid":"AC1","status":"sent"},{"account_sid":"AC1","status":"sent"},{"account_sid":"AC2","status":"sent","status":null}]}`,
		`{"messages":[{"num_segments":"abc"}]}`,
		`{"messages":[{"sid":"SM1"},{"num_segments":"x"},{"sid":"SM3"}]}`,
		`{"messages":[{"sid":"SM1"} {"sid":"SM2"}]}`,
		`{"messages":[{"sid":"SM1",}]}`,
		`{"messages":[{"sid" "SM1"}]}`,
		`{"messages":[1]}`,
		`{"messages":["text"]}`,
		`{"messages":[nul]}`,
		`{"messages":[{"sid":"SM1"}],"messages":[{"sid":"SM2"}]}`,
		`{"messages":[{"subresource_uris":{"media":"/x]}\""}}]}`,
		`{"messages":[{"sid":"SM1"}]} x`,
		`{"messages":[{"sid":"SM1"}]`,
		`{"messages":[{"sid":"SM`,
		`{"messages":[{"sid":"SM1","subresource_uris":{"a":[1,2`,
		`{"messages":[{"sid":"SM1"},n`,
		`{"messages":[{"s\u0069d":"SM1"}]}`,
	} {
		samePass(t, schema.Messages, []byte(body))
	}
	// Every cut of a page is refused by the pass, as cut short.
	full := []byte(`{"messages":[{"sid":"SM1","num_segments":"2","body":"a\"b","subresource_uris":{"media":"/m"}},null,{"sid":"SM2","price":-0.5}],"next_page_uri":"/n"}`)
	for n := range len(full) {
		p := newPageFields(NewDecoder(schema.Messages))
		body := full[:n:n]
		if _, err := rest.DecodePage(body, "messages", p); err == nil {
			t.Errorf("%s: a page cut short was accepted", body)
		}
	}
	samePass(t, schema.Messages, full)
}

func FuzzPagePass(f *testing.F) {
	for _, s := range []string{
		`{"messages":[{"sid":"SM1","num_segments":"2","price":"-0.0075","date_sent":"Tue, 31 Aug 2010 20:36:28 +0000"},null],"next_page_uri":null}`,
		`{"calls":[{"sid":"CA1","duration":"3","subresource_uris":{"a":"b"}},{"sid":"CA1","duration":"3"}]}`,
		`{"messages":[{"sid":"SM1"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		samePass(t, schema.Messages, body)
		samePass(t, schema.Calls, body)
	})
}

// TestListSourceOnePass: a ListSource reads its pages in the one pass; a
// page cut short (its Content-Length matching) is retried and its rows are
// the whole page's; a row's bad value is that row's error, after the rows
// before it; a malformed page is refused at once, not retried.
func TestListSourceOnePass(t *testing.T) {
	whole := `{"messages":[{"sid":"SM1","account_sid":"AC1","num_segments":"1"},{"sid":"SM2","account_sid":"AC1","num_segments":"300"}],"next_page_uri":null}`
	badValue := `{"messages":[{"sid":"SM1"},{"sid":"SM2","num_segments":"many"}],"next_page_uri":null}`
	malformed := `{"messages":[{"sid":"SM1"},{"sid":"SM2" "num_segments":"1"}],"next_page_uri":null}`
	read := func(t *testing.T, answers ...string) ([][]driver.Value, error, int32) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			i := int(n.Add(1)) - 1
			body := answers[min(i, len(answers)-1)]
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			io.WriteString(w, body)
		}))
		defer srv.Close()
		base, _ := url.Parse(srv.URL)
		c, err := rest.New(rest.Options{AccountSid: "AC1", Username: "AC1", Password: "token", Base: base,
			Retry: rest.RetryPolicy{MaxRetries: 3, Timeout: 5 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		src := NewListSource(c, schema.Messages, c.FirstPageURI(schema.Messages.ListPath, nil))
		src.Fresh = true
		ctx := context.Background()
		if err := src.Fetch(ctx); err != nil {
			return nil, err, n.Load()
		}
		var rows [][]driver.Value
		for {
			row, err := src.Next(ctx)
			if err == io.EOF {
				return rows, nil, n.Load()
			}
			if err != nil {
				return rows, err, n.Load()
			}
			rows = append(rows, row)
		}
	}
	sid, _ := schema.Messages.Column("Sid")
	segments, _ := schema.Messages.Column("NumSegments")
	for _, cut := range []int{len(whole) - 1, len(whole) - 40, 30, 1} {
		rows, err, n := read(t, whole[:cut], whole)
		if err != nil || n != 2 || len(rows) != 2 || rows[1][sid] != "SM2" || rows[1][segments] != int64(300) || rows[0][segments] != int64(1) {
			t.Errorf("cut at %d, then whole: %v %v after %d requests", cut, rows, err, n)
		}
	}
	rows, err, n := read(t, badValue)
	if len(rows) != 1 || err == nil || !strings.Contains(err.Error(), `"many" is not an integer`) || n != 1 {
		t.Errorf("a bad value in row 2: %d rows, %v after %d requests; want row 1, then the value named", len(rows), err, n)
	}
	rows, err, n = read(t, malformed)
	if len(rows) != 0 || err == nil || !strings.Contains(err.Error(), "not a JSON object") || n != 1 {
		t.Errorf("a malformed row: %d rows, %v after %d requests; want the page refused, named, once", len(rows), err, n)
	}
}

// TestListSourceLendsBodies: pages read one after the other, fetched on
// demand or ahead, each into the body of a page done with, give every row
// of every page as the two passes read them: no row points into a body
// lent again.
func TestListSourceLendsBodies(t *testing.T) {
	const pages = 6
	path := "/2010-04-01/Accounts/AC1/" + schema.Messages.ListPath
	bodies := make([]string, pages)
	var want [][]driver.Value
	for p := range pages {
		var items []string
		for k := range 3 + p%3 { // pages of different lengths
			items = append(items, fmt.Sprintf(`{"sid":"SM%d_%d","body":"text \"%d\" of page %d","num_segments":"%d","status":"%s","account_sid":"AC1","subresource_uris":{"media":"/m/%d"}}`,
				p, k, k, p, 300+k, []string{"sent", "queued"}[k%2], k))
		}
		next := "null"
		if p+1 < pages {
			next = fmt.Sprintf(`"%s?Page=%d"`, path, p+1)
		}
		bodies[p] = `{"messages":[` + strings.Join(items, ",") + `],"next_page_uri":` + next + `}`
		rows, err := twoPass(schema.Messages, []byte(bodies[p]))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, rows...)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("Page"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, bodies[p])
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	c, err := rest.New(rest.Options{AccountSid: "AC1", Username: "AC1", Password: "token", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	for _, ahead := range []bool{false, true} {
		for _, fresh := range []bool{false, true} {
			src := NewListSource(c, schema.Messages, path)
			src.Fresh = fresh
			ctx := context.Background()
			if err := src.Fetch(ctx); err != nil {
				t.Fatal(err)
			}
			if ahead {
				src.PrefetchAt = 1000
			}
			var got [][]driver.Value
			for {
				row, err := src.Next(ctx)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, append([]driver.Value(nil), row...))
			}
			src.Close()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ahead %v, fresh %v: rows differ from the two passes:\n%v\n%v", ahead, fresh, got, want)
			}
		}
	}
}
