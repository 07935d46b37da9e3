package server

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
	"github.com/shopspring/decimal"
)

// MySQL character set ids and column flags.
const (
	charsetUTF8MB4 = 255 // utf8mb4_0900_ai_ci
	charsetBinary  = 63

	flagNotNull = 1
	flagBlob    = 16
	flagBinary  = 128
	flagNum     = 32768
)

// colKind says how a column's values are written.
type colKind uint8

const (
	kindText colKind = iota
	kindInt
	kindFloat
	kindDecimal
	kindBool
	kindDateTime
	kindDate
	kindJSON
)

// field is the MySQL column definition for a driver column type: types
// clients map to their own (BOOLEAN as TINYINT(1), JSON as JSON).
func field(name, dbType string, nullable, nullableKnown bool) (*querypb.Field, colKind) {
	f := &querypb.Field{Name: name, OrgName: name, Charset: charsetBinary}
	var k colKind
	switch dbType {
	case "BIGINT", "INT", "INTEGER":
		f.Type, f.ColumnLength, f.Flags, k = sqltypes.Int64, 20, flagNum|flagBinary, kindInt
	case "DOUBLE", "FLOAT":
		f.Type, f.ColumnLength, f.Decimals, f.Flags, k = sqltypes.Float64, 22, 31, flagNum|flagBinary, kindFloat
	case "DECIMAL":
		// MySQL's NEWDECIMAL, as 1/3 or AVG of integers are there, each
		// value written with its scale (KeepDecimals); the column's scale
		// is not known before the rows, so the widest (65,30) is declared.
		f.Type, f.ColumnLength, f.Decimals, f.Flags, k = sqltypes.Decimal, 67, 30, flagNum|flagBinary, kindDecimal
	case "BOOLEAN", "BOOL", "TINYINT":
		f.Type, f.ColumnLength, f.Flags, k = sqltypes.Int8, 1, flagNum|flagBinary, kindBool
	case "DATETIME", "TIMESTAMP":
		f.Type, f.ColumnLength, f.Flags, k = sqltypes.Datetime, 19, flagBinary, kindDateTime
	case "DATE":
		f.Type, f.ColumnLength, f.Flags, k = sqltypes.Date, 10, flagBinary, kindDate
	case "JSON":
		f.Type, f.ColumnLength, f.Flags, k = sqltypes.TypeJSON, math.MaxUint32, flagBlob|flagBinary, kindJSON
	default:
		f.Type, f.ColumnLength, f.Charset, k = sqltypes.VarChar, 65535*4, charsetUTF8MB4, kindText
	}
	if nullableKnown && !nullable {
		f.Flags |= flagNotNull
	}
	return f, k
}

// textField is a VARCHAR column of a result the server builds itself.
func textField(name string) *querypb.Field {
	f, _ := field(name, "VARCHAR", true, false)
	return f
}

// intField is a BIGINT column of a result the server builds itself.
func intField(name string) *querypb.Field {
	f, _ := field(name, "BIGINT", true, false)
	return f
}

// appendValue writes v as MySQL's text protocol spells it; ok is false for NULL.
func appendValue(b []byte, v any, k colKind) ([]byte, bool) {
	switch x := v.(type) {
	case nil:
		return b, false
	case string:
		return append(b, x...), true
	case []byte:
		return append(b, x...), true
	case int64:
		return strconv.AppendInt(b, x, 10), true
	case float64:
		if k == kindInt && x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return strconv.AppendInt(b, int64(x), 10), true
		}
		if k == kindDecimal {
			// A DECIMAL has no exponent form: 1e21 is 1000000000000000000000.
			return strconv.AppendFloat(b, x, 'f', -1, 64), true
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64), true
	case bool:
		if x {
			return append(b, '1'), true
		}
		return append(b, '0'), true
	case decimal.Decimal:
		return append(b, x.StringFixed(max(0, -x.Exponent()))...), true
	case time.Time:
		return appendTime(b, x.UTC(), k == kindDate), true
	default:
		return fmt.Append(b, x), true
	}
}

// Streaming. The connection's goroutine reads the driver's rows, encodes
// them and sends them in batches of batchRows; the bytes go out whenever
// the connection's 16 KiB buffer fills. A flusher goroutine sends what is
// pending and flushes the socket once no row has come for a tick of
// flushAfter, which is when the driver waits for Twilio's next page: the
// first rows reach the client after the first page, without a hand-off
// per row. Memory is bounded by one batch, and the batch's cells and
// bytes are reused once it has been written: a row costs no allocation.
const (
	batchRows  = 256
	flushAfter = 5 * time.Millisecond
)

