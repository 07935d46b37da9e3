package driver_test

import (
	"encoding/pem"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// A private endpoint with its own CA: refused by default, trusted through
// tls_ca_file.
func TestTLSCustomCA(t *testing.T) {
	srv := twiliotest.NewUnstartedServer()
	srv.StartTLS()
	srv.FailOnViolations(t)

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, block, 0o600); err != nil {
		t.Fatal(err)
	}

	untrusted := sqlOpen(t, srv.DSN())
	err := untrusted.Ping()
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Ping without the CA = %v, want a certificate error", err)
	}
	if strings.Contains(err.Error(), srv.AuthToken) {
		t.Errorf("the error shows the token: %v", err)
	}

	trusted := sqlOpen(t, srv.DSN()+"?tls_ca_file="+url.QueryEscape(caFile))
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

func sqlOpen(t *testing.T, dsn string) *driverDB {
	t.Helper()
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db, err := driver.OpenDB(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &driverDB{db}
}
