// Command rename-inbound-number changes the friendly name of a phone number
// the account owns.
//
//	go run ./examples/rename-inbound-number
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

// numberSid is the number to rename (the emulator's WhatsApp number).
const numberSid = "PN4047ac009a15885690a50a1d388b8411"

func main() { exampledb.Main(run) }

// run renames the number. Name is an alias of FriendlyName; IncomingPhoneNumbers
// is an alias of the table. With WHERE Sid = … the UPDATE is one request.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	rows, err := db.QueryContext(ctx, "UPDATE InboundPhoneNumbers SET Name = 'Support line' WHERE Sid = ?", numberSid)
	if err != nil {
		return err
	}
	num, err := exampledb.Record(rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "renamed %v (%v) to %q\n", num["Sid"], num["PhoneNumber"], num["FriendlyName"])
	return nil
}
