package twiliotest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const tooManyBody = `{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`

// freshConns never reuses a connection, so a reset is seen by the caller
// rather than retried by the transport.
var freshConns = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}

type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error (a reset)
	took   time.Duration
}

// send sends one request with the server's credentials (unless auth is false).
func send(ctx context.Context, s *Server, method, path string, form url.Values, auth bool) answer {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+"/2010-04-01/Accounts/"+s.AccountSid+"/"+path, body)
	if err != nil {
		panic(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if auth {
		req.SetBasicAuth(s.AccountSid, s.AuthToken)
	}
	start := time.Now()
	resp, err := freshConns.Do(req)
	if err != nil {
		return answer{err: err, took: time.Since(start)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b, err: err, took: time.Since(start)}
}

func sendOK(s *Server, method, path string, form url.Values) answer {
	return send(context.Background(), s, method, path, form, true)
}

func msgForm(body string) url.Values {
	return url.Values{"To": {"+14155550100"}, "From": {WhatsAppNumber}, "Body": {body}}
}

func faultsOf(reqs []Request) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Fault
	}
	return out
}

func TestFaultKinds(t *testing.T) {
	const delay = 50 * time.Millisecond
	isError := func(status, code int) func(*testing.T, answer) {
		return func(t *testing.T, a answer) {
			var e apiError
			if err := json.Unmarshal(a.body, &e); err != nil || e.Code != code || e.Status != status ||
				e.MoreInfo != "https://www.twilio.com/docs/errors/"+strconv.Itoa(code) || e.Message == "" {
				t.Fatalf("body %s", a.body)
			}
		}
	}
	retryAfter := func(want string) func(*testing.T, answer) {
		return func(t *testing.T, a answer) {
			if string(a.body) != tooManyBody {
				t.Fatalf("body %s", a.body)
			}
			if got, ok := a.header["Retry-After"]; want == "" && ok || want != "" && (len(got) != 1 || got[0] != want) {
				t.Fatalf("Retry-After %q, want %q", got, want)
			}
		}
	}
	cut := func(t *testing.T, a answer) {
		if cl := a.header.Get("Content-Length"); cl != strconv.Itoa(len(a.body)) {
			t.Fatalf("Content-Length %s, body %d bytes", cl, len(a.body))
		}
		if json.Valid(a.body) {
			t.Fatalf("body is whole: %s", a.body)
		}
	}
	for _, tc := range []struct {
		name       string
		faults     Faults
		fault      string
		status     int  // 0: the connection is reset
		applied    bool // a POST is applied
		check      func(*testing.T, answer)
		checkWrite func(*testing.T, answer)
	}{
		{name: "429", faults: Faults{TooManyRequests: 1}, fault: "429", status: 429, check: retryAfter("")},
		{name: "429 Retry-After default", faults: Faults{TooManyRequestsRetryAfter: 1}, fault: "429-retry-after", status: 429, check: retryAfter("1")},
		{name: "429 Retry-After 0", faults: Faults{TooManyRequestsRetryAfter: 1, RetryAfter: -1}, fault: "429-retry-after", status: 429, check: retryAfter("0")},
		{name: "429 Retry-After 2.5s", faults: Faults{TooManyRequestsRetryAfter: 1, RetryAfter: 2500 * time.Millisecond}, fault: "429-retry-after", status: 429, check: retryAfter("3")},
		{name: "500", faults: Faults{InternalError: 1}, fault: "500", status: 500, check: isError(500, 20500)},
		{name: "503", faults: Faults{Unavailable: 1}, fault: "503", status: 503, check: func(t *testing.T, a answer) {
			if !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || !strings.Contains(string(a.body), "<h1>503 Service Temporarily Unavailable</h1>") {
				t.Fatalf("%v %s", a.header, a.body)
			}
		}},
		{name: "reset", faults: Faults{Reset: 1}, fault: "reset", status: 0},
		{name: "truncate", faults: Faults{Truncate: 1}, fault: "truncate", status: 200, applied: true, check: cut, checkWrite: cut},
		{name: "delay", faults: Faults{Delay: 1, DelayDuration: delay}, fault: "delay", status: 200, applied: true, check: func(t *testing.T, a answer) {
			if a.took < delay {
				t.Fatalf("answered in %v, want at least %v", a.took, delay)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewTestServer(t)
			// Seed, then turn the faults on.
			if a := sendOK(s, "POST", "Messages.json", msgForm("seed")); a.status != 201 {
				t.Fatalf("seed: %d %s", a.status, a.body)
			}
			s.SetFaults(tc.faults)
			before := s.Count("Messages")

			for _, method := range []string{"GET", "POST"} {
				var a answer
				if method == "GET" {
					a = sendOK(s, "GET", "Messages.json?PageSize=3", nil)
				} else {
					a = sendOK(s, "POST", "Messages.json", msgForm("faulted"))
				}
				status := tc.status
				if method == "POST" && status == 200 {
					status = 201
				}
				if status == 0 {
					if a.err == nil {
						t.Fatalf("%s: answered %d, want a reset", method, a.status)
					}
				} else if a.err != nil || a.status != status {
					t.Fatalf("%s: status %d (%v), want %d; body %s", method, a.status, a.err, status, a.body)
				}
				check := tc.check
				if method == "POST" {
					check = tc.checkWrite
					if check == nil && tc.status != 200 {
						check = tc.check
					}
				}
				if check != nil {
					check(t, a)
				}
			}

			wantCount, wantApplied := before, 1
			if tc.applied {
				wantCount, wantApplied = before+1, 2
			}
			if got := s.Count("Messages"); got != wantCount {
				t.Errorf("messages %d, want %d", got, wantCount)
			}
			if got := len(s.Applied()); got != wantApplied {
				t.Errorf("applied %d writes, want %d", got, wantApplied)
			}
			reqs := s.Requests()
			if got, want := faultsOf(reqs), []string{"", tc.fault, tc.fault}; !slices.Equal(got, want) {
				t.Errorf("logged faults %q, want %q", got, want)
			}
			if got := reqs[1].Status; got != tc.status {
				t.Errorf("logged status %d, want %d", got, tc.status)
			}
			if st := s.Stats(); st.Faulted != 2 || st.Requests != 3 || st.Throttled != 0 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestFaultScope(t *testing.T) {
	s := NewTestServer(t, WithFaults(Faults{InternalError: 1, Methods: []string{"post", "DELETE"}}))
	// GET is not among Methods.
	if a := sendOK(s, "GET", "Calls.json?PageSize=1", nil); a.status != 200 {
		t.Fatalf("GET: %d", a.status)
	}
	// An unauthenticated request is answered 401, never faulted.
	if a := send(context.Background(), s, "POST", "Messages.json", msgForm("x"), false); a.status != 401 {
		t.Fatalf("no credentials: %d", a.status)
	}
	if a := sendOK(s, "DELETE", "Calls/"+DeletableCallSid+".json", nil); a.status != 500 {
		t.Fatalf("DELETE: %d", a.status)
	}
	if got, want := faultsOf(s.Requests()), []string{"", "", "500"}; !slices.Equal(got, want) {
		t.Fatalf("faults %q, want %q", got, want)
	}
	if !s.Exists(DeletableCallSid) || len(s.Applied()) != 0 {
		t.Fatal("a 500 fault applied the delete")
	}
	// The zero Faults turns them off.
	s.SetFaults(Faults{})
	if a := sendOK(s, "DELETE", "Calls/"+DeletableCallSid+".json", nil); a.status != 204 {
		t.Fatalf("DELETE: %d", a.status)
	}
	if w := s.Applied(); len(w) != 1 || w[0].Method != "DELETE" || w[0].Path != "/2010-04-01/Accounts/"+s.AccountSid+"/Calls/"+DeletableCallSid+".json" || w[0].Form != nil || w[0].Sid != DeletableCallSid {
		t.Fatalf("applied %+v", w)
	}
	for _, bad := range []Faults{{Reset: -0.1}, {Truncate: 1.5}, {Delay: 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SetFaults(%+v) did not panic", bad)
				}
			}()
			s.SetFaults(bad)
		}()
	}
}

func TestApplyThenFail(t *testing.T) {
	s := NewTestServer(t)
	s.SetFaults(Faults{ApplyThenFail: 1})
	msgs, calls := s.Count("Messages"), s.Count("Calls")

	a := sendOK(s, "POST", "Messages.json", msgForm("first"))
	if a.err != nil || a.status != 500 || !strings.Contains(string(a.body), `"code":20500`) {
		t.Fatalf("first: %d %v %s", a.status, a.err, a.body)
	}
	if a = sendOK(s, "POST", "Messages.json", msgForm("second")); a.err == nil {
		t.Fatalf("second: answered %d, want a reset", a.status)
	}
	if a = sendOK(s, "DELETE", "Calls/"+DeletableCallSid+".json", nil); a.status != 500 {
		t.Fatalf("delete: %d %v", a.status, a.err)
	}
	// Reads and rejected writes are answered as usual.
	if a = sendOK(s, "GET", "Calls.json?PageSize=1", nil); a.status != 200 {
		t.Fatalf("GET: %d", a.status)
	}
	before := len(s.SpecViolations())
	if a = sendOK(s, "POST", "Messages.json", url.Values{"Body": {"no To"}}); a.status != 400 {
		t.Fatalf("bad POST: %d", a.status)
	}
	s.forgetRequestViolations(before) // the missing To is the point

	if s.Count("Messages") != msgs+2 || s.Count("Calls") != calls-1 {
		t.Fatalf("messages %d calls %d", s.Count("Messages"), s.Count("Calls"))
	}
	w := s.Applied()
	if len(w) != 3 || w[0].Form.Get("Body") != "first" || w[1].Form.Get("Body") != "second" || w[2].Method != "DELETE" || w[2].Sid != DeletableCallSid {
		t.Fatalf("applied %+v", w)
	}
	for _, x := range w[:2] {
		if x.Method != "POST" || !strings.HasPrefix(x.Sid, "SM") || !s.Exists(x.Sid) {
			t.Fatalf("create %+v", x)
		}
	}
	reqs := s.Requests()
	if got, want := faultsOf(reqs), []string{"apply-then-fail", "apply-then-fail", "apply-then-fail", "", ""}; !slices.Equal(got, want) {
		t.Fatalf("faults %q, want %q", got, want)
	}
	if reqs[0].Status != 500 || reqs[1].Status != 0 || reqs[2].Status != 500 || reqs[4].Status != 400 {
		t.Fatalf("statuses %d %d %d %d", reqs[0].Status, reqs[1].Status, reqs[2].Status, reqs[4].Status)
	}
	// Applied returns a copy.
	w[0].Form.Set("Body", "changed")
	if s.Applied()[0].Form.Get("Body") != "first" {
		t.Fatal("Applied is not a copy")
	}
}

func TestFaultDeterminism(t *testing.T) {
	faults := Faults{TooManyRequests: 0.1, TooManyRequestsRetryAfter: 0.1, InternalError: 0.1, Unavailable: 0.1, Reset: 0.1, Truncate: 0.1, Delay: 0.1}
	run := func(s *Server) []string {
		s.ResetRequests()
		s.SetFaults(faults)
		for range 60 {
			sendOK(s, "GET", "Calls/"+FeedbackCallSid+".json", nil)
		}
		return faultsOf(s.Requests())
	}
	a, b, other := NewTestServer(t, WithSeed(5)), NewTestServer(t, WithSeed(5)), NewTestServer(t, WithSeed(6))
	sendOK(b, "GET", "Calls.json", nil) // traffic before SetFaults does not matter
	fa, fb, fo := run(a), run(b), run(other)
	if !slices.Equal(fa, fb) {
		t.Fatalf("same seed, different faults:\n%q\n%q", fa, fb)
	}
	if slices.Equal(fa, fo) {
		t.Fatalf("seeds 5 and 6 drew the same faults %q", fa)
	}
	if again := run(a); !slices.Equal(fa, again) {
		t.Fatalf("SetFaults did not restart the draws:\n%q\n%q", fa, again)
	}
	kinds := map[string]int{}
	for _, f := range fa {
		kinds[f]++
	}
	if len(kinds) < 6 || kinds[""] < 10 {
		t.Fatalf("implausible draws %v", kinds)
	}
}

func TestLatency(t *testing.T) {
	const d = 50 * time.Millisecond
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) *Server
	}{
		{"option", func(t *testing.T) *Server { return NewTestServer(t, WithLatency(d, 5*time.Millisecond)) }},
		{"setter", func(t *testing.T) *Server {
			s := NewTestServer(t)
			s.SetLatency(d, 0)
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.start(t)
			a := sendOK(s, "GET", "Calls/"+FeedbackCallSid+".json", nil)
			if a.status != 200 || a.took < d {
				t.Fatalf("status %d in %v, want 200 in at least %v", a.status, a.took, d)
			}
			if a := send(context.Background(), s, "GET", "Calls.json", nil, false); a.status != 401 || a.took < d {
				t.Fatalf("401 in %v", a.took)
			}
		})
	}
}

func TestLatencyClientGone(t *testing.T) {
	s := NewTestServer(t, WithLatency(time.Hour, 0))
	before := s.Count("Messages")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if a := send(ctx, s, "POST", "Messages.json", msgForm("gone"), true); a.err == nil {
		t.Fatalf("answered %d", a.status)
	}
	// The server stops waiting and does not apply the write.
	for deadline := time.Now().Add(10 * time.Second); s.RequestCount() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server is still waiting for a client that went away")
		}
	}
	if r := s.Requests()[0]; r.Status != 0 || s.Count("Messages") != before || len(s.Applied()) != 0 {
		t.Fatalf("request %+v, messages %d", r, s.Count("Messages"))
	}
}

