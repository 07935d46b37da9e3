package exec

import "math"

// Sizing the slices of a split range scan to whole pages.
//
// A slice costs ceil(rows/pageSize) requests, at least one: every slice
// ends on a partial page, and the room left on it is a page's worth of
// rows paid for and not listed. A split's slices therefore cost the fewest
// requests when each is expected to end on a page nearly full, never just
// over a page boundary (one more request for a few rows). The rows of a
// run of days are known only as an estimate (the density of the pages
// read so far) with an error: the sizer models a run of w days as
// normally distributed, mean w × perDay and variance w × dayVar (the days'
// own spread) plus w² × meanVar (the error of perDay itself), and picks
// the w with the fewest expected requests a day. Where the pages read
// followed the days, their whole days' counts give both variances (the
// emulator's days, nearly even, are sized to the row; uneven ones get a
// wider margin); otherwise a Poisson spread and a 3% error of the
// estimate are assumed.

const (
	// maxSlicePages bounds the pages a slice is sized to: a slice is one
	// chain of round trips, and a long chain is the scan's tail.
	MaxSlicePages = 2 * SlicePages

	// maxCountedDays bounds the days a slice counts rows of: a slice that
	// long holds few rows a day, and its counts would not size anything.
	maxCountedDays = 4000

	// densityError is the relative error assumed of a density measured
	// from the time a page covers, when whole days could not be counted.
	DensityError = 0.03
)

// SliceSizer sizes slices by a density estimate and its error.
type SliceSizer struct {
	PerDay   float64 // rows a day, estimated
	DayVar   float64 // variance of one day's rows
	MeanVar  float64 // variance of perDay as an estimate
	PageSize float64
	// LowerBound: PerDay is only a lower bound, of unknown error (a page
	// whose range column lags its creation, see pageInfo.lagged): slices
	// are sized to at most one page at that density.
	LowerBound bool
}

// newSliceSizer is the sizer for the page just read: info's density, and
// when the rows listed so far followed the days (inOrder), the counts of
// the page's whole days (those strictly between its first and last day).
func newSliceSizer(info pageInfo, inOrder bool, pageSize int) SliceSizer {
	z := SliceSizer{PerDay: info.perDay(), PageSize: float64(max(pageSize, 1)), LowerBound: info.lagged}
	if inOrder && !info.lagged {
		if n, mean, v, ok := WholeDays(info.days); ok {
			z.PerDay, z.DayVar, z.MeanVar = mean, v, v/float64(n)
			return z
		}
	}
	z.DayVar = z.PerDay
	z.MeanVar = math.Pow(DensityError*z.PerDay, 2)
	return z
}

// WholeDays counts the rows of each day strictly between the earliest and
// the latest day of a page whose rows follow the days: such days are
// whole on the page. It returns how many there are, their mean and
// variance (at least 1, a floor for days too even to measure), and false
// when fewer than three.
func WholeDays(days []int64) (n int, mean, variance float64, ok bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, d := range days {
		if d == NoDay {
			continue
		}
		lo, hi = min(lo, d), max(hi, d)
	}
	if hi-lo-1 < 3 || hi-lo-1 > int64(len(days)) {
		return 0, 0, 0, false
	}
	counts := make([]float64, hi-lo-1)
	for _, d := range days {
		if d > lo && d < hi {
			counts[d-lo-1]++
		}
	}
	for _, c := range counts {
		mean += c
	}
	mean /= float64(len(counts))
	for _, c := range counts {
		variance += (c - mean) * (c - mean)
	}
	variance /= float64(len(counts) - 1)
	return len(counts), mean, max(variance, 1), mean > 0
}

// sd is the standard deviation of the rows of w days, listed beside known
// rows already counted.
func (z SliceSizer) sd(w float64) float64 {
	return math.Sqrt(w*z.DayVar + w*w*z.MeanVar)
}

// Pages is the expected number of requests that list rows ~ N(mu, sd²):
// one, plus one for each page boundary the rows pass.
func (z SliceSizer) Pages(mu, sd float64) float64 {
	e := 1.0
	for k := 1.0; k < 1e6; k++ {
		edge := k * z.PageSize
		if sd <= 0 {
			if mu <= edge {
				break
			}
			e++
			continue
		}
		q := 0.5 * math.Erfc((edge-mu)/(sd*math.Sqrt2))
		if edge > mu && q < 1e-6 {
			break
		}
		e += q
	}
	return e
}

