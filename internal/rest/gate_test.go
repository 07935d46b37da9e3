package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestBeforeBody checks the hook between an answer's headers and its body:
// called once for a 2xx answer, never for error answers (retried or read
// for their message), its wait not counted by the per-attempt timeout nor
// by max_concurrency, and its error final, the body closed unread.
func TestBeforeBody(t *testing.T) {
	// A body larger than the connection's buffers: read after the
	// attempt's context ended, it would fail.
	page := `{"calls":[{"sid":"CA1","body":"` + strings.Repeat("x", 4<<20) + `"}],"next_page_uri":null}`
	cases := []struct {
		name    string
		answers []func(w http.ResponseWriter)
		hook    func(ctx context.Context) error
		calls   int32  // hook calls
		sent    int32  // requests the server saw
		wantErr string // in the error
	}{
		{name: "2xx", hook: func(context.Context) error { return nil }, calls: 1, sent: 1},
		{name: "5xx then 2xx", answers: []func(http.ResponseWriter){status(503, `{"code":20503,"message":"busy","status":503}`)}, hook: func(context.Context) error { return nil }, calls: 1, sent: 2},
		{name: "4xx", answers: []func(http.ResponseWriter){status(404, `{"code":20404,"message":"not found","status":404}`), status(404, `{"code":20404,"message":"not found","status":404}`)}, hook: func(context.Context) error { return nil }, calls: 0, sent: 1, wantErr: "not found"},
		// The wait is three times the per-attempt timeout (1 s: reading the
		// 4 MiB body must fit in an attempt under -race on a busy machine),
		// and the other request of max_concurrency=1 is sent meanwhile.
		{name: "long wait", hook: func(context.Context) error { time.Sleep(3 * time.Second); return nil }, calls: 1, sent: 1},
		{name: "error", hook: func(context.Context) error { return errors.New("no room") }, calls: 1, sent: 1, wantErr: "no room"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sent atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(sent.Add(1)) - 1
				if i < len(tc.answers) {
					tc.answers[i](w)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, page)
			}))
			defer srv.Close()
			base, _ := url.Parse(srv.URL)
			c, err := New(Options{AccountSid: testAccount, Username: testAccount, Password: "token", Base: base, Timeout: time.Second, MaxInFlight: 1,
				Retry: RetryPolicy{MaxRetries: 3, Timeout: 20 * time.Second, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int32
			var otherErr error
			hook := func(ctx context.Context) error {
				if calls.Add(1) == 1 && tc.name == "long wait" {
					// max_concurrency=1: the other request is sent only
					// if this one, held before its body, does not count.
					other := make(chan error, 1)
					go func() { _, err := c.ListPage(context.Background(), "Calls.json?x=other", "calls"); other <- err }()
					select {
					case otherErr = <-other:
					case <-time.After(10 * time.Second):
						otherErr = errors.New("the other request waits on the one held before its body")
					}
				}
				return tc.hook(ctx)
			}
			got, err := c.ListPage(WithBeforeBody(context.Background(), hook), "Calls.json", "calls")
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v", err)
			case tc.wantErr == "" && len(got.Items) != 1:
				t.Fatalf("%d items, want 1", len(got.Items))
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if n := calls.Load(); n != tc.calls {
				t.Errorf("hook called %d times, want %d", n, tc.calls)
			}
			if tc.name == "long wait" {
				if otherErr != nil {
					t.Errorf("the other request: %v", otherErr)
				}
				tc.sent = 2
			}
			if n := sent.Load(); n != tc.sent {
				t.Errorf("%d requests sent, want %d", n, tc.sent)
			}
		})
	}
}
