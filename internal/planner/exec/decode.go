package exec

import (
	"bytes"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twiliosql/twiliosql/schema"
)

// decoder turns a resource's JSON into a row of the table's columns. It walks
// the object's bytes once, mapping each field name to its column index, and
// converts the values it keeps straight from the bytes: no map, no
// intermediate json.RawMessage per field. decode is not safe for
// concurrent use (it keeps the last object's field order and a scratch
// row); field is.
type decoder struct {
	table *schema.Table
	index map[string]int // JSON field → column index
	types []schema.Type  // column index → type

	order    []seenField    // decode: the fields of the last object, in order
	fields   []uint32       // decode: the fields of the object being read (appendField)
	boxes    *rowBoxes      // decode: the scratch row, made on first use
	pending  []pendingValue // decode: the values read once text is a string
	lastSeen []int          // decode: column → place of its last field read at once
	won      []int          // decode: column → place of the field whose value the row holds
	recent   []recentValues // decode: column → its last values read anew
}

// seenField is a field name seen at some position of the last object.
// Twilio writes every resource of a list with its fields in one order, so
// the next object's field at that position is first compared with it, a
// few bytes, before the name is looked up in the index.
type seenField struct {
	name  string // with plain, the raw key is exactly name (no quote, no backslash)
	col   int    // -1 when the field is not a column
	plain bool   // false for a name written with escapes: never compared
}

// maxSeenFields bounds the field order kept, whatever the objects hold.
const maxSeenFields = 256

func NewDecoder(t *schema.Table) *decoder {
	d := &decoder{table: t, index: make(map[string]int, len(t.Columns)), types: make([]schema.Type, len(t.Columns))}
	for i, c := range t.Columns {
		d.index[c.Field] = i
		d.types[i] = c.Type
	}
	return d
}

// Decode fills row (len(table.Columns)) from one resource. Fields the
// catalog does not know are ignored; fields missing from the answer are NULL.
// A field given twice keeps its last value.
//
// Memory: two allocations for the whole row, whatever its columns. The raw
// bytes of the values that need text (strings, JSON, decimals, dates) are
// gathered and copied once into one string, and every string value that
// needs no unescaping is a substring of it (field names and the values
// read as numbers or times are not copied); every value that needs memory
// of its own lives in one copy of the table's row struct (see rowLayout).
func (d *decoder) Decode(item json.RawMessage, row []driver.Value) error {
	fields, end, err := d.walkAt(item, skipSpace(item, 0), true, d.fields[:0], 0, -1)
	d.fields = fields
	if err != nil {
		return err
	}
	if skipSpace(item, end) != len(item) {
		return d.notObject("there is text after the object")
	}
	return d.fill(item, d.fields, row)
}

// A walk records the fields of a resource that are columns in a field
// list, three numbers a field: the bounds of its value in the resource,
// and its column shifted left once, with the low bit set when the value is
// a plain string (see scanString). fill reads them back.
const fieldWords = 3

// maxFieldOffset bounds the offsets a field list holds (uint32).
const maxFieldOffset = 1<<32 - 1

func appendField(fields []uint32, col, start, end int, plain bool) []uint32 {
	flags := uint32(col) << 1
	if plain {
		flags |= 1
	}
	return append(fields, uint32(start), uint32(end), flags)
}

