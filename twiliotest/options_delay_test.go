package twiliotest

import (
	"reflect"
	"testing"
	"time"
)

// TestCallStartDelay checks WithCallStartDelay: no change at 0; otherwise
// start, end and update times moved by one delay per call (shared by a
// <Dial>ed leg and its parent) within [0, max), nothing after the clock,
// null starts kept, the list order (by creation) kept, and StartTime days
// out of list order somewhere.
func TestCallStartDelay(t *testing.T) {
	size := WithSize(Size{Calls: 5000})
	plain := NewUnstartedServer(size).st
	if zero := NewUnstartedServer(size, WithCallStartDelay(0)).st; !reflect.DeepEqual(zero.calls, plain.calls) || !reflect.DeepEqual(zero.recs, plain.recs) {
		t.Fatal("WithCallStartDelay(0) changed the seeded calls or recordings")
	}
	const maxDelay = 36 * time.Hour
	st := NewUnstartedServer(size, WithCallStartDelay(maxDelay)).st
	if !reflect.DeepEqual(st.calls.idx.order, plain.calls.idx.order) {
		t.Fatal("the list order changed")
	}
	delayed := 0
	for i, r := range st.calls.rows {
		p := plain.calls.rows[i]
		if r.created != p.created {
			t.Fatalf("row %d: date_created moved", i)
		}
		if p.start == noTime {
			if r != p {
				t.Fatalf("row %d without a start time changed", i)
			}
			continue
		}
		d := r.start - p.start
		if d < 0 || d >= int64(maxDelay/time.Second) {
			t.Fatalf("row %d: delay %ds out of [0, %v)", i, d, maxDelay)
		}
		if d > 0 {
			delayed++
		}
		if p.end != noTime && r.end-p.end != d || r.updated-p.updated != d {
			t.Fatalf("row %d: end or update not moved with the start", i)
		}
		if max(r.start, r.end, r.updated) > st.nowU {
			t.Fatalf("row %d: a time after the clock", i)
		}
		if r.parent >= 0 && st.calls.rows[r.parent].start-plain.calls.rows[r.parent].start != d {
			t.Fatalf("row %d: delayed apart from its parent", i)
		}
	}
	if delayed < 4000 {
		t.Errorf("%d of 5000 calls delayed", delayed)
	}
	inversions, prev := 0, int64(-1)
	for _, row := range st.calls.idx.order {
		r := st.calls.rows[row]
		if r.start == noTime {
			continue
		}
		if prev >= 0 && dayOf(r.start) > prev {
			inversions++
		}
		prev = dayOf(r.start)
	}
	if inversions < 100 {
		t.Errorf("%d rows listed after a row of an earlier StartTime day, want StartTime out of list order", inversions)
	}
}