func TestRateLimit(t *testing.T) {
	const n, burst = 10, 4
	for _, tc := range []struct {
		name  string
		start func(t *testing.T) *Server
	}{
		{"option", func(t *testing.T) *Server { return NewTestServer(t, WithRateLimit(0.001, burst)) }},
		{"setter", func(t *testing.T) *Server {
			s := NewTestServer(t)
			sendOK(s, "GET", "Calls.json?PageSize=1", nil)
			s.SetRateLimit(0.001, burst)
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.start(t)
			base := s.Stats()
			before := s.Count("Messages")
			answers := make([]answer, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() { answers[i] = sendOK(s, "POST", "Messages.json", msgForm(fmt.Sprint("burst ", i))) })
			}
			wg.Wait()
			ok, throttled := 0, 0
			for _, a := range answers {
				switch {
				case a.status == 201:
					ok++
				case a.status == 429 && string(a.body) == tooManyBody && a.header.Get("Retry-After") == "":
					throttled++
				default:
					t.Fatalf("answer %d %v %s", a.status, a.err, a.body)
				}
			}
			if ok != burst || throttled != n-burst {
				t.Fatalf("%d created, %d throttled; want %d, %d", ok, throttled, burst, n-burst)
			}
			if got := s.Count("Messages"); got != before+burst {
				t.Fatalf("messages %d, want %d", got, before+burst)
			}
			st := s.Stats()
			if st.Throttled-base.Throttled != n-burst || st.Requests-base.Requests != n || st.Faulted != 0 {
				t.Fatalf("stats %+v (before %+v)", st, base)
			}
			// Credentials are checked first.
			if a := send(context.Background(), s, "GET", "Calls.json", nil, false); a.status != 401 {
				t.Fatalf("no credentials: %d", a.status)
			}
			s.SetRateLimit(0, 0)
			if a := sendOK(s, "GET", "Calls.json?PageSize=1", nil); a.status != 200 {
				t.Fatalf("after removing the limit: %d", a.status)
			}
		})
	}
}