// fill converts the fields recorded by a walk of item (see appendField)
// into row.
func (d *decoder) fill(item []byte, fields []uint32, row []driver.Value) error {
	clear(row)
	if d.boxes == nil {
		d.boxes = newRowBoxes(d.table)
		d.lastSeen = make([]int, len(d.table.Columns))
		d.won = make([]int, len(d.table.Columns))
		d.recent = make([]recentValues, len(d.table.Columns))
	}
	boxes := d.boxes
	clear(boxes.boxed)
	d.pending = d.pending[:0]
	textLen := 0
	defer clear(d.lastSeen)
	defer clear(d.won)
	for k := 0; k+fieldWords <= len(fields); k += fieldWords {
		start, end, col, plain := int(fields[k]), int(fields[k+1]), int(fields[k+2]>>1), fields[k+2]&1 != 0
		if start > end || end > len(item) || col >= len(d.types) {
			return fmt.Errorf("twilio: a %s resource: a field outside the resource (an internal error)", d.table.Name)
		}
		seq := k/fieldWords + 1
		raw := item[start:end]
		if v, ok := d.recent[col].lookup(raw); ok {
			// A value of a recent row: shared, not read again.
			d.lastSeen[col], d.won[col] = seq, -seq
			boxes.boxed[col] = false
			row[col] = v
			continue
		}
		if needsText(d.types[col]) && string(raw) != "null" {
			d.pending = append(d.pending, pendingValue{col: col, start: start, end: end, at: textLen, seq: seq, plain: plain})
			textLen += end - start
			continue
		}
		d.lastSeen[col], d.won[col] = seq, seq
		if err := d.set(row, col, raw, "", plain); err != nil {
			return err
		}
	}
	if len(d.pending) > 0 {
		// The raw bytes of the values that need text, copied once into one
		// string (a Builder hands out its bytes without a second copy).
		var b strings.Builder
		b.Grow(textLen)
		for _, p := range d.pending {
			b.Write(item[p.start:p.end])
		}
		text := b.String()
		for _, p := range d.pending {
			if p.seq < d.lastSeen[p.col] {
				continue // a later occurrence of the field was read as it came
			}
			d.won[p.col] = p.seq
			if err := d.set(row, p.col, item[p.start:p.end], text[p.at:p.at+p.end-p.start], p.plain); err != nil {
				return err
			}
		}
	}
	boxes.box(row)
	d.remember(item, fields, row)
	return nil
}

// recentValues are a column's last few values read anew, kept so that a
// next row with the very same bytes shares one: the Account SID, the API
// version, the price unit, a status, a direction or a sender repeat from
// row to row, and a value shared costs no text, no conversion and no room
// in the row's box. Each holds the row it came from (its box and text)
// until another replaces it: at most recentWays rows a column, a few
// dozen rows a decoder. A column whose values seldom repeat (Sids, dates)
// is not looked up for a while, holding none, so that it costs next to
// nothing.
type recentValues struct {
	raw         [recentWays][]byte // the values' bytes, at most maxRecent each
	val         [recentWays]driver.Value
	n, next     int // entries filled; the one replaced next
	tries, hits int // lookups and hits since the last review
	rest        int // values left to read without a lookup
}

const (
	recentWays = 4
	// maxRecent bounds the values remembered: longer ones (URIs, bodies,
	// JSON) seldom repeat, and comparing them would cost more than it saves.
	maxRecent = 48
	// After reviewEvery lookups, a column that hit fewer than one in
	// eight rests for restFor values.
	reviewEvery, restFor = 64, 1024
)

// lookup returns the value remembered for raw, if any.
func (r *recentValues) lookup(raw []byte) (driver.Value, bool) {
	if r.rest > 0 {
		r.rest--
		return nil, false
	}
	if len(raw) > maxRecent {
		return nil, false
	}
	r.tries++
	for k := range r.n {
		if len(raw) == len(r.raw[k]) && string(raw) == string(r.raw[k]) {
			r.hits++
			return r.val[k], true
		}
	}
	if r.tries >= reviewEvery {
		if r.hits*8 < r.tries {
			// Resting, it holds no row.
			r.rest, r.n, r.next = restFor, 0, 0
			clear(r.val[:])
		}
		r.tries, r.hits = 0, 0
	}
	return nil, false
}

// remember keeps the values of row read anew (not shared) as their
// columns' recent values.
func (d *decoder) remember(item []byte, fields []uint32, row []driver.Value) {
	for k := 0; k+fieldWords <= len(fields); k += fieldWords {
		start, end, col := int(fields[k]), int(fields[k+1]), int(fields[k+2]>>1)
		r := &d.recent[col]
		if r.rest > 0 || d.won[col] != k/fieldWords+1 || end-start > maxRecent || row[col] == nil || d.types[col] == schema.Bool {
			continue
		}
		e := r.next
		r.raw[e] = append(r.raw[e][:0], item[start:end]...)
		r.val[e] = row[col]
		r.next = (e + 1) % recentWays
		r.n = max(r.n, e+1)
	}
}

