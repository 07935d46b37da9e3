package twiliotest

import (
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

// Sid generator domains, one per resource.
const (
	domCall uint64 = iota + 1
	domMessage
	domRecording
	domNumber
	domCallerID
	domSummary
	domService
	domConference
	domMisc
)

// rng is a small deterministic generator (splitmix64), so that data does
// not depend on math/rand's algorithms.
type rng struct{ s uint64 }

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func newRng(seed int64, domain, i uint64) *rng {
	return &rng{s: mix(uint64(seed)*0x9e3779b97f4a7c15 ^ mix(domain<<40^i))}
}

func (r *rng) u64() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix(r.s)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(r.u64() % uint64(n))
}

// between returns a number in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// chance returns true with probability pct/100.
func (r *rng) chance(pct int) bool { return r.intn(100) < pct }

// digits returns n random decimal digits.
func (r *rng) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.intn(10))
	}
	return string(b)
}

// weighted picks an index according to weights.
func (r *rng) weighted(w []int) int {
	t := 0
	for _, v := range w {
		t += v
	}
	n := r.intn(t)
	for i, v := range w {
		if n < v {
			return i
		}
		n -= v
	}
	return len(w) - 1
}

func makeSid(seed int64, domain, i uint64) sid16 {
	r := newRng(seed, domain, i)
	var k sid16
	binary.BigEndian.PutUint64(k[:8], r.u64())
	binary.BigEndian.PutUint64(k[8:], r.u64())
	return k
}

// strPool interns strings so that millions of rows can refer to a few
// thousand phone numbers or bodies by index.
type strPool struct {
	s []string
	m map[string]uint32
}

const none = ^uint32(0) // "null" pool reference

func newPool() *strPool { return &strPool{m: map[string]uint32{}} }

func (p *strPool) id(s string) uint32 {
	if i, ok := p.m[s]; ok {
		return i
	}
	i := uint32(len(p.s))
	p.s = append(p.s, s)
	p.m[s] = i
	return i
}

// get returns the string of a reference, nil for none.
func (p *strPool) get(i uint32) *string {
	if i == none {
		return nil
	}
	return &p.s[i]
}

func (p *strPool) str(i uint32) string {
	if i == none {
		return ""
	}
	return p.s[i]
}

// lookup returns the reference of s, or false when no row can carry it.
func (p *strPool) lookup(s string) (uint32, bool) {
	i, ok := p.m[s]
	return i, ok
}

// ---- formatting helpers ----

const noTime int64 = 0 // a zero time means null

func rfc2822(t int64) *string {
	if t == noTime {
		return nil
	}
	s := time.Unix(t, 0).UTC().Format(time.RFC1123Z)
	return &s
}

const noPrice int32 = -1 << 31

// priceStr renders a price held in 1e-5 USD as Twilio does: "-0.00750".
func priceStr(p int32) *string {
	if p == noPrice {
		return nil
	}
	neg := p < 0
	if neg {
		p = -p
	}
	s := strconv.Itoa(int(p/100000)) + "." + pad5(int(p%100000))
	if neg {
		s = "-" + s
	}
	return &s
}

func pad5(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 5-len(s)) + s
}

func sp(s string) *string { return &s }

func ip(n int) *int { return &n }

func bp(b bool) *bool { return &b }

// intStrP renders an int as a string field, or null.
func intStrP(n int32, null bool) *string {
	if null {
		return nil
	}
	s := strconv.Itoa(int(n))
	return &s
}

// formatNumber renders a phone number as Twilio's *_formatted fields and
// default friendly names do: US/Canada numbers as "(415) 523-8886", others
// unchanged.
func formatNumber(n string) string {
	if len(n) == 12 && strings.HasPrefix(n, "+1") && allDigits(n[2:]) {
		return "(" + n[2:5] + ") " + n[5:8] + "-" + n[8:]
	}
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isE164 reports whether s is a +E.164 number.
func isE164(s string) bool {
	return len(s) >= 8 && len(s) <= 16 && s[0] == '+' && s[1] != '0' && allDigits(s[1:])
}

// ---- customer numbers ----

var usAreaCodes = []string{"415", "628", "212", "646", "312", "206", "512", "305", "617", "303", "702", "404"}

// customerNumber generates a plausible E.164 number of a customer.
func customerNumber(r *rng) string {
	switch r.weighted([]int{60, 14, 8, 7, 5, 6}) {
	case 0:
		return "+1" + usAreaCodes[r.intn(len(usAreaCodes))] + strconv.Itoa(r.between(2, 9)) + r.digits(6)
	case 1:
		return "+447" + strconv.Itoa(r.between(4, 9)) + r.digits(8)
	case 2:
		return "+4915" + strconv.Itoa(r.between(1, 9)) + r.digits(8)
	case 3:
		return "+336" + r.digits(8)
	case 4:
		return "+614" + r.digits(8)
	default:
		return "+5511" + "9" + r.digits(8)
	}
}

// customers returns n distinct customer numbers.
func customers(seed int64, n int) []string {
	r := newRng(seed, domMisc, 7)
	seen := make(map[string]bool, n)
	out := make([]string, 0, n)
	for len(out) < n {
		c := customerNumber(r)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// spread returns n strictly decreasing unix times within span seconds
// before now, newest first.
func spread(seed int64, domain uint64, now int64, n int, span int64) []int64 {
	out := make([]int64, n)
	if n == 0 {
		return out
	}
	step := span / int64(n)
	if step < 1 {
		step = 1
	}
	r := newRng(seed, domain, 1<<31)
	for i := range out {
		out[i] = now - 30 - int64(i)*step - int64(r.intn(int(step)))
	}
	return out
}
