package rest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
)

// Page is one page of a list endpoint.
type Page struct {
	Items       []json.RawMessage // the resources, undecoded
	NextPageURI string            // "" on the last page
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
// splits out the array under listKey.
func (c *Client) ListPage(ctx context.Context, uri, listKey string) (*Page, error) {
	body, err := c.Get(ctx, uri, nil)
	if err != nil {
		return nil, err
	}
	return decodePage(body, listKey)
}

func decodePage(body []byte, listKey string) (*Page, error) {
	var envelope map[string]json.RawMessage
	if err := json.Unmarshal(body, &envelope); err != nil {
		return nil, fmt.Errorf("twilio: a list page is not JSON: %w", err)
	}
	raw, ok := envelope[listKey]
	if !ok {
		return nil, fmt.Errorf("twilio: a list page has no %q array", listKey)
	}
	page := &Page{}
	if err := json.Unmarshal(raw, &page.Items); err != nil {
		return nil, fmt.Errorf("twilio: the %q array of a list page: %w", listKey, err)
	}
	if next, ok := envelope["next_page_uri"]; ok {
		// null leaves NextPageURI empty.
		if err := json.Unmarshal(next, &page.NextPageURI); err != nil {
			return nil, fmt.Errorf("twilio: next_page_uri of a list page: %w", err)
		}
	}
	return page, nil
}
