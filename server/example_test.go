package server_test

import (
	"database/sql"
	"fmt"
	"log"
	"net"

	_ "github.com/go-sql-driver/mysql"
	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/server"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Serve the emulator's account to MySQL clients on a loopback port, then
// read it with github.com/go-sql-driver/mysql as any MySQL client would.
func Example() {
	emu := twiliotest.NewServer()
	defer emu.Close()
	cfg, err := driver.ParseDSN(emu.DSN())
	if err != nil {
		log.Fatal(err)
	}
	db, err := driver.OpenDB(cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := server.New(server.Config{DB: db, Listener: ln, Users: map[string]string{"analyst": "s3cret"}})
	if err != nil {
		log.Fatal(err)
	}
	go srv.Serve()
	defer srv.Close()

	client, err := sql.Open("mysql", "analyst:s3cret@tcp("+ln.Addr().String()+")/twilio")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	var table, ddl string
	if err := client.QueryRow("SHOW CREATE TABLE OutgoingCallerIds").Scan(&table, &ddl); err != nil {
		log.Fatal(err)
	}
	var n int
	if err := client.QueryRow("SELECT COUNT(*) FROM OutgoingCallerIds").Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println(table, n)
	// Output: OutgoingCallerIds 6
}
