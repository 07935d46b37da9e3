package bench

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/twiliotest"
)

// requestCase is a query and the listing (or fetch) that answers it with the
// fewest requests.
type requestCase struct {
	name  string
	query string
	path  string     // list path relative to the account, or an item path
	list  url.Values // the filters Twilio evaluates (nil: path is one fetch)
	limit int        // rows wanted from the listing (0: all)
	exact bool       // the answer must equal the minimum
	// extra is how many requests over the minimum a split range scan may
	// make (when not exact): the first page read again.
	extra int
}

var requestCases = []requestCase{
	{name: "limit-10", query: "SELECT * FROM Messages LIMIT 10", path: "Messages.json", list: url.Values{}, limit: 10, exact: true},
	{name: "sid", query: "SELECT * FROM Calls WHERE Sid = '" + twiliotest.DeletableCallSid + "'", path: "Calls/" + twiliotest.DeletableCallSid + ".json", exact: true},
	{name: "range-filtered-1-page", query: "SELECT Sid, Duration FROM Calls WHERE StartTime >= '2026-04-01' AND StartTime < '2026-04-03' AND Duration > 60",
		path: "Calls.json", list: url.Values{"StartTime>": {"2026-04-01"}, "StartTime<": {"2026-04-02"}}, exact: true},
	{name: "range-filtered-3-pages", query: "SELECT Sid, Duration FROM Calls WHERE StartTime >= '2026-03-01' AND StartTime < '2026-03-31' AND Status = 'completed' AND Duration > 60",
		path: "Calls.json", list: url.Values{"StartTime>": {"2026-03-01"}, "StartTime<": {"2026-03-30"}, "Status": {"completed"}}, exact: true},
	// A long range is split into slices fetched at once. A split that is
	// right in any list order lists the first page's rows once more: the
	// chain that read them cannot go on (its filter spans the days cut
	// off, whose rows may come anywhere in it), and any listing of their
	// days lists them again. So a split scan costs at least one page over
	// the one chain's; slices sized to fill their pages cost no more.
	{name: "range-parallel-120-days", query: "SELECT Sid FROM Calls WHERE StartTime >= '2026-01-01' AND StartTime < '2026-05-01'",
		path: "Calls.json", list: url.Values{"StartTime>": {"2026-01-01"}, "StartTime<": {"2026-04-30"}}, extra: 1},
}

