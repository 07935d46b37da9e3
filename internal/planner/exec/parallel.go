package exec

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"io"
	"math"
	"sync"
	"time"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// Parallel range scans.
//
// A listing filtered on a range of its table's split column (the plan is a
// rangeScan, with at least one bound) is split into time slices of whole
// UTC days, Twilio's date filters being day-granular and inclusive: a slice
// asks for X> = its first day and X< = its last day. Up to
// Env.ScanParallelism workers fetch pages for the slices at once, through
// the client's shared limiter, and the rows are emitted slice by slice from
// the newest, each slice's rows in Twilio's order, as long as the page
// budget allows: a slice's pages form a chain (each next_page_uri comes
// with the page before), so holding every later slice's pages until the
// slice being read has its next one would take the budget's worth of
// memory for nothing. Once the budget is spent while the slice being read
// waits on its chain, the nearest page waiting is read out of turn: the
// same rows, in another order (SQL promises none without ORDER BY).
//
// Nothing here assumes that Twilio's list order follows the range column.
// It need not: Twilio lists newest first by creation, and a call's
// StartTime can be hours after its DateCreated (queued calls), a message's
// DateSent days after it (scheduled messages). So:
//
//   - A slice's own days are the days its filter asks for, and the own days
//     of the slices are disjoint and cover the range. A slice keeps only
//     the rows of its own days, so every row is emitted by exactly one
//     slice: the one whose chain lists it.
//   - A chain is never ended early: every slice reads its chain of pages
//     (next_page_uri) to the end, wherever the rows of its days are in it.
//     When the list order does follow the days (the usual case), the
//     result is the sequential scan's, order included; otherwise the same
//     rows in another order.
//
// The split adapts to the data. The first page of the whole range (fetched
// while opening, so that errors surface in Query) shows how dense the
// newest days are. When a started slice [lo..hi], within its first
// slicePages pages, has kept only rows of days d..hi with d > lo, more pages
// follow, and the days lo..d-1 would hold more than slicePages pages (by the
// density of the page just read, see perDay; a slice a split sized, more
// than half again its size), it is split: it stops its chain, and new
// slices that follow it list its days again. Days lo..d-1 are cut into
// slices sized to fill whole pages (see slicesize.go: a slice ending just
// past a page boundary costs a request for a few rows). Days d..hi are
// listed again from their first page, skipping the rows the slice has
// emitted (all of days d..hi: it keeps their Sids while it may split, at
// most slicePages pages of them): as one slice while the rows it met
// followed the days (they then are the pages it read and the rest of day
// d, and the days before d that fill the same pages are listed with
// them), else cut by the density like the others. The chain cannot go on
// instead: its filter still asks for lo..d-1, whose rows may come anywhere
// in it, so going on would read the whole range once more; and a page token
// cannot be moved to another filter (Twilio's tokens are opaque). So a split
// costs the pages the slice has read, read again, once (a slice listing
// days again does not split again): one page per split when the list
// follows the days, the split being decided on the first page. When the
// range column lags creation by about the time a page covers, the first
// page only bounds the density from below (see absorb): the slices are cut
// one page wide at that bound (one day when a day holds more), short
// chains whatever the true density. A bounded run of days is cut a batch
// at a time (as many slices as the scan has requests in flight): the days
// after the batch stay one pending slice, cut when the workers reach it by
// the density measured by then, from the days counted exactly in the
// slices that ended (a slice's listing holds every row of its days, in any
// order), so that a density the first pages misjudge sizes only the first
// batch. The last days are cut narrower when chains of the sizer's width
// would still run, one round trip after another, after the rest of the
// work is done (the tail, see cutWidth). Below an open bound, two slices per worker
// are cut and the days left form one "rest" slice whose first page
// (fetched first) shows where its rows are, so a long empty stretch costs
// one request; it is split in turn. An empty slice costs one request. A LIMIT served by the first page
// never gets here (see scanAhead).
//
// Memory is bounded by design, not by the rows read: a scan holds at most
// Env.PagesPerQuery pages read and not yet emitted (the page being read
// counts until its last row is emitted: its body is live until then),
// every page for a slice
// not being read also takes a slot of the Connector's PageBudget, shared
// by all its queries (taken before the request is sent), and a page's slot
// goes back as soon as its last row is emitted; plus the Sids of at most
// slicePages pages per slice that may still split. Requests in flight are
// not pages held: up to twice the bound are sent, at least a request per
// worker (maxSent), and the body
// of an answer is read only once the scan has room for its page (admit,
// called by rest between the answer's headers and its body; the unread
// body waits in the socket, held back by TCP's flow control). A request
// in flight holds no memory until its body is read, and long round trips
// need many in flight to keep the rate busy (Little's law: 50 requests a
// second at 245 ms is 12). The slice being read may always fetch one page
// ahead and read it, so reading never waits on later slices' pages; the
// pages that arrived are read out of turn once a third of the bound waits
// (eagerAt) or an answer waits for room, which keeps the pages in memory
// few while the reader keeps up.

const (
	OpenBelow = math.MinInt64 // a slice with no lower day bound
	OpenAbove = math.MaxInt64 // a slice with no upper day bound
	NoDay     = math.MinInt64 // a row whose range column is unreadable

	// slicePages is the number of pages a new slice is sized to hold: more
	// pages per slice waste fewer partial pages, fewer keep the in-order
	// emission from waiting on one slice's chain of requests. It also
	// bounds when a slice may split: within its first slicePages pages,
	// which a split reads again.
	SlicePages = 4
)

