package twiliotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestHardening12_ConcurrentNumberUpdates has 32 goroutines update the same
// phone number and read it back at once. Every update's answer must carry
// the name that update wrote: the answer used to be encoded after the lock
// was released, from the stored row the next update was already changing (a
// data race under -race, and a reply naming another request's value).
func TestHardening12_ConcurrentNumberUpdates(t *testing.T) {
	s := NewServer()
	defer s.Close()
	c := newClient(t, s)
	nums := c.all(c.acct("IncomingPhoneNumbers.json"), "incoming_phone_numbers")
	if len(nums) == 0 {
		t.Fatal("the seed has no phone numbers")
	}
	path := s.URL + c.acct("IncomingPhoneNumbers/"+nums[0]["sid"].(string)+".json")
	send := func(method, name string) (map[string]any, error) {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(url.Values{"FriendlyName": {name}}.Encode())
		}
		req, err := http.NewRequest(method, path, body)
		if err != nil {
			return nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.SetBasicAuth(s.AccountSid, s.AuthToken)
		resp, err := s.Client().Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("status %d: %v", resp.StatusCode, m)
		}
		return m, nil
	}
	const workers, rounds = 32, 20
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				name := fmt.Sprintf("worker %d round %d", w, r)
				m, err := send(http.MethodPost, name)
				if err != nil {
					t.Error(err)
					return
				}
				if got := m["friendly_name"]; got != name {
					t.Errorf("update wrote %q but its answer says %q", name, got)
					return
				}
				if _, err := send(http.MethodGet, ""); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
