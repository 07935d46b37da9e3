package exec

import (
	"database/sql/driver"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// emulatorPage is a 1000-row list page of t as the emulator answers it.
func emulatorPage(tb testing.TB, t *schema.Table) []byte {
	tb.Helper()
	srv := twiliotest.NewServer(twiliotest.WithSize(twiliotest.Size{Calls: 1000, Messages: 1000}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/2010-04-01/Accounts/"+srv.AccountSid+"/"+t.ListPath+"?PageSize=1000", nil)
	req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		tb.Fatalf("recording a page: %d %v", resp.StatusCode, err)
	}
	return body
}

// BenchmarkPagePass decodes a page held in memory, apart from HTTP, in the
// one pass (rest.DecodePage walking the rows with pageFields, then each
// row converted from its fields) and, alternately in the same loop so that
// a burst of load on the machine falls on both, as before it (the page
// split, then each row walked and converted by Decode).
func BenchmarkPagePass(b *testing.B) {
	for _, t := range []*schema.Table{schema.Messages, schema.Calls} {
		body := emulatorPage(b, t)
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
