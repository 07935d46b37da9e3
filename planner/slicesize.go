package planner

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
	maxSlicePages = 2 * slicePages

	// maxCountedDays bounds the days a slice counts rows of: a slice that
	// long holds few rows a day, and its counts would not size anything.
	maxCountedDays = 4000

	// densityError is the relative error assumed of a density measured
	// from the time a page covers, when whole days could not be counted.
	densityError = 0.03
)

// sliceSizer sizes slices by a density estimate and its error.
type sliceSizer struct {
	perDay   float64 // rows a day, estimated
	dayVar   float64 // variance of one day's rows
	meanVar  float64 // variance of perDay as an estimate
	pageSize float64
}

// newSliceSizer is the sizer for the page just read: info's density, and
// when the rows listed so far followed the days (inOrder), the counts of
// the page's whole days (those strictly between its first and last day).
func newSliceSizer(info pageInfo, inOrder bool, pageSize int) sliceSizer {
	z := sliceSizer{perDay: info.perDay(), pageSize: float64(max(pageSize, 1))}
	if inOrder {
		if n, mean, v, ok := wholeDays(info.days); ok {
			z.perDay, z.dayVar, z.meanVar = mean, v, v/float64(n)
			return z
		}
	}
	z.dayVar = z.perDay
	z.meanVar = math.Pow(densityError*z.perDay, 2)
	return z
}

// wholeDays counts the rows of each day strictly between the earliest and
// the latest day of a page whose rows follow the days: such days are
// whole on the page. It returns how many there are, their mean and
// variance (at least 1, a floor for days too even to measure), and false
// when fewer than three.
func wholeDays(days []int64) (n int, mean, variance float64, ok bool) {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, d := range days {
		if d == noDay {
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
func (z sliceSizer) sd(w float64) float64 {
	return math.Sqrt(w*z.dayVar + w*w*z.meanVar)
}

// pages is the expected number of requests that list rows ~ N(mu, sd²):
// one, plus one for each page boundary the rows pass.
func (z sliceSizer) pages(mu, sd float64) float64 {
	e := 1.0
	for k := 1.0; k < 1e6; k++ {
		edge := k * z.pageSize
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

// width is the days a slice is sized to: the whole days expected to fill
// their pages best (the fewest expected requests a day), in at most
// maxSlicePages pages, and at most days (the days left to cut).
func (z sliceSizer) width(days int64) int64 {
	if z.perDay <= 0 {
		return max(1, min(days, int64(maxSlicePages)))
	}
	costs := map[int64]float64{}
	try := func(w int64) {
		mu := float64(w) * z.perDay
		if w == 1 || w >= 1 && w <= days && mu <= float64(maxSlicePages)*z.pageSize {
			costs[w] = z.pages(mu, z.sd(float64(w))) / float64(w)
		}
	}
	try(1)
	try(days)
	for k := 1; k <= maxSlicePages; k++ {
		w := int64(float64(k) * z.pageSize / z.perDay)
		for d := int64(-2); d <= 1; d++ {
			try(w + d)
		}
	}
	// Slices of up to slicePages pages, unless longer ones save 5% of the
	// requests; then, within 1% of the fewest requests a day, the
	// narrowest: more slices fetched at once, shorter chains.
	short := func(w int64) bool { return float64(w)*z.perDay <= float64(slicePages)*z.pageSize || w == 1 }
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
func (z sliceSizer) slicePagesAt(w int64) int {
	return max(1, int(math.Ceil(float64(w)*z.perDay/z.pageSize)))
}

// extend is the days to add to a slice that already holds known rows (and
// days of its own): the count, at most limit, after which its pages are
// expected to be fullest for the rows they list (the fewest expected
// requests a row), in at most maxPages pages. 0 when adding none is best.
func (z sliceSizer) extend(known float64, limit int64, maxPages int) int64 {
	if z.perDay <= 0 || limit <= 0 {
		return 0
	}
	bestE, bestCost := int64(0), z.pages(known, math.Sqrt(z.dayVar))/max(known, 1)
	try := func(e int64) {
		if e < 1 || e > limit {
			return
		}
		mu := known + float64(e)*z.perDay
		if cost := z.pages(mu, z.sd(float64(e)+1)) / mu; cost < bestCost*(1-1e-3) {
			bestE, bestCost = e, cost
		}
	}
	for k := 1; k <= maxPages; k++ {
		e := int64((float64(k)*z.pageSize - known) / z.perDay)
		for d := int64(-2); d <= 1; d++ {
			try(e + d)
		}
	}
	return bestE
}

// absorbs reports whether the last days of a bounded range, days of them,
// are expected to cost fewer requests as one slice than cut at width: a
// short remainder then rides on the room left on the last slice's pages.
func (z sliceSizer) absorbs(days, width int64) bool {
	rest := days - width
	if rest <= 0 {
		return true
	}
	if rest >= width {
		return false // not a remainder: a slice of its own
	}
	all := float64(days) * z.perDay
	if all > float64(maxSlicePages)*z.pageSize {
		return false
	}
	apart := z.pages(float64(width)*z.perDay, z.sd(float64(width))) + z.pages(float64(rest)*z.perDay, z.sd(float64(rest)))
	return z.pages(all, z.sd(float64(days))) < apart
}

// dayStats sums the rows of whole days counted exactly.
type dayStats struct {
	n, sum, sumSq float64
}

func (m *dayStats) add(rows float64) {
	m.n++
	m.sum += rows
	m.sumSq += rows * rows
}

// sizer is the sizer of the days counted; false with fewer than three.
func (m dayStats) sizer(pageSize int) (sliceSizer, bool) {
	if m.n < 3 {
		return sliceSizer{}, false
	}
	mean := m.sum / m.n
	v := max(1, (m.sumSq-m.n*mean*mean)/(m.n-1))
	return sliceSizer{perDay: mean, dayVar: v, meanVar: v / m.n, pageSize: float64(max(pageSize, 1))}, mean > 0
}
