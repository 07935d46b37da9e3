package eval

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// JSON functions over JSON text (the JSON columns, such as
// subresource_uris, hold the text Twilio sent). Results are printed as
// MySQL prints JSON: ", " and ": " separators, object keys ordered by
// length and then bytes (MySQL's normal form).

// parseJSON reads a JSON document; fn names the function for the error,
// as MySQL's error 3141 does.
func parseJSON(text, fn string, arg int) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("twilio: invalid JSON text in argument %d to function %s: %v", arg, fn, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("twilio: invalid JSON text in argument %d to function %s: the document continues after its value", arg, fn)
	}
	return v, nil
}

// writeJSON prints v in MySQL's form.
func writeJSON(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		s := string(x)
		if strings.ContainsAny(s, "eE") {
			if f, err := x.Float64(); err == nil {
				s = strconv.FormatFloat(f, 'f', -1, 64)
				if !strings.Contains(s, ".") {
					s += ".0"
				}
			}
		}
		b.WriteString(s)
	case string:
		enc, _ := json.Marshal(x)
		b.Write(bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(enc, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">")), []byte(`\u0026`), []byte("&")))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(p, q string) int {
			if len(p) != len(q) {
				return len(p) - len(q)
			}
			return strings.Compare(p, q)
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, k)
			b.WriteString(": ")
			writeJSON(b, x[k])
		}
		b.WriteByte('}')
	}
}

func jsonText(v any) string {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.String()
}

// jsonStep is one leg of a path: a member (key, or "*" with any), an array
// cell (index, or any; last counts from the end).
type jsonStep struct {
	member bool
	key    string
	index  int
	last   bool
	any    bool
}

// parseJSONPath reads MySQL's path syntax: $, .key, ."key", .*, [n],
// [last], [last-n], [*].
func parseJSONPath(p string) ([]jsonStep, bool, error) {
	bad := func() ([]jsonStep, bool, error) {
		return nil, false, fmt.Errorf("twilio: invalid JSON path expression %q: write $, $.key, $.\"a key\", $[0], $[last] or $[*]", p)
	}
	s := strings.TrimSpace(p)
	if !strings.HasPrefix(s, "$") {
		return bad()
	}
	s = s[1:]
	var steps []jsonStep
	wild := false
	for s = strings.TrimLeft(s, " "); s != ""; s = strings.TrimLeft(s, " ") {
		switch s[0] {
		case '.':
			s = strings.TrimLeft(s[1:], " ")
			switch {
			case strings.HasPrefix(s, "*"):
				steps, wild, s = append(steps, jsonStep{member: true, any: true}), true, s[1:]
			case strings.HasPrefix(s, `"`):
				end := 1
				for end < len(s) && s[end] != '"' {
					if s[end] == '\\' {
						end++
					}
					end++
				}
				if end >= len(s) {
					return bad()
				}
				key, err := strconv.Unquote(s[:end+1])
				if err != nil {
					return bad()
				}
				steps, s = append(steps, jsonStep{member: true, key: key}), s[end+1:]
			default:
				end := 0
				for end < len(s) && s[end] != '.' && s[end] != '[' && s[end] != ' ' {
					end++
				}
				if end == 0 {
					return bad()
				}
				steps, s = append(steps, jsonStep{member: true, key: s[:end]}), s[end:]
			}
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return bad()
			}
			in := strings.TrimSpace(s[1:end])
			s = s[end+1:]
			switch {
			case in == "*":
				steps, wild = append(steps, jsonStep{any: true}), true
			case strings.HasPrefix(in, "last"):
				off := 0
				if rest := strings.TrimSpace(in[4:]); rest != "" {
					if !strings.HasPrefix(rest, "-") {
						return bad()
					}
					n, err := strconv.Atoi(strings.TrimSpace(rest[1:]))
					if err != nil || n < 0 {
						return bad()
					}
					off = n
				}
				steps = append(steps, jsonStep{last: true, index: off})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return bad()
				}
				steps = append(steps, jsonStep{index: n})
			}
		default:
			return bad()
		}
	}
	return steps, wild, nil
}

// jsonMatches collects the values a path reaches.
func jsonMatches(v any, steps []jsonStep, out []any) []any {
	if len(steps) == 0 {
		return append(out, v)
	}
	st, rest := steps[0], steps[1:]
	switch x := v.(type) {
	case map[string]any:
		if !st.member {
			// MySQL: [0] of a non-array is the value itself.
			if !st.any && st.index == 0 {
				return jsonMatches(v, rest, out)
			}
			return out
		}
		if st.any {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, func(p, q string) int {
				if len(p) != len(q) {
					return len(p) - len(q)
				}
				return strings.Compare(p, q)
			})
			for _, k := range keys {
				out = jsonMatches(x[k], rest, out)
			}
			return out
		}
		if e, ok := x[st.key]; ok {
			return jsonMatches(e, rest, out)
		}
	case []any:
		if st.member {
			return out
		}
		if st.any {
			for _, e := range x {
				out = jsonMatches(e, rest, out)
			}
			return out
		}
		i := st.index
		if st.last {
			i = len(x) - 1 - st.index
		}
		if i >= 0 && i < len(x) {
			return jsonMatches(x[i], rest, out)
		}
	default:
		if !st.member && !st.any && st.index == 0 {
			return jsonMatches(v, rest, out)
		}
	}
	return out
}

func fnJSONExtract(a []driver.Value) (driver.Value, error) {
	doc, err := parseJSON(ToString(a[0]), "json_extract", 1)
	if err != nil {
		return nil, err
	}
	var found []any
	wrap := len(a) > 2
	for _, p := range a[1:] {
		steps, wild, err := parseJSONPath(ToString(p))
		if err != nil {
			return nil, err
		}
		wrap = wrap || wild
		found = jsonMatches(doc, steps, found)
	}
	switch {
	case len(found) == 0:
		return nil, nil
	case wrap:
		return jsonText(found), nil
	}
	return jsonText(found[0]), nil
}

func fnJSONUnquote(a []driver.Value) (driver.Value, error) {
	s := ToString(a[0])
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		var out string
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return nil, fmt.Errorf("twilio: invalid JSON text in argument 1 to function json_unquote: %v", err)
		}
		return out, nil
	}
	return s, nil
}

// jsonArrow compiles doc->path (JSON_EXTRACT) and doc->>path (JSON_UNQUOTE
// of it).
func (c *Compiler) jsonArrow(x *sqlparser.BinaryExpr) (Typed, error) {
	doc, err := c.Expr(x.Left)
	if err != nil {
		return Typed{}, err
	}
	path, err := c.Expr(x.Right)
	if err != nil {
		return Typed{}, err
	}
	if x.Operator == sqlparser.JSONExtractOp {
		return c.call(schema.JSON, "json_extract", strict(fnJSONExtract), []Typed{doc, path}), nil
	}
	return c.call(schema.String, "json_unquote", strict(func(a []driver.Value) (driver.Value, error) {
		v, err := fnJSONExtract(a)
		if err != nil || v == nil {
			return v, err
		}
		return fnJSONUnquote([]driver.Value{v})
	}), []Typed{doc, path}), nil
}

// castJSON is CAST(x AS JSON): text is parsed and printed in normal form,
// other values become JSON scalars.
func castJSON(v driver.Value) (driver.Value, error) {
	switch x := v.(type) {
	case string:
		doc, err := parseJSON(x, "cast_as_json", 1)
		if err != nil {
			return nil, err
		}
		return jsonText(doc), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64, float64, decimal.Decimal:
		return ToString(v), nil
	}
	return jsonText(ToString(v)), nil
}
