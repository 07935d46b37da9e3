package planner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/sqltext"
	"github.com/xwb1989/sqlparser"
)

// The parser reads DESCRIBE t, SHOW COLUMNS FROM t and EXPLAIN … but keeps
// neither the table nor the statement, so these are recognised from their
// words first. SHOW and DESCRIBE become a SELECT over an in-memory table
// (their LIKE or WHERE a WHERE on it); EXPLAIN wraps the statement it
// explains.

// metaStmt is a SHOW or DESCRIBE statement.
type metaStmt struct {
	item func() (*fromItem, error) // a fresh virtual table per run
	sel  *sqlparser.Select         // SELECT * FROM it [WHERE …]
}

// word is a token of a statement.
type word struct {
	text  string // as written, without quotes
	lower string
	start int  // byte offset in the statement
	quote byte // '`', '\'', '"' or 0
}

// words splits a statement into identifiers, quoted strings (unquoted, their
// escapes applied) and single punctuation characters: the tokens of
// internal/sqltext, comments dropped.
func words(q string) []word {
	var out []word
	for _, t := range sqltext.Significant(sqltext.Lex(q)) {
		text := t.Value(q)
		out = append(out, word{text: text, lower: strings.ToLower(text), start: t.Start, quote: t.Quote(q)})
	}
	return out
}

// is reports whether w is the unquoted keyword kw.
func (w word) is(kw string) bool { return w.quote == 0 && w.lower == kw }

// recognise reads SHOW, DESCRIBE and EXPLAIN. ok is false for any other
// statement.
func recognise(q string) (*Statement, bool, error) {
	ws := words(q)
	if len(ws) == 0 {
		return nil, false, nil
	}
	switch {
	case ws[0].is("explain") || ws[0].is("describe") || ws[0].is("desc"):
		rest := ws[1:]
		// EXPLAIN FORMAT=TRADITIONAL … and EXPLAIN EXTENDED …
		for len(rest) > 0 && (rest[0].is("extended") || rest[0].is("partitions")) {
			rest = rest[1:]
		}
		if len(rest) >= 3 && rest[0].is("format") && rest[1].text == "=" {
			rest = rest[3:]
		}
		if len(rest) == 0 {
			return nil, true, fmt.Errorf("twilio: %s what? write EXPLAIN SELECT … or DESCRIBE <table>", strings.ToUpper(ws[0].text))
		}
		if rest[0].is("analyze") {
			return nil, true, errors.New("twilio: EXPLAIN ANALYZE is not supported: EXPLAIN shows the requests without making them")
		}
		switch rest[0].lower {
		case "select", "insert", "update", "delete", "replace", "with", "(":
			if rest[0].quote != 0 {
				break
			}
			inner, err := Prepare(q[rest[0].start:])
			if err != nil {
				return nil, true, err
			}
			if inner.explain != nil || inner.meta != nil {
				return nil, true, errors.New("twilio: EXPLAIN explains SELECT, INSERT, UPDATE and DELETE")
			}
			return &Statement{sql: q, explain: inner, numInput: inner.numInput}, true, nil
		}
		if rest[0].is("explain") || rest[0].is("describe") || rest[0].is("desc") || rest[0].is("show") {
			return nil, true, errors.New("twilio: EXPLAIN explains SELECT, INSERT, UPDATE and DELETE")
		}
		// DESCRIBE t [column | 'pattern']
		name, rest, err := tableNameWords(rest)
		if err != nil {
			return nil, true, err
		}
		where := ""
		if len(rest) == 1 {
			where = "`Field` LIKE " + quoteString(rest[0].text)
		} else if len(rest) > 1 {
			return nil, true, fmt.Errorf("twilio: DESCRIBE takes a table and an optional column: DESCRIBE %s [column]", sqlparser.String(name))
		}
		if _, err := showColumnsTable(name, false); err != nil {
			return nil, true, err
		}
		return metaStatement(q, where, func() (*fromItem, error) { return showColumnsTable(name, false) })
	case ws[0].is("show"):
		return recogniseShow(q, ws[1:])
	}
	return nil, false, nil
}

