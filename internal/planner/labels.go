package planner

import (
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/sqltext"
	"github.com/xwb1989/sqlparser"
)

// MySQL names a result column without an alias by the select item's text
// as the statement wrote it ("SELECT 1+1" gives a column "1+1", "SELECT
// LOWER( Status )" one "LOWER( Status )"), and a lone string literal by its
// value. The parser keeps no positions, so Prepare finds each item's text
// with the tokenizer and records it here for the planner (resultName).

// itemLabels maps a select item to its text as written. Keys are weak: an
// entry goes when the parsed statement holding the item is collected.
var itemLabels sync.Map // weak.Pointer[sqlparser.AliasedExpr] -> string

// labelOf is the MySQL name of an unaliased select item.
func labelOf(x *sqlparser.AliasedExpr) string {
	if v, ok := x.Expr.(*sqlparser.SQLVal); ok && v.Type == sqlparser.StrVal {
		return string(v.Val)
	}
	if s, ok := itemLabels.Load(weak.Make(x)); ok {
		return s.(string)
	}
	return eval.ExprText(x.Expr)
}

// recordLabels reads the text of every select item of q (the statement as
// the caller wrote it) and records it for the items of ast that have no
// alias. A statement whose SELECTs do not line up with the parse (it
// should not happen) keeps the parser's rendering.
func recordLabels(q string, ast sqlparser.Statement) {
	var selects []*sqlparser.Select
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if s, ok := node.(*sqlparser.Select); ok {
			selects = append(selects, s)
		}
		return true, nil
	}, ast)
	lists := selectLists(q)
	if len(lists) != len(selects) {
		return
	}
	for i, sel := range selects {
		if len(lists[i]) != len(sel.SelectExprs) {
			continue
		}
		for j, se := range sel.SelectExprs {
			ae, ok := se.(*sqlparser.AliasedExpr)
			if !ok || !ae.As.IsEmpty() {
				continue
			}
			if _, isCol := ae.Expr.(*sqlparser.ColName); isCol {
				continue // columns keep the catalog's spelling
			}
			key := weak.Make(ae)
			itemLabels.Store(key, lists[i][j])
			runtime.AddCleanup(ae, func(k weak.Pointer[sqlparser.AliasedExpr]) { itemLabels.Delete(k) }, key)
		}
	}
}

// selectModifiers may follow SELECT before the first item.
var selectModifiers = map[string]bool{
	"all": true, "distinct": true, "distinctrow": true, "straight_join": true, "high_priority": true,
	"sql_calc_found_rows": true, "sql_cache": true, "sql_no_cache": true, "sql_small_result": true,
	"sql_big_result": true, "sql_buffer_result": true,
}

// selectEnds end a select list at its own depth.
var selectEnds = map[string]bool{
	"from": true, "where": true, "group": true, "having": true, "order": true, "limit": true,
	"union": true, "into": true, "for": true, "lock": true, "window": true,
}

// selectLists is the text of each item of each SELECT of q, in the order
// the SELECTs appear.
func selectLists(q string) [][]string {
	toks := sqltext.Significant(sqltext.Lex(q))
	var out [][]string
	for i, t := range toks {
		if !t.Is(q, "select") {
			continue
		}
		j := i + 1
		for j < len(toks) && toks[j].Kind == sqltext.Word && selectModifiers[strings.ToLower(toks[j].Text(q))] {
			j++
		}
		var items []string
		first, depth := j, 0
		flush := func(end int) {
			if first < end {
				items = append(items, q[toks[first].Start:toks[end-1].End])
			}
		}
	scan:
		for ; j < len(toks); j++ {
			tk := toks[j]
			switch {
			case tk.Punct(q, '('):
				depth++
			case tk.Punct(q, ')'):
				if depth == 0 {
					break scan
				}
				depth--
			case depth == 0 && tk.Punct(q, ','):
				flush(j)
				first = j + 1
			case depth == 0 && (tk.Punct(q, ';') || tk.Kind == sqltext.Word && selectEnds[strings.ToLower(tk.Text(q))]):
				break scan
			}
		}
		flush(j)
		out = append(out, items)
	}
	return out
}
