// Package eval compiles SQL expressions to closures over a row of column
// values, and holds the one sorted function registry (registry.go): name,
// aliases, arity, evaluator and doc line of every function, from which the
// error listing supported functions, information_schema and the README's
// list are made.
//
// It knows nothing of plans: a column reference is resolved through a
// Resolver, a subquery through Subqueries and a grouped row through an
// Aggregator, which the planner implements. Its own imports go down only
// (schema, the parser, the standard library), so the planner and the
// executor can both use it.
package eval
