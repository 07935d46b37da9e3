package exec

import (
	"context"
	"errors"

	"github.com/twiliosql/twiliosql/internal/rest"
)

// prefetcher fetches the pages of one listing in a goroutine, one page ahead
// of the reader: it fetches page N+1 while page N is read, then waits until
// N+1 is taken before it asks for N+2. Stopping it wastes at most that page.
type prefetcher struct {
	pages  chan fetchedPage // unbuffered: a page is handed over, not queued
	done   chan struct{}    // closed when the goroutine has returned
	cancel context.CancelFunc
	parent context.Context
}

type fetchedPage struct {
	page *rest.Page
	err  error
}

// startPrefetch starts fetching at uri with the query's context; stop ends it.
// The trail passes to the prefetcher: the reader no longer fetches.
func startPrefetch(ctx context.Context, client *rest.Client, listKey, uri string, trail *rest.Trail) *prefetcher {
	fctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{pages: make(chan fetchedPage), done: make(chan struct{}), cancel: cancel, parent: ctx}
	go p.run(fctx, client, listKey, uri, trail)
	return p
}

func (p *prefetcher) run(ctx context.Context, client *rest.Client, listKey, uri string, trail *rest.Trail) {
	defer close(p.done)
	for uri != "" {
		page, err := client.ListPage(ctx, uri, listKey)
		if err == nil {
			err = trail.Follow(page.NextPageURI)
		}
		select {
		case p.pages <- fetchedPage{page, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
		uri = page.NextPageURI
	}
}

var errPrefetchStopped = errors.New("twilio: the listing was stopped")

// next waits for the next page.
func (p *prefetcher) next(ctx context.Context) (*rest.Page, error) {
	select {
	case f := <-p.pages:
		return f.page, f.err
	case <-p.done:
	case <-ctx.Done():
	}
	if err := p.parent.Err(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return nil, errPrefetchStopped
}

// stop cancels the fetch in progress and waits for the goroutine to return.
func (p *prefetcher) stop() {
	p.cancel()
	<-p.done
}
