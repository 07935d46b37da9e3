package planner

import (
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/exec"
)

// explainRangeScan adds the steps of the range scan r: its first page, then its slices.
func explainRangeScan(x *explainer, r *exec.RangeScan, prefix, notes string) {
	t := r.Table
	detail := "the first page of the whole range, fetched while opening: its rows are the newest, its density sizes the slices"
	if notes != "" {
		detail += "; " + notes
	}
	first := x.add(prefix+"list "+t.Name, "GET", t.ListPath, r.First, exactly(1), detail)
	slice := r.SliceQuery(exec.OpenBelow, exec.OpenAbove)
	slice[r.Filter.Param+">"] = []string{"{first day}"}
	slice[r.Filter.Param+"<"] = []string{"{last day}"}
	var b strings.Builder
	fmt.Fprintf(&b, "only when a page follows step %d: %s days %s in slices of whole days, newest first, each sized to fill whole pages (at most %d; %d when that saves requests) by the density of the pages read so far", first, r.Filter.Column, r.DaysText(), exec.SlicePages, exec.MaxSlicePages)
	if r.Lo == exec.OpenBelow {
		b.WriteString("; below the last bounded slice, one open slice")
		if r.Retention > 0 {
			fmt.Fprintf(&b, " (no bound reaches past Twilio's %d-day retention)", r.Retention)
		}
	}
	fmt.Fprintf(&b, "; step %d's days are listed again, skipping its rows; up to %d slices fetched at once, at most %d pages held; each slice reads its chain of pages to the end and ends on a partial page; a range of at most %d pages by the first page's density is read on page by page instead (no slice)", first, r.Workers, r.MaxHeld, exec.SlicePages)
	x.add(prefix+"slices "+t.Name, "GET", t.ListPath, slice, estimate{0, -1}, b.String())
}