// pendingValue is a field whose conversion waits for the row's text.
type pendingValue struct {
	col, start, end int // column, bounds in the item
	at              int // where its bytes start in the row's text
	seq             int // its place among the fields kept
	plain           bool
}

// needsText reports whether a column's values are read from their text as
// a string (kept, or handed to strconv or time.Parse) rather than from the
// bytes.
func needsText(typ schema.Type) bool {
	switch typ {
	case schema.Int, schema.Bool, schema.Time:
		return false
	}
	return true
}

// set converts one field's raw value into row (or the scratch row).
func (d *decoder) set(row []driver.Value, col int, raw []byte, text string, plain bool) error {
	var v valueSlot
	kind, err := parseValue(raw, text, plain, d.types[col], &v)
	if err != nil {
		return fmt.Errorf("twilio: %s.%s: %w", d.table.Name, d.table.Columns[col].Name, err)
	}
	switch kind {
	case kindNull:
		d.boxes.boxed[col] = false
		row[col] = nil
	case kindBool:
		d.boxes.boxed[col] = false
		row[col] = v.b // an interface holds a bool without allocating
	default:
		d.boxes.set(row, col, kind, &v)
	}
	return nil
}

// errFound stops a walk early.
var errFound = errors.New("found")

// field returns the raw value of one column in a resource (its first
// occurrence), nil when absent.
func (d *decoder) field(item []byte, col int) ([]byte, error) {
	var buf [16 * fieldWords]uint32 // the fields before it: on the stack, as a rule
	fields, end, err := d.walkAt(item, skipSpace(item, 0), false, buf[:0], 0, col)
	if err == errFound {
		n := len(fields) - fieldWords
		return item[fields[n]:fields[n+1]], nil
	}
	if err == nil && skipSpace(item, end) != len(item) {
		err = d.notObject("there is text after the object")
	}
	return nil, err
}

// walkAt walks the object (or null: no field) that starts at b[i], which
// may be followed by more of a page, and appends to fields every field
// whose name is a column (see appendField), its bounds relative to base. It
// returns the index just past the object, len(b) with the error when b
// ends first; it stops with errFound after the first field of column stop
// (-1: none). With learn, it compares each field name with the one at the
// same position in the last object walked, and remembers the order (decode
// only: it changes the decoder).
func (d *decoder) walkAt(b []byte, i int, learn bool, fields []uint32, base, stop int) ([]uint32, int, error) {
	if i >= len(b) {
		return fields, len(b), d.notObject("it is empty")
	}
	if b[i] != '{' {
		if b[i] == 'n' {
			if end, err := skipLiteral(b, i, "null"); err == nil {
				return fields, end, nil // json.Unmarshal of null into a map leaves it empty
			}
			if len(b)-i < len("null") && string(b[i:]) == "null"[:len(b)-i] {
				return fields, len(b), d.notObject(errJSONEnd.Error())
			}
		}
		return fields, i, d.notObject(fmt.Sprintf("it starts with %q", b[i]))
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return fields, i + 1, nil
	}
	for n := 0; ; n++ {
		if i >= len(b) || b[i] != '"' {
			at, err := d.cutAt(b, i, "a field name is not a string")
			return fields, at, err
		}
		col, end := -1, 0
		if learn && n < len(d.order) {
			f := &d.order[n]
			if e := i + 1 + len(f.name); f.plain && e < len(b) && b[e] == '"' && string(b[i+1:e]) == f.name {
				col, end = f.col, e+1
			}
		}
		if end == 0 {
			var err error
			if col, end, err = d.lookup(b, i, learn, n); err != nil {
				if err == errNameCut {
					return fields, len(b), d.notObject(errJSONEnd.Error())
				}
				return fields, i, err
			}
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			at, err := d.cutAt(b, i, "a field name is not followed by ':'")
			return fields, at, err
		}
		i = skipSpace(b, i+1)
		var vEnd int
		var plain bool
		var err error
		if i < len(b) && b[i] == '"' {
			vEnd, plain, err = scanString(b, i)
		} else {
			vEnd, err = skipValue(b, i)
		}
		if err != nil {
			if err == errJSONEnd {
				return fields, len(b), d.notObject(err.Error())
			}
			return fields, i, d.notObject(err.Error())
		}
		if col >= 0 {
			fields = appendField(fields, col, i-base, vEnd-base, plain)
			if col == stop {
				return fields, vEnd, errFound
			}
		}
		i = skipSpace(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return fields, i + 1, nil
		}
		at, err := d.cutAt(b, i, "a field is not followed by ',' or '}'")
		return fields, at, err
	}
}

