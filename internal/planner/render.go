package planner

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/eval"

	"github.com/twiliosql/twiliosql/schema"
)

// renderParam writes a SQL value as the form values of a request parameter.
// A NULL is no value: the parameter is left out.
func renderParam(table *schema.Table, p schema.Param, v driver.Value) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	if p.Multi {
		items, err := multiValues(v)
		if err != nil {
			return nil, fmt.Errorf("twilio: %s.%s takes a list: %v", table.Name, p.Name, err)
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, err := renderOne(table, p, it)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := renderOne(table, p, v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

// multiValues reads a list parameter: a []string argument, a JSON array
// ('["a","b"]') or a comma-separated string.
func multiValues(v driver.Value) ([]driver.Value, error) {
	switch x := v.(type) {
	case []string:
		out := make([]driver.Value, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case string:
		trimmed := strings.TrimSpace(x)
		if strings.HasPrefix(trimmed, "[") {
			var items []any
			if err := json.Unmarshal([]byte(trimmed), &items); err != nil {
				return nil, fmt.Errorf("%s is not a JSON array: %v", eval.Describe(x), err)
			}
			out := make([]driver.Value, len(items))
			for i, it := range items {
				out[i] = fmt.Sprint(it)
			}
			return out, nil
		}
		var out []driver.Value
		for _, part := range strings.Split(x, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out, nil
	}
	return []driver.Value{v}, nil
}

func renderOne(table *schema.Table, p schema.Param, v driver.Value) (string, error) {
	bad := func(want string) error {
		return fmt.Errorf("twilio: %s.%s takes %s, not %s", table.Name, p.Name, want, eval.Describe(v))
	}
	switch p.Type {
	case schema.Int:
		if f, ok := v.(float64); ok && f != float64(int64(f)) {
			return "", bad("an integer")
		}
		n, ok := eval.ToInt(v)
		if !ok {
			return "", bad("an integer")
		}
		return strconv.FormatInt(n, 10), nil
	case schema.Float:
		if s, ok := v.(string); ok {
			if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
				return "", bad("a number")
			}
			return strings.TrimSpace(s), nil
		}
		f, ok := eval.ToFloat(v)
		if !ok {
			return "", bad("a number")
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case schema.Bool:
		if s, ok := v.(string); ok {
			b, err := strconv.ParseBool(strings.TrimSpace(s))
			if err != nil {
				return "", bad("true or false")
			}
			return strconv.FormatBool(b), nil
		}
		b, ok := eval.Truth(v)
		if !ok {
			return "", bad("true or false")
		}
		return strconv.FormatBool(b), nil
	case schema.Time:
		t, ok := eval.AsTime(v)
		if !ok {
			return "", bad("a time such as '2024-03-05 10:00:00'")
		}
		return t.Format(time.RFC3339), nil
	case schema.Date:
		t, ok := eval.AsTime(v)
		if !ok {
			return "", bad("a date such as '2024-03-05'")
		}
		return t.Format(time.DateOnly), nil
	}
	if t, ok := v.(time.Time); ok {
		return t.UTC().Format(time.RFC3339), nil
	}
	return eval.ToString(v), nil
}
