// Package plan is the engine's plan nodes as data: a statement planned is a
// tree of these nodes, which the planner builds (package planner, the way
// go-mysql-server's sql/planbuilder builds sql/plan nodes), its named
// rules rewrite (Transform), EXPLAIN prints and exec runs, each node turned
// into a row iterator by one builder (exec.Build, as go-mysql-server's
// sql/rowexec builder does).
//
// A node is a small type in its own file. It knows its children
// (Children, WithChildren, so rules can rebuild a tree) and says in one
// line what it is (String); it holds no request, no row and no run-time
// state, except where a node's work can only be decided once rows are
// read or a rule fires: a join's lookup of one key (Join.Lookup), an IN
// (SELECT …) whose values decide a listing (Deferred.Resolve), a query
// planned again with a LIMIT (Derived.Limit, Union.Limit), how a target
// row becomes a write (Write.Build), which the planner hands to exec and
// its rules as functions; and the values an uncorrelated subquery found
// (Subquery) and the rows a write's guard counted (WriteGuard), which exec
// fills in.
//
// Leaves read a table: Scan (one listing, page by page), MergedListing
// (several, merged without duplicates), Get (fetches by Sid), RangeScan (a
// listing run as parallel time slices), Deferred (one of those, once a
// subquery's values are known), Values (an in-memory table), Empty (no
// row, no request). Above them: Derived (a query read as a table), Join
// (binary; a FROM of several tables is a left-deep tree of them), Filter,
// Aggregate, Project, Sort (with DISTINCT), Limit, Union, Subqueries
// (uncorrelated subqueries run before the statement's own requests),
// Correlated (the rows read first to count a correlated subquery's keys)
// and Write.
package plan
