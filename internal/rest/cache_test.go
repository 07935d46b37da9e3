package rest

import (
	"fmt"
	"testing"
	"time"
)

func TestCacheTTLEvictionAndWrites(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	c := NewCache(time.Minute, 100)
	c.now = func() time.Time { return now }
	calls := "/2010-04-01/Accounts/AC1/Calls.json?PageSize=10"
	msgs := "/2010-04-01/Accounts/AC1/Messages.json"
	c.put(calls, []byte("calls"), c.version(calls))
	c.put(msgs, []byte("msgs"), c.version(msgs))
	if b, ok := c.get(calls); !ok || string(b) != "calls" {
		t.Fatalf("get = %q, %v", b, ok)
	}
	now = now.Add(59 * time.Second)
	if _, ok := c.get(calls); !ok {
		t.Fatal("expired before its TTL")
	}
	now = now.Add(time.Second)
	if _, ok := c.get(calls); ok {
		t.Fatal("served after its TTL")
	}
	// A write to Calls drops Calls' answers, not Messages'.
	c.put(calls, []byte("calls"), c.version(calls))
	c.put(msgs, []byte("msgs"), c.version(msgs))
	c.invalidate("/2010-04-01/Accounts/AC1/Calls/CA0123456789abcdef0123456789abcdef.json")
	if _, ok := c.get(calls); ok {
		t.Fatal("a Calls answer survived a write to a call")
	}
	if _, ok := c.get(msgs); !ok {
		t.Fatal("a Messages answer was dropped by a write to Calls")
	}
	// An answer fetched while a write ran is not stored.
	v := c.version(calls)
	c.invalidate(calls)
	c.put(calls, []byte("old"), v)
	if _, ok := c.get(calls); ok {
		t.Fatal("an answer fetched across a write was stored")
	}
	// The budget holds: the least recently used go first; a body over it
	// is never stored.
	for i := range 10 {
		k := fmt.Sprintf("/2010-04-01/Accounts/AC1/Recordings.json?Page=%d", i)
		c.put(k, make([]byte, 20), c.version(k))
	}
	if c.bytes > c.maxBytes {
		t.Fatalf("%d bytes cached, budget %d", c.bytes, c.maxBytes)
	}
	if _, ok := c.get("/2010-04-01/Accounts/AC1/Recordings.json?Page=9"); !ok {
		t.Fatal("the newest answer was evicted")
	}
	c.put("big", make([]byte, 200), c.version("big"))
	if _, ok := c.get("big"); ok {
		t.Fatal("a body over the budget was stored")
	}
}

func TestResourceOf(t *testing.T) {
	for target, want := range map[string]string{
		"/2010-04-01/Accounts/AC1/Calls.json?PageSize=5":                                  "Calls",
		"/2010-04-01/Accounts/AC1/Calls/CA0123456789abcdef0123456789abcdef.json":          "Calls",
		"/2010-04-01/Accounts/AC1/Calls/CA0123456789abcdef0123456789abcdef/Feedback.json": "Feedback",
		"/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json":                              "IncomingPhoneNumbers",
	} {
		if got := resourceOf(target); got != want {
			t.Errorf("resourceOf(%s) = %s, want %s", target, got, want)
		}
	}
}