// rangeSlice is a run of days fetched as one chain of pages.
type rangeSlice struct {
	Lo, Hi   int64       // the slice's own days, which its filter asks for (inclusive Unix days); openBelow/openAbove
	minSeen  int64       // the earliest day among the rows kept so far; openAbove: none yet
	maxSeen  int64       // the latest, once minSeen is set
	lastDay  int64       // the day of the last row listed with a readable one; noDay: none yet
	strayed  bool        // a row was listed after one of an earlier day: the list does not follow the days
	uri      string      // the next page; "" before the first request
	trail    *rest.Trail // the pages of the current chain read
	started  bool
	fetching bool
	done     bool // no page follows
	rest     bool // the days left after a split's slices: its first page shows where the rows are
	final    bool // does not split: made by a split to re-list days, or past the pages it may split on
	reads    int  // pages of the current chain absorbed
	// planned is the rows a split sized the slice to hold (0: not sized):
	// it splits again only when the days it has not reached hold many more.
	Planned float64
	// pending: days a split left uncut, cut when the workers reach them,
	// by the density measured by then (sizer, the split's, until a slice
	// has ended).
	Pending bool
	Sizer   SliceSizer
	// counts holds the rows listed of each of its days (bounded slices):
	// once its chain ends, they are the days' exact counts.
	counts map[int64]int
	// emitted holds the Sids of the rows kept while the slice may split
	// (nil otherwise). skip holds, in the slices re-listing the days of a
	// split slice, the Sids it emitted that they have not met again.
	emitted, skip map[string]struct{}
	pages         []heldPage
	next          *rangeSlice // the next older slice
}

// heldPage is a page fetched and not yet read.
type heldPage struct {
	items []json.RawMessage
	slot  bool // holds a slot of the Connector's PageBudget
	// fields are where the values of items are (pageFields, filtered with
	// items), when the one pass walked every item; nil: converting walks.
	fields []uint32
	// body is the page's body when the scan's alone (rest.Page.Body, and
	// walked): lent to a later answer once every row of it is converted.
	body []byte
}

// ParallelScan is a source over range slices.
type ParallelScan struct {
	cursor
	client     *rest.Client
	table      *schema.Table
	dayCol     int
	sidCol     int
	createdCol int // DateCreated, the list order's column: the density of a page
	plan       *RangeScan
	PageSize   int
	retention  int64 // earliest day an open-below slice may be bounded by; openBelow: any
	workers    int
	MaxHeld    int
	budget     *PageBudget // shared with the Connector's other queries; nil: none
	// headMoved is closed, and replaced, when the slice being read changes
	// or has no page left waiting: it wakes a worker waiting on the budget
	// for that slice, which then fetches without a slot (see reserve).
	headMoved chan struct{}
	itemsSlot bool     // the page being read holds a budget slot
	itemsHeld bool     // the page being read counts in held until its last row is emitted
	fields    []uint32 // the fields of Items not yet converted (heldPage.fields); nil: take walks
	body      []byte   // the body of the page being read (heldPage.body)
	list      []uint32 // the whole field list of the page being read
	reserving int      // workers waiting on the budget

	ctx    context.Context // the query's
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond
	head     *rangeSlice // the slice being read
	sent     int         // requests sent whose body is not let in yet (see admit)
	held     int         // pages read or being read, not yet emitted (the reader's included, itemsHeld)
	waiting  int         // pages fetched and not yet read (in held)
	gated    int         // answers waiting in admit for room
	err      error
	started  bool // the workers run
	stopped  bool
	requests int
	// undated holds the Sids of the rows kept whose range column is
	// unreadable: no slice can tell whether such a row is of its days, so
	// the first slice to meet it emits it.
	undated map[string]struct{}
	// spareBodies and spareLists are the bodies and field lists of pages
	// read through, every row converted: the answers let in next are read
	// into them (lendBody), memory already touched being faster to fill
	// than a new 2 MB. At most maxSpares are kept, and with the pages
	// held no more than MaxHeld.
	spareBodies [][]byte
	spareLists  [][]uint32
	lent        int // spare bodies handed to answers
	// measured sums the exact counts of the days whose slices ended: the
	// density that sizes the slices cut later.
	Measured DayStats
}

// NewParallelScan runs the range scan r, continuing first (the first page
// of its whole range), or returns nil when no page follows that one.
func NewParallelScan(ctx context.Context, env *Env, r *RangeScan, first *ListSource) *ParallelScan {
	if r == nil || first.NextURI == "" {
		return nil
	}
	t, lo, hi := r.Table, r.Lo, r.hi
	sctx, cancel := context.WithCancel(ctx)
	p := &ParallelScan{
		cursor:     first.cursor,
		client:     first.client,
		table:      t,
		plan:       r,
		dayCol:     r.dayCol,
		sidCol:     r.sidCol,
		createdCol: r.createdCol,
		PageSize:   r.pageSize,
		retention:  OpenBelow,
		workers:    r.Workers,
		MaxHeld:    r.MaxHeld,
		budget:     env.Pages,
		headMoved:  make(chan struct{}),
		ctx:        sctx,
		cancel:     cancel,
	}
	p.cond = sync.NewCond(&p.mu)
	items := first.Items
	p.cursor.Items = nil
	s0 := &rangeSlice{Lo: lo, Hi: hi, minSeen: OpenAbove, lastDay: NoDay, started: true, trail: first.trail}
	p.head = s0
	info := p.inspect(items)
	if keep := r.Retention; keep > 0 {
		newest := DayOf(env.NowValue())
		if info.dated && info.maxDay > newest {
			newest = info.maxDay
		}
		p.retention = newest - keep + 2 // a margin for clocks apart
	}
	p.mu.Lock()
	p.held++
	s0.fetching = true
	p.absorb(s0, heldPage{items: items}, info, first.NextURI) // its body is first's: never lent
	p.mu.Unlock()
	return p
}