// sender serialises the two goroutines that write one result.
type sender struct {
	mu         sync.Mutex
	send       func(*sqltypes.Result) error
	conn       *mysql.Conn
	fields     []*querypb.Field
	sentFields bool
	pending    [][]sqltypes.Value
	unflushed  bool
	added      int64 // rows added to pending, ever
	seen       int64 // added at the flusher's last tick
	err        error // the first failed write: the client is gone
	n          int64 // rows written
	written    atomic.Int64
}

// flushPending sends the pending rows; s.mu is held.
func (s *sender) flushPending() {
	if s.err != nil || (len(s.pending) == 0 && s.sentFields) {
		return
	}
	res := sqltypes.Result{Rows: s.pending}
	if !s.sentFields {
		res.Fields = s.fields
		s.sentFields = true
	}
	if err := s.send(&res); err != nil {
		s.err = err
		return
	}
	s.n += int64(len(s.pending))
	// The library has copied the rows into its buffer: their cells and
	// bytes may be reused.
	clear(s.pending)
	s.pending = s.pending[:0]
	s.written.Store(s.n)
	s.unflushed = true
}

// tick runs on the flusher goroutine: when no row came since the last
// tick, the driver is waiting for a page, so what is pending goes out.
func (s *sender) tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.added != s.seen || s.err != nil {
		s.seen = s.added
		return
	}
	if len(s.pending) > 0 {
		s.flushPending()
	}
	if s.unflushed && s.err == nil {
		if err := s.conn.FlushBuffer(); err != nil {
			s.err = err
			return
		}
		s.unflushed = false
	}
}

// queryRows runs a row-returning statement on a driver connection of the
// pool and streams its rows. It reads the driver's rows directly (no
// database/sql Scan: the server only re-encodes the values).
func queryRows(ctx context.Context, cancel context.CancelCauseFunc, db *sql.DB, q string, args []any, conn *mysql.Conn, send func(*sqltypes.Result) error) (int64, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return 0, toSQLError(ctx, err)
	}
	defer c.Close()
	var n int64
	err = c.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("server: the driver's connection cannot run queries")
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		rs, err := qc.QueryContext(ctx, q, named)
		if err != nil {
			return toSQLError(ctx, err)
		}
		n, err = stream(ctx, cancel, rs, conn, send)
		return err
	})
	return n, err
}

// resultFields are the MySQL column definitions of rs's columns.
func resultFields(rs driver.Rows) ([]*querypb.Field, []colKind) {
	names := rs.Columns()
	typeName, _ := rs.(driver.RowsColumnTypeDatabaseTypeName)
	nullable, _ := rs.(driver.RowsColumnTypeNullable)
	fields := make([]*querypb.Field, len(names))
	kinds := make([]colKind, len(names))
	for i, name := range names {
		dbType := ""
		if typeName != nil {
			dbType = typeName.ColumnTypeDatabaseTypeName(i)
		}
		null, known := true, false
		if nullable != nil {
			null, known = nullable.ColumnTypeNullable(i)
		}
		fields[i], kinds[i] = field(name, dbType, null, known)
	}
	return fields, kinds
}

// rowEncoder turns driver rows into the protocol library's rows, in cells
// and bytes it reuses once the rows holding them have been written.
type rowEncoder struct {
	types []querypb.Type
	kinds []colKind
	cells []sqltypes.Value // batchRows rows' worth
	used  int              // cells handed out since the last reset
	buf   []byte
}

func newRowEncoder(fields []*querypb.Field, kinds []colKind) *rowEncoder {
	e := &rowEncoder{types: make([]querypb.Type, len(fields)), kinds: kinds}
	for i, f := range fields {
		e.types[i] = f.Type
	}
	e.cells = make([]sqltypes.Value, batchRows*max(len(fields), 1))
	e.buf = make([]byte, 0, 32<<10)
	return e
}

// reset reuses the cells and bytes: every row encoded so far is written.
func (e *rowEncoder) reset() {
	e.used = 0
	e.buf = e.buf[:0]
}

