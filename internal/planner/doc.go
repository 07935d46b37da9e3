// Package planner turns SQL into the fewest Twilio requests that answer it:
// filters the list endpoint serves become query parameters, Sid lookups
// become single fetches, and everything else is evaluated here on rows that
// stream page by page.
//
// # Layout
//
// The engine is three packages, in layers that import only downward (a
// test, imports_test.go, fails on any other import):
//
//	planner       statements (Prepare, Statement.Query/Exec), planning,
//	              the plan nodes, pushdown rules, EXPLAIN
//	planner/exec  fetching and streaming rows: Env, Rows, list and Sid
//	              sources, prefetch, keyed listings, parallel range slices,
//	              the page budget, the page decoder
//	planner/eval  expressions compiled to closures, the function registry
//
// and internal/sqltext, the one lexer of statement text (the server's too).
//
// Statement.plan turns a parsed statement into a chain of plan nodes
// (node.go, node_*.go), each a small type that both describes itself for
// EXPLAIN and runs; Query runs the chain (runSteps) and EXPLAIN prints it
// (describeSteps), so the two cannot drift apart. A SELECT's chain is
// subqueries → scan → join → correlated → filter → group → project → sort
// → limit (planned by select.go, scope.go, join.go, aggregate.go, …, into
// a selectPlan), a UNION's union → sort → limit, a write's one write node;
// derived tables and subqueries are whole plans read by the scan node.
//
// Which WHERE terms reach Twilio, and how, is decided by the named rules of
// rules.go, tried in order for each term (the model is go-mysql-server's
// analyzer rules); pushdown.go holds what they build (access: fetches by
// Sid, one listing, or listings merged).
//
// The driver names Env, Rows, ResultColumn and PageBudget from here
// (api.go): they are planner/exec's types.
package planner