func recogniseShow(q string, ws []word) (*Statement, bool, error) {
	full := false
	if len(ws) > 0 && (ws[0].is("full") || ws[0].is("extended")) {
		full = ws[0].is("full")
		ws = ws[1:]
		if len(ws) > 0 && ws[0].is("full") {
			full, ws = true, ws[1:]
		}
	}
	if len(ws) == 0 {
		return nil, true, errors.New("twilio: SHOW what? SHOW TABLES, SHOW COLUMNS FROM <table> and SHOW DATABASES are supported")
	}
	kind := ws[0].lower
	ws = ws[1:]
	switch kind {
	case "tables":
		db := ""
		if len(ws) >= 2 && (ws[0].is("from") || ws[0].is("in")) {
			db, ws = ws[1].text, ws[2:]
		}
		where, err := showFilter(q, ws, "Tables_in_"+eval.DatabaseName)
		if err != nil {
			return nil, true, err
		}
		if strings.EqualFold(db, "information_schema") {
			where = strings.ReplaceAll(where, "`Tables_in_"+eval.DatabaseName+"`", "`Tables_in_information_schema`")
		}
		if _, err := showTablesTable(db, full); err != nil {
			return nil, true, err
		}
		return metaStatement(q, where, func() (*fromItem, error) { return showTablesTable(db, full) })
	case "columns", "fields":
		if len(ws) < 2 || !(ws[0].is("from") || ws[0].is("in")) {
			return nil, true, fmt.Errorf("twilio: write SHOW %sCOLUMNS FROM <table>", map[bool]string{true: "FULL ", false: ""}[full])
		}
		name, rest, err := tableNameWords(ws[1:])
		if err != nil {
			return nil, true, err
		}
		if len(rest) >= 2 && (rest[0].is("from") || rest[0].is("in")) {
			name.Qualifier = sqlparser.NewTableIdent(rest[1].text)
			rest = rest[2:]
		}
		where, err := showFilter(q, rest, "Field")
		if err != nil {
			return nil, true, err
		}
		if _, err := showColumnsTable(name, full); err != nil {
			return nil, true, err
		}
		return metaStatement(q, where, func() (*fromItem, error) { return showColumnsTable(name, full) })
	case "databases", "schemas":
		where, err := showFilter(q, ws, "Database")
		if err != nil {
			return nil, true, err
		}
		return metaStatement(q, where, func() (*fromItem, error) { return showDatabasesTable(), nil })
	}
	return nil, true, fmt.Errorf("twilio: SHOW %s is not supported: use SHOW TABLES, SHOW [FULL] COLUMNS FROM <table>, DESCRIBE <table>, SHOW DATABASES or information_schema", strings.ToUpper(kind))
}

// tableNameWords reads [db.]table from the words.
func tableNameWords(ws []word) (sqlparser.TableName, []word, error) {
	if len(ws) == 0 || (ws[0].quote != 0 && ws[0].quote != '`') {
		return sqlparser.TableName{}, nil, errors.New("twilio: a table name is missing")
	}
	name := sqlparser.TableName{Name: sqlparser.NewTableIdent(ws[0].text)}
	ws = ws[1:]
	if len(ws) >= 2 && ws[0].text == "." {
		name.Qualifier, name.Name = name.Name, sqlparser.NewTableIdent(ws[1].text)
		ws = ws[2:]
	}
	return name, ws, nil
}

// showFilter turns SHOW's LIKE 'pattern' or WHERE expr into a WHERE text.
func showFilter(q string, ws []word, column string) (string, error) {
	if len(ws) == 0 {
		return "", nil
	}
	switch {
	case ws[0].is("like") && len(ws) == 2 && ws[1].quote != 0 && ws[1].quote != '`':
		return "`" + column + "` LIKE " + quoteString(ws[1].text), nil
	case ws[0].is("where") && len(ws) > 1:
		return q[ws[1].start:], nil
	}
	return "", fmt.Errorf("twilio: after SHOW … write LIKE 'pattern' or WHERE condition, not %q", q[ws[0].start:])
}

func quoteString(s string) string {
	return sqlparser.String(sqlparser.NewStrVal([]byte(s)))
}

func metaStatement(q, where string, item func() (*fromItem, error)) (*Statement, bool, error) {
	text := "SELECT * FROM dual"
	if where != "" {
		text += " WHERE " + where
	}
	ast, err := sqlparser.ParseStrictDDL(text)
	if err != nil {
		return nil, true, syntaxError(q, err)
	}
	sel := ast.(*sqlparser.Select)
	return &Statement{sql: q, ast: sel, meta: &metaStmt{item: item, sel: sel}, numInput: countInputs(sel)}, true, nil
}
