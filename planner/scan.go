package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"io"

	"github.com/twiliosql/twiliosql/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// cursor decodes the items of the page in hand, one row at a time.
type cursor struct {
	decoder *decoder
	items   []json.RawMessage
	row     []driver.Value // reused: the caller copies what it keeps
	fresh   bool           // hand out new slices (when rows are kept, e.g. sorted)
}

func newCursor(t *schema.Table) cursor {
	return cursor{decoder: newDecoder(t), row: make([]driver.Value, len(t.Columns))}
}

// take decodes the next item; ok is false when the page is used up.
func (c *cursor) take() (row []driver.Value, ok bool, err error) {
	if len(c.items) == 0 {
		c.items = nil
		return nil, false, nil
	}
	item := c.items[0]
	c.items[0] = nil
	c.items = c.items[1:]
	row = c.row
	if c.fresh {
		row = make([]driver.Value, len(c.row))
	}
	if err := c.decoder.decode(item, row); err != nil {
		return nil, false, err
	}
	return row, true, nil
}

// listSource pages through a list endpoint. It holds the page being read and
// at most one more: the next page is fetched in the background while this
// one is read.
type listSource struct {
	cursor
	client  *rest.Client
	table   *schema.Table
	nextURI string      // "" when no page follows the one in hand
	trail   *rest.Trail // the pages read; the prefetcher's once it runs
	ahead   *prefetcher // fetches the following pages; nil: fetch on demand
	// prefetchAt starts the prefetcher once that few items of the page in
	// hand are left to read (-1: never), so that opening a result costs its
	// first page and nothing more.
	prefetchAt int
}

func newListSource(client *rest.Client, t *schema.Table, firstURI string) *listSource {
	return &listSource{cursor: newCursor(t), client: client, table: t, nextURI: firstURI, trail: rest.NewTrail(firstURI), prefetchAt: -1}
}

// fetch requests the next page and waits for it.
func (s *listSource) fetch(ctx context.Context) error {
	page, err := s.client.ListPage(ctx, s.nextURI, s.table.ListKey)
	if err != nil {
		return err
	}
	if err := s.trail.Follow(page.NextPageURI); err != nil {
		return err
	}
	s.items, s.nextURI = page.Items, page.NextPageURI
	return nil
}

// prefetch starts fetching the pages after the one in hand.
func (s *listSource) prefetch(ctx context.Context) {
	if s.ahead == nil && s.nextURI != "" {
		s.ahead = startPrefetch(ctx, s.client, s.table.ListKey, s.nextURI, s.trail)
	}
}

func (s *listSource) next(ctx context.Context) ([]driver.Value, error) {
	if s.prefetchAt >= 0 && len(s.items) <= s.prefetchAt {
		s.prefetchAt = -1
		s.prefetch(ctx)
	}
	for {
		row, ok, err := s.take()
		if err != nil || ok {
			return row, err
		}
		if s.nextURI == "" {
			return nil, io.EOF
		}
		if s.ahead != nil {
			page, err := s.ahead.next(ctx)
			if err != nil {
				return nil, err
			}
			s.items, s.nextURI = page.Items, page.NextPageURI
			continue
		}
		if err := s.fetch(ctx); err != nil {
			return nil, err
		}
	}
}

func (s *listSource) close() {
	s.items, s.nextURI = nil, ""
	if s.ahead != nil {
		s.ahead.stop()
		s.ahead = nil
	}
}

// getSource fetches resources one by one by Sid; a missing one is no row.
type getSource struct {
	client  *rest.Client
	table   *schema.Table
	decoder *decoder
	sids    []string
	first   []driver.Value // fetched while opening, so errors surface in Query
}

func (s *getSource) next(ctx context.Context) ([]driver.Value, error) {
	if s.first != nil {
		row := s.first
		s.first = nil
		return row, nil
	}
	for len(s.sids) > 0 {
		sid := s.sids[0]
		s.sids = s.sids[1:]
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
func (s *getSource) get(ctx context.Context, sid string) ([]driver.Value, error) {
	body, err := s.client.Get(ctx, schema.Path(s.table.ItemPath, sid), nil)
	if rest.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	row := make([]driver.Value, len(s.table.Columns))
	if err := s.decoder.decode(body, row); err != nil {
		return nil, err
	}
	return row, nil
}

// prime fetches the first existing resource.
func (s *getSource) prime(ctx context.Context) error {
	row, err := s.next(ctx)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	s.first = row
	return nil
}

func (s *getSource) close() { s.sids, s.first = nil, nil }
