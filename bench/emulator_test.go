package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// The large benchmarks run the emulator in a child process (this test
// binary, re-executed): its seeded data (hundreds of MB for a million rows)
// and its garbage then stay out of the heap being measured, and its CPU out
// of the benchmark's profile.

const emulatorEnv = "TWILIOSQL_BENCH_EMULATOR"

// emulatorProfileEnv names a file for the child emulator's CPU profile
// (TWILIOSQL_BENCH_EMULATOR_CPUPROFILE=file go test -bench ...).
const emulatorProfileEnv = "TWILIOSQL_BENCH_EMULATOR_CPUPROFILE"

// emulatorSpec configures the child emulator.
type emulatorSpec struct {
	Calls, Messages int
	Latency         time.Duration // per request
	RPS             float64       // requests per second the emulator answers before 429; 0: no cap
	Burst           int
	CallStartDelay  time.Duration // twiliotest.WithCallStartDelay
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(emulatorEnv); spec != "" {
		serveEmulator(spec)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveEmulator runs in the child: it serves the emulator and its counters
// until the parent closes stdin.
func serveEmulator(raw string) {
	var spec emulatorSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "bench emulator:", err)
		os.Exit(2)
	}
	// The benchmarks measure the driver against a stand-in for Twilio: the
	// emulator does not judge its own answers here, which would add its
	// cost to every figure. TestRequestCounts and every other test run
	// under the judge.
	opts := []twiliotest.Option{twiliotest.WithSize(twiliotest.Size{Calls: spec.Calls, Messages: spec.Messages}), twiliotest.WithSpecValidation(false)}
	if spec.Latency > 0 {
		opts = append(opts, twiliotest.WithLatency(spec.Latency, 0))
	}
	if spec.RPS > 0 {
		opts = append(opts, twiliotest.WithRateLimit(spec.RPS, spec.Burst))
	}
	if spec.CallStartDelay > 0 {
		opts = append(opts, twiliotest.WithCallStartDelay(spec.CallStartDelay))
	}
	srv := twiliotest.NewUnstartedServer(opts...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench emulator:", err)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/__bench/stats", func(w http.ResponseWriter, r *http.Request) {
		st := srv.Stats()
		json.NewEncoder(w).Encode(emulatorStats{Requests: srv.RequestCount(), Throttled: st.Throttled, MaxInFlight: st.MaxInFlight})
	})
	var tr requestTrace
	mux.HandleFunc("/__bench/reset", func(w http.ResponseWriter, r *http.Request) {
		srv.ResetRequests()
		tr.reset()
	})
	mux.HandleFunc("/__bench/trace", func(w http.ResponseWriter, r *http.Request) { tr.write(w) })
	mux.Handle("/", tr.wrap(srv.Handler()))
	go http.Serve(ln, mux)
	fmt.Printf("http://%s %s %s\n", ln.Addr(), srv.AccountSid, srv.AuthToken)
	if path := os.Getenv(emulatorProfileEnv); path != "" {
		// The emulator's CPU profile, for telling its cost apart from the
		// driver's on shared cores.
		if f, err := os.Create(path); err == nil {
			defer f.Close()
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile() // before the file closes
			}
		}
	}
	io.Copy(io.Discard, os.Stdin) // until the parent goes away
}

type emulatorStats struct {
	Requests    int // requests logged since the last reset
	Throttled   int // 429s from the rate cap, since the start
	MaxInFlight int
}

// emulator is a running child emulator.
type emulator struct {
	base       *url.URL
	sid, token string
	cmd        *exec.Cmd
	stdin      io.Closer
}

// startEmulator starts a child emulator; it stops with the benchmark.
func startEmulator(tb testing.TB, spec emulatorSpec) *emulator {
	tb.Helper()
	raw, _ := json.Marshal(spec)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), emulatorEnv+"="+string(raw))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		tb.Fatalf("the emulator did not start: %v", err)
	}
	f := strings.Fields(line)
	base, _ := url.Parse(f[0])
	e := &emulator{base: base, sid: f[1], token: f[2], cmd: cmd, stdin: stdin}
	tb.Cleanup(func() {
		e.stdin.Close()
		done := make(chan struct{})
		go func() { e.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			e.cmd.Process.Kill()
			<-done
		}
	})
	return e
}

func (e *emulator) dsn(query string) string {
	u := url.URL{Scheme: "twilio", User: url.UserPassword(e.sid, e.token), Host: e.base.Host, Path: "/", RawQuery: "tls=false"}
	if query != "" {
		u.RawQuery += "&" + query
	}
	return u.String()
}

func (e *emulator) stats(tb testing.TB) emulatorStats {
	tb.Helper()
	resp, err := http.Get(e.base.String() + "/__bench/stats")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var st emulatorStats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		tb.Fatal(err)
	}
	return st
}

func (e *emulator) resetRequests(tb testing.TB) {
	tb.Helper()
	resp, err := http.Get(e.base.String() + "/__bench/reset")
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
}

// openDriver opens the driver on an emulator with DSN settings.
func openDriver(tb testing.TB, dsn string) *driverDB {
	tb.Helper()
	return &driverDB{testdb.OpenDSN(tb, dsn)}
}

// hostRewriter is the transport a user writes to point twilio-go at another
// host: it swaps scheme and host, nothing more (no buffering, no limiter).
type hostRewriter struct {
	base *url.URL
	next http.RoundTripper
}

func (h hostRewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host, out.Host = h.base.Scheme, h.base.Host, h.base.Host
	return h.next.RoundTrip(out)
}

// twilioGo is the baseline: twilio-go's API service pointed at the emulator.
func twilioGo(base *url.URL, sid, token string) *api.ApiService {
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(sid, token),
		HTTPClient:  &http.Client{Transport: hostRewriter{base: base, next: http.DefaultTransport.(*http.Transport).Clone()}},
	}
	c.SetAccountSid(sid)
	return api.NewApiServiceWithClient(c)
}

// nextPage reads PageToken and Page from a next_page_uri, as a PageX loop
// must.
func nextPage(uri string) (token, page string) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", ""
	}
	q := u.Query()
	return q.Get("PageToken"), q.Get("Page")
}
