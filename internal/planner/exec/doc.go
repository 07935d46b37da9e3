// Package exec fetches and streams rows: the Env a statement runs against,
// the Rows it returns, and the sources under them, each a row iterator
// (Next/Close): a listing read page by page with the next page prefetched
// (scan.go, prefetch.go), Sid lookups, several listings merged without
// duplicates (merged.go), the listings of tables keyed by a
// parent's Sid (pathkeys.go), a range scan run as parallel time slices
// (rangescan.go, parallel.go, slices sized by slicesize.go) within the
// Connector's page budget
// (budget.go), and the page decoder (decode.go, arena.go); and the result,
// Rows (filter, projection, OFFSET, LIMIT, streaming), and Hold, which holds
// it for DISTINCT and ORDER BY (hold.go).
//
// Build (build.go) runs a plan tree (package plan): one type switch, as
// go-mysql-server's rowexec builder, turns each node into one of these
// iterators over its children's: joins (join.go), unions (union.go),
// derived tables (derived.go), grouping (aggregate.go), writes
// (write.go: the target rows listed, checked, then one request each) and
// the listings above. It knows no SQL statement: the planner (the package above)
// decides which listings answer a query and builds the tree.
package exec
