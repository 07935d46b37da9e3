package main

import (
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// demoNotice is printed to stderr when the embedded emulator is used.
const demoNotice = "twiliosql: using the embedded Twilio emulator with sample data; " +
	"to use a real account set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN or pass --dsn 'twilio://ACCOUNT_SID:AUTH_TOKEN@/'"

// hasEnvCredentials reports whether the environment names a Twilio account.
func hasEnvCredentials() bool {
	return os.Getenv("TWILIO_ACCOUNT_SID") != "" || os.Getenv("TWILIO_API_KEY") != ""
}

// openDB opens the database for dsn; with no dsn and no credentials in the
// environment it starts the emulator. The returned func releases both.
func openDB(dsn string, stderr io.Writer) (*sql.DB, func(), error) {
	var srv *twiliotest.Server
	switch {
	case dsn != "":
	case hasEnvCredentials():
		dsn = "twilio://" // ParseDSN fills the credentials from TWILIO_*
	default:
		// It answers as Twilio would (requests are still checked against
		// the spec); judging its own answers is for tests.
		srv = twiliotest.NewServer(twiliotest.WithSpecValidation(false))
		dsn = srv.DSN()
		fmt.Fprintln(stderr, demoNotice)
	}
	stop := func() {
		if srv != nil {
			srv.Close()
		}
	}
	cfg, err := driver.ParseDSN(dsn) // its errors never hold a secret
	if err != nil {
		stop()
		return nil, nil, err
	}
	cfg.Logger = cliLogger(cfg.LogLevel, stderr)
	db, err := driver.OpenDB(cfg)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return db, func() { db.Close(); stop() }, nil
}

// cliLogger logs the driver's records to stderr when the DSN asks for
// log_level WARN, INFO or DEBUG. At the default (ERROR) it logs nothing: the
// CLI prints every failed statement itself.
func cliLogger(level slog.Level, stderr io.Writer) *slog.Logger {
	if level >= slog.LevelError {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}