// start starts the workers; the first row read does, so opening a result
// costs its first page and nothing more.
func (p *ParallelScan) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started || p.stopped {
		return
	}
	p.started = true
	for range p.workers {
		p.wg.Add(1)
		go p.work()
	}
}

// parseDayParam reads a day as planAccess writes it (YYYY-MM-DD).
func parseDayParam(v string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return 0, false
	}
	return unixDay(t), true
}

func unixDay(t time.Time) int64 {
	s := t.Unix()
	d := s / 86400
	if s < 0 && s%86400 != 0 {
		d--
	}
	return d
}

func DayOf(v driver.Value) int64 {
	if t, ok := v.(time.Time); ok {
		return unixDay(t)
	}
	return NoDay
}

func formatUnixDay(d int64) string {
	return time.Unix(d*86400, 0).UTC().Format(time.DateOnly)
}

// pageInfo is what a page's range column says, and how dense its rows are.
type pageInfo struct {
	days   []int64 // per item; noDay when unreadable
	maxDay int64
	dated  bool // some row's day is readable
	// span is the time the page's rows cover, in the list order's column
	// (DateCreated) and in the range column: they agree when the list is
	// in the range column's order, and the first is the page's true
	// density when it is not. 0: unknown.
	spanCreated, spanRange int64
	// the older half of the page's rows, and the time its DateCreated covers
	halfRows, spanHalf int64
	// lagged: some row's range column is later than its DateCreated by half
	// the time the page covers, or more (see absorb)
	lagged bool
}

// inspect reads the range column of every item of a page.
func (p *ParallelScan) inspect(items []json.RawMessage) pageInfo {
	info := pageInfo{days: make([]int64, len(items))}
	var rangeTS, createdTS, halfTS timeSpan
	half := len(items) / 2
	maxLag := int64(0)
	for i, item := range items {
		info.days[i] = NoDay
		t, ok := p.timeOf(item, p.dayCol)
		ranged := t.Unix()
		if ok {
			info.days[i] = unixDay(t)
			if !info.dated || info.days[i] > info.maxDay {
				info.maxDay = info.days[i]
			}
			info.dated = true
			rangeTS.add(ranged)
		}
		if p.createdCol != p.dayCol {
			t, ok = p.timeOf(item, p.createdCol)
			if ok && info.days[i] != NoDay {
				maxLag = max(maxLag, ranged-t.Unix())
			}
		}
		if ok {
			createdTS.add(t.Unix())
			if i >= half {
				halfTS.add(t.Unix())
			}
		}
	}
	info.spanRange = rangeTS.span()
	info.spanCreated = createdTS.span()
	info.halfRows, info.spanHalf = int64(halfTS.n), halfTS.span()
	info.lagged = info.spanCreated > 0 && 2*maxLag >= info.spanCreated
	return info
}

// timeOf reads a time column of an item.
func (p *ParallelScan) timeOf(item json.RawMessage, col int) (time.Time, bool) {
	raw, err := p.decoder.field(item, col)
	if err != nil || raw == nil {
		return time.Time{}, false
	}
	v, err := decodeValue(raw, schema.Time)
	t, ok := v.(time.Time)
	return t, err == nil && ok
}

// timeSpan is the earliest and latest of some Unix times.
type timeSpan struct {
	lo, hi int64
	n      int
}

func (s *timeSpan) add(ts int64) {
	if s.n == 0 || ts < s.lo {
		s.lo = ts
	}
	if s.n == 0 || ts > s.hi {
		s.hi = ts
	}
	s.n++
}

// span is hi-lo, at least a minute; 0 without two times.
func (s *timeSpan) span() int64 {
	if s.n < 2 {
		return 0
	}
	return max(s.hi-s.lo, 60)
}

// perDay estimates how many rows of the listing a day of the range column
// holds, from the page just read. When the list follows the days, that is
// the rows over the time they cover, in either column. When it does not,
// the time their DateCreated covers is the better measure (the rows of a
// page are consecutive in the list order; the range column's own span is
// wider), but still low near the newest end of a listing, where every
// slice's first page is: the rows created then whose range column falls
// after the listing's last day are not in it, so the listing thins out
// towards its newest end, and the older half of the page, denser, is
// measured too. The highest estimate is kept: it slices finer, which costs
// a few partial pages, where slicing coarser makes long chains. Only the
// sizes of slices depend on it, never which rows are read.
func (info pageInfo) perDay() float64 {
	n := float64(len(info.days))
	d := 0.0
	for _, span := range []int64{info.spanCreated, info.spanRange} {
		if span > 0 {
			d = max(d, n*86400/float64(span))
		}
	}
	if info.spanHalf > 0 && info.halfRows >= 8 {
		d = max(d, float64(info.halfRows)*86400/float64(info.spanHalf))
	}
	if d == 0 {
		d = n // one row, or none readable: as if a page were a day
	}
	return d
}

