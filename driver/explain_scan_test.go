package driver_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// scanShapes are the ways a listing on a date range runs: split into
// parallel slices (bounded, open above, open below under Messages'
// retention), or not split (a LIMIT the first page serves, one day,
// parallelism off).
var scanShapes = []struct {
	name, sql string
	dsn       string // added to the DSN
}{
	{"range-bounded", "SELECT Sid FROM Calls WHERE StartTime >= '2026-04-01' AND StartTime < '2026-05-01'", ""},
	{"range-open-above", "SELECT Sid, Duration FROM Calls WHERE StartTime > '2026-05-01' AND Duration > 0", ""},
	{"range-open-below-retention", "SELECT Sid FROM Messages WHERE DateSent < '2026-03-01'", ""},
	{"range-sorted", "SELECT Sid FROM Recordings WHERE DateCreated >= '2026-01-01' ORDER BY Duration DESC LIMIT 5", ""},
	{"range-limit-first-page", "SELECT Sid FROM Calls WHERE StartTime >= '2026-04-01' AND Duration > 0 LIMIT 10", ""},
	{"range-one-day", "SELECT Sid FROM Calls WHERE StartTime = '2026-04-03'", ""},
	{"range-parallelism-off", "SELECT Sid FROM Calls WHERE StartTime >= '2026-04-01' AND StartTime < '2026-05-01'", "&scan_parallelism=1"},
}

// TestExplainScanShapesGolden checks EXPLAIN of each scan shape against
// testdata/explain/scan-<name>.golden (-update rewrites them).
func TestExplainScanShapesGolden(t *testing.T) {
	srv := testdb.Server(t)
	for _, c := range scanShapes {
		t.Run(c.name, func(t *testing.T) {
			db, _ := testdb.Open(t, testdb.Shared(srv), testdb.DSN(c.dsn))
			srv.ResetRequests()
			got := explainText(t, db, c.sql)
			if lines := testdb.RequestLines(srv); len(lines) != 0 {
				t.Errorf("EXPLAIN made requests: %q", lines)
			}
			checkGolden(t, filepath.Join("testdata", "explain", "scan-"+c.name+".golden"), got)
		})
	}
}

// explainStep is a row of EXPLAIN's answer.
type explainStep struct {
	op, method, path, params, requests string
}

func explainSteps(t *testing.T, db *sql.DB, query string) []explainStep {
	t.Helper()
	_, rows := testdb.Query(t, db, "EXPLAIN "+query)
	var out []explainStep
	for _, r := range rows {
		s := explainStep{op: fmt.Sprint(r[1]), requests: fmt.Sprint(r[5])}
		if r[2] != nil {
			s.method, s.path, s.params = fmt.Sprint(r[2]), fmt.Sprint(r[3]), fmt.Sprint(r[4])
		}
		out = append(out, s)
	}
	return out
}

// parseParams reads EXPLAIN's params text ("PageSize=100&StartTime>=2026-04-01").
func parseParams(s string) url.Values {
	q := url.Values{}
	for _, kv := range strings.Split(s, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(k, ">") || strings.HasSuffix(k, "<") {
			// "StartTime>=2026-04-01" is the parameter "StartTime>" = the day.
		} else if i := strings.IndexAny(k, "<>"); i >= 0 {
			k, v = k[:i+1], k[i+1:]+"="+v
		}
		q.Add(k, v)
	}
	return q
}

// within reports whether n is in EXPLAIN's estimate ("3", "1..4", "2+").
func within(est string, n int) bool {
	if lo, ok := strings.CutSuffix(est, "+"); ok {
		m, _ := strconv.Atoi(lo)
		return n >= m
	}
	lo, hi, ok := strings.Cut(est, "..")
	if !ok {
		hi = lo
	}
	a, _ := strconv.Atoi(lo)
	b, _ := strconv.Atoi(hi)
	return a <= n && n <= b
}

