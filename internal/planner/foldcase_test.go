package planner

import (
	"database/sql/driver"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
)

// TestCompareFoldCase: information_schema's strings compare as MySQL's
// utf8mb3_general_ci does, ignoring case; other values as compare does.
func TestCompareFoldCase(t *testing.T) {
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		a, b   driver.Value
		want   int
		wantOK bool
	}{
		{"yes", "YES", 0, true},
		{"Calls", "calls", 0, true},
		{"calls", "MESSAGES", -1, true},
		{"Recordings", "messages", 1, true},
		{"PRI", "pri", 0, true},
		{"YES", nil, 0, false},
		{int64(2), "2", 0, true},
		{"2024-05-01", day, 0, true},
	}
	for _, c := range cases {
		got, ok := eval.CompareFoldCase(c.a, c.b)
		if got != c.want || ok != c.wantOK {
			t.Errorf("CompareFoldCase(%v, %v) = %d, %v; want %d, %v", c.a, c.b, got, ok, c.want, c.wantOK)
		}
	}
	if got, _ := eval.Comparer(eval.Typed{}, eval.Typed{})("yes", "YES"); got == 0 {
		t.Error("plain strings compared ignoring case")
	}
	if got, _ := eval.Comparer(eval.Typed{}, eval.Typed{FoldCase: true})("yes", "YES"); got != 0 {
		t.Error("a FoldCase operand did not fold case")
	}
}
