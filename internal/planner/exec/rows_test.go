package exec

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
)

// closeCounter is a source that counts how often it is closed.
type closeCounter struct {
	SliceSource
	closed int
}

func (c *closeCounter) Close() { c.closed++; c.SliceSource.Close() }

func TestRowsFilterProjectOffsetLimit(t *testing.T) {
	data := [][]driver.Value{{int64(1)}, {int64(2)}, {nil}, {int64(4)}, {int64(5)}, {int64(6)}}
	even := func(row []driver.Value) (driver.Value, error) {
		n, ok := row[0].(int64)
		if !ok {
			return nil, nil // NULL: the row does not pass
		}
		return n%2 == 0, nil
	}
	double := func(row []driver.Value) (driver.Value, error) { return row[0].(int64) * 2, nil }
	tests := []struct {
		name          string
		filter        eval.EvalFunc
		offset, limit int64
		want          []int64
	}{
		{"all", even, 0, -1, []int64{4, 8, 12}},
		{"offset", even, 1, -1, []int64{8, 12}},
		{"limit", even, 0, 2, []int64{4, 8}},
		{"offset and limit", even, 1, 1, []int64{8}},
		{"limit 0", even, 0, 0, nil},
		{"offset past the end", even, 5, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &closeCounter{SliceSource: SliceSource{Rows: slices.Clone(data)}}
			r := &Rows{Ctx: context.Background(), Src: src, Filter: tt.filter, Project: []eval.EvalFunc{double}, Offset: tt.offset, Limit: tt.limit}
			var got []int64
			dest := make([]driver.Value, 1)
			for {
				err := r.Next(dest)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, dest[0].(int64))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows = %v, want %v", got, tt.want)
			}
			if err := r.Close(); err != nil || src.closed != 1 {
				t.Errorf("Close() = %v; the source was closed %d times, want once", err, src.closed)
			}
		})
	}
}

func TestRowsErrorClosesSource(t *testing.T) {
	boom := errors.New("boom")
	src := &closeCounter{SliceSource: SliceSource{Rows: [][]driver.Value{{int64(1)}}}}
	r := &Rows{Ctx: context.Background(), Src: src, Limit: -1,
		Project: []eval.EvalFunc{func([]driver.Value) (driver.Value, error) { return nil, boom }}}
	if err := r.Next(make([]driver.Value, 1)); !errors.Is(err, boom) {
		t.Fatalf("Next() = %v, want %v", err, boom)
	}
	if err := r.Next(make([]driver.Value, 1)); !errors.Is(err, io.EOF) {
		t.Errorf("Next() after an error = %v, want io.EOF", err)
	}
	if src.closed != 1 {
		t.Errorf("source closed %d times, want once", src.closed)
	}
}

func TestHold(t *testing.T) {
	data := [][]driver.Value{{"b", int64(2)}, {"a", nil}, {"c", int64(1)}, {"b", int64(2)}, {"d", int64(1)}}
	tests := []struct {
		name          string
		keys          []SortKey
		distinct      bool
		offset, limit int64
		want          []string
	}{
		{"unsorted, distinct", nil, true, 0, -1, []string{"b", "a", "c", "d"}},
		{"by the number, NULL first, stable", []SortKey{{Eval: ColumnAt(1)}}, false, 0, -1, []string{"a", "c", "d", "b", "b"}},
		{"descending, distinct", []SortKey{{Eval: ColumnAt(1), Desc: true}}, true, 0, -1, []string{"b", "c", "d", "a"}},
		{"two keys, OFFSET and LIMIT after", []SortKey{{Eval: ColumnAt(1)}, {Eval: ColumnAt(0), Desc: true}}, false, 1, 2, []string{"d", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := &Rows{Ctx: context.Background(), Src: &SliceSource{Rows: slices.Clone(data)}, Offset: tt.offset, Limit: tt.limit}
			cols := []ResultColumn{{Name: "letter"}}
			r, err := Hold(stream, cols, []eval.EvalFunc{ColumnAt(0)}, tt.keys, tt.distinct)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			dest := make([]driver.Value, 1)
			for r.Next(dest) == nil {
				got = append(got, dest[0].(string))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rows = %v, want %v", got, tt.want)
			}
			if len(r.Columns()) != 1 || r.Columns()[0].Name != "letter" {
				t.Errorf("columns = %v", r.Columns())
			}
		})
	}
}
