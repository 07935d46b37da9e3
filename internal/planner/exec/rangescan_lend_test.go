package exec

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"testing"

	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/twiliosql/twiliosql/twiliotest"
	"go.uber.org/goleak"
)

// readScan reads src to its end, copying out every row.
func readScan(t *testing.T, src Source) [][]driver.Value {
	t.Helper()
	var out [][]driver.Value
	for {
		row, err := src.Next(context.Background())
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, append([]driver.Value(nil), row...))
	}
}

// TestRangeScanLendsBodies runs range scans whose pages are decoded in one
// pass and whose bodies are lent to later answers (under -race: a body
// written while a row still pointed into it would show as a race or as
// rows that differ), against a sequential read of the same listing, at
// several page bounds, with rows reused and fresh. Bodies must really be
// lent, and never more kept than the bound.
func TestRangeScanLendsBodies(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := twiliotest.NewTestServer(t, twiliotest.WithSize(twiliotest.Size{Calls: 3000, Messages: 3000}))
	defer srv.Close()
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	client, err := rest.New(rest.Options{AccountSid: srv.AccountSid, Username: srv.AccountSid, Password: srv.AuthToken, Base: base, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		table *schema.Table
		query url.Values
	}{
		{schema.Calls, url.Values{"StartTime>": {"2026-01-01"}}},
		{schema.Calls, url.Values{"StartTime>": {"2025-10-01"}, "StartTime<": {"2026-03-01"}}},
		{schema.Messages, url.Values{"DateSent<": {"2026-03-01"}}},
	}
	const pageSize = 25
	for _, tt := range tests {
		sid, _ := tt.table.Column("Sid")
		sorted := func(rows [][]driver.Value) [][]driver.Value {
			sort.Slice(rows, func(i, j int) bool { return rows[i][sid].(string) < rows[j][sid].(string) })
			return rows
		}
		env := &Env{Client: client, PageSize: pageSize, ScanParallelism: 4, Now: srv.Now}
		seq := NewListSource(client, tt.table, firstPageURI(env, tt.table.ListPath, tt.query, pageSize))
		want := sorted(readScan(t, seq))
		seq.Close()
		if len(want) < 10*pageSize {
			t.Fatalf("%s %v: %d rows, too few to lend bodies", tt.table.Name, tt.query, len(want))
		}
		for _, maxHeld := range []int{1, 2, 4} {
			for _, fresh := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%v/held=%d/fresh=%v", tt.table.Name, tt.query, maxHeld, fresh), func(t *testing.T) {
					ctx := context.Background()
					rs := PlanRangeScan(env, tt.table, tt.query, pageSize)
					if rs == nil {
						t.Fatal("not planned as a range scan")
					}
					rs.MaxHeld = maxHeld
					first := NewListSource(client, tt.table, firstPageURI(env, tt.table.ListPath, rs.First, pageSize))
					first.Fresh = fresh
					if err := first.Fetch(ctx); err != nil {
						t.Fatal(err)
					}
					ps := NewParallelScan(ctx, env, rs, first)
					if ps == nil {
						t.Fatal("no page follows the first")
					}
					got := readScan(t, ps)
					ps.mu.Lock()
					lent, kept := ps.lent, len(ps.spareBodies)
					ps.mu.Unlock()
					ps.Close()
					if !reflect.DeepEqual(sorted(got), want) {
						t.Fatalf("%d rows differ from the sequential read's %d", len(got), len(want))
					}
					if lent == 0 {
						t.Errorf("no body lent in %d requests", ps.requests)
					}
					if kept > maxHeld {
						t.Errorf("%d spare bodies kept, bound %d", kept, maxHeld)
					}
				})
			}
		}
	}
}
