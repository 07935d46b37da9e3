package planner

import (
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/xwb1989/sqlparser"
)

// Item 1 of issue 14, at plan time: which WHERE clauses fold to always
// true, and so make an UPDATE or DELETE a bulk write before any request.
func TestHardening1_AlwaysTrueWhereIsBulk(t *testing.T) {
	tests := []struct {
		where string
		args  eval.Args
		bulk  bool
	}{
		{"1=1", nil, true},
		{"TRUE", nil, true},
		{"1", nil, true},
		{"'a' = 'a'", nil, true},
		{"2 > 1 AND 3 > 2", nil, true},
		{"Status = 'busy' OR 1 = 1", nil, true},
		{"(1 = 1) OR Status = 'busy'", nil, true},
		{"NOT (1 = 0)", nil, true},
		{"1 IS NOT NULL", nil, true},
		{"? = ?", eval.Args{{Ordinal: 1, Value: int64(7)}, {Ordinal: 2, Value: int64(7)}}, true},
		{"COALESCE(NULL, 1) = 1", nil, true},
		// Not always true: a column, a false or NULL constant, a conjunct
		// that depends on the row.
		{"1 = 0", nil, false},
		{"NULL", nil, false},
		{"1 = 1 AND Status = 'busy'", nil, false},
		{"Status = 'busy'", nil, false},
		{"Sid = 'CA0123456789abcdef0123456789abcdef'", nil, false},
		{"? = 1", eval.Args{{Ordinal: 1, Value: int64(2)}}, false},
	}
	for _, tt := range tests {
		for _, verb := range []string{"DELETE FROM Calls", "UPDATE Calls SET Status = 'canceled'"} {
			q := verb + " WHERE " + tt.where
			st, err := sqlparser.Parse(q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			switch st := st.(type) {
			case *sqlparser.Delete:
				_, err = planDelete(st, testEnv(), tt.args)
			case *sqlparser.Update:
				_, err = planUpdate(st, testEnv(), tt.args)
			}
			isBulk := err != nil && strings.Contains(err.Error(), "is a bulk write")
			if isBulk != tt.bulk {
				t.Errorf("%s: bulk = %t, want %t (err %v)", q, isBulk, tt.bulk, err)
			}
			if isBulk && !strings.Contains(err.Error(), "allow_bulk_writes=true") {
				t.Errorf("%s: the error does not name the DSN key: %v", q, err)
			}
		}
		env := testEnv()
		env.AllowBulkWrites = true
		st, _ := sqlparser.Parse("DELETE FROM Calls WHERE " + tt.where)
		if _, err := planDelete(st.(*sqlparser.Delete), env, tt.args); err != nil && strings.Contains(err.Error(), "bulk write") {
			t.Errorf("allow_bulk_writes: %v", err)
		}
	}
}