// Width is the days a slice is sized to: the whole days expected to fill
// their pages best (the fewest expected requests a day), in at most
// maxSlicePages pages, and at most days (the days left to cut).
//
// When PerDay is only a lower bound, the true density may be several times
// higher, and a slice sized to many pages at the bound could be a chain
// several times longer: the widest slice whose rows fill at most one page
// at the bound is cut instead (one day when a day fills more), so that no
// slice is a long chain whatever the density; the slices cut after the
// first ones end are sized by the days they counted exactly.
func (z SliceSizer) Width(days int64) int64 {
	return z.widthWithin(days, MaxSlicePages)
}

// widthWithin is Width for slices of at most maxPages pages.
func (z SliceSizer) widthWithin(days int64, maxPages int) int64 {
	if z.PerDay <= 0 {
		return max(1, min(days, int64(maxPages)))
	}
	if z.LowerBound {
		return max(1, min(days, int64(z.PageSize/z.PerDay)))
	}
	costs := map[int64]float64{}
	try := func(w int64) {
		mu := float64(w) * z.PerDay
		if w == 1 || w >= 1 && w <= days && mu <= float64(maxPages)*z.PageSize {
			costs[w] = z.Pages(mu, z.sd(float64(w))) / float64(w)
		}
	}
	try(1)
	try(days)
	for k := 1; k <= maxPages; k++ {
		w := int64(float64(k) * z.PageSize / z.PerDay)
		for d := int64(-2); d <= 1; d++ {
			try(w + d)
		}
	}
	// Slices of up to slicePages pages, unless longer ones save 5% of the
	// requests; then, within 1% of the fewest requests a day, the
	// narrowest: more slices fetched at once, shorter chains.
	short := func(w int64) bool { return float64(w)*z.PerDay <= float64(SlicePages)*z.PageSize || w == 1 }
	least, leastShort := math.Inf(1), math.Inf(1)
	for w, c := range costs {
		least = min(least, c)
		if short(w) {
			leastShort = min(leastShort, c)
		}
	}
	longer := least < 0.95*leastShort
	if !longer {
		least = leastShort
	}
	best := days
	for w, c := range costs {
		if c <= least*1.01 && (longer || short(w)) {
			best = min(best, w)
		}
	}
	return max(best, 1)
}

// slicePagesAt is the pages a slice of w days is expected to take.
func (z SliceSizer) slicePagesAt(w int64) int {
	return max(1, int(math.Ceil(float64(w)*z.PerDay/z.PageSize)))
}

// extend is the days to add to a slice that already holds known rows (and
// days of its own): the count, at most limit, after which its pages are
// expected to be fullest for the rows they list (the fewest expected
// requests a row), in at most maxPages pages. 0 when adding none is best.
func (z SliceSizer) extend(known float64, limit int64, maxPages int) int64 {
	if z.PerDay <= 0 || limit <= 0 {
		return 0
	}
	bestE, bestCost := int64(0), z.Pages(known, math.Sqrt(z.DayVar))/max(known, 1)
	try := func(e int64) {
		if e < 1 || e > limit {
			return
		}
		mu := known + float64(e)*z.PerDay
		if cost := z.Pages(mu, z.sd(float64(e)+1)) / mu; cost < bestCost*(1-1e-3) {
			bestE, bestCost = e, cost
		}
	}
	for k := 1; k <= maxPages; k++ {
		e := int64((float64(k)*z.PageSize - known) / z.PerDay)
		for d := int64(-2); d <= 1; d++ {
			try(e + d)
		}
	}
	return bestE
}

// absorbs reports whether the last days of a bounded range, days of them,
// are expected to cost fewer requests as one slice than cut at width: a
// short remainder then rides on the room left on the last slice's pages.
func (z SliceSizer) absorbs(days, width int64) bool {
	rest := days - width
	if rest <= 0 {
		return true
	}
	if rest >= width {
		return false // not a remainder: a slice of its own
	}
	all := float64(days) * z.PerDay
	if all > float64(MaxSlicePages)*z.PageSize {
		return false
	}
	apart := z.Pages(float64(width)*z.PerDay, z.sd(float64(width))) + z.Pages(float64(rest)*z.PerDay, z.sd(float64(rest)))
	return z.Pages(all, z.sd(float64(days))) < apart
}

// DayStats sums the rows of whole days counted exactly.
type DayStats struct {
	n, sum, sumSq float64
}

func (m *DayStats) Add(rows float64) {
	m.n++
	m.sum += rows
	m.sumSq += rows * rows
}

// Sizer is the sizer of the days counted; false with fewer than three.
func (m DayStats) Sizer(pageSize int) (SliceSizer, bool) {
	if m.n < 3 {
		return SliceSizer{}, false
	}
	mean := m.sum / m.n
	v := max(1, (m.sumSq-m.n*mean*mean)/(m.n-1))
	return SliceSizer{PerDay: mean, DayVar: v, MeanVar: v / m.n, PageSize: float64(max(pageSize, 1))}, mean > 0
}
