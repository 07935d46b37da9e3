package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/twiliosql/twiliosql/server"
)

const serveUsage = `Usage: twiliosql serve [--listen ADDR] [--user NAME] [--password-file FILE] [--dsn DSN]

Serves the Twilio account as a MySQL database named "twilio" to MySQL
clients and BI tools (Metabase, Superset, Grafana, DBeaver, pandas…). Every
client shares one rate budget. Without credentials it serves the embedded
emulator with sample data.

The password comes from --password-file or TWILIOSQL_PASSWORD; without one
any user name connects with an empty password, allowed on loopback only.

  twiliosql serve &
  mariadb -h 127.0.0.1 -P 3306 -u twilio twilio -e 'SHOW TABLES'

Flags:
`

// serve runs "twiliosql serve" until SIGINT or SIGTERM.
func serve(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("twiliosql serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	listen := fs.String("listen", "127.0.0.1:3306", "`address` to listen on")
	user := fs.String("user", "twilio", "MySQL user `name` clients log in as (with a password)")
	passwordFile := fs.String("password-file", "", "`file` holding the MySQL password (default: TWILIOSQL_PASSWORD)")
	dsn := fs.String("dsn", "", "Twilio data source name (default: TWILIO_* variables, else the embedded emulator)")
	tlsMode := fs.String("tls", "auto", "`mode`: auto (the given certificate, else a self-signed one) or off")
	tlsCert := fs.String("tls-cert", "", "PEM certificate `file` for TLS")
	tlsKey := fs.String("tls-key", "", "PEM private key `file` for TLS")
	maxConns := fs.Int("max-connections", 200, "most client connections at once; more are refused with error 1040")
	idle := fs.Duration("idle-timeout", 8*time.Hour, "close a connection idle this long (0: never)")
	grace := fs.Duration("shutdown-grace", 30*time.Second, "on SIGTERM, how long running statements may finish before they are cancelled")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "twiliosql serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "twiliosql serve: "+format+"\n", a...)
		return 1
	}

	password := os.Getenv("TWILIOSQL_PASSWORD")
	if *passwordFile != "" {
		b, err := os.ReadFile(*passwordFile)
		if err != nil {
			return fail("cannot read --password-file: %v", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
		if password == "" {
			return fail("--password-file %s is empty: put the password in it", *passwordFile)
		}
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil {
		return fail("--listen %q: %v: write host:port, e.g. 127.0.0.1:3306", *listen, err)
	}
	loopback := isLoopbackHost(host)
	if !loopback && password == "" {
		return fail("--listen %s is reachable from other machines: set a password (--password-file FILE or TWILIOSQL_PASSWORD)", *listen)
	}

	var tlsConfig *tls.Config
	switch {
	case *tlsMode == "off":
		if !loopback {
			fmt.Fprintf(stderr, "twiliosql serve: warning: TLS is off on %s: passwords and data cross the network unencrypted\n", *listen)
		}
	case *tlsMode != "auto":
		return fail("--tls %q: use auto or off", *tlsMode)
	case *tlsCert != "" || *tlsKey != "":
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return fail("cannot load --tls-cert/--tls-key: %v", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	default:
		tlsConfig, err = server.SelfSignedTLS(host, "localhost", "127.0.0.1", "::1")
		if err != nil {
			return fail("cannot make a TLS certificate: %v", err)
		}
		if !loopback {
			fmt.Fprintf(stderr, "twiliosql serve: warning: serving TLS with a self-signed certificate on %s: clients cannot verify it; give --tls-cert and --tls-key\n", *listen)
		}
	}

	db, closeDB, err := openDBWith(*dsn, stderr, server.CountRequests)
	if err != nil {
		return fail("%v", err)
	}
	defer closeDB()

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fail("%v", err)
	}
	users := map[string]string{}
	if password != "" {
		users[*user] = password
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := server.New(server.Config{
		DB: db, Listener: ln, Users: users, TLS: tlsConfig,
		MaxConnections: *maxConns, IdleTimeout: *idle, Logger: logger,
	})
	if err != nil {
		ln.Close()
		return fail("%v", err)
	}
	how := "any user, no password (loopback only)"
	if password != "" {
		how = "user " + *user + " with a password"
	}
	tlsNote := "TLS off"
	if tlsConfig != nil {
		tlsNote = "TLS on"
	}
	fmt.Fprintf(stderr, "twiliosql serve: listening on %s (database %s; %s; %s)\n", ln.Addr(), server.DatabaseName, how, tlsNote)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan struct{})
	go func() { srv.Serve(); close(served) }()
	select {
	case <-ctx.Done():
	case <-served:
	}
	fmt.Fprintf(stderr, "twiliosql serve: shutting down; running statements have %s to finish\n", *grace)
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintln(stderr, "twiliosql serve: the grace period ended: running statements were cancelled")
	}
	<-served
	return 0
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
