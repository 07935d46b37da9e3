package exec

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"io"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// cursor decodes the items of the page in hand, one row at a time.
type cursor struct {
	decoder *decoder
	Items   []json.RawMessage
	row     []driver.Value // reused: the caller copies what it keeps
	Fresh   bool           // hand out new slices (when rows are kept, e.g. sorted)
}

func newCursor(t *schema.Table) cursor {
	return cursor{decoder: NewDecoder(t), row: make([]driver.Value, len(t.Columns))}
}

// take decodes the next item; ok is false when the page is used up.
func (c *cursor) take() (row []driver.Value, ok bool, err error) {
	if len(c.Items) == 0 {
		c.Items = nil
		return nil, false, nil
	}
	item := c.Items[0]
	c.Items[0] = nil
	c.Items = c.Items[1:]
	row = c.row
	if c.Fresh {
		row = make([]driver.Value, len(c.row))
	}
	if err := c.decoder.Decode(item, row); err != nil {
		return nil, false, err
	}
	return row, true, nil
}

// ListSource pages through a list endpoint. It holds the page being read and
// at most one more: the next page is fetched in the background while this
// one is read. A page's rows are walked in the pass that reads its body
// (pageFields) and converted as they are read. Once every row of a page is
// converted, nothing points into its body any more (a row's values are
// copies), and the body is lent to the read of a following page
// (rest.Page.Body): memory already touched is faster to fill than a new
// megabyte. A source whose page another takes over (NewParallelScan takes
// its Items) reads no further, so never lends that page's body.
type ListSource struct {
	cursor
	fields  []uint32    // where the values of Items are (pageFields), while walked is true
	walked  bool        // fields holds the fields of Items, one entry for each
	pages   *pageFields // walks the pages the source fetches itself
	body    []byte      // the page's body, when the source's alone (rest.Page.Body)
	list    []uint32    // the whole of the page's fields
	left    int         // items of the page not yet converted here
	spare   []byte      // a body done with, lent to the next Fetch
	client  *rest.Client
	table   *schema.Table
	NextURI string      // "" when no page follows the one in hand
	trail   *rest.Trail // the pages read; the prefetcher's once it runs
	Ahead   *prefetcher // fetches the following pages; nil: fetch on demand
	// prefetchAt starts the prefetcher once that few items of the page in
	// hand are left to read (-1: never), so that opening a result costs its
	// first page and nothing more.
	PrefetchAt int
}

func NewListSource(client *rest.Client, t *schema.Table, firstURI string) *ListSource {
	return &ListSource{cursor: newCursor(t), client: client, table: t, NextURI: firstURI, trail: rest.NewTrail(firstURI), PrefetchAt: -1}
}

// Fetch requests the next page and waits for it.
func (s *ListSource) Fetch(ctx context.Context) error {
	if s.pages == nil {
		s.pages = newPageFields(s.decoder)
	}
	lend := s.spare
	s.spare = nil // lent: never touched again here, whatever happens
	page, err := s.client.ListPageDecoded(ctx, s.NextURI, s.table.ListKey, s.pages, lend)
	fields, walked := s.pages.take()
	if err != nil {
		return err
	}
	if err := s.trail.Follow(page.NextPageURI); err != nil {
		return err
	}
	s.setPage(page, fields, walked)
	return nil
}

// setPage makes page the page in hand, with the fields of its items as the
// one pass found them.
func (s *ListSource) setPage(page *rest.Page, fields []uint32, walked int) {
	s.Items, s.fields, s.walked, s.NextURI = page.Items, fields, walked == len(page.Items), page.NextPageURI
	s.body, s.list, s.left = nil, nil, len(page.Items)
	if s.walked {
		s.body, s.list = page.Body, fields
	}
}

// recycle lends the body and the field list of the page just used up to
// the read of a following one.
func (s *ListSource) recycle() {
	body, list := s.body, s.list
	s.body, s.list = nil, nil
	switch {
	case body == nil:
	case s.Ahead != nil:
		s.Ahead.recycle(spareBuffers{body, list})
	default:
		s.spare, s.pages.spare = body, list
	}
}

// takeWalked converts the next item from the fields its page's walk found;
// ok is false when there is none (the page is used up, or was not walked:
// take then walks it).
func (s *ListSource) takeWalked() (row []driver.Value, ok bool, err error) {
	fields, rest, found := nextFields(s.fields)
	if !s.walked || len(s.Items) == 0 || !found {
		s.fields, s.walked = nil, false
		return nil, false, nil
	}
	item := s.Items[0]
	s.Items[0] = nil
	s.Items, s.fields = s.Items[1:], rest
	row = s.row
	if s.Fresh {
		row = make([]driver.Value, len(s.row))
	}
	if err := s.decoder.fill(item, fields, row); err != nil {
		return nil, false, err
	}
	if s.left--; s.left == 0 {
		s.recycle() // every item converted: no row points into the body
	}
	return row, true, nil
}

// prefetch starts fetching the pages after the one in hand.
func (s *ListSource) prefetch(ctx context.Context) {
	if s.Ahead == nil && s.NextURI != "" {
		s.Ahead = startPrefetch(ctx, s.client, s.table, s.NextURI, s.trail)
	}
}

func (s *ListSource) Next(ctx context.Context) ([]driver.Value, error) {
	if s.PrefetchAt >= 0 && len(s.Items) <= s.PrefetchAt {
		s.PrefetchAt = -1
		s.prefetch(ctx)
	}
	for {
		row, ok, err := s.takeWalked()
		if err != nil || ok {
			return row, err
		}
		row, ok, err = s.take()
		if err != nil || ok {
			return row, err
		}
		if s.NextURI == "" {
			return nil, io.EOF
		}
		if s.Ahead != nil {
			f, err := s.Ahead.next(ctx)
			if err != nil {
				return nil, err
			}
			s.setPage(f.page, f.fields, f.walked)
			continue
		}
		if err := s.Fetch(ctx); err != nil {
			return nil, err
		}
	}
}

func (s *ListSource) Close() {
	s.Items, s.fields, s.walked, s.NextURI = nil, nil, false, ""
	s.body, s.list, s.spare = nil, nil, nil
	if s.Ahead != nil {
		s.Ahead.stop()
		s.Ahead = nil
	}
}

// GetSource fetches resources one by one by Sid; a missing one is no row.
type GetSource struct {
	Client  *rest.Client
	Table   *schema.Table
	Decoder *decoder
	Sids    []string
	first   []driver.Value // fetched while opening, so errors surface in Query
}

func (s *GetSource) Next(ctx context.Context) ([]driver.Value, error) {
	if s.first != nil {
		row := s.first
		s.first = nil
		return row, nil
	}
	for len(s.Sids) > 0 {
		sid := s.Sids[0]
		s.Sids = s.Sids[1:]
		row, err := s.get(ctx, sid)
		if err != nil {
			return nil, err
		}
		if row != nil {
			return row, nil
		}
	}
	return nil, io.EOF
}

// get fetches one resource; nil without error when Twilio has none.
func (s *GetSource) get(ctx context.Context, sid string) ([]driver.Value, error) {
	body, err := s.Client.Get(ctx, schema.Path(s.Table.ItemPath, sid), nil)
	if rest.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	row := make([]driver.Value, len(s.Table.Columns))
	if err := s.Decoder.Decode(body, row); err != nil {
		return nil, err
	}
	return row, nil
}

// Prime fetches the first existing resource.
func (s *GetSource) Prime(ctx context.Context) error {
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

func (s *GetSource) Close() { s.Sids, s.first = nil, nil }
