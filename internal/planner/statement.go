package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/internal/planner/plan"
	"github.com/xwb1989/sqlparser"
)

// Statement is a parsed statement, reusable with different arguments and
// safe for concurrent use.
type Statement struct {
	sql      string
	ast      sqlparser.Statement
	numInput int
	meta     *metaStmt  // SHOW or DESCRIBE
	explain  *Statement // EXPLAIN of this statement
}

// Prepare parses query. Syntax errors and statements of a kind the driver
// does not run are reported here, before any request.
func Prepare(query string) (*Statement, error) {
	trimmed := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(query), ";"))
	if trimmed == "" {
		return nil, errors.New("twilio: the statement is empty")
	}
	if st, ok, err := recognise(trimmed); ok || err != nil {
		return st, err
	}
	if err := refuseUnparsable(trimmed); err != nil {
		return nil, err
	}
	parsed := trimmed
	if startsWithWith(trimmed) {
		rewritten, err := rewriteWith(trimmed)
		if err != nil {
			return nil, err
		}
		parsed = rewritten
	}
	ast, err := sqlparser.ParseStrictDDL(rewriteForParser(parsed))
	if err != nil {
		return nil, syntaxError(trimmed, err)
	}
	recordLabels(parsed, ast)
	switch ast.(type) {
	case *sqlparser.Select, *sqlparser.Union, *sqlparser.ParenSelect, *sqlparser.Insert, *sqlparser.Update, *sqlparser.Delete:
	case *sqlparser.Begin, *sqlparser.Commit, *sqlparser.Rollback:
		return nil, errors.New("twilio: Twilio has no transactions: run each statement on its own")
	case *sqlparser.Show:
		return nil, fmt.Errorf("twilio: %s is not supported: use SHOW TABLES, SHOW [FULL] COLUMNS FROM <table>, DESCRIBE <table>, SHOW DATABASES or information_schema", strings.ToUpper(sqlparser.String(ast)))
	case *sqlparser.Set:
		return nil, errors.New("twilio: SET is not supported: the driver has no session variables; configure it in the DSN")
	default:
		return nil, fmt.Errorf("twilio: %s statements are not supported: use SELECT, INSERT, UPDATE or DELETE", firstWord(trimmed))
	}
	return &Statement{sql: trimmed, ast: ast, numInput: countInputs(ast)}, nil
}

// NumInput is the number of "?" placeholders, or -1 when the statement uses
// named ones (database/sql then leaves the count to us).
func (s *Statement) NumInput() int { return s.numInput }

// IsQuery reports whether the statement returns rows and changes nothing:
// SELECT, SHOW, DESCRIBE and EXPLAIN.
func (s *Statement) IsQuery() bool {
	if s.explain != nil || s.meta != nil {
		return true
	}
	switch s.ast.(type) {
	case *sqlparser.Select, *sqlparser.Union, *sqlparser.ParenSelect:
		return true
	}
	return false
}

func countInputs(ast sqlparser.Statement) int {
	highest, named := 0, false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		switch x := node.(type) {
		case *sqlparser.SQLVal:
			if x.Type == sqlparser.ValArg {
				if n, ok := eval.Positional(strings.TrimLeft(string(x.Val), ":")); ok {
					highest = max(highest, n)
				} else {
					named = true
				}
			}
		case sqlparser.ListArg:
			named = true
		}
		return true, nil
	}, ast)
	if named {
		return -1
	}
	return highest
}

