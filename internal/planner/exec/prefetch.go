package exec

import (
	"context"
	"errors"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// prefetcher fetches the pages of one listing in a goroutine, one page ahead
// of the reader: it fetches page N+1 while page N is read, then waits until
// N+1 is taken before it asks for N+2. Stopping it wastes at most that page.
type prefetcher struct {
	pages  chan fetchedPage // unbuffered: a page is handed over, not queued
	done   chan struct{}    // closed when the goroutine has returned
	cancel context.CancelFunc
	parent context.Context
	spare  chan spareBuffers // what the reader is done with, to read into
}

// spareBuffers are the body and field list of a page read through.
type spareBuffers struct {
	body []byte
	list []uint32
}

type fetchedPage struct {
	page   *rest.Page
	fields []uint32 // where the values of its items are (pageFields)
	walked int      // items walked
	err    error
}

// startPrefetch starts fetching at uri with the query's context; stop ends it.
// The trail passes to the prefetcher: the reader no longer fetches.
// The pages are walked in its goroutine, by a decoder of its own.
func startPrefetch(ctx context.Context, client *rest.Client, t *schema.Table, uri string, trail *rest.Trail) *prefetcher {
	fctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{pages: make(chan fetchedPage), done: make(chan struct{}), cancel: cancel, parent: ctx, spare: make(chan spareBuffers, 1)}
	go p.run(fctx, client, t, uri, trail)
	return p
}

func (p *prefetcher) run(ctx context.Context, client *rest.Client, t *schema.Table, uri string, trail *rest.Trail) {
	defer close(p.done)
	walk := newPageFields(NewDecoder(t))
	for uri != "" {
		var lend spareBuffers
		select {
		case lend = <-p.spare:
			walk.spare = lend.list
		default:
		}
		page, err := client.ListPageDecoded(ctx, uri, t.ListKey, walk, lend.body)
		fields, walked := walk.take()
		if err == nil {
			err = trail.Follow(page.NextPageURI)
		}
		select {
		case p.pages <- fetchedPage{page, fields, walked, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
		uri = page.NextPageURI
	}
}

// recycle hands the fetcher the buffers of a page the reader is done with
// (see ListSource); one page's are enough, more are dropped.
func (p *prefetcher) recycle(b spareBuffers) {
	select {
	case p.spare <- b:
	default:
	}
}

var errPrefetchStopped = errors.New("twilio: the listing was stopped")

// next waits for the next page.
func (p *prefetcher) next(ctx context.Context) (fetchedPage, error) {
	select {
	case f := <-p.pages:
		return f, f.err
	case <-p.done:
	case <-ctx.Done():
	}
	if err := p.parent.Err(); err != nil {
		return fetchedPage{}, err
	}
	if err := ctx.Err(); err != nil {
		return fetchedPage{}, err
	}
	return fetchedPage{}, errPrefetchStopped
}

// stop cancels the fetch in progress and waits for the goroutine to return.
func (p *prefetcher) stop() {
	p.cancel()
	<-p.done
}
