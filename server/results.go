package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/dolthub/vitess/go/mysql"
	"github.com/dolthub/vitess/go/sqltypes"
	querypb "github.com/dolthub/vitess/go/vt/proto/query"
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
	case "DOUBLE", "FLOAT", "DECIMAL":
		f.Type, f.ColumnLength, f.Decimals, f.Flags, k = sqltypes.Float64, 22, 31, flagNum|flagBinary, kindFloat
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
		return strconv.AppendFloat(b, x, 'g', -1, 64), true
	case bool:
		if x {
			return append(b, '1'), true
		}
		return append(b, '0'), true
	case time.Time:
		x = x.UTC()
		if k == kindDate {
			return x.AppendFormat(b, time.DateOnly), true
		}
		b = x.AppendFormat(b, time.DateTime)
		if x.Nanosecond() != 0 {
			b = x.AppendFormat(b, ".000000")
		}
		return b, true
	default:
		return fmt.Append(b, x), true
	}
}

// Streaming. A producer goroutine reads the driver's rows into a pending
// batch; the handler's goroutine sends whatever is pending and flushes the
// socket once the producer stops keeping up, which is when the driver
// waits for Twilio's next page. Memory is bounded by maxPending rows.
const (
	maxPending = 1024
	flushAfter = 2 * time.Millisecond
)

type pipe struct {
	mu      sync.Mutex
	more    *sync.Cond // the producer waits here while the batch is full
	ready   chan struct{}
	rows    [][]sqltypes.Value
	done    bool
	stopped bool
	err     error
}

func (p *pipe) put(row []sqltypes.Value) bool {
	p.mu.Lock()
	for len(p.rows) >= maxPending && !p.stopped {
		p.more.Wait()
	}
	if p.stopped {
		p.mu.Unlock()
		return false
	}
	p.rows = append(p.rows, row)
	p.mu.Unlock()
	select {
	case p.ready <- struct{}{}:
	default:
	}
	return true
}

func (p *pipe) finish(err error) {
	p.mu.Lock()
	p.done, p.err = true, err
	p.mu.Unlock()
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

// take returns the pending rows, and whether the producer has finished.
func (p *pipe) take() ([][]sqltypes.Value, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rows := p.rows
	p.rows = nil
	if len(rows) > 0 {
		p.more.Broadcast()
	}
	return rows, p.done && len(rows) == 0, p.err
}

func (p *pipe) stop() {
	p.mu.Lock()
	p.stopped = true
	p.more.Broadcast()
	p.mu.Unlock()
}

// stream sends rs: the column definitions with the first rows, once the
// first row (or the end) has come, so an error on the first page is a
// proper MySQL error rather than a broken stream.
func stream(ctx context.Context, cancel context.CancelCauseFunc, rs *sql.Rows, conn *mysql.Conn, send func(*sqltypes.Result) error) (int64, error) {
	defer rs.Close()
	cols, err := rs.ColumnTypes()
	if err != nil {
		return 0, toSQLError(ctx, err)
	}
	fields := make([]*querypb.Field, len(cols))
	kinds := make([]colKind, len(cols))
	for i, c := range cols {
		nullable, ok := c.Nullable()
		fields[i], kinds[i] = field(c.Name(), c.DatabaseTypeName(), nullable, ok)
	}

	p := &pipe{ready: make(chan struct{}, 1)}
	p.more = sync.NewCond(&p.mu)
	producerDone := make(chan struct{})
	go func() {
		defer close(producerDone)
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		var buf []byte
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				p.finish(err)
				return
			}
			if cap(buf)-len(buf) < 512 {
				buf = make([]byte, 0, 16<<10)
			}
			row := make([]sqltypes.Value, len(vals))
			for i, v := range vals {
				start := len(buf)
				var ok bool
				buf, ok = appendValue(buf, v, kinds[i])
				if ok {
					row[i] = sqltypes.MakeTrusted(fields[i].Type, buf[start:len(buf):len(buf)])
				}
			}
			if !p.put(row) {
				p.finish(nil)
				return
			}
		}
		p.finish(rs.Err())
	}()
	defer func() {
		p.stop()
		<-producerDone
	}()

	var n int64
	sentFields := false
	unflushed := false
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		rows, done, perr := p.take()
		if len(rows) > 0 || (done && !sentFields && perr == nil) {
			res := &sqltypes.Result{Rows: rows}
			if !sentFields {
				res.Fields = fields
				sentFields = true
			}
			if err := send(res); err != nil {
				cancel(errors.New("the client stopped reading"))
				return n, err
			}
			n += int64(len(rows))
			unflushed = true
			continue
		}
		if done {
			if perr != nil {
				if !sentFields {
					return n, toSQLError(ctx, perr)
				}
				// Rows were sent: the protocol has no way to report an
				// error now but to close the connection (the client sees
				// error 2013), which is what returning it does.
				return n, perr
			}
			return n, nil
		}
		if !unflushed {
			<-p.ready
			continue
		}
		timer.Reset(flushAfter)
		select {
		case <-p.ready:
			timer.Stop()
		case <-timer.C:
			if err := conn.FlushBuffer(); err != nil {
				cancel(errors.New("the client went away"))
				return n, err
			}
			unflushed = false
		}
	}
}
