package planner

import (
	"context"
	"database/sql/driver"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/rest"
	"github.com/twiliosql/twiliosql/twiliotest"
	"go.uber.org/goleak"
)

// bodyCounter is an http.RoundTripper over a real transport that counts the
// answers that arrived, the bodies read (their first Read) and closed.
type bodyCounter struct {
	next                   http.RoundTripper
	answered, read, closed atomic.Int64
}

func (c *bodyCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		c.answered.Add(1)
		resp.Body = &countedBody{ReadCloser: resp.Body, c: c}
	}
	return resp, err
}

type countedBody struct {
	io.ReadCloser
	c            *bodyCounter
	read, closed bool
}

func (b *countedBody) Read(p []byte) (int, error) {
	if !b.read {
		b.read = true
		b.c.read.Add(1)
	}
	return b.ReadCloser.Read(p)
}

func (b *countedBody) Close() error {
	if !b.closed {
		b.closed = true
		b.c.closed.Add(1)
	}
	return b.ReadCloser.Close()
}

// settle waits until the counts stop moving.
func (c *bodyCounter) settle() (answered, read int64) {
	for last, still := int64(-1), 0; still < 10; time.Sleep(20 * time.Millisecond) {
		if n := c.answered.Load()*1000 + c.read.Load(); n != last {
			last, still = n, 0
		} else {
			still++
		}
	}
	return c.answered.Load(), c.read.Load()
}

// TestRangeScanReadsBodiesWithinPageBound checks that a range scan sends
// more requests than it holds pages, and reads the body of an answer only
// once it has room for the page: with the reader stopped, answers wait
// unread (in the socket) while the pages read stay within the bound; read
// on, the rows are the sequential scan's; closed while answers wait, the
// scan ends at once, every body closed.
func TestRangeScanReadsBodiesWithinPageBound(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := twiliotest.NewServer(twiliotest.WithSize(twiliotest.Size{Calls: 4000}))
	defer srv.Close()
	const query = "SELECT Sid, StartTime FROM Calls WHERE StartTime >= '2026-01-01' AND StartTime < '2026-05-01'"
	want := runQuery(t, emulatorEnv(t, srv, 50, 1), query)

	for _, readAll := range []bool{true, false} {
		base, err := url.Parse(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		counter := &bodyCounter{next: tr}
		client, err := rest.New(rest.Options{AccountSid: srv.AccountSid, Username: srv.AccountSid, Password: srv.AuthToken, Base: base, Transport: counter})
		if err != nil {
			t.Fatal(err)
		}
		const pages = 2
		env := &exec.Env{Client: client, PageSize: 50, ScanParallelism: 8, PagesPerQuery: pages, Now: srv.Now}
		st, err := Prepare(query)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.Query(context.Background(), env, nil)
		if err != nil {
			t.Fatal(err)
		}
		dest := make([]driver.Value, len(rows.Columns()))
		if err := rows.Next(dest); err != nil { // starts the workers
			t.Fatal(err)
		}
		got := [][]driver.Value{append([]driver.Value(nil), dest...)}
		answered, read := counter.settle()
		// The first page (read while opening, being emitted now), at most
		// `pages` pages held, and one more page of the slice being read.
		if most := int64(1 + pages + 1); read > most {
			t.Errorf("reader stopped: %d bodies read, want at most %d", read, most)
		}
		if answered <= read {
			t.Errorf("reader stopped: %d answers, %d bodies read: no answer waits unread beyond the page bound", answered, read)
		}
		if readAll {
			for {
				err := rows.Next(dest)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, append([]driver.Value(nil), dest...))
			}
			sameRows(t, got, want)
		}
		done := make(chan struct{})
		go func() { rows.Close(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("closing the scan waits on answers held back")
		}
		if a, c := counter.answered.Load(), counter.closed.Load(); c != a {
			t.Errorf("readAll=%v: %d answers, %d bodies closed", readAll, a, c)
		}
		tr.CloseIdleConnections()
	}
}
