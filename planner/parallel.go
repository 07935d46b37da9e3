package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"io"
	"math"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/twiliosql/twiliosql/rest"
	"github.com/twiliosql/twiliosql/schema"
)

// Parallel range scans.
//
// A listing filtered on a date range (Calls StartTime, Messages DateSent,
// Recordings DateCreated, with at least one bound) is split into time
// slices of whole UTC days, Twilio's date filters being day-granular and
// inclusive: a slice asks for X> = its first day and X< = its last day.
// Up to Env.ScanParallelism workers fetch pages for the slices at once,
// through the client's shared limiter, and the rows are emitted slice by
// slice from the newest, each slice's rows in Twilio's order: the result is
// the sequential scan's. Every row is in exactly one slice: a slice keeps
// only the rows of its own days, and the slices' own days are disjoint.
//
// The split adapts to the data. The first page of the whole range (fetched
// while opening, so that errors surface in Query) shows how dense the
// newest days are. When a slice's page ends on a later day than the
// slice's first day, more pages follow, and the days not reached yet would
// hold more than slicePages pages, those days are cut off into new slices
// sized to hold about slicePages pages each, and the slice goes on (its
// next_page_uri carries its own bounds) only through the day its page ended
// on: the first row of an older day ends its chain. A bounded run of days
// is cut whole when that makes few slices; otherwise, and always below an
// open bound, two slices per worker are cut and the days left form one
// "rest" slice whose first page (fetched first) shows where its rows are,
// so a long empty stretch costs one request; it is split in turn. An empty
// slice costs one request. A LIMIT served by the first page never gets
// here (see scanAhead).
//
// Memory is bounded, not by the rows read: at most heldPerWorker pages per
// worker are fetched and not yet read (the slice being read may always
// fetch one page ahead, so reading never waits on later slices' pages).

// rangeFilters names, per table, the date filter a listing may be split on:
// the one whose days follow the list's own order (newest first).
var rangeFilters = map[string]string{"Calls": "StartTime", "Messages": "DateSent", "Recordings": "DateCreated"}

// retentionDays bounds how far back a date filter may reach (Twilio refuses
// Messages filters past 400 days).
var retentionDays = map[string]int64{"Messages": 400}

const (
	openBelow = math.MinInt64 // a slice with no lower day bound
	openAbove = math.MaxInt64 // a slice with no upper day bound
	noDay     = math.MinInt64 // a row whose range column is unreadable

	// slicePages is the number of pages a new slice is sized to hold: more
	// pages per slice waste fewer partial pages, fewer keep the in-order
	// emission from waiting on one slice's chain of requests.
	slicePages = 4
	// heldPerWorker bounds the pages fetched but not yet read, per worker:
	// the slices after the one being read are fetched ahead of it, and their
	// pages wait in memory.
	heldPerWorker = 4
)

// rangeSlice is a run of days fetched as one chain of pages.
type rangeSlice struct {
	lo, hi   int64  // days of the slice's filter, inclusive (Unix days); openBelow/openAbove
	floor    int64  // the slice's earliest own day: older rows belong to the next slices
	minSeen  int64  // the earliest day among the rows kept so far
	uri      string // the next page; "" before the first request
	started  bool
	fetching bool
	done     bool // no page follows
	whole    bool // rows are not in day order: read to the end, keep own days
	rest     bool // the days left after a split's slices: its first page shows where the rows are
	pages    [][]json.RawMessage
	next     *rangeSlice // the next older slice
}

// parallelScan is a source over range slices.
type parallelScan struct {
	cursor
	client    *rest.Client
	table     *schema.Table
	dayCol    int
	param     string
	base      url.Values // the listing's query without the range bounds
	pageSize  int
	retention int64 // earliest day an open-below slice may be bounded by; openBelow: any
	workers   int
	maxHeld   int

	ctx    context.Context // the query's
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	cond     *sync.Cond
	head     *rangeSlice // the slice being read
	held     int         // pages fetched or being fetched, not yet read
	err      error
	started  bool // the workers run
	stopped  bool
	requests int
}

