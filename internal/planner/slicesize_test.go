package planner

import (
	"math"
	"reflect"
	"testing"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// TestSliceSizerWidth checks that slices are sized to fill whole pages:
// never just past a page boundary, wider chains only when they save
// requests, and the narrowest width among those about as cheap.
func TestSliceSizerWidth(t *testing.T) {
	even := func(perDay float64) exec.SliceSizer { // days as even as the emulator's
		return exec.SliceSizer{PerDay: perDay, DayVar: 2.5, MeanVar: 0.3, PageSize: 1000}
	}
	poisson := func(perDay float64) exec.SliceSizer { // nothing known of the spread
		return exec.SliceSizer{PerDay: perDay, DayVar: perDay, MeanVar: (exec.DensityError * perDay) * (exec.DensityError * perDay), PageSize: 1000}
	}
	cases := []struct {
		name  string
		z     exec.SliceSizer
		days  int64
		width int64
	}{
		// 98.4 a day: 20 days fill two pages (1968 rows), 21 would pass 2000
		{"even-sparse", even(98.4), 100, 20},
		// 3,400 a day: one day takes 4 pages (600 rows of room), two days 7
		// (200): the longer chain saves 10% of the requests
		{"dense", poisson(3400), 30, 2},
		// 3,600 a day: two days take 8 pages, as many a day as one: one
		{"dense-no-gain", poisson(3600), 30, 1},
		// a day over the longest chain: one day a slice
		{"very-dense", poisson(50000), 30, 1},
		// the days left bound the width
		{"few-days", even(98.4), 7, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.z.Width(c.days); got != c.width {
				t.Errorf("width(%d) at %.1f rows a day = %d, want %d", c.days, c.z.PerDay, got, c.width)
			}
		})
	}
}

// TestSliceSizerPages checks the expected request count of a slice.
func TestSliceSizerPages(t *testing.T) {
	z := exec.SliceSizer{PageSize: 1000}
	cases := []struct {
		mu, sd float64
		min    float64
		max    float64
	}{
		{0, 0, 1, 1},              // an empty slice still costs a request
		{1000, 0, 1, 1},           // a page exactly full
		{1001, 0, 2, 2},           // one row over
		{2000, 50, 2.49, 2.51},    // on the boundary: half the time one more
		{1900, 50, 2.02, 2.03},    // two sd below it
		{3500, 10, 3.999, 4.0001}, // well inside the fourth page
	}
	for _, c := range cases {
		if got := z.Pages(c.mu, c.sd); got < c.min || got > c.max {
			t.Errorf("pages(%v, %v) = %v, want %v..%v", c.mu, c.sd, got, c.min, c.max)
		}
	}
}

// TestWholeDays checks the counts of the days a page holds whole.
func TestWholeDays(t *testing.T) {
	days := []int64{10, 10, 9, 9, 9, 8, 8, 8, 8, 7, 7, 7, 6}
	n, mean, v, ok := exec.WholeDays(days)
	if !ok || n != 3 || mean != 10.0/3 || v != 1 {
		t.Errorf("wholeDays = %d, %v, %v, %v; want 3 days (9, 8, 7: 3, 4, 3 rows) of mean 10/3, variance 1 (the floor), true", n, mean, v, ok)
	}
	if _, _, _, ok := exec.WholeDays([]int64{5, 5, 4, 3}); ok {
		t.Error("wholeDays of a page with one whole day: ok")
	}
}

