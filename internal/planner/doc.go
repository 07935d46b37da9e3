// Package planner turns SQL into the fewest Twilio requests that answer it:
// filters the list endpoint serves become query parameters, Sid lookups
// become single fetches, and everything else is evaluated here on rows that
// stream page by page.
//
// # Layout
//
// The engine is four packages, in layers that import only downward (a
// test, imports_test.go, fails on any other import), the way
// go-mysql-server separates sql/planbuilder, sql/plan, sql/rowexec and
// sql/expression:
//
//	planner       statements (Prepare, Statement.Query/Exec), planning a
//	              statement into a tree of plan nodes, pushdown rules,
//	              EXPLAIN
//	planner/exec  running a tree: one builder (exec.Build) turns each node
//	              into a row iterator; listings, Sid fetches, prefetch,
//	              keyed listings, parallel range slices, joins, unions,
//	              grouping, the page budget, the page decoder
//	planner/plan  the plan nodes as data, one small type a file
//	planner/eval  expressions compiled to closures, the function registry
//
// and internal/sqltext, the one lexer of statement text (the server's too).
//
// Statement.plan plans a statement (select.go, scope.go, join.go,
// aggregate.go, derived.go, union.go, … into a selectPlan or unionPlan)
// and turns it into a tree of plan nodes (tree.go): Query runs that tree
// (exec.Build) and EXPLAIN prints it (describe.go), so the two cannot
// drift apart. Joins are a left-deep tree of binary plan.Join nodes over
// the table read first; a derived table is a plan.Derived whose child is
// its query's tree, a UNION a plan.Union whose children are its branches';
// the statement's uncorrelated subqueries hang off a plan.Subqueries node
// at the top, run before its own requests.
//
// Where a node's work can only be decided once rows are read, the tree
// carries the planner's decision as a function exec calls: the leaf that
// reads one join key (plan.Join.Lookup), the leaf of an IN (SELECT …)
// once its values are known (plan.Deferred.Resolve), the count of a
// correlated subquery's keys (plan.Correlated.Count). Correlated
// subqueries themselves run inside the compiled expressions (subquery.go,
// correlated*.go); a write is planned (write.go) into a plan.Write, its
// requests or the SELECT tree of its target rows, and sent by exec
// (exec/write.go).
//
// Pushdown decisions are named, ordered rules (rules.go; the model is
// go-mysql-server's analyzer rules). Which WHERE terms reach Twilio, and
// how, is decided by the per-term rules, tried in order for each term
// (fetch_by_sid, defer_in_subquery, in_list_listings, filter_comparison,
// between_bounds, or_listings); pushdown.go holds what they build (access:
// fetches by Sid, one listing, or listings merged). Outer WHERE terms on
// a derived table alone go into its query (push_filters_into_derived,
// derived.go: done on the query's syntax, which is then planned again).
// Once a query's tree is built, the tree rules rewrite it, in order, each
// looking at the query's spine (its nodes from the top down to the table
// read first): push_limit_into_derived and push_limit_into_union (an outer
// LIMIT nothing filters or holds goes into the derived table's query or
// every UNION ALL branch, planned again with it through a function the
// node carries), limit_page_size (a LIMIT Twilio answers exactly shrinks
// the page) and range_scan (a bounded listing read whole becomes parallel
// time slices; also the read an IN (SELECT …) resolves to at run time).
// Every rule that fired is recorded on the node it decided, and EXPLAIN
// lists them in a "rules" step.
//
// The driver names Env, Rows, ResultColumn and PageBudget from here
// (api.go): they are planner/exec's types.
package planner
