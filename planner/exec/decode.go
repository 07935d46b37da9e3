package exec

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/twiliosql/twiliosql/schema"
)

// decoder turns a resource's JSON into a row of the table's columns. It walks
// the object's bytes once, mapping each field name to its column index, and
// converts the values it keeps straight from the bytes: no map, no
// intermediate json.RawMessage per field.
type decoder struct {
	table *schema.Table
	index map[string]int // JSON field → column index
	types []schema.Type  // column index → type
}

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
func (d *decoder) Decode(item json.RawMessage, row []driver.Value) error {
	clear(row)
	// Two allocations for the whole row (see rowArena) where each string
	// and each boxed value would cost one or two.
	a := &rowArena{text: make([]byte, 0, len(item)), slots: make([]valueSlot, len(row))}
	err := d.walk(item, func(col int, raw []byte) error {
		v, err := a.value(raw, d.types[col], &a.slots[col])
		if err != nil {
			return fmt.Errorf("twilio: %s.%s: %w", d.table.Name, d.table.Columns[col].Name, err)
		}
		row[col] = v
		return nil
	})
	return err
}

// errFound stops a walk early.
var errFound = errors.New("found")

// field returns the raw value of one column in a resource (its first
// occurrence), nil when absent.
func (d *decoder) field(item []byte, col int) ([]byte, error) {
	var out []byte
	err := d.walk(item, func(c int, raw []byte) error {
		if c == col {
			out = raw
			return errFound
		}
		return nil
	})
	if err == errFound {
		err = nil
	}
	return out, err
}

// walk calls keep for every field of the object item whose name is a column,
// with the value's exact bytes.
func (d *decoder) walk(item []byte, keep func(col int, raw []byte) error) error {
	notObject := func(why string) error {
		return fmt.Errorf("twilio: a %s resource is not a JSON object: %s", d.table.Name, why)
	}
	b := item
	i := skipSpace(b, 0)
	if i == len(b) {
		return notObject("it is empty")
	}
	if b[i] != '{' {
		if end, err := skipLiteral(b, i, "null"); err == nil && skipSpace(b, end) == len(b) {
			return nil // json.Unmarshal of null into a map leaves it empty
		}
		return notObject(fmt.Sprintf("it starts with %q", b[i]))
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return notObject("a field name is not a string")
			}
			end, _, err := skipString(b, i)
			if err != nil {
				return notObject(err.Error())
			}
			var col int
			var known bool
			if plainKey(b[i+1 : end-1]) {
				col, known = d.index[string(b[i+1:end-1])]
			} else {
				var name string
				if err := json.Unmarshal(b[i:end], &name); err != nil {
					return notObject(err.Error())
				}
				col, known = d.index[name]
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return notObject("a field name is not followed by ':'")
			}
			i = skipSpace(b, i+1)
			vEnd, err := skipValue(b, i)
			if err != nil {
				return notObject(err.Error())
			}
			if known {
				if err := keep(col, b[i:vEnd]); err != nil {
					return err
				}
			}
			i = skipSpace(b, vEnd)
			if i < len(b) && b[i] == ',' {
				i = skipSpace(b, i+1)
				continue
			}
			if i < len(b) && b[i] == '}' {
				i++
				break
			}
			return notObject("a field is not followed by ',' or '}'")
		}
	}
	if skipSpace(b, i) != len(b) {
		return notObject("there is text after the object")
	}
	return nil
}

// decodeValue reads one field. Twilio sends numbers as strings or numbers,
// dates as RFC 2822; false and 0 are values, never NULL.
func decodeValue(raw []byte, typ schema.Type) (driver.Value, error) {
	var a *rowArena
	return a.value(raw, typ, nil)
}

// value reads one field into the arena (a nil arena allocates as usual).
func (a *rowArena) value(raw []byte, typ schema.Type, slot *valueSlot) (driver.Value, error) {
	raw = trimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if typ == schema.JSON {
		return a.boxString(slot, raw), nil
	}
	text := raw
	if raw[0] == '"' {
		var ok bool
		if text, ok = plainString(raw); !ok {
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, err
			}
			text = []byte(s)
		}
	}
	switch typ {
	case schema.String:
		return a.boxString(slot, text), nil
	case schema.Int:
		if len(text) == 0 {
			return nil, nil
		}
		if n, ok := parseInt(text); ok {
			return a.boxInt(slot, n), nil
		}
		s := string(text)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", s)
		}
		// -2^63 is exact in a float64; 2^63 is the first value out of range.
		if !(f >= math.MinInt64 && f < math.MaxInt64) {
			return nil, fmt.Errorf("%s is out of range for a BIGINT column", s)
		}
		return int64(f), nil
	case schema.Float:
		if len(text) == 0 {
			return nil, nil
		}
		f, err := strconv.ParseFloat(unsafeString(text), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", text)
		}
		return a.boxFloat(slot, f), nil
	case schema.Bool:
		switch {
		case len(text) == 4 && strings.EqualFold(string(text), "true"):
			return true, nil
		case len(text) == 5 && strings.EqualFold(string(text), "false"):
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean", text)
	case schema.Time:
		if len(text) == 0 {
			return nil, nil
		}
		if t, ok := parseRFC2822UTC(text); ok {
			return a.boxTime(slot, t), nil
		}
		s := string(text)
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not an RFC 2822 time", s)
	case schema.Date:
		if len(text) == 0 {
			return nil, nil
		}
		t, err := time.Parse(time.DateOnly, string(text))
		if err != nil {
			return nil, fmt.Errorf("%q is not a date", text)
		}
		return t, nil
	}
	return string(text), nil
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

var shortMonths = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

var shortDays = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

// parseRFC2822UTC reads Twilio's own form, "Tue, 31 Aug 2010 20:36:28 +0000",
// without time.Parse. Anything else (another zone, a missing weekday, a
// value out of range) is left to time.Parse, which also words the error.
func parseRFC2822UTC(b []byte) (time.Time, bool) {
	// 0123456789012345678901234567890
	// Tue, 31 Aug 2010 20:36:28 +0000
	if len(b) != 31 || b[3] != ',' || b[4] != ' ' || b[7] != ' ' || b[11] != ' ' || b[16] != ' ' ||
		b[19] != ':' || b[22] != ':' || b[25] != ' ' || string(b[26:]) != "+0000" {
		return time.Time{}, false
	}
	okDay := false
	for _, d := range shortDays {
		if string(b[0:3]) == d {
			okDay = true
			break
		}
	}
	month := 0
	for i, m := range shortMonths {
		if string(b[8:11]) == m {
			month = i + 1
			break
		}
	}
	day, ok1 := digits(b[5:7])
	year, ok2 := digits(b[12:16])
	hour, ok3 := digits(b[17:19])
	minute, ok4 := digits(b[20:22])
	sec, ok5 := digits(b[23:25])
	if !okDay || month == 0 || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 ||
		day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
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
