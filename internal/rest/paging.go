package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"unicode/utf8"
)

// Page is one page of a list endpoint.
type Page struct {
	// Items are the resources, undecoded. They are slices of the page's
	// body, not copies: the body stays in memory while any item does.
	Items       []json.RawMessage
	NextPageURI string // "" on the last page
	// Body is the page's body when it is the caller's alone (read for this
	// call, in no cache), else nil. A caller done with every item (and with
	// nothing else pointing into it) may lend it to its next
	// ListPageDecoded to read into: memory already touched is faster to
	// write than a new megabyte.
	Body []byte
}

// FirstPageURI is the URI of the first page of a list endpoint: path relative
// to the account, the filters, and PageSize.
func (c *Client) FirstPageURI(path string, query url.Values) string {
	uri := c.resolve(path)
	if len(query) > 0 {
		uri += "?" + query.Encode()
	}
	return uri
}

// ListPage fetches the page at uri (from FirstPageURI or a next_page_uri) and
// splits out the array under listKey. A next_page_uri that leaves the list
// endpoint is an error (see checkNext); a Trail catches repeated pages.
func (c *Client) ListPage(ctx context.Context, uri, listKey string) (*Page, error) {
	return c.ListPageDecoded(ctx, uri, listKey, nil, nil)
}

// ItemDecoder decodes the resources of a list page in the one pass that
// reads the page (ListPageDecoded, DecodePage): the page's envelope is
// walked here, each element of its array by the decoder, which reads every
// byte of it and says where it ends. A body cut short or malformed fails
// in that pass, so the transport retries it or names it as it did after a
// separate skim.
type ItemDecoder interface {
	// BeginPage starts decoding body: whatever was decoded of an earlier
	// body (an attempt that failed and was retried) is dropped.
	BeginPage(body []byte)
	// Item decodes the element that starts at body[i] (not a space) and
	// returns the index just past it. Any malformation is an error; end is
	// then len(body) when the body ended before the element did, so that
	// the page is reported cut short.
	Item(body []byte, i int) (end int, err error)
}

// ListPageDecoded is ListPage whose items are also decoded by dec in the
// same pass over the body (nil: only split). On success dec holds the
// page's items, one for each of page.Items, in order; on failure what it
// holds is undefined. lend, when not nil, is a buffer the caller gives up
// (the Body of a page it is done with): the body is read into it when it
// fits. Whatever happens, the caller must not touch lend again.
func (c *Client) ListPageDecoded(ctx context.Context, uri, listKey string, dec ItemDecoder, lend []byte) (*Page, error) {
	decoded := &listDecode{key: listKey, dec: dec, lent: lend}
	body, err := c.Get(context.WithValue(ctx, listDecodeKey{}, decoded), uri, nil)
	if err != nil {
		return nil, err
	}
	page, err := decoded.page, decoded.err
	own := len(body) > 0 && len(decoded.body) == len(body) && &decoded.body[0] == &body[0]
	if !own {
		// Not the body the transport decoded (a cached answer, or an
		// attempt that failed after): decode it here.
		page, err = DecodePage(body, listKey, dec)
	}
	if err != nil {
		return nil, err
	}
	if own && !cacheable(ctx, c.cache) {
		page.Body = body
	}
	if err := c.checkNext(c.resolve(uri), page.NextPageURI); err != nil {
		return nil, err
	}
	return page, nil
}

// listDecode carries a list page from the transport, which decodes the
// body as soon as it is read, to ListPageDecoded: the pass that finds every
// item's end also proves the body whole, so the body is not skimmed twice
// (see wholeListPage).
type listDecode struct {
	key  string
	dec  ItemDecoder
	lent []byte // a buffer the caller gave up, to read a 2xx body into
	body []byte // the body page (or err) was decoded from
	page *Page
	err  error
}

type listDecodeKey struct{}

// wholeListPage decodes the body of a 2xx answer to ListPage's request and
// reports whether it is a list page. One that is is whole: DecodePage reads
// every byte of it, brackets matched and nothing after the envelope, which
// is what complete checks; one that is not is left to complete, so that a
// body cut short is retried and one that is not JSON is reported as before
// (one that is whole keeps its error for ListPageDecoded).
func wholeListPage(req *http.Request, body []byte) bool {
	decoded, _ := req.Context().Value(listDecodeKey{}).(*listDecode)
	if decoded == nil {
		return false
	}
	decoded.page, decoded.err = DecodePage(body, decoded.key, decoded.dec)
	decoded.body = body
	return decoded.err == nil
}

// DecodePage reads a page in one pass over its body: the items of the
// listKey array become slices of the body (each decoded by dec, when not
// nil, as it is met), next_page_uri is read, every other field is skipped.
// Only the envelope's own strings are unescaped. Any malformation, a body
// cut short included, is an error: one that wraps errEnd when the body
// ends early.
func DecodePage(body []byte, listKey string, dec ItemDecoder) (*Page, error) {
	if dec != nil {
		dec.BeginPage(body)
	}
	notJSON := func(err error) error { return fmt.Errorf("twilio: a list page is not JSON: %w", err) }
	s := pageScanner{b: body}
	s.space()
	if !s.eat('{') {
		return nil, notJSON(s.errorf("the page is not an object"))
	}
	page := &Page{}
	found := false
	s.space()
	if !s.eat('}') {
		for {
			key, err := s.key()
			if err != nil {
				return nil, notJSON(err)
			}
			s.space()
			switch key {
			case listKey:
				if found && dec != nil {
					dec.BeginPage(body) // the last array of the name is the page's
				}
				found = true
				items, err := s.items(dec)
				if err != nil {
					return nil, fmt.Errorf("twilio: the %q array of a list page: %w", listKey, err)
				}
				page.Items = items
			case "next_page_uri":
				next, err := s.nullableString()
				if err != nil {
					return nil, fmt.Errorf("twilio: next_page_uri of a list page: %w", err)
				}
				page.NextPageURI = next
			default:
				if err := s.skip(); err != nil {
					return nil, notJSON(err)
				}
			}
			s.space()
			if s.eat(',') {
				s.space()
				continue
			}
			if s.eat('}') {
				break
			}
			return nil, notJSON(s.errorf("expected ',' or '}'"))
		}
	}
	s.space()
	if s.i != len(s.b) {
		return nil, notJSON(s.errorf("text after the page"))
	}
	if !found {
		return nil, fmt.Errorf("twilio: a list page has no %q array", listKey)
	}
	return page, nil
}

