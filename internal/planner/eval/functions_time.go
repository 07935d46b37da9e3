package eval

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // CONVERT_TZ's IANA names on hosts without a zone database

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// Date and time functions, with MySQL's semantics in the session time zone
// UTC. A value that is not a time is NULL, as in MySQL (with a warning
// there).

func timePart(part func(time.Time) int64) func([]driver.Value) (driver.Value, error) {
	return func(a []driver.Value) (driver.Value, error) {
		t, ok := AsTime(a[0])
		if !ok {
			return nil, nil
		}
		return part(t), nil
	}
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func fnDate(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	return midnight(t), nil
}

// fnTime is TIME(x) as MySQL prints a TIME: hh:mm:ss, with microseconds
// when there are any.
func fnTime(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		s := strings.TrimSpace(ToString(a[0]))
		for _, layout := range []string{"15:04:05.999999", "15:04:05", "15:04"} {
			if tt, err := time.Parse(layout, s); err == nil {
				t, ok = tt, true
				break
			}
		}
		if !ok {
			return nil, nil
		}
	}
	if t.Nanosecond() != 0 {
		return t.Format("15:04:05.000000"), nil
	}
	return t.Format("15:04:05"), nil
}

func fnDateDiff(a []driver.Value) (driver.Value, error) {
	x, ok1 := AsTime(a[0])
	y, ok2 := AsTime(a[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	return int64(midnight(x).Sub(midnight(y)).Hours() / 24), nil
}

func fnDayName(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	return t.Weekday().String(), nil
}

func fnMonthName(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	return t.Month().String(), nil
}

func fnLastDay(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	return time.Date(t.Year(), t.Month(), daysInMonth(t.Month(), t.Year()), 0, 0, 0, 0, time.UTC), nil
}

// fnMakeDate is MAKEDATE(year, dayofyear): two-digit years as MySQL reads
// them (70-99: 19xx, 0-69: 20xx); a day of year below 1 is NULL.
func fnMakeDate(a []driver.Value) (driver.Value, error) {
	y, ok1 := ToInt(roundTo(numeric(a[0]), 0, false))
	d, ok2 := ToInt(roundTo(numeric(a[1]), 0, false))
	if !ok1 || !ok2 || d < 1 || y < 0 || y > 9999 || d > 366*10000 {
		return nil, nil
	}
	switch {
	case y < 70:
		y += 2000
	case y < 100:
		y += 1900
	}
	t := time.Date(int(y), 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(d-1))
	if t.Year() > 9999 {
		return nil, nil
	}
	return t, nil
}

// zone reads a CONVERT_TZ zone: an IANA name or a ±hh:mm offset.
func zone(name string) (*time.Location, bool) {
	name = strings.TrimSpace(name)
	if len(name) >= 5 && (name[0] == '+' || name[0] == '-') {
		h, m, ok := strings.Cut(name[1:], ":")
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || hh > 14 || mm > 59 {
			return nil, false
		}
		off := hh*3600 + mm*60
		if name[0] == '-' {
			off = -off
		}
		return time.FixedZone(name, off), true
	}
	if strings.EqualFold(name, "utc") || strings.EqualFold(name, "system") {
		return time.UTC, true
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

func fnConvertTZ(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	from, ok1 := zone(ToString(a[1]))
	to, ok2 := zone(ToString(a[2]))
	if !ok || !ok1 || !ok2 {
		return nil, nil
	}
	r := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), from).In(to)
	return time.Date(r.Year(), r.Month(), r.Day(), r.Hour(), r.Minute(), r.Second(), r.Nanosecond(), time.UTC), nil
}

func fromUnixtimeType(a []Typed) schema.Type {
	if len(a) == 2 {
		return schema.String
	}
	return schema.Time
}

func fnFromUnixtime(a []driver.Value) (driver.Value, error) {
	secs, ok := ToDecimal(numeric(a[0]))
	if !ok {
		f, _ := ToFloat(a[0])
		secs = decimal.NewFromFloat(f)
	}
	// MySQL's range: 0 to 32536771199 (3001-01-18 23:59:59 UTC).
	if secs.IsNegative() || secs.GreaterThan(decimal.NewFromInt(32536771199)) {
		return nil, nil
	}
	whole := secs.IntPart()
	nanos := secs.Sub(decimal.NewFromInt(whole)).Shift(9).IntPart()
	t := time.Unix(whole, nanos).UTC()
	if len(a) == 2 {
		return dateFormat(t, ToString(a[1])), nil
	}
	return t, nil
}

func fnDateFormat(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	return dateFormat(t, ToString(a[1])), nil
}

// dateFormat writes t with DATE_FORMAT's specifiers
// (https://dev.mysql.com/doc/refman/8.0/en/date-and-time-functions.html#function_date-format).
func dateFormat(t time.Time, format string) string {
	var b strings.Builder
	two := func(n int) { fmt.Fprintf(&b, "%02d", n) }
	hour12 := func() int {
		if h := t.Hour() % 12; h != 0 {
			return h
		}
		return 12
	}
	ampm := func() string {
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	}
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'b':
			b.WriteString(t.Month().String()[:3])
		case 'c':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'D':
			b.WriteString(strconv.Itoa(t.Day()) + ordinalSuffix(t.Day()))
		case 'd':
			two(t.Day())
		case 'e':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'f':
			fmt.Fprintf(&b, "%06d", t.Nanosecond()/1000)
		case 'H':
			two(t.Hour())
		case 'h', 'I':
			two(hour12())
		case 'i':
			two(t.Minute())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'k':
			b.WriteString(strconv.Itoa(t.Hour()))
		case 'l':
			b.WriteString(strconv.Itoa(hour12()))
		case 'M':
			b.WriteString(t.Month().String())
		case 'm':
			two(int(t.Month()))
		case 'p':
			b.WriteString(ampm())
		case 'r':
			fmt.Fprintf(&b, "%02d:%02d:%02d %s", hour12(), t.Minute(), t.Second(), ampm())
		case 'S', 's':
			two(t.Second())
		case 'T':
			fmt.Fprintf(&b, "%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second())
		case 'U':
			_, w := calcWeek(t, weekFirstWeekday)
			two(w)
		case 'u':
			_, w := calcWeek(t, weekMondayFirst)
			two(w)
		case 'V':
			_, w := calcWeek(t, weekYear|weekFirstWeekday)
			two(w)
		case 'v':
			_, w := calcWeek(t, weekYear|weekMondayFirst)
			two(w)
		case 'W':
			b.WriteString(t.Weekday().String())
		case 'w':
			b.WriteString(strconv.Itoa(int(t.Weekday())))
		case 'X':
			y, _ := calcWeek(t, weekYear|weekFirstWeekday)
			fmt.Fprintf(&b, "%04d", y)
		case 'x':
			y, _ := calcWeek(t, weekYear|weekMondayFirst)
			fmt.Fprintf(&b, "%04d", y)
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			two(t.Year() % 100)
		default: // %% and %x for any other x: x
			b.WriteByte(format[i])
		}
	}
	return b.String()
}

func ordinalSuffix(d int) string {
	if d%100 >= 11 && d%100 <= 13 {
		return "th"
	}
	switch d % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// The week behaviour bits of MySQL's calc_week (sql/sql_time.cc).
const (
	weekMondayFirst  = 1
	weekYear         = 2
	weekFirstWeekday = 4
)

// weekMode turns WEEK()'s mode argument into calc_week's behaviour.
func weekMode(mode int64) int {
	m := int(mode & 7)
	if m&weekMondayFirst == 0 {
		m ^= weekFirstWeekday
	}
	return m
}

func daysInYear(y int) int {
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 366
	}
	return 365
}

func dayNumber(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// calcWeek is MySQL's calc_week: the week of t and the year it belongs to.
func calcWeek(t time.Time, behaviour int) (year, week int) {
	mondayFirst := behaviour&weekMondayFirst != 0
	isWeekYear := behaviour&weekYear != 0
	firstWeekday := behaviour&weekFirstWeekday != 0
	daynr := dayNumber(t.Year(), t.Month(), t.Day())
	firstDaynr := dayNumber(t.Year(), 1, 1)
	weekday := int(time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Weekday())
	if mondayFirst {
		weekday = (weekday + 6) % 7
	}
	year = t.Year()
	if t.Month() == 1 && t.Day() <= 7-weekday {
		if !isWeekYear && ((firstWeekday && weekday != 0) || (!firstWeekday && weekday >= 4)) {
			return year, 0
		}
		isWeekYear = true
		year--
		days := daysInYear(year)
		firstDaynr -= days
		weekday = (weekday + 53*7 - days) % 7
	}
	var days int
	if (firstWeekday && weekday != 0) || (!firstWeekday && weekday >= 4) {
		days = daynr - (firstDaynr + (7 - weekday))
	} else {
		days = daynr - (firstDaynr - weekday)
	}
	if isWeekYear && days >= 52*7 {
		weekday = (weekday + daysInYear(year)) % 7
		if (!firstWeekday && weekday < 4) || (firstWeekday && weekday == 0) {
			return year + 1, 1
		}
	}
	return year, days/7 + 1
}

func modeArg(a []driver.Value) int64 {
	if len(a) < 2 {
		return 0 // default_week_format
	}
	m, _ := ToInt(roundTo(numeric(a[1]), 0, false))
	return m
}

func fnWeek(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	_, w := calcWeek(t, weekMode(modeArg(a)))
	return int64(w), nil
}

func fnYearWeek(a []driver.Value) (driver.Value, error) {
	t, ok := AsTime(a[0])
	if !ok {
		return nil, nil
	}
	y, w := calcWeek(t, weekMode(modeArg(a))|weekYear)
	return int64(y*100 + w), nil
}

// fnStrToDate reads s as format describes it; NULL when it does not match.
// A format of time specifiers alone reads a TIME, given as hh:mm:ss text.
func fnStrToDate(a []driver.Value) (driver.Value, error) {
	format := ToString(a[1])
	t, _, ok := strToDate(ToString(a[0]), format)
	if !ok {
		return nil, nil
	}
	if !hasDateSpecifier(format) {
		return fnTime([]driver.Value{t})
	}
	return t, nil
}

func hasDateSpecifier(format string) bool {
	for i := 0; i+1 < len(format); i++ {
		if format[i] == '%' {
			i++
			if strings.IndexByte("YyMmcbdeDjaWUuVvXxw", format[i]) >= 0 {
				return true
			}
		}
	}
	return false
}

// strToDate parses s by format; hasTime reports whether the format reads a
// time of day.
func strToDate(s, format string) (t time.Time, hasTime, ok bool) {
	year, month, day, hour, minute, sec, micro := 0, 0, 0, 0, 0, 0, 0
	pm, twelve := -1, false
	yday := 0
	pos := 0
	num := func(maxDigits int) (int, bool) {
		for pos < len(s) && s[pos] == ' ' {
			pos++ // MySQL skips spaces before a number
		}
		start := pos
		for pos < len(s) && pos-start < maxDigits && s[pos] >= '0' && s[pos] <= '9' {
			pos++
		}
		if pos == start {
			return 0, false
		}
		n, _ := strconv.Atoi(s[start:pos])
		return n, true
	}
	name := func(names []string) (int, bool) {
		for i, n := range names {
			if len(s)-pos >= len(n) && strings.EqualFold(s[pos:pos+len(n)], n) {
				pos += len(n)
				return i, true
			}
		}
		return 0, false
	}
	var months, shortMonths, days, shortDays []string
	for m := time.January; m <= time.December; m++ {
		months = append(months, m.String())
		shortMonths = append(shortMonths, m.String()[:3])
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		days = append(days, d.String())
		shortDays = append(shortDays, d.String()[:3])
	}
	format = strings.NewReplacer("%T", "%H:%i:%s", "%r", "%I:%i:%s %p").Replace(format)
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == ' ' {
			for pos < len(s) && s[pos] == ' ' {
				pos++
			}
			continue
		}
		if c != '%' || i+1 == len(format) {
			if pos >= len(s) || s[pos] != c {
				return time.Time{}, false, false
			}
			pos++
			continue
		}
		i++
		var good bool
		switch format[i] {
		case 'Y':
			year, good = num(4)
		case 'y':
			year, good = num(2)
			if year < 70 {
				year += 2000
			} else {
				year += 1900
			}
		case 'm', 'c':
			month, good = num(2)
		case 'd', 'e':
			day, good = num(2)
		case 'H', 'k':
			hour, good = num(2)
			hasTime = true
		case 'h', 'I', 'l':
			hour, good = num(2)
			twelve, hasTime = true, true
		case 'i':
			minute, good = num(2)
			hasTime = true
		case 's', 'S':
			sec, good = num(2)
			hasTime = true
		case 'f':
			start := pos
			micro, good = num(6)
			for n := pos - start; n < 6; n++ {
				micro *= 10
			}
			hasTime = true
		case 'p':
			pm, good = name([]string{"AM", "PM"})
		case 'M':
			month, good = name(months)
			month++
		case 'b':
			month, good = name(shortMonths)
			month++
		case 'W':
			_, good = name(days)
		case 'a':
			_, good = name(shortDays)
		case 'j':
			yday, good = num(3)
		case '%':
			good = pos < len(s) && s[pos] == '%'
			pos++
		default:
			good = pos < len(s) && s[pos] == format[i]
			pos++
		}
		if !good {
			return time.Time{}, false, false
		}
	}
	if twelve {
		if hour < 1 || hour > 12 {
			return time.Time{}, false, false
		}
		hour %= 12
	}
	if pm == 1 {
		hour += 12
	}
	if yday > 0 && month == 0 && day == 0 {
		t = time.Date(year, 1, 1, hour, minute, sec, micro*1000, time.UTC).AddDate(0, 0, yday-1)
		return t, hasTime, t.Year() == year
	}
	if !hasDateSpecifier(format) {
		year, month, day = 1, 1, 1 // a TIME: the date is not read
	}
	if month < 1 || month > 12 || day < 1 || day > daysInMonth(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, micro*1000, time.UTC), hasTime, true
}

// strToDateType is DATE when a constant format reads no time of day, a
// TIME (text) when it reads nothing else.
func strToDateType(a []Typed) schema.Type {
	if len(a) == 2 && a[1].Constant {
		if v, err := a[1].Eval(nil); err == nil && v != nil {
			switch f := ToString(v); {
			case !hasDateSpecifier(f):
				return schema.String
			case !hasTimeSpecifier(f):
				return schema.Date
			}
		}
	}
	return schema.Time
}

func hasTimeSpecifier(format string) bool {
	for i := 0; i+1 < len(format); i++ {
		if format[i] == '%' {
			i++
			if strings.IndexByte("HkhIlisSfTrp", format[i]) >= 0 {
				return true
			}
		}
	}
	return false
}

func compileNow(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	fsp := int64(0)
	if len(x.Exprs) == 1 {
		v, err := c.Value(x.Exprs[0].(*sqlparser.AliasedExpr).Expr)
		if err != nil {
			return Typed{}, err
		}
		if n, ok := ToInt(v); ok && n >= 0 && n <= 6 {
			fsp = n
		} else {
			return Typed{}, fmt.Errorf("twilio: %s() takes a precision from 0 to 6, not %s", strings.ToUpper(x.Name.String()), Describe(v))
		}
	}
	t := c.Now().(time.Time)
	unit := time.Second
	for range fsp {
		unit /= 10
	}
	return c.constant(t.Truncate(unit)), nil
}

func compileToday(c *Compiler, _ *sqlparser.FuncExpr) (Typed, error) {
	d := c.constant(midnight(c.Now().(time.Time)))
	d.Typ = schema.Date
	return d, nil
}

func compileUnixTimestamp(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	var arg Typed
	if len(x.Exprs) == 0 {
		arg = c.constant(c.Now())
	} else {
		a, err := c.SelectArg(x.Exprs[0])
		if err != nil {
			return Typed{}, err
		}
		arg = a
	}
	return c.call(schema.Int, "unix_timestamp", strict(func(a []driver.Value) (driver.Value, error) {
		t, ok := AsTime(a[0])
		if !ok {
			return nil, nil
		}
		if t.Before(time.Unix(0, 0)) {
			return int64(0), nil
		}
		if t.Nanosecond() != 0 {
			return decimal.NewFromInt(t.Unix()).Add(decimal.New(int64(t.Nanosecond()/1000), -6)), nil
		}
		return t.Unix(), nil
	}), []Typed{arg}), nil
}

// compileDateAdd is DATE_ADD/DATE_SUB/ADDDATE/SUBDATE: an INTERVAL, or
// (ADDDATE, SUBDATE) a number of days.
func compileDateAdd(subtract bool) func(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	return func(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
		name := x.Name.Lowered()
		base, err := c.SelectArg(x.Exprs[0])
		if err != nil {
			return Typed{}, err
		}
		ae, ok := x.Exprs[1].(*sqlparser.AliasedExpr)
		if !ok {
			return Typed{}, Unsupported(sqlparser.String(x.Exprs[1]) + " as a function argument")
		}
		iv, ok := ae.Expr.(*sqlparser.IntervalExpr)
		if !ok {
			if name != "adddate" && name != "subdate" {
				return Typed{}, fmt.Errorf("twilio: the second argument of %s must be INTERVAL n unit, e.g. INTERVAL 7 DAY", strings.ToUpper(name))
			}
			iv = &sqlparser.IntervalExpr{Expr: ae.Expr, Unit: "day"}
		}
		return c.interval(base, iv, subtract)
	}
}

// unitArg reads a unit keyword argument (TIMESTAMPDIFF(MONTH, …)): the
// parser sees a column name or, after the EXTRACT rewrite, a string.
func unitArg(se sqlparser.SelectExpr) (string, bool) {
	ae, ok := se.(*sqlparser.AliasedExpr)
	if !ok {
		return "", false
	}
	switch e := ae.Expr.(type) {
	case *sqlparser.ColName:
		if e.Qualifier.IsEmpty() {
			return e.Name.Lowered(), true
		}
	case *sqlparser.SQLVal:
		if e.Type == sqlparser.StrVal {
			return strings.ToLower(string(e.Val)), true
		}
	}
	return "", false
}

func compileTimestampAdd(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	unit, ok := unitArg(x.Exprs[0])
	if _, known := intervalSeconds[unit]; !ok || !known {
		return Typed{}, fmt.Errorf("twilio: TIMESTAMPADD's first argument is a unit: SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR, not %s", sqlparser.String(x.Exprs[0]))
	}
	base, err := c.SelectArg(x.Exprs[2])
	if err != nil {
		return Typed{}, err
	}
	return c.interval(base, &sqlparser.IntervalExpr{Expr: x.Exprs[1].(*sqlparser.AliasedExpr).Expr, Unit: unit}, false)
}

func compileTimestampDiff(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	unit, ok := unitArg(x.Exprs[0])
	per, known := intervalSeconds[unit]
	if unit == "microsecond" {
		known = true
	}
	if !ok || !known {
		return Typed{}, fmt.Errorf("twilio: TIMESTAMPDIFF's first argument is a unit: MICROSECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR, not %s", sqlparser.String(x.Exprs[0]))
	}
	var argv []Typed
	for _, se := range x.Exprs[1:] {
		t, err := c.SelectArg(se)
		if err != nil {
			return Typed{}, err
		}
		argv = append(argv, t)
	}
	return c.call(schema.Int, "timestampdiff", strict(func(a []driver.Value) (driver.Value, error) {
		from, ok1 := AsTime(a[0])
		to, ok2 := AsTime(a[1])
		if !ok1 || !ok2 {
			return nil, nil
		}
		switch unit {
		case "month", "quarter", "year":
			months := monthsBetween(from, to)
			switch unit {
			case "quarter":
				return months / 3, nil
			case "year":
				return months / 12, nil
			}
			return months, nil
		case "microsecond":
			return to.Sub(from).Microseconds(), nil
		}
		secs := to.Unix() - from.Unix()
		// Whole units: a partial second counts toward none.
		if d := to.Nanosecond() - from.Nanosecond(); secs > 0 && d < 0 {
			secs--
		} else if secs < 0 && d > 0 {
			secs++
		}
		return secs / per, nil
	}), argv), nil
}

// monthsBetween is the whole months from a to b as MySQL's TIMESTAMPDIFF
// counts them: a month is complete when the day and time of day are
// reached again.
func monthsBetween(a, b time.Time) int64 {
	neg := b.Before(a)
	if neg {
		a, b = b, a
	}
	months := int64(b.Year()-a.Year())*12 + int64(b.Month()) - int64(a.Month())
	ta := time.Duration(a.Hour())*time.Hour + time.Duration(a.Minute())*time.Minute + time.Duration(a.Second())*time.Second + time.Duration(a.Nanosecond())
	tb := time.Duration(b.Hour())*time.Hour + time.Duration(b.Minute())*time.Minute + time.Duration(b.Second())*time.Second + time.Duration(b.Nanosecond())
	if b.Day() < a.Day() || (b.Day() == a.Day() && tb < ta) {
		months--
	}
	if neg {
		return -months
	}
	return months
}

// extractUnits are EXTRACT's units: a function of the time.
var extractUnits = map[string]func(t time.Time) int64{
	"microsecond":        func(t time.Time) int64 { return int64(t.Nanosecond() / 1000) },
	"second":             func(t time.Time) int64 { return int64(t.Second()) },
	"minute":             func(t time.Time) int64 { return int64(t.Minute()) },
	"hour":               func(t time.Time) int64 { return int64(t.Hour()) },
	"day":                func(t time.Time) int64 { return int64(t.Day()) },
	"week":               func(t time.Time) int64 { _, w := calcWeek(t, weekMode(0)); return int64(w) },
	"month":              func(t time.Time) int64 { return int64(t.Month()) },
	"quarter":            func(t time.Time) int64 { return int64(t.Month()+2) / 3 },
	"year":               func(t time.Time) int64 { return int64(t.Year()) },
	"second_microsecond": func(t time.Time) int64 { return int64(t.Second())*1000000 + int64(t.Nanosecond()/1000) },
	"minute_microsecond": func(t time.Time) int64 {
		return (int64(t.Minute())*100+int64(t.Second()))*1000000 + int64(t.Nanosecond()/1000)
	},
	"minute_second": func(t time.Time) int64 { return int64(t.Minute())*100 + int64(t.Second()) },
	"hour_microsecond": func(t time.Time) int64 {
		return (int64(t.Hour())*10000+int64(t.Minute())*100+int64(t.Second()))*1000000 + int64(t.Nanosecond()/1000)
	},
	"hour_second": func(t time.Time) int64 { return int64(t.Hour())*10000 + int64(t.Minute())*100 + int64(t.Second()) },
	"hour_minute": func(t time.Time) int64 { return int64(t.Hour())*100 + int64(t.Minute()) },
	"day_microsecond": func(t time.Time) int64 {
		return (int64(t.Day())*1000000+int64(t.Hour())*10000+int64(t.Minute())*100+int64(t.Second()))*1000000 + int64(t.Nanosecond()/1000)
	},
	"day_second": func(t time.Time) int64 {
		return int64(t.Day())*1000000 + int64(t.Hour())*10000 + int64(t.Minute())*100 + int64(t.Second())
	},
	"day_minute": func(t time.Time) int64 { return int64(t.Day())*10000 + int64(t.Hour())*100 + int64(t.Minute()) },
	"day_hour":   func(t time.Time) int64 { return int64(t.Day())*100 + int64(t.Hour()) },
	"year_month": func(t time.Time) int64 { return int64(t.Year())*100 + int64(t.Month()) },
}

func compileExtract(c *Compiler, x *sqlparser.FuncExpr) (Typed, error) {
	unit, ok := unitArg(x.Exprs[0])
	part, known := extractUnits[unit]
	if !ok || !known {
		return Typed{}, fmt.Errorf("twilio: EXTRACT(unit FROM date) takes a unit such as YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MICROSECOND or YEAR_MONTH, not %s", sqlparser.String(x.Exprs[0]))
	}
	arg, err := c.SelectArg(x.Exprs[1])
	if err != nil {
		return Typed{}, err
	}
	return c.call(schema.Int, "extract", strict(timePart(part)), []Typed{arg}), nil
}
