package driver_test

import (
	"database/sql"
	"fmt"

	_ "github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// A dashboard that refreshes its queries every few seconds: with cache_ttl,
// the answers of list and get requests are reused by every connection of
// the *sql.DB until they are a minute old, or until the DB writes to their
// table. EXPLAIN says which steps the cache answers.
func Example_cacheTTL() {
	srv := twiliotest.NewServer(twiliotest.WithSeed(1))
	defer srv.Close()
	db, err := sql.Open("twilio", srv.DSN()+"&cache_ttl=1m&cache_max_bytes=16777216")
	if err != nil {
		panic(err)
	}
	defer db.Close()

	count := func() int {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM Calls WHERE Status = 'completed'").Scan(&n); err != nil {
			panic(err)
		}
		return n
	}
	srv.ResetRequests()
	first := count()
	fmt.Println("first:", srv.RequestCount(), "request")
	srv.ResetRequests()
	second := count()
	fmt.Println("again:", srv.RequestCount(), "requests, same answer:", first == second)

	var requests string
	var detail string
	if err := db.QueryRow("EXPLAIN SELECT COUNT(*) FROM Calls WHERE Status = 'completed'").Scan(new(int), new(string), new(sql.NullString), new(sql.NullString), new(sql.NullString), &requests, &detail); err != nil {
		panic(err)
	}
	fmt.Println("EXPLAIN expects", requests, "requests")
	// Output:
	// first: 1 request
	// again: 0 requests, same answer: true
	// EXPLAIN expects 0+ requests
}