// lookup reads the field name at b[i] (a quote) and finds its column (-1
// when it is none); with learn, it becomes the name expected at position n.
func (d *decoder) lookup(b []byte, i int, learn bool, n int) (col, end int, err error) {
	end, plain, err := scanString(b, i)
	if err == errJSONEnd {
		return 0, 0, errNameCut
	}
	if err != nil {
		return 0, 0, d.notObject(err.Error())
	}
	col = -1
	var c int
	var known bool
	if plain {
		c, known = d.index[string(b[i+1:end-1])]
	} else {
		var name string
		if err := json.Unmarshal(b[i:end], &name); err != nil {
			return 0, 0, d.notObject(err.Error())
		}
		c, known = d.index[name]
	}
	if known {
		col = c
	}
	if learn && n <= len(d.order) && n < maxSeenFields {
		seen := seenField{col: col, plain: plainKey(b[i+1 : end-1])}
		switch {
		case !seen.plain:
			// never compared: an escaped name is always looked up
		case known:
			seen.name = d.table.Columns[col].Field
		default:
			seen.name = string(b[i+1 : end-1])
		}
		if n == len(d.order) {
			d.order = append(d.order, seen)
		} else {
			d.order[n] = seen
		}
	}
	return col, end, nil
}

// cutAt is the error of a walk stopped at b[at]: b cut short when at is
// its end, malformed otherwise.
func (d *decoder) cutAt(b []byte, at int, why string) (int, error) {
	if at >= len(b) {
		return len(b), d.notObject(errJSONEnd.Error())
	}
	return at, d.notObject(why)
}

// errNameCut is a field name that b ends inside of.
var errNameCut = errors.New("a field name is cut short")

func (d *decoder) notObject(why string) error {
	return fmt.Errorf("twilio: a %s resource is not a JSON object: %s", d.table.Name, why)
}

// valueKind is the Go type of a decoded value.
type valueKind uint8

const (
	kindNull valueKind = iota
	kindString
	kindInt
	kindFloat
	kindBool
	kindTime
)

// valueSlot holds a decoded value of any kind.
type valueSlot struct {
	s string
	t time.Time
	n int64
	f float64
	b bool
}

// value boxes the slot's value of the given kind (allocating as Go does).
func (v *valueSlot) value(kind valueKind) driver.Value {
	switch kind {
	case kindString:
		return v.s
	case kindInt:
		return v.n
	case kindFloat:
		return v.f
	case kindBool:
		return v.b
	case kindTime:
		return v.t
	}
	return nil
}

// decodeValue reads one field. Twilio sends numbers as strings or numbers,
// dates as RFC 2822; false and 0 are values, never NULL.
func decodeValue(raw []byte, typ schema.Type) (driver.Value, error) {
	var v valueSlot
	kind, err := parseValue(raw, "", false, typ, &v)
	if err != nil {
		return nil, err
	}
	return v.value(kind), nil
}

