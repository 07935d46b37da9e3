package exec

import (
	"database/sql/driver"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/testpage"
	"github.com/twiliosql/twiliosql/schema"
)

// BenchmarkPagePass decodes a page held in memory, apart from HTTP, in the
// one pass (rest.DecodePage walking the rows with pageFields, then each
// row converted from its fields) and, alternately in the same loop so that
// a burst of load on the machine falls on both, as before it (the page
// split, then each row walked and converted by Decode).
func BenchmarkPagePass(b *testing.B) {
	for _, t := range []*schema.Table{schema.Messages, schema.Calls} {
		body := testpage.Recorded(b, t)
		b.Run(t.Name, func(b *testing.B) {
			p := newPageFields(NewDecoder(t))
			d1, d2 := NewDecoder(t), NewDecoder(t)
			row := make([]driver.Value, len(t.Columns))
			one := func() int {
				page, err := rest.DecodePage(body, t.ListKey, p)
				list, walked := p.take()
				if err != nil || walked != len(page.Items) {
					b.Fatal(err)
				}
				for _, item := range page.Items {
					fields, rest, ok := nextFields(list)
					if !ok {
						b.Fatal("no fields")
					}
					list = rest
					if err := d1.fill(item, fields, row); err != nil {
						b.Fatal(err)
					}
				}
				return len(page.Items)
			}
			two := func() int {
				page, err := rest.DecodePage(body, t.ListKey, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, item := range page.Items {
					if err := d2.Decode(item, row); err != nil {
						b.Fatal(err)
					}
				}
				return len(page.Items)
			}
			var took [2]time.Duration
			rows := 0
			for b.Loop() {
				for k, f := range []func() int{one, two} {
					start := time.Now()
					n := f()
					took[k] += time.Since(start)
					if k == 0 {
						rows += n
					}
				}
			}
			b.ReportMetric(float64(took[0].Nanoseconds())/float64(rows), "one-ns/row")
			b.ReportMetric(float64(took[1].Nanoseconds())/float64(rows), "two-ns/row")
			b.ReportMetric(float64(took[0])/float64(took[1]), "one/two")
		})
	}
}