// newParallelScan returns a parallel source continuing first (the first
// page of the listing with filters q), or nil when the listing is not a range
// scan that can be split.
func newParallelScan(ctx context.Context, env *Env, t *schema.Table, q url.Values, pageSize int, first *listSource) *parallelScan {
	if env.ScanParallelism <= 1 || first.nextURI == "" {
		return nil
	}
	name, ok := rangeFilters[t.Name]
	if !ok {
		return nil
	}
	f, ok := t.Filter(name)
	if !ok || !f.DayGranular {
		return nil
	}
	col, ok := t.Column(f.Column)
	if !ok || q.Has(f.Param) {
		return nil // one day cannot be split
	}
	lo, hi := int64(openBelow), int64(openAbove)
	if v := q.Get(f.Param + ">"); v != "" {
		d, ok := parseDayParam(v)
		if !ok {
			return nil
		}
		lo = d
	}
	if v := q.Get(f.Param + "<"); v != "" {
		d, ok := parseDayParam(v)
		if !ok {
			return nil
		}
		hi = d
	}
	if lo == openBelow && hi == openAbove {
		// Without a bound on the column, rows where it is NULL are in the
		// listing but in no slice.
		return nil
	}
	base := cloneValues(q)
	base.Del(f.Param + ">")
	base.Del(f.Param + "<")
	base.Set("PageSize", strconv.Itoa(pageSize))
	sctx, cancel := context.WithCancel(ctx)
	p := &parallelScan{
		cursor:    first.cursor,
		client:    first.client,
		table:     t,
		dayCol:    col,
		param:     f.Param,
		base:      base,
		pageSize:  max(1, pageSize),
		retention: openBelow,
		workers:   env.ScanParallelism,
		maxHeld:   heldPerWorker * env.ScanParallelism,
		ctx:       sctx,
		cancel:    cancel,
	}
	p.cond = sync.NewCond(&p.mu)
	items := first.items
	p.cursor.items = nil
	s0 := &rangeSlice{lo: lo, hi: hi, floor: lo, minSeen: openAbove, started: true}
	p.head = s0
	info := p.inspect(items)
	if keep, ok := retentionDays[t.Name]; ok {
		newest := dayOf(env.now())
		if info.firstDay != noDay && info.firstDay > newest {
			newest = info.firstDay
		}
		p.retention = newest - keep + 2 // a margin for clocks apart
	}
	p.mu.Lock()
	p.held++
	s0.fetching = true
	p.absorb(s0, items, info, first.nextURI)
	p.mu.Unlock()
	return p
}

