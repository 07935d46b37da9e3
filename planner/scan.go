package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"io"

	"github.com/twiliosql/twiliosql/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// listSource pages through a list endpoint. It holds one page at a time and
// decodes a resource only when it is read.
type listSource struct {
	client  *rest.Client
	table   *schema.Table
	decoder *decoder
	items   []json.RawMessage
	nextURI string
	row     []driver.Value // reused: the caller copies what it keeps
	fresh   bool           // hand out new slices (when rows are kept, e.g. sorted)
}

func newListSource(client *rest.Client, t *schema.Table, firstURI string) *listSource {
	return &listSource{client: client, table: t, decoder: newDecoder(t), nextURI: firstURI, row: make([]driver.Value, len(t.Columns))}
}

// fetch requests the next page.
func (s *listSource) fetch(ctx context.Context) error {
	page, err := s.client.ListPage(ctx, s.nextURI, s.table.ListKey)
	if err != nil {
		return err
	}
	s.items, s.nextURI = page.Items, page.NextPageURI
	return nil
}

func (s *listSource) next(ctx context.Context) ([]driver.Value, error) {
	for len(s.items) == 0 {
		if s.nextURI == "" {
			return nil, io.EOF
		}
		if err := s.fetch(ctx); err != nil {
			return nil, err
		}
	}
	item := s.items[0]
	s.items[0] = nil // let the page's memory go as it is read
	s.items = s.items[1:]
	row := s.row
	if s.fresh {
		row = make([]driver.Value, len(s.table.Columns))
	}
	if err := s.decoder.decode(item, row); err != nil {
		return nil, err
	}
	return row, nil
}

func (s *listSource) close() { s.items, s.nextURI = nil, "" }

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
