package driver

import (
	sqldriver "database/sql/driver"
	"io"
	"reflect"

	"github.com/twiliosql/twiliosql/internal/planner"
	"github.com/twiliosql/twiliosql/internal/rest"
)

// rows adapts the planner's streaming result to database/sql.
type rows struct {
	r      *planner.Rows
	client *rest.Client // scrubs errors of credentials a server echoed
	names  []string
}

func (r *rows) Columns() []string {
	if r.names == nil {
		cols := r.r.Columns()
		r.names = make([]string, len(cols))
		for i, c := range cols {
			r.names[i] = c.Name
		}
	}
	return r.names
}

// Close stops paging; no further request is made.
func (r *rows) Close() error { return r.r.Close() }

// Next reads the next row; a page is requested only when the one in hand is
// used up.
func (r *rows) Next(dest []sqldriver.Value) error {
	err := r.r.Next(dest)
	if err == nil || err == io.EOF {
		return err
	}
	return r.client.ScrubError(err)
}

// KeepDecimals makes Next return a DECIMAL as a
// github.com/shopspring/decimal.Decimal with the scale MySQL shows (1/3 is
// 0.3333, 7/2 3.5000) instead of a float64. The wire server asks for it to
// write DECIMALs as MySQL does; database/sql, which has no decimal type,
// never does.
func (r *rows) KeepDecimals() { r.r.Inner = true }

// ColumnTypeDatabaseTypeName is the SQL type: VARCHAR, BIGINT, DOUBLE,
// DECIMAL, BOOLEAN, DATETIME, DATE or JSON.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	return r.r.Columns()[i].Type.DatabaseTypeName()
}

// ColumnTypeScanType is the Go type of a non-null value.
func (r *rows) ColumnTypeScanType(i int) reflect.Type { return r.r.Columns()[i].Type.ScanType() }

// ColumnTypeNullable reports whether Twilio may send null for the column.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	return r.r.Columns()[i].Nullable, true
}

var (
	_ sqldriver.Rows                           = (*rows)(nil)
	_ sqldriver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ sqldriver.RowsColumnTypeScanType         = (*rows)(nil)
	_ sqldriver.RowsColumnTypeNullable         = (*rows)(nil)
)
