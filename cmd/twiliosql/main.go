// Command twiliosql runs SQL against a Twilio account.
//
//	twiliosql -e "SELECT Sid, Status FROM Calls LIMIT 5" --format csv
//	twiliosql --dsn 'twilio://AC…:TOKEN@/' < statements.sql
//	twiliosql                      # interactive prompt on a terminal
//
// Without --dsn it reads credentials from TWILIO_ACCOUNT_SID and
// TWILIO_AUTH_TOKEN (or TWILIO_API_KEY, TWILIO_API_SECRET); with neither it
// starts the embedded Twilio emulator with sample data, so every command
// works on a fresh machine.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `Usage: twiliosql [-e SQL] [--format table|csv|json] [--dsn DSN]
       twiliosql serve [--listen ADDR] …   (a MySQL-protocol server: twiliosql serve -h)

Runs SQL against a Twilio account. Statements come from -e, from standard
input, or from an interactive prompt; separate them with ';'.

Without --dsn, credentials come from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN
(or TWILIO_API_KEY, TWILIO_API_SECRET and TWILIO_ACCOUNT_SID). With none of
them, twiliosql starts the embedded Twilio emulator with sample data.

Examples:
  twiliosql -e "SELECT Sid, Status FROM Calls LIMIT 5" --format csv
  twiliosql -e 'INSERT INTO Messages (` + "`From`, `To`" + `, Body) VALUES ("whatsapp:+14155238886", "whatsapp:+15005550006", "hi")'
  echo "DELETE FROM Recordings WHERE Sid = 'RE…';" | twiliosql

Flags:
`

// run is the whole program: it parses args, opens the database, runs the
// statements and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	secrets := argSecrets(args)
	// The flag package quotes a bad flag whole: its output is scrubbed of
	// any argument that looks like a DSN or holds a secret.
	var flagOut strings.Builder
	defer func() {
		if flagOut.Len() > 0 {
			fmt.Fprint(stderr, scrubArgs(flagOut.String(), args, secrets))
		}
	}()
	if len(args) > 0 && args[0] == "serve" {
		return serve(ctx, args[1:], stderr)
	}
	fs := flag.NewFlagSet("twiliosql", flag.ContinueOnError)
	fs.SetOutput(&flagOut)
	fs.Usage = func() {
		fmt.Fprint(&flagOut, usage)
		fs.PrintDefaults()
	}
	execSQL := fs.String("e", "", "run these `statements` (separated by ';') and exit")
	format := fs.String("format", "table", "output `format`: table, csv or json")
	dsn := fs.String("dsn", "", "data source name, twilio://ACCOUNT_SID:AUTH_TOKEN@/?key=value (default: TWILIO_* variables, else the embedded emulator)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twiliosql: unexpected argument %s: pass SQL with -e \"…\" or on standard input, and a DSN with --dsn\n", quoteArg(fs.Arg(0), secrets))
		return 2
	}
	newOut, ok := formats[strings.ToLower(*format)]
	if !ok {
		fmt.Fprintf(stderr, "twiliosql: unknown format %s: use table, csv or json\n", quoteArg(*format, secrets))
		return 2
	}

	db, closeDB, err := openDB(*dsn, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "twiliosql: %v\n", err)
		return 1
	}
	defer closeDB()

	s := &session{db: db, stdout: stdout, stderr: stderr, newOut: newOut}
	if isFlagSet(fs, "e") {
		if err := s.script(ctx, strings.NewReader(*execSQL)); err != nil {
			return 1
		}
		return 0
	}
	if isTerminal(stdin) {
		s.interactive(ctx, stdin)
		return 0
	}
	if err := s.script(ctx, stdin); err != nil {
		return 1
	}
	return 0
}

// session runs statements against one database and prints their results.
type session struct {
	db             *sql.DB
	stdout, stderr io.Writer
	newOut         func(io.Writer) output
}

// report prints a statement's error. Errors come from the driver and the
// flags, which never hold a secret; the DSN is never printed.
func (s *session) report(err error) {
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(s.stderr, "twiliosql: statement canceled")
		return
	}
	fmt.Fprintf(s.stderr, "twiliosql: %v\n", err)
}

// isTerminal reports whether r is a terminal (not merely a character
// device such as /dev/null).
func isTerminal(r io.Reader) bool { return isTTY(r) }
