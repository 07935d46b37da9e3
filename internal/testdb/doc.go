// Package testdb is the one way twiliosql's tests open a database: an
// emulator (twiliotest) with the options a test needs, the driver on it
// with DSN keys or Config changes, both closed through t.Cleanup; helpers
// that collect rows (Query, Rows, Strings, ScanAll, ScanStrings) and count
// the requests a statement made from the emulator's log (RequestLines,
// CountRequests); and a self-signed certificate made once per process for
// the TLS servers tests start (SelfSigned).
//
//	h := testdb.New(t, testdb.Emulator(twiliotest.WithSize(twiliotest.Size{Calls: 3000})),
//		testdb.DSN("nodes=50&page_size=200"))
//	lines := testdb.CountRequests(h.Emulator, func() { testdb.Rows(t, h.DB, "SELECT Sid FROM Calls LIMIT 5") })
//
// The shape follows pgx's pgxtest (a default way to get a connection,
// options for what a test changes, cleanup owned by the test), without its
// code.
//
// By default the emulator judges every request against Twilio's OpenAPI
// description and the test fails on a violation (twiliotest.NewTestServer);
// AllowSpecViolations is for tests that send refused requests on purpose.
// Harness.Close closes everything at once, for a test that checks for
// leaked goroutines (goleak) before its cleanups run.
//
// testdb imports driver, so it serves the external test packages
// (driver_test) and every package above driver; the driver's in-package
// tests (package driver: DSN parsing internals, the shared limiter's child
// processes) cannot import it and keep their own setup.
//
// # What it replaces
//
// Before it, tests opened a database eight ways, each with its own helper:
//
//  1. NewTestServer + sql.Open in a helper per file: driver_test.go open,
//     examples/internal/exampletest.DB, catalog_walk_test.go and
//     differential_test.go inline.
//  2. twiliotest.NewServer + defer Close + sql.Open inline, with no spec
//     check (cache, derived, retry, hardening_writes, differential_derived,
//     efficiency_derived, explain_scan tests).
//  3. sql.Open on an emulator's DSN plus keys, several databases on one
//     emulator: openDSN, efficiencyDB.
//  4. ParseDSN, a Config change, driver.OpenDB: hardeningDB, faultyDB,
//     slowDB (never closed), sqlOpen, TestWriteSafety's openWith, proxyDB
//     (a DEBUG Logger), FuzzSQLPath, server's startServer (a counting
//     Logger), bench's openDriver.
//  5. TLS by hand: NewUnstartedServer + StartTLS + FailOnViolations and a
//     CA file written from the emulator's certificate (tls_test.go,
//     proxyEmulator).
//  6. A hostile httptest server in front of the emulator and the DSN's
//     host rewritten to it (hardening_writes_test.go frontDSN).
//  7. The driver opened on a bare httptest server with a made-up account
//     (hardening_test.go hostileDB: OpenDSN now).
//  8. An emulator in a child process for benchmarks (bench/emulator_test.go;
//     kept: it keeps the emulator's heap out of the measured one).
//
// Rows were collected by queryAll and scanAll (driver), sids (faults),
// rowsAsStrings and query (server), and requests rendered by requestLine
// and requestLines (driver). Self-signed certificates were made by
// selfSignedPEM (driver/proxy_test.go); rest's in-package proxy tests, the
// redis TLS test (a CA and a leaf) and the wire server's own SelfSignedTLS
// keep theirs.
package testdb
