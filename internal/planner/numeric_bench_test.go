package planner

import (
	"context"
	"database/sql/driver"
	"io"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// BenchmarkNumericRows is the engine's cost per row of arithmetic, of
// grouping and of DISTINCT on numbers, without HTTP or JSON: 100,000 rows
// of a BIGINT and a DOUBLE held in memory. It guards the cost of DECIMAL
// division (exact quotients) and of numeric keys (eval.NumberKey).
func BenchmarkNumericRows(b *testing.B) {
	const n = 100_000
	t := &schema.Table{Name: "t", Columns: []schema.Column{{Name: "i", Type: schema.Int}, {Name: "f", Type: schema.Float}}}
	data := make([][]driver.Value, n)
	for k := range data {
		data[k] = []driver.Value{int64(k), float64(k) / 8}
	}
	env, ctx := testEnv(), context.Background()
	for _, bc := range []struct{ name, sql string }{
		{"arithmetic", "SELECT i * 2 + 1, i / 7, i % 7, f * 2, i / 3 * 3 FROM t"},
		{"group-by", "SELECT i % 100, COUNT(*), SUM(i), AVG(i) FROM t GROUP BY i % 100"},
		{"distinct", "SELECT DISTINCT i % 1000, f - f FROM t"},
	} {
		st, err := Prepare(bc.sql)
		if err != nil {
			b.Fatal(err)
		}
		sel := st.ast.(*sqlparser.Select)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				p, err := planSelectFrom(sel, env, nil, []*fromItem{{table: t, virtual: func(*exec.Env) [][]driver.Value { return data }}})
				if err != nil {
					b.Fatal(err)
				}
				rows, err := openQuery(ctx, env, p)
				if err != nil {
					b.Fatal(err)
				}
				dest := make([]driver.Value, len(rows.Columns()))
				for {
					if err := rows.Next(dest); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/row")
		})
	}
}
