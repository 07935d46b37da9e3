package exec

import (
	"database/sql/driver"
	"io"
	"net/http"
	"syscall"
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

// BenchmarkPagePass decodes a page held in memory, apart from HTTP: "one"
// is the one pass (rest.DecodePage with the rows' decoder), "two" the
// split then a walk of each row.
func BenchmarkPagePass(b *testing.B) {
	for _, t := range []*schema.Table{schema.Messages, schema.Calls} {
		body := emulatorPage(b, t)
		b.Run(t.Name+"/one", func(b *testing.B) {
			p := newPageFields(NewDecoder(t))
			d := NewDecoder(t)
			row := make([]driver.Value, len(t.Columns))
			start := cpuTime()
			for b.Loop() {
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
					if err := d.fill(item, fields, row); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, start)
		})
		b.Run(t.Name+"/two", func(b *testing.B) {
			d := NewDecoder(t)
			row := make([]driver.Value, len(t.Columns))
			start := cpuTime()
			for b.Loop() {
				page, err := rest.DecodePage(body, t.ListKey, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, item := range page.Items {
					if err := d.Decode(item, row); err != nil {
						b.Fatal(err)
					}
				}
			}
			reportCPU(b, start)
		})
	}
}

// cpuTime is the CPU time the process has used, its collector's included:
// on a shared machine a steadier measure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/row")
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N*1000), "cpu-ns/row")
}
