package twiliotest

import (
	"bytes"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// lister describes one list endpoint.
//
// PageToken scheme: "PA" + the Sid of the last row of the previous page
// (the next page starts after it), or "PB" + the Sid of the first row of
// the following page (the previous page ends before it), as Twilio's own
// tokens look ("PACAxxxx…"). Rows are never physically removed from the
// list order, so a token stays valid after its row is deleted. Without a
// PageToken, Page=N skips N*PageSize matching rows.
type lister struct {
	key    string   // list key, e.g. "calls"
	path   string   // e.g. "Calls.json"
	params []string // filter parameters carried in the page URIs
	idx    *index
	match  func(row int32) bool // nil matches every row
	render func(row int32) any
}

type pageParams struct {
	size  int
	page  int
	token string
}

func (c *ctx) pageParams() (pageParams, *apiError) {
	p := pageParams{size: defaultPageSize}
	if v, ok := c.first("PageSize"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > maxPageSize {
			return p, errParam("Invalid PageSize '%s': PageSize must be an integer between 1 and %d", v, maxPageSize)
		}
		p.size = n
	}
	if v, ok := c.first("Page"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return p, errParam("Invalid Page '%s': Page must be a non-negative integer", v)
		}
		p.page = n
	}
	if v, ok := c.first("PageToken"); ok {
		p.token = v
	}
	return p, nil
}

// first returns the first value of a query parameter, if present and non-empty.
func (c *ctx) first(name string) (string, bool) {
	for _, v := range c.q[name] {
		if v != "" {
			return v, true
		}
	}
	return "", false
}

func (c *ctx) list(l lister) (int, any) {
	pp, aerr := c.pageParams()
	if aerr != nil {
		return 400, aerr
	}
	x := l.idx
	ok := func(row int32) bool { return !x.dead[row] && (l.match == nil || l.match(row)) }

	var rows []int32
	var moreAfter, moreBefore bool
	backward := false
	start, skip := 0, 0
	switch {
	case pp.token == "":
		skip = pp.page * pp.size
	case len(pp.token) == 36 && (pp.token[:2] == "PA" || pp.token[:2] == "PB"):
		row, found := x.lookup(pp.token[2:])
		if !found {
			return 400, errParam("Invalid PageToken '%s'", pp.token)
		}
		start = x.pos(row)
		if pp.token[:2] == "PA" {
			start++
		} else {
			backward = true
		}
	default:
		return 400, errParam("Invalid PageToken '%s'", pp.token)
	}

	if !backward {
		rows = make([]int32, 0, min(pp.size, 256))
		for p := start; p < len(x.order); p++ {
			row := x.order[p]
			if !ok(row) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if len(rows) == pp.size {
				moreAfter = true
				break
			}
			rows = append(rows, row)
		}
		moreBefore = pp.page > 0
	} else {
		for p := start - 1; p >= 0; p-- {
			row := x.order[p]
			if !ok(row) {
				continue
			}
			if len(rows) == pp.size {
				moreBefore = true
				break
			}
			rows = append(rows, row)
		}
		slices.Reverse(rows)
		for p := start; p < len(x.order); p++ {
			if ok(x.order[p]) {
				moreAfter = true
				break
			}
		}
	}

	filters := c.carried(l.params)
	pageURI := func(page int, token string) string {
		u := c.uri(l.path) + "?" + filters + "PageSize=" + strconv.Itoa(pp.size) + "&Page=" + strconv.Itoa(page)
		if token != "" {
			u += "&PageToken=" + url.QueryEscape(token)
		}
		return u
	}
	var next, prev *string
	if moreAfter && len(rows) > 0 {
		next = sp(pageURI(pp.page+1, "PA"+x.sidString(rows[len(rows)-1])))
	}
	if moreBefore && pp.page > 0 && len(rows) > 0 {
		prev = sp(pageURI(pp.page-1, "PB"+x.sidString(rows[0])))
	}
	startIdx := pp.page * pp.size
	end := startIdx
	if len(rows) > 0 {
		end = startIdx + len(rows) - 1
	}

	var buf bytes.Buffer
	buf.Grow(len(rows)*1200 + 512)
	fields := []string{"end", "first_page_uri", l.key, "next_page_uri", "page", "page_size", "previous_page_uri", "start", "uri"}
	slices.Sort(fields)
	buf.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('"')
		buf.WriteString(f)
		buf.WriteString(`":`)
		switch f {
		case l.key:
			buf.WriteByte('[')
			for j, row := range rows {
				if j > 0 {
					buf.WriteByte(',')
				}
				appendJSON(&buf, l.render(row))
			}
			buf.WriteByte(']')
		case "end":
			buf.WriteString(strconv.Itoa(end))
		case "first_page_uri":
			appendJSON(&buf, pageURI(0, ""))
		case "next_page_uri":
			appendJSON(&buf, next)
		case "page":
			buf.WriteString(strconv.Itoa(pp.page))
		case "page_size":
			buf.WriteString(strconv.Itoa(pp.size))
		case "previous_page_uri":
			appendJSON(&buf, prev)
		case "start":
			buf.WriteString(strconv.Itoa(startIdx))
		case "uri":
			appendJSON(&buf, pageURI(pp.page, pp.token))
		}
	}
	buf.WriteByte('}')
	return 200, buf.Bytes()
}

// carried renders the known, non-empty filter parameters of the request in
// the order received, each followed by "&", for the page URIs.
func (c *ctx) carried(params []string) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, kv := range c.qOrder {
		if kv[1] == "" || seen[kv[0]] || !slices.Contains(params, kv[0]) {
			continue
		}
		seen[kv[0]] = true
		b.WriteString(url.QueryEscape(kv[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv[1]))
		b.WriteByte('&')
	}
	return b.String()
}
