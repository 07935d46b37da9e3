package exec

import "context"

// PageBudget bounds the listing pages fetched ahead of their reader across
// every query that shares it (a Connector's): parallel range scans take a
// slot before fetching a page for a slice that is not being read and give
// it back once the page's rows are handed to the reader, so memory does
// not grow with the number of queries × scan_parallelism × page size. The
// slice being read never waits on it (it fetches at most one page ahead),
// so a query always progresses, whatever the others hold.
type PageBudget struct {
	Slots chan struct{}
}

// NewPageBudget returns a budget of pages; nil when pages <= 0 (no bound
// but each query's own).
func NewPageBudget(pages int) *PageBudget {
	if pages <= 0 {
		return nil
	}
	return &PageBudget{Slots: make(chan struct{}, pages)}
}

// Cap is the number of pages the budget allows at once.
func (b *PageBudget) Cap() int {
	if b == nil {
		return 0
	}
	return cap(b.Slots)
}

// acquire takes a slot. It gives up (false, no error) when wake is closed,
// which the scan does when the slice waiting becomes the one being read,
// and fails when ctx ends.
func (b *PageBudget) acquire(ctx context.Context, wake <-chan struct{}) (bool, error) {
	if b == nil {
		return true, nil
	}
	select {
	case b.Slots <- struct{}{}:
		return true, nil
	case <-wake:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (b *PageBudget) release() {
	if b != nil {
		<-b.Slots
	}
}