// parseValue reads one field's raw JSON into out. text, when not "", is a
// string copy of raw whose substrings become the string values (no copy
// of their own); plain says raw is a string that needs no unescaping (a
// false plain is checked again).
func parseValue(raw []byte, text string, plain bool, typ schema.Type, out *valueSlot) (valueKind, error) {
	if text == "" {
		raw = trimSpace(raw)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return kindNull, nil
	}
	str := func(from, to int) string {
		if text != "" {
			return text[from:to]
		}
		return string(raw[from:to])
	}
	if typ == schema.JSON {
		out.s = str(0, len(raw))
		return kindString, nil
	}
	body := raw
	from, to := 0, len(raw)
	unquoted := ""
	isUnquoted := false
	if raw[0] == '"' {
		if !plain {
			_, plain = plainString(raw)
		}
		if plain && len(raw) >= 2 {
			body, from, to = raw[1:len(raw)-1], 1, len(raw)-1
		} else {
			var err error
			if unquoted, err = unquoteJSON(raw); err != nil {
				return kindNull, err
			}
			body, isUnquoted = []byte(unquoted), true
		}
	}
	// s is the value's text as a string (allocated only when no copy is at hand).
	s := func() string {
		if isUnquoted {
			return unquoted
		}
		return str(from, to)
	}
	switch typ {
	case schema.String:
		out.s = s()
		return kindString, nil
	case schema.Int:
		if len(body) == 0 {
			return kindNull, nil
		}
		if n, ok := parseInt(body); ok {
			out.n = n
			return kindInt, nil
		}
		str := s()
		if n, err := strconv.ParseInt(str, 10, 64); err == nil {
			out.n = n
			return kindInt, nil
		}
		f, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return kindNull, fmt.Errorf("%q is not an integer", str)
		}
		// -2^63 is exact in a float64; 2^63 is the first value out of range.
		if !(f >= math.MinInt64 && f < math.MaxInt64) {
			return kindNull, fmt.Errorf("%s is out of range for a BIGINT column", str)
		}
		out.n = int64(f)
		return kindInt, nil
	case schema.Float:
		if len(body) == 0 {
			return kindNull, nil
		}
		f, err := strconv.ParseFloat(s(), 64)
		if err != nil {
			return kindNull, fmt.Errorf("%q is not a number", body)
		}
		out.f = f
		return kindFloat, nil
	case schema.Bool:
		switch {
		case len(body) == 4 && strings.EqualFold(string(body), "true"):
			out.b = true
			return kindBool, nil
		case len(body) == 5 && strings.EqualFold(string(body), "false"):
			out.b = false
			return kindBool, nil
		}
		return kindNull, fmt.Errorf("%q is not a boolean", body)
	case schema.Time:
		if len(body) == 0 {
			return kindNull, nil
		}
		if t, ok := ParseRFC2822UTC(body); ok {
			out.t = t
			return kindTime, nil
		}
		str := s()
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
			if t, err := time.Parse(layout, str); err == nil {
				out.t = t.UTC()
				return kindTime, nil
			}
		}
		return kindNull, fmt.Errorf("%q is not an RFC 2822 time", str)
	case schema.Date:
		if len(body) == 0 {
			return kindNull, nil
		}
		t, err := time.Parse(time.DateOnly, s())
		if err != nil {
			return kindNull, fmt.Errorf("%q is not a date", body)
		}
		out.t = t
		return kindTime, nil
	}
	out.s = s()
	return kindString, nil
}

// unquoteJSON reads a JSON string that needs unescaping (or is not one,
// which is the error), kept apart so that only this path allocates.
func unquoteJSON(raw []byte) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// plainString returns the contents of a JSON string that needs no
// unescaping: no backslash, no control character and valid UTF-8, so its
// bytes are exactly what json.Unmarshal would give.
func plainString(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return nil, false
	}
	s := raw[1 : len(raw)-1]
	ascii := true
	for _, c := range s {
		if special[c] {
			if c < utf8.RuneSelf {
				return nil, false
			}
			ascii = false
		}
	}
	if !ascii && !utf8.Valid(s) {
		return nil, false // json.Unmarshal replaces invalid bytes with U+FFFD
	}
	return s, true
}

