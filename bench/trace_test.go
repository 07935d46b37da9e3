package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"
)

// A trace of the emulator's requests (when each arrived and when its answer
// was written, with its day filters and page), for telling where a scan's
// time goes: TWILIOSQL_BENCH_TRACE=file makes the latency benchmarks append
// one JSON line per driver scan to file.

const traceEnv = "TWILIOSQL_BENCH_TRACE"

// tracedRequest is one request as the emulator served it.
type tracedRequest struct {
	StartMs, EndMs float64 // since the last reset
	After, Before  string  // StartTime> and StartTime<
	Page           string
	Status         int
}

type requestTrace struct {
	mu    sync.Mutex
	since time.Time
	reqs  []tracedRequest
}

func (t *requestTrace) reset() {
	t.mu.Lock()
	t.since, t.reqs = time.Now(), nil
	t.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// wrap records every request h serves.
func (t *requestTrace) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		end := time.Now()
		q := r.URL.Query()
		t.mu.Lock()
		ms := func(at time.Time) float64 { return float64(at.Sub(t.since).Microseconds()) / 1000 }
		t.reqs = append(t.reqs, tracedRequest{StartMs: ms(start), EndMs: ms(end), After: q.Get("StartTime>"), Before: q.Get("StartTime<"), Page: q.Get("Page"), Status: sw.status})
		t.mu.Unlock()
	})
}

func (t *requestTrace) write(w io.Writer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	json.NewEncoder(w).Encode(t.reqs)
}

// saveTrace appends the emulator's trace since the last reset to the file
// TWILIOSQL_BENCH_TRACE names, if any, with the driver's time.
func (e *emulator) saveTrace(tb testing.TB, took time.Duration) {
	tb.Helper()
	path := os.Getenv(traceEnv)
	if path == "" {
		return
	}
	resp, err := http.Get(e.base.String() + "/__bench/trace")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	raw = bytes.TrimSpace(raw)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	fmt.Fprintf(f, "{\"bench\":%q,\"driverMs\":%.1f,\"requests\":%s}\n", tb.Name(), float64(took.Microseconds())/1000, raw)
}