// Constructs the parser cannot read, named so the error can say what to
// write instead.
var unparsable = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?is)\bover\s*\(`), "window functions (… OVER (…)) are not supported: use GROUP BY"},
	{regexp.MustCompile(`(?is)\bilike\b`), "ILIKE is not SQL this driver speaks: LIKE already ignores case"},
	{regexp.MustCompile(`\$[0-9]+`), "$1-style placeholders are not supported: use ? or :name"},
}

func refuseUnparsable(q string) error {
	for _, u := range unparsable {
		if u.re.MatchString(q) {
			return errors.New("twilio: " + u.what)
		}
	}
	return nil
}

func syntaxError(q string, err error) error {
	msg := fmt.Sprintf("twilio: SQL syntax error: %v", err)
	if missingDerivedAlias(q) {
		msg += "; a derived table needs an alias: FROM (SELECT …) AS s"
	}
	if needsBacktickHint(q) {
		msg += "; `To` and `From` are reserved words in SQL: quote those columns with backticks"
	}
	return errors.New(msg)
}

func firstWord(q string) string {
	if f := strings.Fields(q); len(f) > 0 {
		return strings.ToUpper(f[0])
	}
	return ""
}

// Query runs a SELECT, or an INSERT or UPDATE whose resulting rows are
// wanted. The first page is fetched before it returns, so request and
// authentication errors surface here.
func (s *Statement) Query(ctx context.Context, env *exec.Env, nv []driver.NamedValue) (*exec.Rows, error) {
	if s.explain != nil {
		return s.explain.explainRows(ctx, env, eval.Args(nv))
	}
	if s.meta != nil {
		item, err := s.meta.item()
		if err != nil {
			return nil, err
		}
		plan, err := planSelectFrom(s.meta.sel, env, eval.Args(nv), []*fromItem{item})
		if err != nil {
			return nil, err
		}
		return openQuery(ctx, env, plan)
	}
	tree, err := s.plan(env, eval.Args(nv))
	if errors.Is(err, errNoPlan) {
		return nil, fmt.Errorf("twilio: cannot run %s", firstWord(s.sql))
	}
	if err != nil {
		return nil, err
	}
	return exec.Build(ctx, env, tree)
}

// errNoPlan: the statement is not one that plan plans.
var errNoPlan = errors.New("no plan")

// plan plans a SELECT, UNION, INSERT, UPDATE or DELETE into its tree of
// plan nodes: what Query runs and what EXPLAIN prints.
func (s *Statement) plan(env *exec.Env, a eval.Args) (plan.Node, error) {
	switch st := s.ast.(type) {
	case sqlparser.SelectStatement:
		p, err := planQuery(st, env, a)
		if err != nil {
			return nil, err
		}
		return p.tree(), nil
	case *sqlparser.Insert:
		w, err := planInsert(st, env, a)
		if err != nil {
			return nil, err
		}
		return w.node(env), nil
	case *sqlparser.Update:
		if err := singleWriteTable("UPDATE", st.TableExprs); err != nil {
			return nil, err
		}
		w, err := planUpdate(st, env, a)
		if err != nil {
			return nil, err
		}
		return w.node(env), nil
	case *sqlparser.Delete:
		if err := singleWriteTable("DELETE", st.TableExprs); err != nil {
			return nil, err
		}
		w, err := planDelete(st, env, a)
		if err != nil {
			return nil, err
		}
		return w.node(env), nil
	}
	return nil, errNoPlan
}

// Result is what Exec reports.
type Result struct{ rowsAffected int64 }

// LastInsertId is not available: Twilio's keys are string Sids.
func (Result) LastInsertId() (int64, error) {
	return 0, errors.New("twilio: Twilio Sids are strings, not integers: read the new Sid with QueryRow(\"INSERT …\").Scan(&sid)")
}

// RowsAffected is the number of resources created, updated or deleted.
func (r Result) RowsAffected() (int64, error) { return r.rowsAffected, nil }

// Exec runs a statement and reports how many resources it changed. A SELECT
// is run and drained, changing nothing.
func (s *Statement) Exec(ctx context.Context, env *exec.Env, nv []driver.NamedValue) (Result, error) {
	rows, err := s.Query(ctx, env, nv)
	if err != nil {
		return Result{}, err
	}
	defer rows.Close()
	if !s.IsQuery() {
		return Result{rowsAffected: rows.Affected}, nil
	}
	dest := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				return Result{}, nil
			}
			return Result{}, err
		}
	}
}

// singleWriteTable refuses an UPDATE or DELETE of a join.
func singleWriteTable(verb string, from sqlparser.TableExprs) error {
	if len(from) == 1 {
		if _, ok := from[0].(*sqlparser.AliasedTableExpr); ok {
			return nil
		}
	}
	return fmt.Errorf("twilio: %s of several tables (a join) is not supported: %s one table, with WHERE Sid IN (SELECT …) to pick the rows", verb, verb)
}
