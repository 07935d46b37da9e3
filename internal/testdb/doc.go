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
//  1. NewTestServer + sql.Open in a helper per package or inline:
//     driver_test.go open, examples/internal/exampletest.DB (deleted),
//     catalog_walk_test.go and differential_test.go.
//  2. twiliotest.NewServer + defer Close + sql.Open inline, without the
//     spec check (cache, derived, retry, hardening_writes,
//     differential_derived, efficiency_derived, explain_scan, fuzz_sql
//     tests, server's startServer).
//  3. sql.Open on an emulator's DSN plus keys, several databases on one
//     emulator: openDSN, efficiencyDB.
//  4. ParseDSN, a Config change, driver.OpenDB: hardeningDB, faultyDB,
//     slowDB (its DB never closed), sqlOpen, TestWriteSafety's openWith,
//     proxyDB (a DEBUG Logger), FuzzSQLPath, startServer (a counting
//     Logger), bench's openDriver.
//  5. TLS by hand: NewUnstartedServer + StartTLS + FailOnViolations and a
//     CA file written from the emulator's certificate (tls_test.go,
//     proxyEmulator).
//  6. A hostile httptest server in front of the emulator and the DSN's
//     host rewritten to it (hardening_writes_test.go frontDSN): Front.
//  7. The driver on a bare httptest server with a made-up account
//     (hardening_test.go hostileDB): OpenDSN.
//  8. An emulator in a child process for benchmarks (bench/emulator_test.go):
//     kept, as it keeps the emulator's heap out of the measured one; the
//     driver on it opens with OpenDSN.
//
// Rows were collected by queryAll and scanAll (driver), sids (faults),
// rowsAsStrings and query (server); requests were rendered by requestLine
// and requestLines (driver). A self-signed certificate was made by
// selfSignedPEM (driver/proxy_test.go, for squid's TLS port): SelfSigned.
//
// Kept on purpose: the driver's in-package tests (package driver: dsn_*,
// redact, secretfiles, limiter_redis, which reads Config.redisKey), the
// Example functions (readers cannot import internal/), tests whose subject
// is a DSN they build (TestTwilioErrorsAndSecrets, server's
// TestTwilioErrorsKeepTheirCode: a wrong auth token), server's
// scanNormalized and readRows (they normalise typed values read by two
// clients), rest's in-package proxy tests and redistest (a CA and a leaf),
// which cannot import driver, and the wire server's SelfSignedTLS, which is
// production code.
package testdb