func (e *rowEncoder) encode(vals []driver.Value) []sqltypes.Value {
	n := len(vals)
	if e.used+n > len(e.cells) {
		// Rows still wait to be written (the flusher sent part of a
		// batch): take fresh cells rather than overwrite theirs.
		e.cells, e.used = make([]sqltypes.Value, len(e.cells)), 0
	}
	row := e.cells[e.used : e.used+n : e.used+n]
	e.used += n
	if cap(e.buf)-len(e.buf) < 512 && len(e.buf) > 0 {
		// Likewise: bytes of rows not yet written stay where they are.
		e.buf = make([]byte, 0, cap(e.buf))
	}
	for i, v := range vals {
		if str, ok := v.(string); ok {
			// The protocol library only reads a value's bytes, and a Go
			// string never changes: lend its bytes instead of copying.
			row[i] = sqltypes.MakeTrusted(e.types[i], unsafe.Slice(unsafe.StringData(str), len(str)))
			continue
		}
		start := len(e.buf)
		var ok bool
		e.buf, ok = appendValue(e.buf, v, e.kinds[i])
		if ok {
			row[i] = sqltypes.MakeTrusted(e.types[i], e.buf[start:len(e.buf):len(e.buf)])
		} else {
			row[i] = sqltypes.Value{}
		}
	}
	return row
}

// stream sends rs: the column definitions with the first rows, once the
// first row (or the end) has come, so an error on the first page is a
// proper MySQL error rather than a broken stream.
func stream(ctx context.Context, cancel context.CancelCauseFunc, rs driver.Rows, conn *mysql.Conn, send func(*sqltypes.Result) error) (int64, error) {
	defer rs.Close()
	if k, ok := rs.(interface{ KeepDecimals() }); ok {
		k.KeepDecimals() // 7/2 is written 3.5000, as MySQL does
	}
	fields, kinds := resultFields(rs)
	snd := &sender{send: send, conn: conn, fields: fields, pending: make([][]sqltypes.Value, 0, batchRows)}
	enc := newRowEncoder(fields, kinds)
	stop := make(chan struct{})
	flusherDone := make(chan struct{})
	started := false
	startFlusher := func() {
		started = true
		go func() {
			defer close(flusherDone)
			t := time.NewTicker(flushAfter)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					snd.tick()
				}
			}
		}()
	}
	defer func() {
		if started {
			close(stop)
			<-flusherDone
		}
	}()

	vals := make([]driver.Value, len(fields))
	var added int64
	for {
		err := rs.Next(vals)
		if err != nil {
			snd.mu.Lock()
			defer snd.mu.Unlock()
			if snd.err != nil {
				cancel(errors.New("the client went away"))
				return snd.n, snd.err
			}
			if !errors.Is(err, io.EOF) {
				if !snd.sentFields {
					return 0, toSQLError(ctx, err)
				}
				// Rows were sent: the protocol has no way to report an
				// error now but to close the connection (the client sees
				// error 2013), which is what returning it does.
				return snd.n, err
			}
			snd.flushPending()
			return snd.n, snd.err
		}
		if snd.written.Load() == added {
			enc.reset()
		}
		row := enc.encode(vals)
		added++
		snd.mu.Lock()
		snd.pending = append(snd.pending, row)
		snd.added = added
		if len(snd.pending) >= batchRows {
			snd.flushPending()
		}
		failed := snd.err
		snd.mu.Unlock()
		if failed != nil {
			cancel(errors.New("the client went away"))
			return snd.n, failed
		}
		if !started {
			// The first row has come: from now on the flusher sends what
			// waits while the driver fetches.
			startFlusher()
		}
	}
}

// appendTime writes t as MySQL's DATE (YYYY-MM-DD) or DATETIME
// (YYYY-MM-DD hh:mm:ss[.ffffff]); time.AppendFormat costs more per value.
func appendTime(b []byte, t time.Time, dateOnly bool) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		if dateOnly {
			return t.AppendFormat(b, time.DateOnly)
		}
		return t.AppendFormat(b, "2006-01-02 15:04:05.999999")
	}
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-', byte('0'+day/10), byte('0'+day%10))
	if dateOnly {
		return b
	}
	h, m, sec := t.Clock()
	b = append(b, ' ', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+sec/10), byte('0'+sec%10))
	if us := t.Nanosecond() / 1000; us != 0 {
		b = append(b, '.')
		for div := 100000; div > 0; div /= 10 {
			b = append(b, byte('0'+us/div%10))
		}
	}
	return b
}