// parseInt reads a plain decimal integer of up to 18 digits without
// allocating; anything else is left to strconv.
func parseInt(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// ParseRFC2822UTC reads Twilio's own form, "Tue, 31 Aug 2010 20:36:28 +0000",
// without time.Parse: a fixed layout, the date turned into days by
// arithmetic. Anything else (another zone, a missing weekday, names not in
// Twilio's case, a value out of range) is left to time.Parse, which also
// words the error. FuzzParseRFC2822UTC holds it to time.Parse.
func ParseRFC2822UTC(b []byte) (time.Time, bool) {
	// 0123456789012345678901234567890
	// Tue, 31 Aug 2010 20:36:28 +0000
	if len(b) != 31 || b[3] != ',' || b[4] != ' ' || b[7] != ' ' || b[11] != ' ' || b[16] != ' ' ||
		b[19] != ':' || b[22] != ':' || b[25] != ' ' || string(b[26:]) != "+0000" {
		return time.Time{}, false
	}
	switch string(b[0:3]) {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
	default:
		return time.Time{}, false
	}
	var month int
	switch string(b[8:11]) {
	case "Jan":
		month = 1
	case "Feb":
		month = 2
	case "Mar":
		month = 3
	case "Apr":
		month = 4
	case "May":
		month = 5
	case "Jun":
		month = 6
	case "Jul":
		month = 7
	case "Aug":
		month = 8
	case "Sep":
		month = 9
	case "Oct":
		month = 10
	case "Nov":
		month = 11
	case "Dec":
		month = 12
	default:
		return time.Time{}, false
	}
	day, ok1 := twoDigits(b[5], b[6])
	hi, ok2 := twoDigits(b[12], b[13])
	lo, ok3 := twoDigits(b[14], b[15])
	hour, ok4 := twoDigits(b[17], b[18])
	minute, ok5 := twoDigits(b[20], b[21])
	sec, ok6 := twoDigits(b[23], b[24])
	year := hi*100 + lo
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || year < 1 ||
		day < 1 || day > monthDays(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	unix := daysSinceEpoch(year, month, day)*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(unix, 0).UTC(), true
}

func twoDigits(a, b byte) (int, bool) {
	a, b = a-'0', b-'0'
	return int(a)*10 + int(b), a < 10 && b < 10
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// monthDays is the number of days in a month (1–12) of the Gregorian calendar.
func monthDays(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch is the number of days from 1970-01-01 to a date of the
// proleptic Gregorian calendar, year ≥ 1 (Howard Hinnant's days_from_civil).
func daysSinceEpoch(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y / 400 // y ≥ 0
	yoe := y - era*400
	mp := int64((month + 9) % 12)
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// --- a minimal JSON scanner: it finds where values end; encoding/json
// gives the exact meaning of anything unusual.

var errJSONEnd = errors.New("unexpected end of JSON")

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// skipString returns the index after the string starting at b[i] == '"'
// and whether it holds a backslash escape. It looks for the closing quote
// with bytes.IndexByte and does not check the characters in between: the
// strings the decoder keeps are checked by plainString or unquoted by
// encoding/json, and those it skips are not values of any row.
func skipString(b []byte, i int) (end int, escaped bool, err error) {
	j := i + 1
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return 0, false, errJSONEnd
		}
		q += j
		k := q - 1
		for k > i && b[k] == '\\' {
			k--
		}
		if (q-1-k)%2 == 0 { // an even run of backslashes: the string ends here
			return q + 1, escaped || bytes.IndexByte(b[i+1:q], '\\') >= 0, nil
		}
		escaped = true
		j = q + 1
	}
}

// scanString returns the index after the JSON string that starts at b[i]
// (a quote), and whether its contents are plain: bytes that json.Unmarshal
// gives back unchanged (no escape, no control character, valid UTF-8).
// It reads eight bytes at a time, looking for a quote, a backslash, a
// control character or a byte outside ASCII in each word at once, and
// leaves strings that hold anything but plain ASCII to skipString.
func scanString(b []byte, i int) (end int, plain bool, err error) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		w := binary.LittleEndian.Uint64(b[j:])
		q := w ^ (ones * '"')
		s := w ^ (ones * '\\')
		// A byte's high bit is set where it is a quote, a backslash, below
		// 0x20 or above 0x7f; above the first such byte there may be false
		// alarms (borrows), never below it.
		m := ((q - ones) &^ q) | ((s - ones) &^ s) | ((w - ones*0x20) &^ w) | w
		if m &= highs; m != 0 {
			k := j + bits.TrailingZeros64(m)/8
			if b[k] == '"' {
				return k + 1, true, nil
			}
			return slowString(b, i)
		}
	}
	for ; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, true, nil
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return slowString(b, i)
		}
	}
	return 0, false, errJSONEnd
}

// slowString is scanString for a string that holds an escape, a control
// character or a byte outside ASCII.
func slowString(b []byte, i int) (int, bool, error) {
	end, _, err := skipString(b, i)
	if err != nil {
		return 0, false, err
	}
	_, plain := plainString(b[i:end])
	return end, plain, nil
}

