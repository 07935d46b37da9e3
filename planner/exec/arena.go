package exec

import (
	"database/sql/driver"
	"time"
	"unsafe"
)

// rowArena is the memory of one decoded row: one buffer for the bytes of
// its strings and one slot per column for the values its interfaces point
// at. Decoding a row then costs two allocations, where a string column
// costs two (its bytes, and its header boxed in the interface) and a time
// or a number one. Values are never changed once boxed, and each row has
// its own arena, so rows kept by the caller stay valid.
type rowArena struct {
	text  []byte // fixed capacity: strings point into it, so it never grows
	slots []valueSlot
}

// valueSlot holds a column's value where its interface points.
type valueSlot struct {
	s string
	t time.Time
	n int64
	f float64
}

// eface is the layout of an interface value (Go's runtime.eface): its type
// and a pointer to its data. Setting the pointer to a slot boxes the value
// without the allocation the compiler's boxing makes.
type eface struct {
	typ, data unsafe.Pointer
}

func efaceType(v any) unsafe.Pointer { return (*eface)(unsafe.Pointer(&v)).typ }

var (
	stringType  = efaceType("")
	int64Type   = efaceType(int64(0))
	float64Type = efaceType(float64(0))
	timeType    = efaceType(time.Time{})
)

func box(typ, data unsafe.Pointer) (v driver.Value) {
	e := (*eface)(unsafe.Pointer(&v))
	e.typ, e.data = typ, data
	return v
}

// str is b as a string in the arena's buffer, or a new string when the
// arena is nil or full.
func (a *rowArena) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if a == nil || len(a.text)+len(b) > cap(a.text) {
		return string(b)
	}
	start := len(a.text)
	a.text = append(a.text, b...)
	return unsafe.String(&a.text[start], len(b))
}

func (a *rowArena) boxString(slot *valueSlot, b []byte) driver.Value {
	s := a.str(b)
	if a == nil || slot == nil {
		return s
	}
	slot.s = s
	return box(stringType, unsafe.Pointer(&slot.s))
}

func (a *rowArena) boxInt(slot *valueSlot, n int64) driver.Value {
	if a == nil || slot == nil || (n >= 0 && n < 256) { // small ints are boxed without allocating anyway
		return n
	}
	slot.n = n
	return box(int64Type, unsafe.Pointer(&slot.n))
}

func (a *rowArena) boxFloat(slot *valueSlot, f float64) driver.Value {
	if a == nil || slot == nil {
		return f
	}
	slot.f = f
	return box(float64Type, unsafe.Pointer(&slot.f))
}

func (a *rowArena) boxTime(slot *valueSlot, t time.Time) driver.Value {
	if a == nil || slot == nil {
		return t
	}
	slot.t = t
	return box(timeType, unsafe.Pointer(&slot.t))
}

// unsafeString views b as a string for a call that does not keep it
// (strconv.ParseFloat keeps its argument only in its error, which is not
// returned from here).
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
