package planner

import (
	"context"
	"fmt"
	"strings"
)

// How the driving listing of a SELECT is read: the plan's side of a range
// scan (rangescan.go) and of prefetching (scan.go).

// planRangeScan plans the driving listing as a range scan when the whole of
// it may be read: not under a LIMIT that the first page serves, nor one
// Twilio answers exactly (its pages are read on demand).
func (p *selectPlan) planRangeScan(env *Env, acc access) *rangeScan {
	d := p.items[p.drive]
	if d.virtual != nil || acc.none || acc.bySid || acc.deferred != nil || len(acc.listings()) != 1 {
		return nil
	}
	everyRow := p.limit < 0 || p.holdsRows() || p.group != nil // sorting and grouping read every row
	if !everyRow && (acc.exact || p.offset+p.limit <= int64(p.pageSize)) {
		return nil
	}
	return planRangeScan(env, d.table, acc.listings()[0], p.pageSize)
}

// scanAhead decides how a listing whose first page is in hand reads the
// rest: time slices fetched concurrently when the plan is a range scan worth
// splitting, else page after page with the next page prefetched. A LIMIT
// the first page already serves gets neither: no request may be wasted.
func (p *selectPlan) scanAhead(ctx context.Context, env *Env, src source, acc access) source {
	ls, ok := src.(*listSource)
	if !ok || ls.nextURI == "" || ls.ahead != nil {
		return src
	}
	everyRow := p.limit < 0 || p.holdsRows() || p.group != nil // sorting and grouping read every row
	if !everyRow && acc.exact {
		// Every row read is returned, up to the LIMIT: the pages it needs
		// are read on demand, and none is fetched past it.
		return src
	}
	rs := p.rangeScan
	if p.access.deferred != nil {
		// The listing depended on a subquery's values, known only now.
		rs = p.planRangeScan(env, acc)
	}
	if ps := newParallelScan(ctx, env, rs, ls); ps != nil {
		return ps
	}
	// Prefetch from the first row read; under a LIMIT with a local filter,
	// once half the first page is read without reaching the LIMIT, which
	// a selective filter does and a LIMIT 10 does not.
	ls.prefetchAt = len(ls.items)
	if !everyRow {
		ls.prefetchAt = len(ls.items) / 2
	}
	return src
}

// explainRangeScan adds the steps of the range scan r: its first page, then its slices.
func explainRangeScan(x *explainer, r *rangeScan, prefix, notes string) {
	t := r.table
	detail := "the first page of the whole range, fetched while opening: its rows are the newest, its density sizes the slices"
	if notes != "" {
		detail += "; " + notes
	}
	first := x.add(prefix+"list "+t.Name, "GET", t.ListPath, r.first, exactly(1), detail)
	slice := r.sliceQuery(openBelow, openAbove)
	slice[r.filter.Param+">"] = []string{"{first day}"}
	slice[r.filter.Param+"<"] = []string{"{last day}"}
	var b strings.Builder
	fmt.Fprintf(&b, "only when a page follows step %d: %s days %s in slices of whole days, newest first, each sized to about %d pages by the density of the pages read so far", first, r.filter.Column, r.daysText(), slicePages)
	if r.lo == openBelow {
		b.WriteString("; below the last bounded slice, one open slice")
		if r.retention > 0 {
			fmt.Fprintf(&b, " (no bound reaches past Twilio's %d-day retention)", r.retention)
		}
	}
	fmt.Fprintf(&b, "; step %d's days are listed again, skipping its rows; up to %d slices fetched at once, at most %d pages held; each slice reads its chain of pages to the end and ends on a partial page; a range of at most %d pages by the first page's density is read on page by page instead (no slice)", first, r.workers, r.maxHeld, slicePages)
	x.add(prefix+"slices "+t.Name, "GET", t.ListPath, slice, estimate{0, -1}, b.String())
}
