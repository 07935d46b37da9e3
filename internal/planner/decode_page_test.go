package planner

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/internal/testpage"
	"github.com/twiliosql/twiliosql/schema"
)

// memoryTransport answers every request with one recorded body.
type memoryTransport struct{ body []byte }

func (m memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(m.body)), ContentLength: int64(len(m.body)), Request: req}, nil
}

// BenchmarkDecodePage decodes recorded 1,000-row pages of Messages and
// Calls held in memory: the driver's whole path from the HTTP answer to
// typed rows (exec.ListSource fetching through rest's transport, which
// reads the page and decodes its rows in one pass, then hands out every
// row), beside twilio-go's typed unmarshal of the same bytes. It reports driver-ns/row, twilio-go-ns/row, their ratio and the
// driver's allocs/row. Targets: ≤ 3 µs a Messages row, ≤ 1/4 of twilio-go's
// time, ≤ 3 allocations a row.
func BenchmarkDecodePage(b *testing.B) {
	for _, c := range []struct {
		table *schema.Table
		typed func([]byte) (int, error)
	}{
		{schema.Messages, func(body []byte) (int, error) {
			var page api.ListMessageResponse
			err := json.Unmarshal(body, &page)
			return len(page.Messages), err
		}},
		{schema.Calls, func(body []byte) (int, error) {
			var page api.ListCallResponse
			err := json.Unmarshal(body, &page)
			return len(page.Calls), err
		}},
	} {
		b.Run(c.table.Name, func(b *testing.B) {
			body := testpage.Recorded(b, c.table)
			client, err := rest.New(rest.Options{AccountSid: "AC" + strconv.Itoa(0), Username: "AC0", Password: "token", Base: &url.URL{Scheme: "http", Host: "memory"}, Transport: memoryTransport{body}})
			if err != nil {
				b.Fatal(err)
			}
			uri := client.FirstPageURI(c.table.ListPath, url.Values{"PageSize": {"1000"}})
			src := exec.NewListSource(client, c.table, uri)
			ctx := context.Background()
			// The two alternate by blocks of ten pages, so that each pays
			// for collecting its own garbage (twilio-go's is many times the
			// driver's: alternating page by page, its collections ran
			// inside the driver's timing) while a burst of load on the
			// machine falls on both alike.
			const block = 10
			// The benchmark keeps to one thread, so that its CPU time
			// (threadCPU) is the time the decoding ran, whatever the load.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var drv, tw, drvCPU, twCPU time.Duration
			var rows, twRows, pending int
			var allocs uint64
			var ms runtime.MemStats
			typed := func(pages int) {
				start, cpu := time.Now(), threadCPU()
				for range pages {
					n, err := c.typed(body)
					if err != nil {
						b.Fatal(err)
					}
					twRows += n
				}
				tw += time.Since(start)
				twCPU += threadCPU() - cpu
			}
			for b.Loop() {
				runtime.ReadMemStats(&ms)
				before := ms.Mallocs
				start, cpu := time.Now(), threadCPU()
				src.NextURI = uri // the recorded page is the last: no next one
				if err := src.Fetch(ctx); err != nil {
					b.Fatal(err)
				}
				for {
					row, err := src.Next(ctx)
					if err == io.EOF {
						break
					}
					if err != nil || len(row) != len(c.table.Columns) {
						b.Fatal(err)
					}
					rows++
				}
				drv += time.Since(start)
				drvCPU += threadCPU() - cpu
				runtime.ReadMemStats(&ms)
				allocs += ms.Mallocs - before
				if pending++; pending == block {
					typed(block)
					pending = 0
				}
			}
			typed(pending)
			if rows != twRows || rows/b.N != 1000 {
				b.Fatalf("driver %d rows, twilio-go %d, in %d pages", rows, twRows, b.N)
			}
			b.ReportMetric(float64(drv.Nanoseconds())/float64(rows), "driver-ns/row")
			b.ReportMetric(float64(tw.Nanoseconds())/float64(rows), "twilio-go-ns/row")
			b.ReportMetric(float64(drv)/float64(tw), "driver/twilio-go")
			b.ReportMetric(float64(allocs)/float64(rows), "allocs/row")
			b.ReportMetric(float64(drvCPU.Nanoseconds())/float64(rows), "driver-cpu-ns/row")
			b.ReportMetric(float64(twCPU.Nanoseconds())/float64(rows), "twilio-go-cpu-ns/row")
			if twCPU > 0 {
				b.ReportMetric(float64(drvCPU)/float64(twCPU), "cpu-driver/twilio-go")
			}
			b.ReportMetric(float64(len(body))/1000, "bytes/row")
		})
	}
}