// pageScanner reads a page envelope. It trusts that the body is valid JSON
// (the transport checked it) only as far as finding where values end; any
// malformation gives an error, never a panic.
type pageScanner struct {
	b []byte
	i int
}

var errEnd = errors.New("unexpected end of JSON input")

func (s *pageScanner) errorf(format string, args ...any) error {
	if s.i >= len(s.b) {
		return errEnd
	}
	return fmt.Errorf(format+" at byte %d", append(args, s.i)...)
}

func (s *pageScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\n', '\r', '\t':
			s.i++
		default:
			return
		}
	}
}

func (s *pageScanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string and returns its raw bytes, quotes included, and
// whether it holds a backslash. The characters in between are not checked
// here: the strings kept are unquoted by encoding/json or checked by the
// planner's decoder.
func (s *pageScanner) str() ([]byte, bool, error) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, s.errorf("expected a string")
	}
	start := s.i
	end := stringEnd(s.b, start)
	if end < 0 {
		s.i = len(s.b)
		return nil, false, errEnd
	}
	s.i = end
	return s.b[start:end], bytes.IndexByte(s.b[start+1:end-1], '\\') >= 0, nil
}

func unquote(raw []byte, escaped bool) (string, error) {
	if !escaped && utf8.Valid(raw) && !hasControl(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var out string
	err := json.Unmarshal(raw, &out)
	return out, err
}

// key reads a field name and its colon.
func (s *pageScanner) key() (string, error) {
	raw, escaped, err := s.str()
	if err != nil {
		return "", err
	}
	key, err := unquote(raw, escaped)
	if err != nil {
		return "", err
	}
	s.space()
	if !s.eat(':') {
		return "", s.errorf("expected ':'")
	}
	return key, nil
}

func (s *pageScanner) literal(lit string) bool {
	if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
		s.i += len(lit)
		return true
	}
	return false
}

// nullableString reads a string or null ("").
func (s *pageScanner) nullableString() (string, error) {
	if s.literal("null") {
		return "", nil
	}
	if s.i < len(s.b) && s.b[s.i] != '"' {
		return "", fmt.Errorf("json: cannot unmarshal a non-string into Go value of type string")
	}
	raw, escaped, err := s.str()
	if err != nil {
		return "", err
	}
	return unquote(raw, escaped)
}

// items reads an array (or null) and returns each element as a slice of the
// body, decoded by dec when it is not nil.
func (s *pageScanner) items(dec ItemDecoder) ([]json.RawMessage, error) {
	if s.literal("null") {
		return nil, nil
	}
	if !s.eat('[') {
		return nil, s.errorf("expected an array")
	}
	items := make([]json.RawMessage, 0, 64)
	s.space()
	if s.eat(']') {
		return items, nil
	}
	for {
		start := s.i
		if dec == nil {
			if err := s.skip(); err != nil {
				return nil, err
			}
		} else {
			if s.i >= len(s.b) {
				return nil, errEnd
			}
			end, err := dec.Item(s.b, s.i)
			if err != nil {
				if end >= len(s.b) {
					// The decoder ran off the end: the body was cut short.
					return nil, fmt.Errorf("%w: %w", errEnd, err)
				}
				return nil, err
			}
			if end <= start || end > len(s.b) {
				return nil, fmt.Errorf("the decoder of item %d ended at byte %d, outside the body", len(items), end)
			}
			s.i = end
		}
		items = append(items, s.b[start:s.i:s.i])
		s.space()
		if s.eat(',') {
			s.space()
			continue
		}
		if s.eat(']') {
			return items, nil
		}
		return nil, s.errorf("expected ',' or ']'")
	}
}

// skip moves past one value. Objects and arrays are matched bracket for
// bracket, skipping strings.
func (s *pageScanner) skip() error {
	if s.i >= len(s.b) {
		return errEnd
	}
	switch c := s.b[s.i]; {
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '{' || c == '[':
		depth := 0
		for {
			s.i = nextStructural(s.b, s.i)
			if s.i == len(s.b) {
				return errEnd
			}
			switch s.b[s.i] {
			case '"':
				end := stringEnd(s.b, s.i)
				if end < 0 {
					s.i = len(s.b)
					return errEnd
				}
				s.i = end
				continue
			case '{', '[':
				depth++
			default: // '}', ']'
				depth--
				if depth == 0 {
					s.i++
					return nil
				}
			}
			s.i++
		}
	case c == 't':
		if s.literal("true") {
			return nil
		}
	case c == 'f':
		if s.literal("false") {
			return nil
		}
	case c == 'n':
		if s.literal("null") {
			return nil
		}
	case c == '-' || (c >= '0' && c <= '9'):
		s.i++
		for s.i < len(s.b) && numberByte(s.b[s.i]) {
			s.i++
		}
		return nil
	}
	return s.errorf("invalid character %q", s.b[s.i])
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

func numberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}