// sidOf is the raw Sid of an item ("" when it has none): what tells rows
// apart across a split.
func (p *ParallelScan) sidOf(item json.RawMessage) string {
	raw, err := p.decoder.field(item, p.sidCol)
	if err != nil || len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// uriOf is the first page of a slice.
func (p *ParallelScan) uriOf(s *rangeSlice) string {
	return listURI(p.client, p.table, p.plan.SliceQuery(s.Lo, s.Hi))
}

// work fetches pages for the slices, earliest in reading order first, until
// every slice is done or the scan stops.
func (p *ParallelScan) work() {
	defer p.wg.Done()
	walk := newPageFields(NewDecoder(p.table)) // the worker's own: it walks in the worker's goroutine
	walk.lend = p.lendList
	for {
		p.mu.Lock()
		var s *rangeSlice
		for {
			if p.stopped || p.err != nil || p.finished() {
				p.mu.Unlock()
				return
			}
			if s = p.pick(); s != nil {
				break
			}
			p.cond.Wait()
		}
		s.fetching = true
		p.sent++
		uri := s.uri
		if !s.started {
			s.started = true
			uri = p.uriOf(s)
			s.trail = rest.NewTrail(uri)
		}
		slot, err := p.reserve(s)
		if err != nil {
			s.fetching = false
			p.sent--
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		p.requests++
		trail := s.trail // only the worker fetching s uses it

		p.mu.Unlock()

		g := &pageGate{p: p, s: s}
		ctx := rest.WithLender(rest.WithBeforeBody(p.ctx, g.admit), p.lendBody)
		page, err := p.client.ListPageDecoded(ctx, uri, p.table.ListKey, walk, nil)
		fields, walked := walk.take()
		if err == nil {
			err = trail.Follow(page.NextPageURI)
		}
		var info pageInfo
		if err == nil {
			info = p.inspect(page.Items)
		}

		p.mu.Lock()
		if !g.admitted {
			// No body was waited for (an answer from the cache, or none):
			// what was read counts as held from now on.
			p.sent--
			p.held++
		}
		if err != nil {
			s.fetching = false
			p.held--
			if slot {
				p.budget.release()
			}
			if p.err == nil && !p.stopped {
				p.err = err
			}
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		held := heldPage{items: page.Items, slot: slot}
		if walked == len(page.Items) {
			held.fields, held.body = fields, page.Body
		}
		p.absorb(s, held, info, page.NextPageURI)
		p.mu.Unlock()
	}
}

// eagerAt is how many pages may wait for their turn before the nearest is
// read out of it: pages in memory cost memory, requests in flight do not,
// so a scan keeps its requests in flight (up to maxSent) while holding few
// pages.
func (p *ParallelScan) eagerAt() int { return max(2, p.MaxHeld/3) }

// maxSent bounds the requests sent and pages held together: twice the page
// bound, and at least one per worker (scan_parallelism), so that requests
// in flight keep the rate busy when round trips are long, while the bodies
// read stay within maxHeld (see admit).
func (p *ParallelScan) maxSent() int { return max(2*p.MaxHeld, p.workers) }

// pageGate lets one request's answer be read (rest.BeforeBody).
type pageGate struct {
	p        *ParallelScan
	s        *rangeSlice
	admitted bool // counted in held; kept across the request's retries
}

// admit waits until the scan may hold one more page, then counts the
// answer about to be read in held: at most maxHeld pages are read or being
// read and not yet emitted, however many requests are in flight. The slice
// being read, with no page waiting, never waits (its next page is what the
// reader waits for). It returns ctx's error when the query ends.
func (g *pageGate) admit(ctx context.Context) error {
	p := g.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.admitted {
		return nil
	}
	stop := context.AfterFunc(ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	full := func() bool { return p.held >= p.MaxHeld && (g.s != p.head || len(g.s.pages) > 0) }
	if full() {
		p.gated++
		p.cond.Broadcast() // the reader may now read pages out of order
		for full() && ctx.Err() == nil {
			p.cond.Wait()
		}
		p.gated--
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	g.admitted = true
	p.sent--
	p.held++
	return nil
}

// nearestWaiting is the first slice after the head, in reading order, with
// a page waiting; nil when none has.
func (p *ParallelScan) nearestWaiting() *rangeSlice {
	for s := p.head.next; s != nil; s = s.next {
		if len(s.pages) > 0 {
			return s
		}
	}
	return nil
}

// wakeReserve wakes the workers waiting on the budget (p.mu held).
func (p *ParallelScan) wakeReserve() {
	close(p.headMoved)
	p.headMoved = make(chan struct{})
}

// reserve takes a slot of the Connector's page budget for a page of s,
// unless s is the slice being read with no page waiting: that one fetch
// never waits, so every query progresses whatever the others hold. It is
// called with p.mu held and returns with it held; it reports whether a
// slot was taken.
func (p *ParallelScan) reserve(s *rangeSlice) (bool, error) {
	for p.budget != nil {
		if s == p.head && len(s.pages) == 0 {
			return false, nil
		}
		wake := p.headMoved
		p.reserving++
		p.cond.Broadcast() // the reader may now read pages out of order
		p.mu.Unlock()
		ok, err := p.budget.acquire(p.ctx, wake)
		p.mu.Lock()
		p.reserving--
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// finished reports whether every slice has its last page.
func (p *ParallelScan) finished() bool {
	for s := p.head; s != nil; s = s.next {
		if !s.done {
			return false
		}
	}
	return true
}

// pick chooses the next slice to fetch a page for: the earliest in reading
// order that is not being fetched, while fewer than maxHeld pages wait. The
// slice being read may always fetch when it has no page waiting, so reading
// never waits on the pages of later slices.
func (p *ParallelScan) pick() *rangeSlice {
	free := p.sent+p.held < p.maxSent()
	if free {
		// The rest of a split first: its first page makes the next slices.
		for s := p.head; s != nil; s = s.next {
			if s.rest && !s.started && !s.fetching {
				return s
			}
		}
	}
	for s := p.head; s != nil; s = s.next {
		if s.done || s.fetching {
			continue
		}
		if s == p.head && len(s.pages) == 0 || free {
			if s.Pending {
				p.CutPending(s)
			}
			return s
		}
		return nil
	}
	return nil
}

// Batch is how many slices a split cuts at once: one for every request the
// scan may have in flight (each slice is a chain, one request at a time);
// the days after them are cut when the workers reach them, by the density
// measured by then.
func (p *ParallelScan) Batch() int { return max(2, p.slots()) }

// slots is how many requests the scan keeps in flight at most: as many
// chains advance at once.
func (p *ParallelScan) slots() int {
	if p.workers <= 0 {
		return p.maxSent()
	}
	return max(1, min(p.workers, p.maxSent()))
}

// CutDays cuts the bounded days lo..hi into slices sized by z, newest
// first: at most batch of them, then one pending slice for the days left.
// The last slice takes a short remainder when that is expected to cost
// fewer requests (see absorbs).
func (p *ParallelScan) CutDays(lo, hi int64, z SliceSizer, batch int) []*rangeSlice {
	width := p.cutWidth(hi-lo+1, z)
	var made []*rangeSlice
	for hi >= lo {
		if len(made) == batch {
			made = append(made, &rangeSlice{Lo: lo, Hi: hi, minSeen: OpenAbove, lastDay: NoDay, Pending: true, Sizer: z})
			break
		}
		from := hi - width + 1
		if from <= lo || z.absorbs(hi-lo+1, width) {
			from = lo
		}
		made = append(made, &rangeSlice{Lo: from, Hi: hi, minSeen: OpenAbove, lastDay: NoDay, Planned: z.PerDay * float64(hi-from+1)})
		hi = from - 1
	}
	return made
}

// cutWidth is the width of the slices days are cut into: z's, unless
// chains that long would outlast the rest of the scan. The scan advances
// at most slots chains at once, a page a round trip each: in round trips,
// the work left ends after (pages left ÷ slots), a chain of k pages after
// k. When the last days are cut into few long chains (7 pages of two days
// where 3.4 fill one), the request budget idles while they finish one
// round trip after another: the tail. So the width with the earliest
// expected end is cut, max(pages a chain, pages left ÷ slots), counting
// the pages still expected of the slices already cut; narrower slices add
// partial pages to the work, which the budget pays when the rate binds (the
// slots may be more than the rate keeps busy), so z's width is kept unless
// a narrower one is expected to end 15% sooner, and chains of up to
// slicePages pages are never cut shorter.
func (p *ParallelScan) cutWidth(days int64, z SliceSizer) int64 {
	width := z.Width(days)
	if z.LowerBound || z.PerDay <= 0 || z.slicePagesAt(width) <= SlicePages {
		return width
	}
	slots := float64(p.slots())
	others := p.pagesExpected(z)
	end := func(w int64) float64 {
		chain := z.Pages(float64(w)*z.PerDay, z.sd(float64(w)))
		n := math.Ceil(float64(days) / float64(w))
		return max(chain, (others+n*chain)/slots)
	}
	best, bestEnd := width, end(width)
	for k := z.slicePagesAt(width) - 1; k >= 1; k-- {
		w := z.widthWithin(days, k)
		if w >= best {
			continue
		}
		if e := end(w); e < bestEnd {
			best, bestEnd = w, e
		}
	}
	if end(width) <= 1.15*bestEnd {
		return width
	}
	return best
}

// pagesExpected is the pages the slices not done are still expected to
// fetch (p.mu held): what a slice a split sized was planned to hold, less
// the pages it read, at least one; a pending slice's days by z; one for a
// slice of unknown size.
func (p *ParallelScan) pagesExpected(z SliceSizer) float64 {
	total := 0.0
	for s := p.head; s != nil; s = s.next {
		switch {
		case s.done:
		case s.Pending:
			total += float64(s.Hi-s.Lo+1) * z.PerDay / z.PageSize
		case s.Planned > 0:
			total += max(1, math.Ceil(s.Planned/z.PageSize)-float64(s.reads))
		default:
			total++
		}
	}
	return total
}

// CutPending cuts the pending slice s in place: s becomes the first of the
// slices cut, the others follow it.
func (p *ParallelScan) CutPending(s *rangeSlice) {
	z := s.Sizer
	if m, ok := p.Measured.Sizer(p.PageSize); ok {
		z = m
	}
	s.Pending = false // its days are the ones being cut, not others' pages
	made := p.CutDays(s.Lo, s.Hi, z, p.Batch())
	first, after := made[0], s.next
	s.Lo, s.Hi, s.Planned, s.Pending, s.Sizer = first.Lo, first.Hi, first.Planned, first.Pending, SliceSizer{}
	prev := s
	for _, r := range made[1:] {
		prev.next, prev = r, r
	}
	prev.next = after
}

// absorb files a fetched page under its slice (p.mu held; the page was
// counted in held while fetched): it keeps the rows of the slice's own
// days that the slice has not emitted yet, follows the chain to its end,
// and splits the slice when the days it has not reached are dense.
func (p *ParallelScan) absorb(s *rangeSlice, page heldPage, info pageInfo, next string) {
	items, slot := page.items, page.slot
	list, fields := page.fields, page.fields
	keptFields := 0 // list[:keptFields] holds the fields of keep, filtered in place too
	keepFields := func() {
		if list == nil {
			return
		}
		head, rest, ok := nextFields(fields)
		if !ok {
			list = nil // not one pageFields made: converting walks
			return
		}
		n := copy(list[keptFields:], fields[:1+len(head)])
		keptFields += n
		fields = rest
	}
	dropFields := func() {
		if list == nil {
			return
		}
		if _, rest, ok := nextFields(fields); ok {
			fields = rest
		} else {
			list = nil
		}
	}
	defer p.cond.Broadcast()
	s.fetching = false
	if s.reads == 0 && s.Lo != OpenBelow && s.Hi != OpenAbove && s.Hi-s.Lo < maxCountedDays {
		s.counts = map[int64]int{}
	}
	s.reads++
	keep := items[:0] // filtered in place: the page is the scan's own
	for i, item := range items {
		d := info.days[i]
		if d == NoDay {
			// Twilio's filter matched the row, but its day is unreadable
			// here: the first slice to list it emits it.
			if sid := p.sidOf(item); sid != "" {
				if _, dup := p.undated[sid]; dup {
					dropFields()
					continue
				}
				if p.undated == nil {
					p.undated = map[string]struct{}{}
				}
				p.undated[sid] = struct{}{}
			}
			keepFields()
			keep = append(keep, item)
			continue
		}
		if s.lastDay != NoDay && d > s.lastDay {
			s.strayed = true
		}
		s.lastDay = d
		if d < s.Lo || d > s.Hi {
			dropFields()
			continue // another slice's day: that slice lists the row
		}
		if s.counts != nil {
			s.counts[d]++
		}
		if s.skip != nil {
			if sid := p.sidOf(item); sid != "" {
				if _, dup := s.skip[sid]; dup {
					delete(s.skip, sid) // emitted before the split
					dropFields()
					continue
				}
			}
		}
		if s.minSeen == OpenAbove {
			s.maxSeen = d
		}
		s.minSeen, s.maxSeen = min(s.minSeen, d), max(s.maxSeen, d)
		keepFields()
		keep = append(keep, item)
	}
	s.uri = next
	s.done = next == ""
	if s.done {
		s.skip = nil
		if s.counts != nil {
			for d := s.Lo; d <= s.Hi; d++ {
				p.Measured.Add(float64(s.counts[d]))
			}
			s.counts = nil
		}
	}
	// A slice's first page is at the newest end of its listing: when the
	// range column lags its rows' creation by about the time the page
	// covers, the rows there are thinned out (see perDay) and the density
	// is only a lower bound, which the next page would not make exact (the
	// thinning reaches as deep as the lag): the split does not wait for it,
	// and cuts slices that stay short at any density (SliceSizer.LowerBound).
	switch {
	case p.splittable(s) && info.dated && p.split(s, info, keep):
		// Its chain ended: new slices list its days again.
	case p.splittable(s) && s.reads < SlicePages && s.Planned == 0:
		// The slice may split on a later page: the rows it emits until
		// then are to be skipped by its re-listed chain. (A slice a split
		// sized splits on its first page or not at all: its size came
		// from the density, and its Sids would cost memory for nothing.)
		if s.emitted == nil {
			s.emitted = make(map[string]struct{}, len(keep))
		}
		p.addSids(s.emitted, keep)
	default:
		// It will not split: its Sids are not needed.
		s.final, s.emitted = true, nil
	}
	if list != nil {
		list = list[:keptFields]
	} else {
		page.body = nil // its rows are converted by a walk: not lent
	}
	if len(keep) > 0 {
		s.pages = append(s.pages, heldPage{items: keep, slot: slot, fields: list, body: page.body})
		p.waiting++
	} else {
		p.held--
		if slot {
			p.budget.release()
		}
		p.recycle(page.body, list) // no row of it is kept: nothing points into it
	}
}

// recycle keeps the body and field list of a page whose every row is
// converted (nothing points into it any more), to read a later answer into
// (p.mu held). A nil body is not the scan's alone (a cache keeps it, or it
// is the first source's page): it is never kept.
func (p *ParallelScan) recycle(body []byte, list []uint32) {
	keep := p.sparesKept()
	if body != nil && len(p.spareBodies) < keep {
		p.spareBodies = append(p.spareBodies, body)
	}
	if list != nil && len(p.spareLists) < keep {
		p.spareLists = append(p.spareLists, list)
	}
}

// maxSpares is the most spare bodies a scan keeps. One answer is let in
// as one page is emitted, so one or two spares take nearly every answer;
// more would be live memory (the garbage collector's goal grows with it)
// in every scan of a Connector at once: eight 30-day scans at nodes=10
// peaked at 182-217 MiB keeping up to the page bound, 60-80 keeping none.
const maxSpares = 2

// sparesKept is how many spares the scan may keep now (p.mu held): with
// the pages held, no more bodies than the page bound.
func (p *ParallelScan) sparesKept() int {
	return max(0, min(maxSpares, p.MaxHeld-p.held))
}

// lendBody gives up a spare body to an answer let in (rest.Lender): only
// answers the scan has room for take one, so the bodies kept and the pages
// held stay within the page bound together.
func (p *ParallelScan) lendBody() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.spareBodies)
	if n == 0 {
		return nil
	}
	body := p.spareBodies[n-1]
	p.lent++
	p.spareBodies[n-1] = nil
	p.spareBodies = p.spareBodies[:n-1]
	return body
}

// lendList gives up a spare field list to the walk of an answer let in
// (pageFields.lend), like lendBody; nil when none is kept.
func (p *ParallelScan) lendList() []uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.spareLists)
	if n == 0 {
		return nil
	}
	list := p.spareLists[n-1]
	p.spareLists[n-1] = nil
	p.spareLists = p.spareLists[:n-1]
	return list
}

// takeRow converts the next row of the page being read: from the fields
// the one pass found when it walked every row, else by walking it.
func (p *ParallelScan) takeRow() (row []driver.Value, ok bool, err error) {
	if p.fields == nil {
		return p.take()
	}
	fields, rest, found := nextFields(p.fields)
	if len(p.Items) == 0 || !found {
		p.fields = nil
		if len(p.Items) > 0 {
			p.body = nil // its rows are converted by walks from here: not lent
		}
		return p.take()
	}
	item := p.Items[0]
	p.Items[0] = nil
	p.Items, p.fields = p.Items[1:], rest
	row = p.row
	if p.Fresh {
		row = make([]driver.Value, len(p.row))
	}
	if err := p.decoder.fill(item, fields, row); err != nil {
		return nil, false, err
	}
	return row, true, nil
}

// setPage makes pg the page being read (p.mu held).
func (p *ParallelScan) setPage(pg heldPage) {
	p.Items, p.itemsSlot, p.itemsHeld = pg.items, pg.slot, true
	p.fields, p.body, p.list = pg.fields, pg.body, pg.fields
	if pg.fields == nil {
		p.body = nil // converted by walks: not lent
	}
}

// splittable reports whether s may split now: not split before and every
// row it kept tracked (not final), more pages to come, within its first
// slicePages pages, and rows kept only of days after its first day (so
// that the days before them can be cut off, none of their rows emitted).
func (p *ParallelScan) splittable(s *rangeSlice) bool {
	return !s.final && !s.done && s.reads <= SlicePages && s.minSeen != OpenAbove && s.minSeen > s.Lo
}

// addSids adds the Sids of items to set.
func (p *ParallelScan) addSids(set map[string]struct{}, items []json.RawMessage) {
	for _, item := range items {
		if sid := p.sidOf(item); sid != "" {
			set[sid] = struct{}{}
		}
	}
}

// split ends the chain of s when the days it has not reached (before
// s.minSeen) are dense, and lists its days again in new slices that follow
// it, sized by the density of the page just read: first the days it
// reached, s.minSeen to s.hi, whose slices skip the rows s has emitted (of
// its earlier pages, and kept, of this one), then the days before them. A
// slice already about the size wanted is not split: it goes on page by
// page. It reports whether s was split.
func (p *ParallelScan) split(s *rangeSlice, info pageInfo, kept []json.RawMessage) bool {
	lo, hi := s.Lo, s.minSeen-1
	z := newSliceSizer(info, !s.strayed, p.PageSize)
	if lo != OpenBelow && z.PerDay*float64(hi-lo+1) <= max(float64(SlicePages*p.PageSize), 1.5*s.Planned) {
		return false
	}
	// While the rows s met followed the days, the days it reached (minSeen
	// to its last day) hold the rows it emitted and the rest of its
	// earliest day: the days before them that fill the same pages best
	// are listed with them, so that the rows listed again fill their pages.
	reach := s.minSeen
	if !s.strayed && !z.LowerBound {
		onDay := 0
		for _, d := range info.days {
			if d == s.minSeen {
				onDay++
			}
		}
		listed := float64(len(s.emitted)+len(kept)) + max(0, z.PerDay-float64(onDay))
		limit := int64(math.MaxInt32)
		switch {
		case lo != OpenBelow:
			limit = hi - lo + 1
		case p.retention != OpenBelow:
			limit = max(0, s.minSeen-p.retention) // no bound may reach past the retention window
		}
		// As long as the slices cut below, no longer.
		if more := z.extend(listed, limit, z.slicePagesAt(z.Width(limit))); more > 0 {
			reach = s.minSeen - more
			if lo != OpenBelow && reach <= lo {
				return false // the days left fit the pages s is reading: it goes on
			}
			hi = reach - 1
		}
	}
	days := int64(math.MaxInt32)
	if lo != OpenBelow {
		days = hi - lo + 1
	}
	width := z.Width(days)
	skip := s.emitted
	if skip == nil {
		skip = make(map[string]struct{}, len(kept))
	}
	p.addSids(skip, kept)
	s.emitted = nil
	s.final, s.done, s.uri, s.rest = true, true, "", false

	var made []*rangeSlice
	// The days s reached. While its rows followed the days, those are the
	// few pages s read and the rest of its last day: one slice. Once they
	// strayed, the days may hold many more rows: they are cut by the
	// density, into at most 2 slices per worker.
	upper := s.maxSeen - reach + 1
	if s.strayed {
		upper = min(width, upper)
	}
	for top, count := s.maxSeen, 1; ; top, count = top-upper, count+1 {
		r := &rangeSlice{Lo: max(reach, top-upper+1), Hi: top, minSeen: OpenAbove, lastDay: NoDay, final: true, skip: skip}
		if top == s.maxSeen {
			r.Hi = s.Hi // and the days after the latest row s met
		}
		if count == 2*p.workers {
			r.Lo = reach
		}
		made = append(made, r)
		if r.Lo == reach {
			break
		}
	}
	// The days s did not reach. A bounded run of days is cut a batch at a
	// time, the rest pending (see cutDays). Below an open bound 2 slices
	// per worker are cut and the rest is one slice, whose first page shows
	// where its rows are: a long empty stretch then costs one request, not
	// one per slice.
	most := 2 * p.workers
	add := func(lo, hi int64, rest bool) {
		r := &rangeSlice{Lo: lo, Hi: hi, minSeen: OpenAbove, lastDay: NoDay, rest: rest}
		if !rest {
			r.Planned = z.PerDay * float64(hi-lo+1)
		}
		made = append(made, r)
	}
	if lo != OpenBelow && hi >= lo {
		made = append(made, p.CutDays(lo, hi, z, p.Batch())...)
		hi = lo - 1
	}
	for count := 0; ; count++ {
		if lo != OpenBelow && hi < lo {
			break
		}
		if count == most {
			add(lo, hi, true)
			break
		}
		from := hi - width + 1
		if lo != OpenBelow && (from <= lo || z.absorbs(hi-lo+1, width)) {
			add(lo, hi, false) // the last slice takes the days left
			break
		}
		if lo == OpenBelow && p.retention != OpenBelow && from < p.retention {
			add(lo, hi, true) // no bound may reach past the retention window
			break
		}
		add(from, hi, false)
		hi = from - 1
	}
	last := s.next
	for i := len(made) - 1; i >= 0; i-- {
		made[i].next = last
		last = made[i]
	}
	s.next = last
	return true
}

func (p *ParallelScan) Next(ctx context.Context) ([]driver.Value, error) {
	if !p.started {
		p.start()
	}
	for {
		row, ok, err := p.takeRow()
		if err != nil || ok {
			return row, err
		}
		if p.itemsSlot {
			// The page's rows are all emitted: its slot goes back at once.
			p.itemsSlot = false
			p.budget.release()
		}
		p.mu.Lock()
		if p.itemsHeld {
			// Every row of it is converted: its body goes to a later
			// answer, and there is room for another page.
			p.itemsHeld = false
			p.held--
			p.recycle(p.body, p.list)
			p.fields, p.body, p.list = nil, nil, nil
			p.cond.Broadcast()
		}
		for {
			if p.err != nil {
				err := p.err
				p.mu.Unlock()
				return nil, err
			}
			if p.stopped {
				p.mu.Unlock()
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return nil, errPrefetchStopped
			}
			h := p.head
			if h == nil {
				p.mu.Unlock()
				return nil, io.EOF
			}
			if len(h.pages) > 0 {
				p.setPage(h.pages[0])
				h.pages[0] = heldPage{}
				h.pages = h.pages[1:]
				p.waiting--
				if len(h.pages) == 0 {
					p.wakeReserve() // a page for h no longer waits on the budget
				}
				p.cond.Broadcast()
				break
			}
			if h.done {
				p.head = h.next
				p.wakeReserve()
				p.cond.Broadcast()
				continue
			}
			if p.held >= p.MaxHeld || p.gated > 0 || p.reserving > 0 || p.waiting >= p.eagerAt() {
				// The budget is spent while the slice being read waits on
				// its chain: holding the later slices' pages for order would
				// stall every worker. The nearest waiting page is read now.
				if s := p.nearestWaiting(); s != nil {
					p.setPage(s.pages[0])
					s.pages[0] = heldPage{}
					s.pages = s.pages[1:]
					p.waiting--
					p.cond.Broadcast()
					break
				}
			}
			p.cond.Wait()
		}
		p.mu.Unlock()
	}
}

// Close stops the workers, cancelling requests in flight, and waits for them.
func (p *ParallelScan) Close() {
	p.cancel()
	p.mu.Lock()
	p.stopped = true
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
	p.mu.Lock()
	for s := p.head; s != nil; s = s.next {
		for _, pg := range s.pages {
			if pg.slot {
				p.budget.release()
			}
		}
		s.pages = nil
	}
	if p.itemsSlot {
		p.itemsSlot = false
		p.budget.release()
	}
	p.head, p.Items = nil, nil
	p.fields, p.body, p.list, p.spareBodies, p.spareLists = nil, nil, nil, nil, nil
	p.mu.Unlock()
}
