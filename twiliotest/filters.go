package twiliotest

import (
	"strings"
	"time"
)

// dayFilter is a day-granular, inclusive date filter built from the
// parameters X, X< and X>. Twilio ignores the time of day (in UTC):
// X=d matches the whole UTC day d, X>=d means on or after day d, X<=d
// means on or before day d.
type dayFilter struct {
	eq, ge, le          int64 // UTC day numbers
	hasEq, hasGe, hasLe bool
}

func (f dayFilter) active() bool { return f.hasEq || f.hasGe || f.hasLe }

// match tests a unix time; a null time (noTime) never matches an active filter.
func (f dayFilter) match(t int64) bool {
	if !f.active() {
		return true
	}
	if t == noTime {
		return false
	}
	d := dayOf(t)
	return (!f.hasEq || d == f.eq) && (!f.hasGe || d >= f.ge) && (!f.hasLe || d <= f.le)
}

// earliest returns the earliest day the filter's parameters name.
func (f dayFilter) earliest() (int64, bool) {
	var d int64
	ok := false
	for _, c := range []struct {
		has bool
		v   int64
	}{{f.hasEq, f.eq}, {f.hasGe, f.ge}, {f.hasLe, f.le}} {
		if c.has && (!ok || c.v < d) {
			d, ok = c.v, true
		}
	}
	return d, ok
}

func dayOf(t int64) int64 {
	d := t / 86400
	if t < 0 && t%86400 != 0 {
		d--
	}
	return d
}

// dateLayouts are the formats accepted in date filters: YYYY-MM-DD,
// RFC 3339 date-times (what twilio-go sends), and a few others Twilio
// accepts.
var dateLayouts = []string{
	"2006-01-02",
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.000",
	time.RFC1123Z,
	time.RFC1123,
}

// parseDay parses a filter date into a UTC day number.
func parseDay(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return dayOf(t.UTC().Unix()), true
		}
	}
	return 0, false
}

// dayParams reads the date filter named name (name, name<, name>).
func (c *ctx) dayParams(name string) (dayFilter, *apiError) {
	var f dayFilter
	for _, p := range []struct {
		suffix string
		v      *int64
		has    *bool
	}{{"", &f.eq, &f.hasEq}, {">", &f.ge, &f.hasGe}, {"<", &f.le, &f.hasLe}} {
		v, ok := c.first(name + p.suffix)
		if !ok {
			continue
		}
		d, ok := parseDay(v)
		if !ok {
			return f, errParam("Invalid value for %s%s: '%s' is not a valid date. Use YYYY-MM-DD or an ISO 8601 date-time", name, p.suffix, v)
		}
		*p.v, *p.has = d, true
	}
	return f, nil
}

// poolFilter resolves an exact-match filter on a pooled string: want is
// the reference to compare with, or none when no row can match.
func poolFilter(p *strPool, v string) uint32 {
	if i, ok := p.lookup(v); ok {
		return i
	}
	return none - 1 // matches nothing (none itself means null)
}
