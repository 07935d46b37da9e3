package exec

import (
	"database/sql/driver"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/twiliosql/twiliosql/schema"
)

// rowLayout is a table's row as one Go struct: a field per column whose
// values need memory of their own (strings, numbers, times; not booleans,
// which an interface holds without any). A decoded row is one copy of that
// struct, and each value's interface points at its field in the copy, so
// boxing a row's twenty values costs one allocation where boxing each
// would cost one apiece.
//
// The interfaces are made by package reflect, without unsafe: Interface()
// of a field of a struct that is itself held by an interface (not
// addressable) points at the field, where the same call on an addressable
// struct would copy the field first. If reflect ever copied there too,
// rows would still be right, only slower: TestDecodeAllocations would fail
// on the allocation count.
type rowLayout struct {
	typ   reflect.Type
	field []int // column → its field in typ; -1 when it has none
}

var rowLayouts sync.Map // *schema.Table → *rowLayout

func layoutOf(t *schema.Table) *rowLayout {
	if l, ok := rowLayouts.Load(t); ok {
		return l.(*rowLayout)
	}
	l := &rowLayout{field: make([]int, len(t.Columns))}
	var fields []reflect.StructField
	for col, c := range t.Columns {
		typ := goTypeOf(c.Type)
		if typ == nil {
			l.field[col] = -1
			continue
		}
		l.field[col] = len(fields)
		fields = append(fields, reflect.StructField{Name: "C" + strconv.Itoa(col), Type: typ})
	}
	l.typ = reflect.StructOf(fields)
	got, _ := rowLayouts.LoadOrStore(t, l)
	return got.(*rowLayout)
}

// goTypeOf is the Go type of a column's values as decodeValue gives them;
// nil for booleans.
func goTypeOf(typ schema.Type) reflect.Type {
	switch typ {
	case schema.Int:
		return reflect.TypeFor[int64]()
	case schema.Float:
		return reflect.TypeFor[float64]()
	case schema.Time, schema.Date:
		return reflect.TypeFor[time.Time]()
	case schema.Bool:
		return nil
	}
	return reflect.TypeFor[string]()
}

// rowBoxes is one decoder's scratch row: the values of the row being
// decoded are written into its fields through typed pointers, then the
// whole struct is copied once and boxed (box).
type rowBoxes struct {
	layout  *rowLayout
	scratch reflect.Value // addressable, of layout.typ
	slots   []slotRefs    // column → its field in scratch
	boxed   []bool        // column → its value is in scratch
}

type slotRefs struct {
	s *string
	n *int64
	f *float64
	t *time.Time
}

func newRowBoxes(t *schema.Table) *rowBoxes {
	l := layoutOf(t)
	r := &rowBoxes{layout: l, scratch: reflect.New(l.typ).Elem(), slots: make([]slotRefs, len(l.field)), boxed: make([]bool, len(l.field))}
	for col, f := range l.field {
		if f < 0 {
			continue
		}
		switch p := r.scratch.Field(f).Addr().Interface().(type) {
		case *string:
			r.slots[col].s = p
		case *int64:
			r.slots[col].n = p
		case *float64:
			r.slots[col].f = p
		case *time.Time:
			r.slots[col].t = p
		}
	}
	return r
}

// set puts v, of the given kind, as column col's value, in the scratch row
// when the column has a field of that kind there; otherwise it boxes v the
// usual way (one allocation) into row.
func (r *rowBoxes) set(row []driver.Value, col int, kind valueKind, v *valueSlot) {
	// Go boxes an integer in [0, 256) without allocating.
	if kind == kindInt && v.n >= 0 && v.n < 256 {
		row[col], r.boxed[col] = v.n, false
		return
	}
	s := &r.slots[col]
	r.boxed[col] = true
	switch {
	case kind == kindString && s.s != nil:
		*s.s = v.s
	case kind == kindInt && s.n != nil:
		*s.n = v.n
	case kind == kindFloat && s.f != nil:
		*s.f = v.f
	case kind == kindTime && s.t != nil:
		*s.t = v.t
	default:
		r.boxed[col] = false
		row[col] = v.value(kind)
	}
}

// box gives every value set in the scratch row its interface in row: one
// allocation, the copy of the scratch that they point into.
func (r *rowBoxes) box(row []driver.Value) {
	any := false
	for _, b := range r.boxed {
		any = any || b
	}
	if !any {
		return
	}
	copied := reflect.ValueOf(r.scratch.Interface())
	for col, b := range r.boxed {
		if b {
			row[col] = copied.Field(r.layout.field[col]).Interface()
		}
	}
}
