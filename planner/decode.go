package planner

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/schema"
)

// decoder turns a resource's JSON into a row of the table's columns.
type decoder struct {
	table *schema.Table
	index map[string]int // JSON field → column index
}

func newDecoder(t *schema.Table) *decoder {
	d := &decoder{table: t, index: make(map[string]int, len(t.Columns))}
	for i, c := range t.Columns {
		d.index[c.Field] = i
	}
	return d
}

// decode fills row (len(table.Columns)) from one resource. Fields the
// catalog does not know are ignored; fields missing from the answer are NULL.
func (d *decoder) decode(item json.RawMessage, row []driver.Value) error {
	clear(row)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(item, &fields); err != nil {
		return fmt.Errorf("twilio: a %s resource is not a JSON object: %w", d.table.Name, err)
	}
	for name, raw := range fields {
		i, ok := d.index[name]
		if !ok {
			continue
		}
		v, err := decodeValue(raw, d.table.Columns[i].Type)
		if err != nil {
			return fmt.Errorf("twilio: %s.%s: %w", d.table.Name, d.table.Columns[i].Name, err)
		}
		row[i] = v
	}
	return nil
}

var jsonNull = []byte("null")

// decodeValue reads one field. Twilio sends numbers as strings or numbers,
// dates as RFC 2822; false and 0 are values, never NULL.
func decodeValue(raw json.RawMessage, typ schema.Type) (driver.Value, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, jsonNull) {
		return nil, nil
	}
	if typ == schema.JSON {
		return string(raw), nil
	}
	var text string
	quoted := raw[0] == '"'
	if quoted {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	} else {
		text = string(raw)
	}
	switch typ {
	case schema.String:
		return text, nil
	case schema.Int:
		if text == "" {
			return nil, nil
		}
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", text)
		}
		return int64(f), nil
	case schema.Float:
		if text == "" {
			return nil, nil
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", text)
		}
		return f, nil
	case schema.Bool:
		switch strings.ToLower(text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a boolean", text)
	case schema.Time:
		if text == "" {
			return nil, nil
		}
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, time.RFC3339} {
			if t, err := time.Parse(layout, text); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not an RFC 2822 time", text)
	case schema.Date:
		if text == "" {
			return nil, nil
		}
		t, err := time.Parse(time.DateOnly, text)
		if err != nil {
			return nil, fmt.Errorf("%q is not a date", text)
		}
		return t, nil
	}
	return text, nil
}
