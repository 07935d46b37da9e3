package main

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

// TestServe starts "twiliosql serve" on a free loopback port over the
// demo emulator, queries it with a MySQL client and stops it.
func TestServe(t *testing.T) {
	t.Setenv("TWILIO_ACCOUNT_SID", "")
	t.Setenv("TWILIO_API_KEY", "")
	t.Setenv("TWILIOSQL_PASSWORD", "s3cret")
	var stderr lockedWriter
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- serve(ctx, []string{"--listen", "127.0.0.1:0", "--user", "bi"}, &stderr) }()
	addr := ""
	re := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(10 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("no address announced:\n%s", stderr.String())
	}
	db, err := sql.Open("mysql", "bi:s3cret@tcp("+addr+")/twilio?tls=skip-verify")
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM Calls").Scan(&n); err != nil || n == 0 {
		t.Errorf("COUNT(*) = %d, %v", n, err)
	}
	db.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	log := stderr.String()
	for _, want := range []string{"embedded Twilio emulator", "user bi with a password", "TLS on", "msg=statement user=bi"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "s3cret") {
		t.Errorf("the password is on stderr:\n%s", log)
	}
}

// TestServeRefusesAnOpenAddressWithoutPassword: binding beyond loopback
// needs a password.
func TestServeRefusesAnOpenAddressWithoutPassword(t *testing.T) {
	t.Setenv("TWILIOSQL_PASSWORD", "")
	var stderr lockedWriter
	if code := serve(context.Background(), []string{"--listen", "0.0.0.0:0"}, &stderr); code != 1 || !strings.Contains(stderr.String(), "set a password") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

// lockedWriter collects what the server's goroutines write.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