// fewestRequests lists (or fetches) directly with PageSize 1000 and counts
// the requests: the minimum for the case.
func fewestRequests(tb testing.TB, srv *twiliotest.Server, c requestCase) int {
	tb.Helper()
	base := srv.URL + "/2010-04-01/Accounts/" + srv.AccountSid + "/"
	if c.list == nil {
		return 1
	}
	q := url.Values{"PageSize": {"1000"}}
	for k, v := range c.list {
		q[k] = v
	}
	uri := base + c.path + "?" + q.Encode()
	requests, rows := 0, 0
	for uri != "" {
		req, _ := http.NewRequest(http.MethodGet, uri, nil)
		req.SetBasicAuth(srv.AccountSid, srv.AuthToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		var page map[string]json.RawMessage
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		requests++
		var items []json.RawMessage
		json.Unmarshal(page[listKey(c.path)], &items)
		rows += len(items)
		if c.limit > 0 && rows >= c.limit {
			break
		}
		var next *string
		json.Unmarshal(page["next_page_uri"], &next)
		uri = ""
		if next != nil {
			uri = srv.URL + *next
		}
	}
	return requests
}

func listKey(path string) string {
	switch path {
	case "Calls.json":
		return "calls"
	case "Messages.json":
		return "messages"
	}
	return "recordings"
}

// driverRequests runs the query through the driver (default settings: two
// nodes, pages of 1000, range scans split) and counts the requests.
func driverRequests(tb testing.TB, srv *twiliotest.Server, db *driverDB, query string) int {
	tb.Helper()
	srv.ResetRequests()
	db.scan(tb, query)
	time.Sleep(20 * time.Millisecond) // a cancelled prefetch may reach the server just after Close
	return srv.RequestCount()
}

func requestServer(tb testing.TB) *twiliotest.Server {
	srv := twiliotest.NewTestServer(tb, twiliotest.WithSize(twiliotest.Size{Calls: 30_000, Messages: 2_000}))
	return srv
}

// TestRequestCounts checks that a LIMIT the first page serves, a Sid lookup
// and filtered range scans make the fewest requests possible.
func TestRequestCounts(t *testing.T) {
	srv := requestServer(t)
	db := openDriver(t, srv.DSN())
	for _, c := range requestCases {
		t.Run(c.name, func(t *testing.T) {
			got := driverRequests(t, srv, db, c.query)
			want := fewestRequests(t, srv, c)
			if c.exact && got != want {
				t.Errorf("%s: %d requests, the fewest possible is %d", c.query, got, want)
			}
			if !c.exact && got > want+c.extra {
				t.Errorf("%s: %d requests, more than the fewest possible (%d) and %d for the split", c.query, got, want, c.extra)
			}
		})
	}
}

// TestCacheRequestCounts runs a dashboard's queries twice through one
// Connector with cache_ttl: the second time they make no request.
func TestCacheRequestCounts(t *testing.T) {
	srv := requestServer(t)
	db := openDriver(t, srv.DSN()+"&cache_ttl=1m")
	var first int
	for run := range 2 {
		srv.ResetRequests()
		for _, c := range requestCases {
			db.scan(t, c.query)
		}
		got := srv.RequestCount()
		if run == 0 {
			first = got
			continue
		}
		if got != 0 {
			t.Errorf("the second run of %d queries made %d requests (the first %d), want 0", len(requestCases), got, first)
		}
	}
}

// BenchmarkRequests reports the requests each case makes next to the
// fewest possible.
func BenchmarkRequests(b *testing.B) {
	srv := requestServer(b)
	db := openDriver(b, srv.DSN())
	for _, c := range requestCases {
		b.Run(c.name, func(b *testing.B) {
			var got int
			for b.Loop() {
				got = driverRequests(b, srv, db, c.query)
			}
			want := fewestRequests(b, srv, c)
			b.ReportMetric(float64(got), "requests")
			b.ReportMetric(float64(want), "min-requests")
			b.ReportMetric(math.Round(100*float64(got)/float64(want))/100, "requests/min")
		})
	}
}

// TestRangeScanRequests counts the requests of the latency benchmarks'
// 30-day window (a million calls over 300 days, 3,400 a day: 102 pages),
// as it is and with calls starting up to 36 hours after their creation.
// In order, the first page tells the density: two-day slices of 7 pages,
// the first page read again (107). With late starts the first page only
// bounds the density from below (1,800 a day where there are 3,400: the
// listing thins out towards its newest end), so the split cuts one-day
// slices, 4 pages for 3.4 pages of rows, which stay short at any density;
// the days left when the first slices end are few enough that two-day
// chains of 7 pages would outlast the rest of the scan, so they are one
// day too (121, where waiting for a second page and for counted days
// before cutting two-day slices made 112 in a longer time: BENCHMARKS.md,
// issue 11 item 3).
func TestRangeScanRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a million calls")
	}
	cases := []struct {
		name  string
		delay time.Duration
		most  int
	}{
		{"in-order", 0, 107},
		{"late-starts", 36 * time.Hour, 121},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := twiliotest.NewTestServer(t, twiliotest.WithSize(twiliotest.Size{Calls: 1_000_000}), twiliotest.WithCallStartDelay(c.delay), twiliotest.WithSpecValidation(false))
			db := openDriver(t, srv.DSN()+"&nodes=2")
			rc := requestCase{path: "Calls.json", list: url.Values{"StartTime>": {"2026-05-15"}, "StartTime<": {"2026-06-13"}}}
			want := fewestRequests(t, srv, rc)
			got := driverRequests(t, srv, db, "SELECT Sid FROM Calls WHERE StartTime >= '2026-05-15' AND StartTime < '2026-06-14'")
			if got > c.most {
				t.Errorf("%d requests, more than %d (the fewest possible: %d)", got, c.most, want)
			}
			t.Logf("%d requests, the fewest possible %d", got, want)
		})
	}
}