func TestMaxConcurrent(t *testing.T) {
	s := NewTestServer(t, WithMaxConcurrent(2), WithLatency(time.Hour, 0))
	// Two requests held in flight by the latency.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { send(ctx, s, "GET", "Calls.json", nil, true) })
	}
	for deadline := time.Now().Add(10 * time.Second); s.Stats().MaxInFlight < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the requests did not arrive")
		}
	}
	s.SetLatency(0, 0)
	before := s.Count("Messages")
	if a := sendOK(s, "POST", "Messages.json", msgForm("third")); a.status != 429 || string(a.body) != tooManyBody {
		t.Fatalf("third request: %d %s", a.status, a.body)
	}
	if s.Count("Messages") != before {
		t.Fatal("a throttled write was applied")
	}
	cancel()
	wg.Wait()
	for deadline := time.Now().Add(10 * time.Second); s.chaos.inFlight.Load() != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the requests were not released")
		}
	}
	if a := sendOK(s, "GET", "Calls.json?PageSize=1", nil); a.status != 200 {
		t.Fatalf("after release: %d", a.status)
	}
	if st := s.Stats(); st.Throttled != 1 || st.MaxInFlight != 2 || st.Requests != 4 {
		t.Fatalf("stats %+v", st)
	}
	s.SetMaxConcurrent(0)
	var burst sync.WaitGroup
	for range 8 {
		burst.Go(func() {
			if a := sendOK(s, "GET", "Calls.json?PageSize=1", nil); a.status != 200 {
				t.Errorf("without limit: %d", a.status)
			}
		})
	}
	burst.Wait()
}

