package rest

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"
)

// Cache keeps the bodies of GET answers (list pages and single resources)
// for a time to live, so that dashboards running the same queries again,
// on any connection of one Connector, cost no request. It is opt-in
// (Options.Cache). Bodies are kept as Twilio sent them and never changed:
// a page's items are slices of its body.
//
// A write through the Client (POST, DELETE) drops every entry of the
// resource it writes ("Calls", "Messages", "Feedback"…), before it is sent
// and once more after, so a read after one's own write is never answered
// from before it. Writes made elsewhere (the console, another program) are
// seen once the TTL has passed. A context from WithoutCache bypasses it:
// the reads that decide what a write changes are never cached answers.
type Cache struct {
	ttl      time.Duration
	maxBytes int64
	now      func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // by request target (path?query)
	lru     list.List                // front: most recently used
	bytes   int64
	// writes counts the writes begun and ended per resource: an answer
	// fetched while one of them changed is not stored (it may be older).
	writes map[string]uint64
}

type cacheEntry struct {
	key, resource string
	body          []byte
	expires       time.Time
}

// NewCache returns a cache of answers fresh for ttl, holding at most
// maxBytes of bodies (the least recently used go first); nil when ttl <= 0.
func NewCache(ttl time.Duration, maxBytes int64) *Cache {
	if ttl <= 0 || maxBytes <= 0 {
		return nil
	}
	return &Cache{ttl: ttl, maxBytes: maxBytes, now: time.Now, entries: map[string]*list.Element{}, writes: map[string]uint64{}}
}

// TTL is how long an answer is reused.
func (c *Cache) TTL() time.Duration { return c.ttl }

type noCacheKey struct{}

// WithoutCache marks ctx so that its reads go to Twilio, whatever is cached.
func WithoutCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, noCacheKey{}, true)
}

func cacheable(ctx context.Context, c *Cache) bool {
	return c != nil && ctx.Value(noCacheKey{}) == nil
}

// get returns a fresh body for target.
func (c *Cache) get(target string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[target]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cacheEntry)
	if !c.now().Before(e.expires) {
		c.remove(el)
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.body, true
}

// Fresh reports how long the answer to target (a path relative to the
// account, or absolute, with its query) stays cached; ok is false when it
// is not cached.
func (c *Cache) Fresh(target string) (left time.Duration, ok bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[target]
	if !ok {
		return 0, false
	}
	left = el.Value.(*cacheEntry).expires.Sub(c.now())
	return left, left > 0
}

// version is what put needs to tell whether a write to target's resource
// began or ended since.
func (c *Cache) version(target string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes[resourceOf(target)]
}

// put stores body as the answer to target, fetched at version, unless a
// write to its resource began or ended since, or it alone exceeds the
// budget.
func (c *Cache) put(target string, body []byte, version uint64) {
	size := int64(len(body) + len(target))
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes[resourceOf(target)] != version {
		return
	}
	if el, ok := c.entries[target]; ok {
		c.remove(el)
	}
	e := &cacheEntry{key: target, resource: resourceOf(target), body: body, expires: c.now().Add(c.ttl)}
	c.entries[target] = c.lru.PushFront(e)
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
	}
}

// invalidate drops every entry of the resource written at path.
func (c *Cache) invalidate(path string) {
	r := resourceOf(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes[r]++
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if el.Value.(*cacheEntry).resource == r {
			c.remove(el)
		}
		el = next
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= int64(len(e.body) + len(e.key))
}

// resourceOf is the resource a path names: the last segment of its path
// that is not a Sid, without ".json" ("…/Calls/CA….json" and
// "…/Calls.json?…" are "Calls"; "…/Calls/CA…/Feedback.json" is "Feedback").
func resourceOf(target string) string {
	path, _, _ := strings.Cut(target, "?")
	path = strings.TrimSuffix(path, ".json")
	segs := strings.Split(path, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		if s := segs[i]; s != "" && !looksLikeSid(s) {
			return s
		}
	}
	return path
}

// looksLikeSid: two capital letters and 32 hex digits.
func looksLikeSid(s string) bool {
	if len(s) != 34 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