// TestExplainMatchesRequests runs each scan shape on an account dense
// enough to split, and checks the requests the emulator logs against
// EXPLAIN's plan: the first request is EXPLAIN's first step, every slice's
// first request is EXPLAIN's slice step with days inside its range, every
// other request follows a next_page_uri of the same listing, and the count
// is within EXPLAIN's total.
func TestExplainMatchesRequests(t *testing.T) {
	srv := testdb.Server(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 20_000, Messages: 10_000, Recordings: 4_000})))
	prefix := "/2010-04-01/Accounts/" + srv.AccountSid + "/"
	for _, c := range scanShapes {
		t.Run(c.name, func(t *testing.T) {
			db, _ := testdb.Open(t, testdb.Shared(srv), testdb.DSN("page_size=200&nodes=50"+c.dsn))
			steps := explainSteps(t, db, c.sql)
			srv.ResetRequests()
			testdb.Query(t, db, c.sql)
			reqs := srv.Requests()
			if len(reqs) == 0 {
				t.Fatal("no request")
			}
			total := steps[len(steps)-1]
			if !within(total.requests, len(reqs)) {
				t.Errorf("%d requests, EXPLAIN expects %s", len(reqs), total.requests)
			}
			first, slices := steps[0], explainStep{}
			for _, s := range steps {
				if strings.HasPrefix(s.op, "slices ") {
					slices = s
				}
			}
			if got, want := reqs[0].Path, prefix+first.path; got != want || reqs[0].Query.Encode() != parseParams(first.params).Encode() {
				t.Fatalf("first request %s?%s, EXPLAIN step 1: %s?%s", got, reqs[0].Query.Encode(), want, first.params)
			}
			sliceStarts := 0
			for _, r := range reqs[1:] {
				if r.Path != reqs[0].Path {
					t.Errorf("request to %s: EXPLAIN shows only %s", r.Path, reqs[0].Path)
					continue
				}
				if r.Query.Has("PageToken") {
					continue // a next_page_uri
				}
				if slices.path == "" {
					t.Errorf("a new listing %s, but EXPLAIN shows no slices", r.Query.Encode())
					continue
				}
				sliceStarts++
				want := parseParams(slices.params)
				for k, v := range want {
					got := r.Query[k]
					if strings.HasPrefix(v[0], "{") {
						if len(got) == 1 {
							continue // a slice's own day
						}
						if k == "" {
							continue
						}
					}
					if strings.Join(got, ",") != strings.Join(v, ",") && !strings.HasPrefix(v[0], "{") {
						t.Errorf("slice request %s: %s=%q, EXPLAIN %q", r.Query.Encode(), k, got, v)
					}
				}
				for k := range r.Query {
					if !want.Has(k) {
						t.Errorf("slice request %s: %s not in EXPLAIN's slice step %s", r.Query.Encode(), k, slices.params)
					}
				}
				lo, hi := r.Query.Get(slices.key(">")), r.Query.Get(slices.key("<"))
				if flo := first.bound(">"); flo != "" && (lo == "" || lo < flo) {
					t.Errorf("slice from %q starts before the range's first day %s", lo, flo)
				}
				if fhi := first.bound("<"); fhi != "" && (hi == "" || hi > fhi) {
					t.Errorf("slice to %q ends after the range's last day %s", hi, fhi)
				}
			}
			if slices.path != "" && strings.HasPrefix(c.name, "range-bounded") && sliceStarts < 2 {
				t.Errorf("EXPLAIN shows slices, the scan made %d", sliceStarts)
			}
			t.Logf("%d requests (%d slices), EXPLAIN expects %s", len(reqs), sliceStarts, total.requests)
		})
	}
}

// key is the slice step's range parameter with suffix ("StartTime>").
func (s explainStep) key(suffix string) string {
	for k, v := range parseParams(s.params) {
		if strings.HasSuffix(k, suffix) && strings.HasPrefix(v[0], "{") {
			return k
		}
	}
	return ""
}

// bound is the first step's day on the range parameter with suffix.
func (s explainStep) bound(suffix string) string {
	for k, v := range parseParams(s.params) {
		if strings.HasSuffix(k, suffix) {
			return v[0]
		}
	}
	return ""
}
