// Command send-whatsapp sends a WhatsApp message.
//
//	go run ./examples/send-whatsapp
//
// Against a real account, From must be your WhatsApp sender (or the sandbox's
// whatsapp:+14155238886 with a recipient that joined the sandbox).
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/twiliosql/twiliosql/examples/internal/exampledb"
)

const (
	from = "whatsapp:+14155238886"
	to   = "whatsapp:+15005550006"
	body = "Message is sent from Google Cloud"
)

func main() { exampledb.Main(run) }

// run sends the message. To and From are reserved words in SQL: they need
// backticks. The INSERT, run with QueryContext, returns the new message.
func run(ctx context.Context, db *sql.DB, w io.Writer) error {
	rows, err := db.QueryContext(ctx, "INSERT INTO Messages (`From`, `To`, Body) VALUES (?, ?, ?)", from, to, body)
	if err != nil {
		return err
	}
	msg, err := exampledb.Record(rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sent message %v from %v to %v (status %v)\n", msg["Sid"], msg["From"], msg["To"], msg["Status"])
	return nil
}
