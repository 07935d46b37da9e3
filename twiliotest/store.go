package twiliotest

import (
	"bytes"
	"encoding/hex"
	"slices"
	"sort"
)

// sid16 is the 32-hex-digit part of a Sid, as 16 raw bytes.
type sid16 [16]byte

// index keeps one resource's rows in list order (newest first: key
// descending, ties by Sid ascending) and finds them by Sid. Rows are never
// removed: a deleted row stays as a tombstone so that a PageToken naming it
// still has a position.
type index struct {
	prefix string // Sid prefix, e.g. "CA"
	alt    string // alternate prefix ("MM" for messages), chosen per row by altRow
	domain uint64 // Sid generator domain

	keys   []int64 // sort key per row (unix seconds of date_created)
	sids   []sid16
	dead   []bool
	altRow []bool
	order  []int32 // rows in list order
	by     map[sid16]int32
	live   int
	seed   int64
	made   uint64 // Sids generated for created rows
}

func newIndex(prefix, alt string, domain uint64, seed int64, capacity int) index {
	return index{
		prefix: prefix, alt: alt, domain: domain, seed: seed,
		keys:   make([]int64, 0, capacity),
		sids:   make([]sid16, 0, capacity),
		dead:   make([]bool, 0, capacity),
		altRow: make([]bool, 0, capacity),
		by:     make(map[sid16]int32, capacity),
	}
}

// before reports whether row a is listed before row b.
func (x *index) before(a, b int32) bool {
	if x.keys[a] != x.keys[b] {
		return x.keys[a] > x.keys[b]
	}
	return bytes.Compare(x.sids[a][:], x.sids[b][:]) < 0
}

// seedRow appends a row during construction; finish must be called after.
func (x *index) seedRow(key int64, sid sid16, alt bool) int32 {
	row := int32(len(x.keys))
	x.keys = append(x.keys, key)
	x.sids = append(x.sids, sid)
	x.dead = append(x.dead, false)
	x.altRow = append(x.altRow, alt)
	x.by[sid] = row
	x.live++
	return row
}

// finish builds the list order of the seeded rows.
func (x *index) finish() {
	x.order = make([]int32, len(x.keys))
	for i := range x.order {
		x.order[i] = int32(i)
	}
	cmp := func(a, b int32) int {
		if x.before(a, b) {
			return -1
		}
		if x.before(b, a) {
			return 1
		}
		return 0
	}
	if !slices.IsSortedFunc(x.order, cmp) {
		slices.SortFunc(x.order, cmp)
	}
}

// setSid replaces the Sid of a seeded row before finish (well-known Sids).
func (x *index) setSid(row int32, sid sid16) {
	delete(x.by, x.sids[row])
	x.sids[row] = sid
	x.by[sid] = row
}

// add inserts a created row at its place in the list order.
func (x *index) add(key int64, sid sid16, alt bool) int32 {
	row := int32(len(x.keys))
	x.keys = append(x.keys, key)
	x.sids = append(x.sids, sid)
	x.dead = append(x.dead, false)
	x.altRow = append(x.altRow, alt)
	x.by[sid] = row
	x.live++
	p := sort.Search(len(x.order), func(i int) bool { return x.before(row, x.order[i]) })
	x.order = slices.Insert(x.order, p, row)
	return row
}

// newSid returns a fresh deterministic Sid for a created row.
func (x *index) newSid() sid16 {
	for {
		x.made++
		s := makeSid(x.seed, x.domain|1<<32, x.made)
		if _, taken := x.by[s]; !taken {
			return s
		}
	}
}

func (x *index) remove(row int32) {
	if !x.dead[row] {
		x.dead[row] = true
		x.live--
	}
}

// pos returns the position of row in the list order.
func (x *index) pos(row int32) int {
	return sort.Search(len(x.order), func(i int) bool { return !x.before(x.order[i], row) })
}

// sidString renders a row's Sid.
func (x *index) sidString(row int32) string {
	var b [34]byte
	p := x.prefix
	if x.altRow[row] {
		p = x.alt
	}
	copy(b[:2], p)
	hex.Encode(b[2:], x.sids[row][:])
	return string(b[:])
}

// lookup finds the row of a Sid string, dead or alive.
func (x *index) lookup(sid string) (int32, bool) {
	if len(sid) != 34 {
		return 0, false
	}
	var k sid16
	if _, err := hex.Decode(k[:], []byte(sid[2:])); err != nil {
		return 0, false
	}
	row, ok := x.by[k]
	if !ok {
		return 0, false
	}
	p := x.prefix
	if x.altRow[row] {
		p = x.alt
	}
	if sid[:2] != p {
		return 0, false
	}
	return row, true
}

// find finds a live row by Sid.
func (x *index) find(sid string) (int32, bool) {
	row, ok := x.lookup(sid)
	if !ok || x.dead[row] {
		return 0, false
	}
	return row, true
}

// parseSid decodes a Sid with the given prefix.
func parseSid(sid, prefix string) (sid16, bool) {
	var k sid16
	if len(sid) != 34 || sid[:2] != prefix {
		return k, false
	}
	if _, err := hex.Decode(k[:], []byte(sid[2:])); err != nil {
		return k, false
	}
	return k, true
}

func mustSid(sid string) sid16 {
	k, ok := parseSid(sid, sid[:2])
	if !ok {
		panic("twiliotest: bad well-known sid " + sid)
	}
	return k
}

func sidStr(prefix string, k sid16) string {
	var b [34]byte
	copy(b[:2], prefix)
	hex.Encode(b[2:], k[:])
	return string(b[:])
}
