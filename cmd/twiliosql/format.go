package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// output writes one result set in a format.
type output interface {
	begin(cols []*sql.ColumnType) error
	row(vals []any) error
	end(count int) error
}

var formats = map[string]func(io.Writer) output{
	"table": func(w io.Writer) output { return &tableOutput{w: w} },
	"csv":   func(w io.Writer) output { return &csvOutput{w: csv.NewWriter(w)} },
	"json":  func(w io.Writer) output { return &jsonOutput{w: bufio.NewWriter(w)} },
}

// printRows writes every row of rows to out.
func printRows(rows *sql.Rows, out output) error {
	cols, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	if err := out.begin(cols); err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if err := out.row(vals); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		// Rows printed so far stay printed; close the output so it parses.
		_ = out.end(n)
		return err
	}
	return out.end(n)
}

// text renders a value for the table and CSV formats; ok is false for NULL.
func text(v any, typ string) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case []byte:
		return string(x), true
	case time.Time:
		if typ == "DATE" {
			return x.Format(time.DateOnly), true
		}
		return x.Format(time.RFC3339), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true
	default:
		return fmt.Sprint(x), true
	}
}

// tableOutput prints aligned columns under a header, then a row count.
type tableOutput struct {
	w     io.Writer
	cols  []*sql.ColumnType
	cells [][]string
}

func (t *tableOutput) begin(cols []*sql.ColumnType) error {
	t.cols = cols
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Name()
	}
	t.cells = append(t.cells, head)
	return nil
}

// cellEscaper keeps every row on one line.
var cellEscaper = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)

func (t *tableOutput) row(vals []any) error {
	r := make([]string, len(vals))
	for i, v := range vals {
		s, ok := text(v, t.cols[i].DatabaseTypeName())
		switch {
		case !ok:
			s = "NULL"
		case strings.EqualFold(s, "NULL"):
			// The text NULL is quoted, so that it is told apart from NULL.
			s = "'" + s + "'"
		}
		r[i] = cellEscaper.Replace(s)
	}
	t.cells = append(t.cells, r)
	return nil
}

func (t *tableOutput) end(count int) error {
	width := make([]int, len(t.cols))
	for _, r := range t.cells {
		for i, s := range r {
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	bw := bufio.NewWriter(t.w)
	line := func(r []string) {
		for i, s := range r {
			if i > 0 {
				bw.WriteString(" | ")
			}
			bw.WriteString(s)
			if i < len(r)-1 {
				bw.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(s)))
			}
		}
		bw.WriteString("\n")
	}
	line(t.cells[0])
	for i, w := range width {
		if i > 0 {
			bw.WriteString("-+-")
		}
		bw.WriteString(strings.Repeat("-", w))
	}
	bw.WriteString("\n")
	for _, r := range t.cells[1:] {
		line(r)
	}
	if count == 1 {
		bw.WriteString("(1 row)\n")
	} else {
		fmt.Fprintf(bw, "(%d rows)\n", count)
	}
	return bw.Flush()
}

// csvOutput writes RFC 4180 CSV with a header line; NULL is an empty field.
type csvOutput struct {
	w    *csv.Writer
	cols []*sql.ColumnType
}

func (c *csvOutput) begin(cols []*sql.ColumnType) error {
	c.cols = cols
	head := make([]string, len(cols))
	for i, col := range cols {
		head[i] = col.Name()
	}
	return c.w.Write(head)
}

func (c *csvOutput) row(vals []any) error {
	r := make([]string, len(vals))
	for i, v := range vals {
		r[i], _ = text(v, c.cols[i].DatabaseTypeName())
	}
	return c.w.Write(r)
}

func (c *csvOutput) end(int) error {
	c.w.Flush()
	return c.w.Error()
}

// jsonOutput writes an array of objects, one per line, keys in column order.
// Times are RFC 3339, NULL is null and JSON columns are embedded as JSON.
type jsonOutput struct {
	w    *bufio.Writer
	cols []*sql.ColumnType
	keys [][]byte
	n    int
}

func (j *jsonOutput) begin(cols []*sql.ColumnType) error {
	j.cols = cols
	j.keys = make([][]byte, len(cols))
	for i, c := range cols {
		k, err := json.Marshal(c.Name())
		if err != nil {
			return err
		}
		j.keys[i] = k
	}
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonOutput) row(vals []any) error {
	if j.n > 0 {
		j.w.WriteString(",")
	}
	j.n++
	j.w.WriteString("\n  {")
	for i, v := range vals {
		if i > 0 {
			j.w.WriteString(", ")
		}
		j.w.Write(j.keys[i])
		j.w.WriteString(": ")
		b, err := j.value(v, j.cols[i].DatabaseTypeName())
		if err != nil {
			return fmt.Errorf("column %s: %w", j.cols[i].Name(), err)
		}
		j.w.Write(b)
	}
	_, err := j.w.WriteString("}")
	return err
}

func (j *jsonOutput) value(v any, typ string) ([]byte, error) {
	switch x := v.(type) {
	case time.Time:
		if typ == "DATE" {
			return json.Marshal(x.Format(time.DateOnly))
		}
		return json.Marshal(x.Format(time.RFC3339))
	case []byte:
		v = string(x)
	case string:
		if typ == "JSON" {
			var buf bytes.Buffer
			if json.Compact(&buf, []byte(x)) == nil {
				return buf.Bytes(), nil
			}
		}
	}
	return json.Marshal(v)
}

func (j *jsonOutput) end(int) error {
	if j.n > 0 {
		j.w.WriteString("\n")
	}
	j.w.WriteString("]\n")
	return j.w.Flush()
}
