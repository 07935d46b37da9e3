package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// BenchmarkDerivedOverhead is the engine's own cost per row of a derived
// table, without HTTP or JSON: 100,000 rows of 20 columns held in memory,
// read as SELECT * FROM t and as SELECT * FROM (SELECT * FROM t) s,
// alternately in the same run. The wrapped read projects each row twice.
// Target: wrapped/plain ≤ 2, which is a small fraction of a row's cost on
// the whole path (BenchmarkFullScan100k: about 12 µs a row, fetched and
// decoded).
func BenchmarkDerivedOverhead(b *testing.B) {
	const n, width = 100_000, 20
	t := &schema.Table{Name: "t"}
	for i := range width {
		t.Columns = append(t.Columns, schema.Column{Name: fmt.Sprintf("c%d", i), Type: schema.String})
	}
	data := make([][]driver.Value, n)
	for i := range data {
		data[i] = make([]driver.Value, width)
		for j := range data[i] {
			data[i][j] = "value"
		}
	}
	item := func() *fromItem {
		return &fromItem{table: t, virtual: func(*exec.Env) [][]driver.Value { return data }}
	}
	env, ctx := testEnv(), context.Background()
	st, err := Prepare("SELECT * FROM t")
	if err != nil {
		b.Fatal(err)
	}
	sel := st.ast.(*sqlparser.Select)
	drain := func(p *selectPlan) {
		rows, err := openQuery(ctx, env, p)
		if err != nil {
			b.Fatal(err)
		}
		dest := make([]driver.Value, width)
		got := 0
		for rows.Next(dest) != io.EOF {
			got++
		}
		if got != n {
			b.Fatalf("read %d rows, want %d", got, n)
		}
	}
	plans := [2]func() *selectPlan{
		func() *selectPlan {
			p, err := planSelectFrom(sel, env, nil, []*fromItem{item()})
			if err != nil {
				b.Fatal(err)
			}
			return p
		},
		func() *selectPlan {
			inner, err := planSelectFrom(sel, env, nil, []*fromItem{item()})
			if err != nil {
				b.Fatal(err)
			}
			d := &fromItem{table: t, alias: "s", derived: &derivedTable{alias: "s", query: inner, pushedLimit: -1}}
			p, err := planSelectFrom(sel, env, nil, []*fromItem{d})
			if err != nil {
				b.Fatal(err)
			}
			return p
		},
	}
	var took [2]time.Duration
	for i := 0; b.Loop(); i++ {
		for k := range 2 {
			j := (i + k) % 2
			start := time.Now()
			drain(plans[j]())
			took[j] += time.Since(start)
		}
	}
	rows := float64(b.N) * n
	b.ReportMetric(float64(took[0].Nanoseconds())/rows, "plain-ns/row")
	b.ReportMetric(float64(took[1].Nanoseconds())/rows, "wrapped-ns/row")
	b.ReportMetric(float64(took[1])/float64(took[0]), "wrapped/plain")
}
