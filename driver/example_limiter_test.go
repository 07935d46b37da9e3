package driver_test

import (
	"fmt"

	"github.com/twiliosql/twiliosql/driver"
	"github.com/twiliosql/twiliosql/twiliotest"
)

// Every process that opens this DSN draws from one budget of 4 × 25
// requests per second and 16 requests in flight, kept in Redis. Nothing is
// sent to Redis (or Twilio) before the first query.
func ExampleLimiterConfig() {
	dsn := "twilio://" + twiliotest.DefaultAccountSid + ":" + twiliotest.DefaultAuthToken + "@/" +
		"?nodes=4&max_concurrency=16&limiter=redis://127.0.0.1:6379/0&limiter_fallback_replicas=4"
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Limiter)
	db, err := driver.OpenDB(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close() // closes the connections to Redis too

	_, err = driver.ParseDSN(dsn + "&limiter_key=billing%20jobs")
	fmt.Println(err)
	// Output:
	// {URL:redis://127.0.0.1:6379/0 Key: Password: FallbackReplicas:4 LeaseTTL:0s}
	// twilio: dsn: limiter_key "billing jobs" is not a usable key: use 1 to 128 letters, digits and : _ . -, the same in every process that shares the budget
}
