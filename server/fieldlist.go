package server

import (
	"context"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/twiliosql/twiliosql/schema"
)

// COM_FIELD_LIST (mysql_list_fields; the mariadb client sends it for every
// table when it builds its completion list) reaches the handler as the
// statement the protocol library writes for it, "SELECT * FROM `t` LIMIT
// 0;", whose result's column definitions it sends. The server answers it
// from the catalog: no Twilio request, and no failure for a table the
// driver cannot list without a parent's Sid. Two library limits are
// worked around here: the wildcard argument is dropped before the handler
// (all columns are sent; the mariadb client sends none), and after an
// error packet the library still writes the closing EOF packet, which the
// client would take for the answer to its next command (see swallowNext).

const (
	flagPriKey = 2
)

// fieldListTable is the table of the library's COM_FIELD_LIST statement.
func fieldListTable(q string) (string, bool) {
	rest, ok := strings.CutPrefix(q, "SELECT * FROM `")
	if !ok {
		return "", false
	}
	name, ok := strings.CutSuffix(rest, "` LIMIT 0;")
	if !ok || name == "" {
		return "", false
	}
	return strings.ReplaceAll(name, "``", "`"), true
}

// inFieldList tells a COM_FIELD_LIST from a COM_QUERY of the same text: the
// library buffers a COM_QUERY's answer and writes a COM_FIELD_LIST's
// directly. Its writer is not exported; reflection reads whether it is set
// (nil Value: the library changed, and the statement runs as a query).
func inFieldList(c *mysql.Conn) bool {
	w := reflect.ValueOf(c).Elem().FieldByName("bufferedWriter")
	return w.IsValid() && w.Kind() == reflect.Pointer && w.IsNil()
}

// fieldList sends the table's MySQL column definitions, or error 1146.
func (s *Server) fieldList(ss *session, name string, send mysql.ResultSpoolFn) error {
	start := time.Now()
	t, ok := schema.Lookup(name)
	var err error
	if ok {
		err = send(&sqltypes.Result{Fields: tableFields(t)}, false)
	} else {
		swallowNext(ss.conn)
		err = mysql.NewSQLError(1146, "42S02", "Table '%s.%s' doesn't exist", DatabaseName, name)
	}
	attrs := []slog.Attr{
		slog.String("user", ss.user),
		slog.Uint64("conn", uint64(ss.id)),
		slog.String("kind", "FIELD_LIST"),
		slog.Int64("rows", 0),
		slog.Int64("twilio_requests", 0),
		slog.Duration("took", time.Since(start)),
	}
	if !ok {
		attrs = append(attrs, slog.Int("error", 1146))
	}
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "statement", attrs...)
	return err
}

// tableFields are t's column definitions as MySQL sends them for
// COM_FIELD_LIST: database, table and the primary key's flag included.
func tableFields(t *schema.Table) []*querypb.Field {
	pk := t.PrimaryKey()
	fields := make([]*querypb.Field, len(t.Columns))
	for i, c := range t.Columns {
		f, _ := field(c.Name, c.Type.DatabaseTypeName(), c.Nullable, true)
		f.Database, f.Table, f.OrgTable = DatabaseName, t.Name, t.Name
		if strings.EqualFold(c.Name, pk) {
			f.Flags |= flagPriKey
		}
		fields[i] = f
	}
	return fields
}

// swallowNext makes the connection's next packet after the coming one
// (the error packet) vanish: the library writes a COM_FIELD_LIST's EOF
// packet even after an error. It replaces c.Conn, which only this
// connection's goroutine uses, until that packet has gone by.
func swallowNext(c *mysql.Conn) {
	c.Conn = &packetSwallower{Conn: c.Conn, c: c, orig: c.Conn}
}

type packetSwallower struct {
	net.Conn
	c      *mysql.Conn
	orig   net.Conn
	hdr    []byte
	need   int // body bytes left of the current packet
	packet int // packets seen: the first passes, the second is dropped
}

func (w *packetSwallower) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		if w.packet >= 2 {
			if _, err := w.orig.Write(p); err != nil {
				return 0, err
			}
			break
		}
		var take int
		if w.need == 0 {
			take = min(4-len(w.hdr), len(p))
			w.hdr = append(w.hdr, p[:take]...)
		} else {
			take = min(w.need, len(p))
			w.need -= take
		}
		if w.packet == 0 {
			if _, err := w.orig.Write(p[:take]); err != nil {
				return 0, err
			}
		}
		p = p[take:]
		if len(w.hdr) == 4 {
			w.need = int(w.hdr[0]) | int(w.hdr[1])<<8 | int(w.hdr[2])<<16
			w.hdr = w.hdr[:0]
		}
		if w.need == 0 && len(w.hdr) == 0 {
			w.packet++
			if w.packet == 2 {
				w.c.Conn = w.orig
			}
		}
	}
	return total, nil
}