// start starts the workers; the first row read does, so opening a result
// costs its first page and nothing more.
func (p *parallelScan) start() {
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

func dayOf(v driver.Value) int64 {
	if t, ok := v.(time.Time); ok {
		return unixDay(t)
	}
	return noDay
}

func formatUnixDay(d int64) string {
	return time.Unix(d*86400, 0).UTC().Format(time.DateOnly)
}

// pageInfo is what a page's range column says.
type pageInfo struct {
	days              []int64 // per item; noDay when unreadable
	firstDay          int64
	firstTS, lastTS   int64 // Unix seconds of the first and last readable rows
	hasFirst, hasLast bool
}

// inspect reads the range column of every item of a page.
func (p *parallelScan) inspect(items []json.RawMessage) pageInfo {
	info := pageInfo{days: make([]int64, len(items)), firstDay: noDay}
	for i, item := range items {
		info.days[i] = noDay
		raw, err := p.decoder.field(item, p.dayCol)
		if err != nil || raw == nil {
			continue
		}
		v, err := decodeValue(raw, schema.Time)
		t, ok := v.(time.Time)
		if err != nil || !ok {
			continue
		}
		info.days[i] = unixDay(t)
		if !info.hasFirst {
			info.hasFirst, info.firstTS, info.firstDay = true, t.Unix(), info.days[i]
		}
		info.hasLast, info.lastTS = true, t.Unix()
	}
	return info
}

// uriOf is the first page of a slice.
func (p *parallelScan) uriOf(s *rangeSlice) string {
	q := cloneValues(p.base)
	if s.lo != openBelow {
		q.Set(p.param+">", formatUnixDay(s.lo))
	}
	if s.hi != openAbove {
		q.Set(p.param+"<", formatUnixDay(s.hi))
	}
	return p.client.FirstPageURI(p.table.ListPath, q)
}

// work fetches pages for the slices, earliest in reading order first, until
// every slice is done or the scan stops.
func (p *parallelScan) work() {
	defer p.wg.Done()
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
		p.held++
		p.requests++
		uri := s.uri
		if !s.started {
			s.started = true
			uri = p.uriOf(s)
		}
		p.mu.Unlock()

		page, err := p.client.ListPage(p.ctx, uri, p.table.ListKey)
		var info pageInfo
		if err == nil {
			info = p.inspect(page.Items)
		}

		p.mu.Lock()
		if err != nil {
			s.fetching = false
			p.held--
			if p.err == nil && !p.stopped {
				p.err = err
			}
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		p.absorb(s, page.Items, info, page.NextPageURI)
		p.mu.Unlock()
	}
}

// finished reports whether every slice has its last page.
func (p *parallelScan) finished() bool {
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
func (p *parallelScan) pick() *rangeSlice {
	if p.held < p.maxHeld {
		// The rest of a split first: its first page makes the next slices.
		for s := p.head; s != nil; s = s.next {
			if s.rest && !s.started {
				return s
			}
		}
	}
	for s := p.head; s != nil; s = s.next {
		if s.done || s.fetching {
			continue
		}
		if s == p.head && len(s.pages) == 0 || p.held < p.maxHeld {
			return s
		}
		return nil
	}
	return nil
}

// absorb files a fetched page under its slice (p.mu held; the page was
// counted in held while fetched): it drops the rows of older slices' days,
// ends the slice's chain once its days are past, and splits off the days
// the slice has not reached yet when more pages follow.
func (p *parallelScan) absorb(s *rangeSlice, items []json.RawMessage, info pageInfo, next string) {
	defer p.cond.Broadcast()
	s.fetching = false
	keep := items
	below := -1
	for i, d := range info.days {
		if d != noDay && d < s.floor {
			below = i
			break
		}
	}
	if below >= 0 {
		inOrder := !s.whole
		for _, d := range info.days[below:] {
			if d != noDay && d >= s.floor {
				inOrder = false
				break
			}
		}
		if inOrder {
			// The slice's days are past: the rest of the chain belongs
			// to older slices.
			keep = items[:below]
			s.done = true
		} else {
			// Rows out of day order: the chain cannot be cut, so it is
			// read to its end keeping only the slice's own days.
			s.whole = true
			keep = make([]json.RawMessage, 0, len(items))
			for i, d := range info.days {
				if d == noDay || d >= s.floor {
					keep = append(keep, items[i])
				}
			}
		}
	}
	kept := info.days[:len(keep)] // in day order, keep is a prefix of items
	if s.whole {
		kept = info.days
	}
	for _, d := range kept {
		if d != noDay && d >= s.floor && d < s.minSeen {
			s.minSeen = d
		}
	}
	if !s.done {
		s.uri = next
		s.done = next == ""
	}
	if !s.done && !s.whole && s.minSeen != openAbove && s.minSeen > s.floor && info.hasFirst && info.hasLast {
		p.split(s, info)
	}
	if len(keep) > 0 {
		s.pages = append(s.pages, keep)
	} else {
		p.held--
	}
}

// split cuts the days of s it has not reached yet (before s.minSeen) into new
// slices that follow it, sized by the density of the page just read. A
// slice already about the size wanted is not split: it goes on page by page.
func (p *parallelScan) split(s *rangeSlice, info pageInfo) {
	lo, hi := s.floor, s.minSeen-1
	span := max(info.firstTS-info.lastTS, 60)
	perDay := float64(len(info.days)) * 86400 / float64(span)
	target := float64(slicePages * p.pageSize)
	if lo != openBelow && perDay*float64(hi-lo+1) <= target {
		return
	}
	s.floor = s.minSeen
	width := max(1, int64(math.Round(target/perDay)))
	// A bounded run of days is cut whole when that makes few enough
	// slices; otherwise (and below an open bound) 2 slices per worker are
	// cut and the rest is one slice, whose first page shows where its rows
	// are: a long empty stretch then costs one request, not one per slice.
	most := 2 * p.workers
	if lo != openBelow && (hi-lo)/width < int64(4*p.workers) {
		most = 4 * p.workers
	}
	var made []*rangeSlice
	add := func(lo, hi int64, rest bool) {
		made = append(made, &rangeSlice{lo: lo, hi: hi, floor: lo, minSeen: openAbove, rest: rest})
	}
	for count := 0; ; count++ {
		if lo != openBelow && hi < lo {
			break
		}
		if count == most {
			add(lo, hi, true)
			break
		}
		from := hi - width + 1
		if lo != openBelow && from <= lo {
			add(lo, hi, false)
			break
		}
		if lo == openBelow && p.retention != openBelow && from < p.retention {
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
}

func (p *parallelScan) next(ctx context.Context) ([]driver.Value, error) {
	if !p.started {
		p.start()
	}
	for {
		row, ok, err := p.take()
		if err != nil || ok {
			return row, err
		}
		p.mu.Lock()
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
				p.items = h.pages[0]
				h.pages[0] = nil
				h.pages = h.pages[1:]
				p.held--
				p.cond.Broadcast()
				break
			}
			if h.done {
				p.head = h.next
				p.cond.Broadcast()
				continue
			}
			p.cond.Wait()
		}
		p.mu.Unlock()
	}
}

// close stops the workers, cancelling requests in flight, and waits for them.
func (p *parallelScan) close() {
	p.cancel()
	p.mu.Lock()
	p.stopped = true
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
	p.mu.Lock()
	p.head, p.items = nil, nil
	p.mu.Unlock()
}