// TestCutDays checks how a bounded run of days is cut: newest first, a
// batch at a time with the days after it pending, a short remainder taken
// by the last slice, and a pending slice cut by the density measured by
// then rather than the one it was left with.
func TestCutDays(t *testing.T) {
	p := &exec.ParallelScan{PageSize: 1000, MaxHeld: 1}                              // 2 requests in flight: a batch of 2
	even := exec.SliceSizer{PerDay: 98.4, DayVar: 2.5, MeanVar: 0.3, PageSize: 1000} // 20-day slices
	made := p.CutDays(1, 100, even, p.Batch())
	type span struct{ lo, hi int64 }
	var got []span
	for _, s := range made {
		got = append(got, span{s.Lo, s.Hi})
	}
	want := []span{{81, 100}, {61, 80}, {1, 60}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cut 1..100 into %v, want %v", got, want)
	}
	last := made[len(made)-1]
	if !last.Pending || made[0].Pending || made[0].Planned == 0 {
		t.Fatalf("the days after a batch of 2 should be one pending slice, the others sized: %+v", made)
	}

	// 40 days left with the first pages' density, 1,500 rows a day (five
	// days a slice, 8 pages); the slices that ended counted 3,400 a day:
	// two-day slices (7 pages for 6,800 rows) are cut instead.
	last.Lo, last.Hi, last.Sizer = 1, 40, exec.SliceSizer{PerDay: 1500, DayVar: 1500, MeanVar: 2025, PageSize: 1000}
	if w := last.Sizer.Width(40); w != 5 {
		t.Fatalf("the pending slice's own sizer cuts %d days, want 5 (else this test cannot tell the densities apart)", w)
	}
	for range 10 {
		p.Measured.Add(3400)
	}
	p.CutPending(last)
	if last.Pending || last.Hi-last.Lo+1 != 2 {
		t.Errorf("pending 1..40 cut into %d..%d (pending %v), want a two-day slice by the measured density", last.Lo, last.Hi, last.Pending)
	}
}

// TestDayStatsSizer checks the sizer of days counted exactly.
func TestDayStatsSizer(t *testing.T) {
	var m exec.DayStats
	if _, ok := m.Sizer(1000); ok {
		t.Error("a sizer from no day counted")
	}
	for _, rows := range []float64{96, 100, 98, 102} {
		m.Add(rows)
	}
	z, ok := m.Sizer(1000)
	if !ok || z.PerDay != 99 || math.Abs(z.DayVar-20.0/3) > 1e-9 || math.Abs(z.MeanVar-20.0/12) > 1e-9 {
		t.Errorf("sizer = %+v, %v; want 99 a day, variance 20/3, of the mean 20/12", z, ok)
	}
}

// TestSliceSizerLowerBound checks that a density known only as a lower
// bound (a page whose range column lags its creation) cuts slices of at
// most one page at that density: never a long chain, whatever the true one.
func TestSliceSizerLowerBound(t *testing.T) {
	cases := []struct {
		perDay float64
		days   int64
		width  int64
	}{
		{1818, 30, 1}, // a day holds more than a page at the bound: one day
		{98.4, 100, 10},
		{98.4, 7, 7},
		{400, 30, 2},
	}
	for _, c := range cases {
		z := exec.SliceSizer{PerDay: c.perDay, DayVar: c.perDay, MeanVar: 1, PageSize: 1000, LowerBound: true}
		if got := z.Width(c.days); got != c.width {
			t.Errorf("lower-bound width(%d) at %.1f a day = %d, want %d", c.days, c.perDay, got, c.width)
		}
	}
}

// TestCutDaysTail checks that the last days of a scan are cut into short
// chains when long ones would finish after the rest of the work: with 16
// requests in flight, 29 days of 3,380 rows keep two-day slices (7 pages,
// 15 chains end together), while 13 days are cut one a slice (4 pages
// each: 7 chains of 7 pages would take 7 round trips, 13 of 4 take 4).
func TestCutDaysTail(t *testing.T) {
	p := &exec.ParallelScan{PageSize: 1000, MaxHeld: 8}
	z := exec.SliceSizer{PerDay: 3380, DayVar: 400, MeanVar: 100, PageSize: 1000}
	if w := z.Width(30); w != 2 {
		t.Fatalf("the sizer cuts %d days, want 2 (else this test cannot tell the tail rule apart)", w)
	}
	for _, c := range []struct{ days, width int64 }{{29, 2}, {13, 1}} {
		made := p.CutDays(1, c.days, z, p.Batch())
		if got := made[0].Hi - made[0].Lo + 1; got != c.width {
			t.Errorf("%d days cut %d a slice, want %d", c.days, got, c.width)
		}
	}
}
