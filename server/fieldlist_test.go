package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	"github.com/twiliosql/twiliosql/schema"
)

// columnDef is the part of a COM_FIELD_LIST column definition checked here.
type columnDef struct {
	schema, table, orgTable, name string
	typ                           byte
	flags                         uint16
}

// readPacket reads one packet from the raw socket (the test speaks
// COM_FIELD_LIST itself: vitess's client has no call for it).
func readPacket(t *testing.T, c *mysql.Conn) []byte {
	t.Helper()
	var h [4]byte
	_ = c.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(c.Conn, h[:]); err != nil {
		t.Fatalf("reading a packet header: %v", err)
	}
	b := make([]byte, int(h[0])|int(h[1])<<8|int(h[2])<<16)
	if _, err := io.ReadFull(c.Conn, b); err != nil {
		t.Fatalf("reading a packet: %v", err)
	}
	return b
}

func lenencString(b []byte) (string, []byte) {
	n := int(b[0]) // names here are shorter than 251 bytes
	return string(b[1 : 1+n]), b[1+n:]
}

// fieldList sends COM_FIELD_LIST and returns the column definitions, or
// the error number.
func fieldList(t *testing.T, c *mysql.Conn, table, wildcard string) ([]columnDef, uint16) {
	t.Helper()
	payload := append(append(append([]byte{mysql.ComFieldList}, table...), 0), wildcard...)
	pkt := append([]byte{byte(len(payload)), byte(len(payload) >> 8), 0, 0}, payload...)
	if _, err := c.Conn.Write(pkt); err != nil {
		t.Fatal(err)
	}
	var defs []columnDef
	for {
		b := readPacket(t, c)
		switch {
		case b[0] == 0xff:
			return nil, binary.LittleEndian.Uint16(b[1:3])
		case b[0] == 0xfe && len(b) < 9:
			return defs, 0
		}
		var d columnDef
		_, b = lenencString(b) // catalog "def"
		d.schema, b = lenencString(b)
		d.table, b = lenencString(b)
		d.orgTable, b = lenencString(b)
		d.name, b = lenencString(b)
		_, b = lenencString(b) // org_name
		// 0x0c, charset (2), length (4), type, flags (2), decimals, filler (2)
		d.typ, d.flags = b[7], binary.LittleEndian.Uint16(b[8:10])
		defs = append(defs, d)
	}
}

// TestFieldList sends COM_FIELD_LIST as a client library does: the answer
// is MySQL's column definitions of the table (database, table, type,
// flags with the primary key's), with an empty or "%" wildcard; an unknown
// table is error 1146, and the connection stays in step afterwards.
func TestFieldList(t *testing.T) {
	ts := startServer(t, serverOptions{})
	p, _ := strconv.Atoi(ts.port())
	c, err := mysql.Connect(context.Background(), &mysql.ConnParams{Host: "127.0.0.1", Port: p, Uname: "twilio", DbName: "twilio"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := func(tb *schema.Table) []columnDef {
		var out []columnDef
		for _, col := range tb.Columns {
			f, _ := field(col.Name, col.Type.DatabaseTypeName(), col.Nullable, true)
			typ, _ := sqltypes.TypeToMySQL(f.Type)
			flags := uint16(f.Flags)
			if col.Name == tb.PrimaryKey() {
				flags |= 2
			}
			out = append(out, columnDef{"twilio", tb.Name, tb.Name, col.Name, byte(typ), flags})
		}
		return out
	}
	cases := []struct {
		table, wildcard string
		want            []columnDef
		errNum          uint16
	}{
		{"Recordings", "", want(schema.Recordings), 0},
		{"calls", "%", want(schema.Calls), 0},
		{"Nope", "", nil, 1146},
		{"Messages", "", want(schema.Messages), 0},
		// A nested table the driver cannot list without its parent's Sid.
		{"CallEvents", "", nil, 0},
	}
	requestsBefore := ts.emu.RequestCount()
	for _, tc := range cases {
		got, errNum := fieldList(t, c, tc.table, tc.wildcard)
		if errNum != tc.errNum {
			t.Errorf("%s: error %d, want %d", tc.table, errNum, tc.errNum)
		}
		if tc.want != nil && !equalDefs(got, tc.want) {
			t.Errorf("%s: column definitions\n%v\nwant\n%v", tc.table, got, tc.want)
		}
		if tc.table == "CallEvents" && len(got) == 0 {
			t.Errorf("CallEvents: no columns")
		}
	}
	if n := ts.emu.RequestCount() - requestsBefore; n != 0 {
		t.Errorf("COM_FIELD_LIST made %d Twilio requests", n)
	}
	// In step: the next query's answer is its own.
	res, err := c.ExecuteFetch("SELECT 1 AS one", 1, true)
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0].ToString() != "1" {
		t.Errorf("a query after COM_FIELD_LIST: %v, %v", res, err)
	}
	// The same text as a COM_QUERY is a query with no rows.
	res, err = c.ExecuteFetch("SELECT * FROM `Recordings` LIMIT 0;", 1, true)
	if err != nil || len(res.Fields) != len(schema.Recordings.Columns) || len(res.Rows) != 0 {
		t.Errorf("the field-list text as a query: %v, %v", res, err)
	}
}

func equalDefs(a, b []columnDef) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestMariaDBCompletionSendsFieldList runs the mariadb client in
// interactive mode on a pseudo-terminal (util-linux's script), where
// --auto-rehash builds its completion list with mysql_list_fields
// (COM_FIELD_LIST) for every table; a query afterwards must still get
// its own answer.
func TestMariaDBCompletionSendsFieldList(t *testing.T) {
	mariadb := requireTool(t, "mariadb", "apt-get install mariadb-client")
	script := requireTool(t, "script", "apt-get install bsdutils")
	var log lockedBuffer
	ts := startServer(t, serverOptions{log: newTestLogger(&log)})
	cmdline := mariadb + " -h127.0.0.1 -P" + ts.port() + " -utwilio --skip-ssl --auto-rehash twilio"
	cmd := exec.Command(script, "-qec", cmdline, "/dev/null")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	timer := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	out := bufio.NewReader(stdout)
	var seen strings.Builder
	waitFor := func(s string) {
		t.Helper()
		for !strings.Contains(seen.String(), s) {
			b, err := out.ReadByte()
			if err != nil {
				t.Fatalf("waiting for %q: %v; the terminal showed:\n%s", s, err, seen.String())
			}
			seen.WriteByte(b)
		}
	}
	waitFor("[twilio]> ") // the completion list is built before the prompt
	io.WriteString(stdin, "SELECT 40 + 2 AS answer;\n")
	waitFor("answer")
	waitFor("[twilio]> ")
	io.WriteString(stdin, "quit\n")
	rest, _ := io.ReadAll(out)
	seen.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Errorf("mariadb: %v\n%s", err, seen.String())
	}
	if !strings.Contains(seen.String(), "42") || strings.Contains(seen.String(), "ERROR") {
		t.Errorf("the query after the completion list:\n%s", seen.String())
	}
	if n := strings.Count(log.String(), "kind=FIELD_LIST"); n != len(schema.Tables()) {
		t.Errorf("%d COM_FIELD_LIST, want one for each of the %d tables", n, len(schema.Tables()))
	}
	if strings.Contains(log.String(), "error=") {
		t.Errorf("a statement failed:\n%s", log.String())
	}
}