// plainKey reports whether a field name needs neither unescaping nor a
// check: no backslash, no control character, ASCII.
func plainKey(name []byte) bool {
	for _, c := range name {
		if special[c] {
			return false
		}
	}
	return true
}

// special marks the bytes a JSON string cannot hold as they are (control
// characters, quote and backslash) and those outside ASCII.
var special = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf
	}
	return t
}()

func skipLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, fmt.Errorf("invalid value at byte %d", i)
	}
	return i + len(lit), nil
}

// skipValue returns the index after the JSON value starting at b[i].
// Objects and arrays are matched bracket for bracket (strings skipped): the
// transport has made sure the body is whole (rest.complete), not that it is
// valid JSON, so a malformed value gives an error or a wrong end, never a
// panic, and a JSON column keeps its text as Twilio sent it.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, errJSONEnd
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := skipString(b, i)
		return end, err
	case c == '{' || c == '[':
		var stack [32]byte
		open := stack[:0]
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _, err := skipString(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				open = append(open, b[j])
			case '}', ']':
				want := byte('{')
				if b[j] == ']' {
					want = '['
				}
				if len(open) == 0 || open[len(open)-1] != want {
					return 0, fmt.Errorf("mismatched %q at byte %d", b[j], j)
				}
				open = open[:len(open)-1]
				if len(open) == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errJSONEnd
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
			j++
		}
		return j, nil
	}
	return 0, fmt.Errorf("invalid character %q at byte %d", b[i], i)
}

// pageFields is the one pass over a list page (the rest.ItemDecoder of
// ListPageDecoded): the transport walks the body as it receives it,
// envelope and rows at once, so that a body cut short or malformed fails
// there and is retried or named. The walk records, for each row, where
// the values of its columns are (appendField), and converting them waits
// until the row is read (decoder.fill): a page held does not hold its
// rows' values too, and a row is never walked twice.
//
// Its list, one per page, holds for each item the number of its fields,
// then the fields, their bounds relative to the item's start.
type pageFields struct {
	decoder *decoder // walks: its learnt field order is the pass's own
	list    []uint32
	items   int      // items walked
	expect  int      // length of the last page's list: the next one's room
	spare   []uint32 // the list of a page done with, to fill again
	// lend, when not nil and no spare is given, gives up the list of a
	// page done with when a page is about to be walked (a parallel scan's:
	// only answers let in take one, see ParallelScan.lendBody).
	lend func() []uint32
}

func newPageFields(d *decoder) *pageFields { return &pageFields{decoder: d} }

// BeginPage implements rest.ItemDecoder. Nothing of a page is handed out
// before it is whole, so a retried attempt's fields are written over.
func (p *pageFields) BeginPage([]byte) {
	if p.list == nil {
		if p.spare == nil && p.lend != nil {
			p.spare = p.lend()
		}
		if want := max(p.expect, 1024); cap(p.spare) >= want {
			p.list, p.spare = p.spare[:0], nil
		} else {
			p.list = make([]uint32, 0, want)
		}
	}
	p.list, p.items = p.list[:0], 0
}

// Item implements rest.ItemDecoder.
func (p *pageFields) Item(body []byte, i int) (int, error) {
	at := len(p.list)
	list, end, err := p.decoder.walkAt(body, i, true, append(p.list, 0), i, -1)
	p.list = list
	if err == nil && end-i > maxFieldOffset {
		err = p.decoder.notObject("it is longer than 4 GiB")
	}
	p.list[at] = uint32((len(p.list) - at - 1) / fieldWords)
	p.items++
	return end, err
}

// take hands out the list of the page walked, with the number of its
// items; the next page gets a list of its own.
func (p *pageFields) take() ([]uint32, int) {
	list, n := p.list, p.items
	p.expect = len(list) + len(list)/8
	p.list, p.items = nil, 0
	return list, n
}

// nextFields splits the fields of the first item off a page's list; ok is
// false when the list is used up or not one pageFields made.
func nextFields(list []uint32) (fields, rest []uint32, ok bool) {
	if len(list) == 0 {
		return nil, nil, false
	}
	n := uint64(list[0]) * fieldWords
	if n > uint64(len(list)-1) {
		return nil, nil, false
	}
	return list[1 : 1+n], list[1+n:], true
}
