package planner

import (
	"reflect"
	"testing"
)

func TestIntrospectionFunctions(t *testing.T) {
	cases := []struct {
		q    string
		want []string
	}{
		{"SELECT ISNULL(NULL), ISNULL(0), ISNULL(DATABASE())", []string{"1", "0", "0"}},
		{"SELECT UCASE('aé'), LCASE('AB'), UCASE(NULL)", []string{"AÉ", "ab", "NULL"}},
		{"SELECT LOCATE('(', 'varchar(5)'), LOCATE('a', 'banana', 3), LOCATE('x', 'abc'), LOCATE('A', 'xa'), LOCATE('a', 'abc', 0), LOCATE('a', 'abc', 9)", []string{"8", "4", "0", "2", "0", "0"}},
		{"SELECT INSTR('banana', 'nan'), INSTR('é€a', 'a')", []string{"3", "3"}},
		{"SELECT LEAST(3, 1, 2), GREATEST('a', 'c', 'b'), LEAST(1, NULL), GREATEST(2.5, 1)", []string{"1", "c", "NULL", "2.5"}},
	}
	for _, c := range cases {
		_, rows := run(t, c.q)
		if len(rows) != 1 || !reflect.DeepEqual(rows[0], c.want) {
			t.Errorf("%s = %q, want %q", c.q, rows, c.want)
		}
	}
}
