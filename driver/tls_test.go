package driver_test

import (
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/internal/testdb"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// A private endpoint with its own CA: refused by default, trusted through
// tls_ca_file.
func TestTLSCustomCA(t *testing.T) {
	h := testdb.New(t, testdb.TLS()) // h.DSN has tls_ca_file, the emulator's DSN has not
	srv := h.Emulator

	untrusted := testdb.OpenDSN(t, srv.DSN())
	err := untrusted.Ping()
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Ping without the CA = %v, want a certificate error", err)
	}
	if strings.Contains(err.Error(), srv.AuthToken) {
		t.Errorf("the error shows the token: %v", err)
	}

	trusted := h.DB
	if !strings.Contains(h.DSN, "?tls_ca_file=") {
		t.Fatalf("DSN %s: want tls_ca_file", h.DSN)
	}
	if err := trusted.Ping(); err != nil {
		t.Fatalf("Ping with tls_ca_file = %v", err)
	}
	var sid string
	if err := trusted.QueryRow("SELECT Sid FROM Recordings WHERE Sid = ?", twiliotest.RecordingSid).Scan(&sid); err != nil {
		t.Fatal(err)
	}

	if _, err := driver.ParseDSN(strings.Replace(srv.DSN(), "127.0.0.1", "api.example.com", 1) + "?tls=false"); err == nil {
		t.Error("tls=false accepted for a host that is not loopback")
	}
}