// TestChaosConcurrent changes the settings while requests are served.
func TestChaosConcurrent(t *testing.T) {
	s := NewTestServer(t, WithSize(Size{Messages: 50}), WithMaxConcurrent(4))
	stop := make(chan struct{})
	var knobs sync.WaitGroup
	knobs.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			s.SetFaults(Faults{InternalError: 0.1, Reset: 0.1, Truncate: 0.1, ApplyThenFail: 0.2, Delay: 0.1, DelayDuration: time.Millisecond, TooManyRequestsRetryAfter: 0.1, RetryAfter: -1})
			s.SetLatency(0, time.Duration(i%3)*time.Millisecond)
			s.SetRateLimit(float64(1000+i), 50)
			s.SetMaxConcurrent(4 + i%4)
			_ = s.Stats()
			_ = s.Applied()
		}
	})
	var clients sync.WaitGroup
	for g := range 8 {
		clients.Go(func() {
			for i := range 25 {
				if i%2 == 0 {
					sendOK(s, "POST", "Messages.json", msgForm(fmt.Sprintf("g%d-%d", g, i)))
				} else {
					send(context.Background(), s, "GET", "Messages.json", nil, false)
					sendOK(s, "GET", "Messages.json?PageSize=5", nil)
				}
			}
		})
	}
	clients.Wait()
	close(stop)
	knobs.Wait()

	reqs := s.Requests()
	st := s.Stats()
	faulted := 0
	for _, r := range reqs {
		if r.Fault != "" {
			faulted++
		}
	}
	if st.Requests != len(reqs) || st.Faulted != faulted || st.MaxInFlight > 7 {
		t.Fatalf("stats %+v, %d requests logged, %d faulted", st, len(reqs), faulted)
	}
	// Each create was applied at most once, and every applied one is stored.
	seen := map[string]bool{}
	for _, w := range s.Applied() {
		b := w.Form.Get("Body")
		if seen[b] || !s.Exists(w.Sid) {
			t.Fatalf("write %+v applied twice or lost", w)
		}
		seen[b] = true
	}
	if s.Count("Messages") != 50+len(seen) {
		t.Fatalf("messages %d, applied creates %d", s.Count("Messages"), len(seen))
	}
}
