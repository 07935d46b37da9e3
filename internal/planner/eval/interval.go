package eval

import (
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/schema"
)

// intervalSeconds are the INTERVAL units of fixed length, in seconds;
// MONTH, QUARTER and YEAR (0 here) are calendar units.
var intervalSeconds = map[string]int64{
	"second":  1,
	"minute":  60,
	"hour":    3600,
	"day":     86400,
	"week":    7 * 86400,
	"month":   0,
	"quarter": 0,
	"year":    0,
}

// MySQL's DATETIME range: years 1000 to 9999 (0000-01-01 is accepted as
// the zero date, not reached by arithmetic).
var (
	minDatetime = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDatetime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// addInterval adds n units to t as MySQL's DATE_ADD does: calendar units
// keep the day of the month and clamp it to the month's last day
// (2026-01-31 + 1 MONTH is 2026-02-28), fixed units never wrap. ok is false
// when the result leaves DATETIME's range.
func addInterval(t time.Time, unit string, n int64) (time.Time, bool) {
	const maxYears = 10000
	switch unit {
	case "month", "quarter", "year":
		months := n
		switch unit {
		case "quarter":
			months = n * 3
		case "year":
			months = n * 12
		}
		if months > maxYears*12 || months < -maxYears*12 {
			return time.Time{}, false
		}
		total := int64(t.Year())*12 + int64(t.Month()-1) + months
		y, m := int(total/12), time.Month(total%12+1)
		if total < 0 {
			return time.Time{}, false
		}
		d := min(t.Day(), daysInMonth(m, y))
		r := time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		return r, inDatetimeRange(r)
	}
	per := intervalSeconds[unit]
	const maxSeconds = maxYears * 366 * 86400
	if n > maxSeconds/per || n < -maxSeconds/per {
		return time.Time{}, false
	}
	secs := n * per
	r := t.Add(time.Duration(secs/86400) * 24 * time.Hour).Add(time.Duration(secs%86400) * time.Second)
	return r, inDatetimeRange(r)
}

func inDatetimeRange(t time.Time) bool { return !t.Before(minDatetime) && !t.After(maxDatetime) }

// isDateValued reports whether an expression is a DATE: of type Date, or a
// constant string written as a date alone ('2026-06-15').
func isDateValued(t Typed) bool {
	if t.Typ == schema.Date {
		return true
	}
	if !t.Constant || t.Typ != schema.String {
		return false
	}
	v, err := t.Eval(nil)
	s, ok := v.(string)
	if err != nil || !ok {
		return false
	}
	_, perr := time.Parse("2006-01-02", strings.TrimSpace(s))
	return perr == nil
}

// daysInMonth is the number of days in month m of year (the page decoder has
// its own daysIn: it is tuned separately).
func daysInMonth(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
