// Package driver is the "twilio" database/sql driver: it lets any Go program
// read and change a Twilio account with SQL.
//
//	db, err := sql.Open("twilio", "twilio://ACxxxx:token@api.twilio.com?nodes=2")
//	rows, err := db.QueryContext(ctx, "SELECT Sid, `To`, Status FROM Calls WHERE StartTime >= ? LIMIT 20", since)
//
// Tables are Twilio resources; SELECT lists or fetches, INSERT creates,
// UPDATE updates and DELETE deletes. See the README for the DSN keys and the
// table reference.
package driver

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
)

// DriverName is the name the driver is registered under.
const DriverName = "twilio"

func init() {
	sql.Register(DriverName, &Driver{})
}

// Driver is the database/sql driver. Prefer sql.Open("twilio", dsn) or
// OpenDB(cfg) to using it directly.
type Driver struct{}

// Open opens a connection from a DSN. database/sql calls OpenConnector
// instead, so every connection of a *sql.DB shares one rate limiter.
func (d *Driver) Open(dsn string) (sqldriver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses dsn and returns a Connector for it.
func (d *Driver) OpenConnector(dsn string) (sqldriver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg)
}

var (
	_ sqldriver.Driver        = (*Driver)(nil)
	_ sqldriver.DriverContext = (*Driver)(nil)
)
