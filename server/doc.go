// Package server is a MySQL wire-protocol server over the twilio driver:
// `twiliosql serve`. BI tools (Metabase, Superset, Grafana, Tableau,
// DBeaver), notebooks (pandas through SQLAlchemy and PyMySQL) and every
// MySQL client speak MySQL's protocol, not Go's database/sql; the driver's
// dialect is already MySQL's, so the server only carries it over the wire.
//
// # Design
//
// The protocol is github.com/dolthub/vitess's go/mysql (handshake, auth
// plugins, text and binary result rows, prepared statements, multi-statement
// splitting), the library Dolt and go-mysql-server use. The server is its
// Handler.
//
// One *sql.DB serves every client connection: one Connector, so one rate
// limiter and one HTTP pool for the whole team. A client connection holds no
// driver connection between statements (the driver's connections are free:
// Twilio's API is stateless).
//
// Statements pass through three layers:
//
//  1. intercept (intercept.go) recognises, from tokens and before any
//     parser, what clients send on connect and to introspect and the driver
//     has no business answering: session statements (SET, transactions, USE,
//     KILL), system variables and session functions (rewritten into
//     literals, the column named as the client wrote it), and SHOW forms
//     the driver does not serve (CREATE TABLE, INDEX, VARIABLES, COLLATION,
//     WARNINGS, TABLE STATUS, …), answered with MySQL's exact column sets.
//     The driver's parser drops the names of several SHOW forms, so none of
//     these reach it.
//  2. The driver answers everything else, including SHOW TABLES, SHOW
//     COLUMNS, DESCRIBE and information_schema, whose column names are
//     already MySQL's. As in MySQL, information_schema's strings compare
//     ignoring case (utf8mb3_general_ci; MySQL 8.0 manual, "Using Collation
//     in INFORMATION_SCHEMA Searches",
//     https://dev.mysql.com/doc/refman/8.0/en/charset-collation-information-schema.html):
//     MariaDB Connector/J's getColumns tests IS_NULLABLE = 'yes', and BI
//     tools name tables in lower case (TABLE_NAME = 'calls'), which the
//     driver resolves ignoring case too.
//     COM_FIELD_LIST (fieldlist.go; the mariadb client sends it for every
//     table to build its completion list) is answered from the catalog
//     with MySQL's column definitions (database, table, primary key flag)
//     and no Twilio request; an unknown table is error 1146. The
//     protocol library drops the wildcard argument (all columns are sent)
//     and writes a closing EOF packet even after the error, which the
//     server keeps off the wire so the client stays in step.
//  3. stream (results.go) sends rows as the driver reads them: a producer
//     goroutine fills a bounded batch, the connection's goroutine writes
//     what is pending and flushes the socket once the producer stops
//     keeping up, which is when the driver waits for Twilio's next page. The
//     first row (or the end) is read before the column definitions go out,
//     so an error on the first page is a MySQL error packet; an error later
//     can only close the connection (the protocol has no other way).
//
// Cancellation: each statement runs under a context the server can cancel
// (KILL QUERY from another connection of the same user, shutdown after its
// grace period, a failed write to a client that went away); the driver
// stops requesting pages when it is cancelled.
//
// Shutdown closes each connection at its next command boundary. The
// protocol library reads from a client's socket only to take its next
// command, after it has written and flushed the whole answer to the last
// one, so the server's socket wrapper (clientConn) is where that boundary
// shows: on Shutdown a connection blocked reading (idle) is closed at
// once, and one running a statement answers it to the end and is closed
// by its next Read. A command the client pipelined behind it is refused
// with error 1053. Statements still running when the grace period ends
// are cancelled and their sockets closed. Shutdown returns once every
// connection is closed, so nothing waits on a timer for the library's
// last packets.
//
// Errors carry MySQL numbers clients act on (errors.go): 1146 unknown
// table, 1054 unknown column, 1064 syntax, 1045 access denied, and Twilio's
// answers by HTTP status with Twilio's code and message in the text.
//
// Authentication (auth.go): users and passwords from the configuration,
// mysql_native_password, and caching_sha2_password when TLS is offered
// (vitess's caching_sha2 full authentication reads the password in clear,
// so it is offered only over TLS; a client without TLS is switched to
// mysql_native_password). The Twilio credentials live in the driver's
// configuration and never cross the MySQL protocol.
//
// Logging: one line per statement (user, statement kind, rows, Twilio
// requests, duration, MySQL error number), never the statement's text: it
// holds values. Twilio requests are counted by CountRequests, a slog handler
// given to the driver, which logs each request at DEBUG with the
// statement's context.
package server
