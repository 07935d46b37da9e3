package planner

import (
	"database/sql/driver"
	"fmt"
	"sort"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
	"github.com/xwb1989/sqlparser"
)

// Catalog queries are answered from the catalog in memory, as tables the
// normal SELECT machinery reads: information_schema.tables, .columns and
// .schemata, the results of SHOW TABLES and SHOW COLUMNS, and dual.

// virtualTable is an in-memory table.
type virtualTable struct {
	table *schema.Table
	rows  func(env *exec.Env) [][]driver.Value
}

func vcols(names ...string) []schema.Column {
	out := make([]schema.Column, len(names))
	for i, n := range names {
		typ := schema.String
		if strings.HasPrefix(n, "#") {
			n, typ = n[1:], schema.Int
		}
		// MySQL's information_schema strings compare case-insensitively
		// (utf8mb3_general_ci), and so do SHOW's WHERE conditions over them.
		out[i] = schema.Column{Name: n, Type: typ, Nullable: true, FoldCase: typ == schema.String}
	}
	return out
}

var (
	infoTables = &schema.Table{Name: "TABLES", Description: "the tables", Columns: vcols(
		"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE", "ENGINE", "#TABLE_ROWS", "TABLE_COLLATION", "TABLE_COMMENT")}
	infoColumns = &schema.Table{Name: "COLUMNS", Description: "the tables' columns", Columns: vcols(
		"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "#ORDINAL_POSITION", "COLUMN_DEFAULT", "IS_NULLABLE",
		"DATA_TYPE", "#CHARACTER_MAXIMUM_LENGTH", "#CHARACTER_OCTET_LENGTH", "#NUMERIC_PRECISION", "#NUMERIC_SCALE", "#DATETIME_PRECISION",
		"CHARACTER_SET_NAME", "COLLATION_NAME", "COLUMN_TYPE", "COLUMN_KEY", "EXTRA", "PRIVILEGES", "COLUMN_COMMENT",
		"GENERATION_EXPRESSION", "#SRS_ID")}
	infoSchemata = &schema.Table{Name: "SCHEMATA", Description: "the schemas", Columns: vcols(
		"CATALOG_NAME", "SCHEMA_NAME", "DEFAULT_CHARACTER_SET_NAME", "DEFAULT_COLLATION_NAME")}
	dualTable = &schema.Table{Name: "dual", Description: "one row, no columns"}
)

var infoSchema = map[string]virtualTable{}

func init() {
	infoSchema["tables"] = virtualTable{infoTables, func(*exec.Env) [][]driver.Value { return tablesRows() }}
	infoSchema["columns"] = virtualTable{infoColumns, func(*exec.Env) [][]driver.Value { return columnsRows() }}
	infoSchema["schemata"] = virtualTable{infoSchemata, func(*exec.Env) [][]driver.Value { return schemataRows() }}
}

// lookupVirtual finds information_schema tables and dual.
func lookupVirtual(name sqlparser.TableName) (virtualTable, bool, error) {
	q, n := name.Qualifier.String(), name.Name.String()
	if strings.EqualFold(q, "information_schema") {
		if vt, ok := infoSchema[strings.ToLower(n)]; ok {
			return vt, true, nil
		}
		return virtualTable{}, false, fmt.Errorf("twilio: information_schema has no table %q: it has %s", n, strings.Join(infoTableNames(), ", "))
	}
	if q == "" && strings.EqualFold(n, "dual") {
		return virtualTable{dualTable, func(*exec.Env) [][]driver.Value { return [][]driver.Value{{}} }}, true, nil
	}
	return virtualTable{}, false, nil
}

func infoTableNames() []string {
	names := make([]string, 0, len(infoSchema))
	for _, vt := range infoSchema {
		names = append(names, vt.table.Name)
	}
	sort.Strings(names)
	return names
}

func tablesRows() [][]driver.Value {
	var out [][]driver.Value
	for _, t := range schema.Tables() {
		out = append(out, []driver.Value{"def", eval.DatabaseName, t.Name, "BASE TABLE", "Twilio", nil, "utf8mb4_bin", t.Description})
	}
	for _, n := range infoTableNames() {
		out = append(out, []driver.Value{"def", "information_schema", n, "SYSTEM VIEW", "MEMORY", nil, "utf8mb4_bin", ""})
	}
	return out
}

func columnsRows() [][]driver.Value {
	var out [][]driver.Value
	add := func(db string, t *schema.Table, virtual bool) {
		for i, c := range t.Columns {
			dataType, colType := sqlTypeNames(c.Type)
			var charLen, octetLen, numPrec, numScale, dtPrec, charset, collation driver.Value
			switch c.Type {
			case schema.String, schema.JSON:
				charLen, octetLen, charset, collation = int64(65535), int64(4*65535), "utf8mb4", "utf8mb4_bin"
			case schema.Int:
				numPrec, numScale = int64(19), int64(0)
			case schema.Float:
				numPrec = int64(22)
			case schema.Bool:
				numPrec, numScale = int64(3), int64(0)
			case schema.Time:
				dtPrec = int64(0)
			}
			nullable := "NO"
			if c.Nullable {
				nullable = "YES"
			}
			key, privileges, comment := "", "select", ""
			if !virtual {
				key, privileges, comment = columnKey(t, c), columnPrivileges(t), columnComment(t, c)
			}
			out = append(out, []driver.Value{"def", db, t.Name, c.Name, int64(i + 1), nil, nullable, dataType,
				charLen, octetLen, numPrec, numScale, dtPrec, charset, collation, colType, key, "", privileges, comment, "", nil})
		}
	}
	for _, t := range schema.Tables() {
		add(eval.DatabaseName, t, false)
	}
	for _, n := range infoTableNames() {
		add("information_schema", infoSchema[strings.ToLower(n)].table, true)
	}
	return out
}

func schemataRows() [][]driver.Value {
	return [][]driver.Value{
		{"def", "information_schema", "utf8mb4", "utf8mb4_bin"},
		{"def", eval.DatabaseName, "utf8mb4", "utf8mb4_bin"},
	}
}

// sqlTypeNames are a type's DATA_TYPE and COLUMN_TYPE as MySQL spells them.
func sqlTypeNames(t schema.Type) (string, string) {
	if t == schema.Bool {
		return "tinyint", "tinyint(1)"
	}
	n := strings.ToLower(t.DatabaseTypeName())
	return n, n
}

// columnKey is PRI for the Sid (rows are fetched by it) and MUL for the
// columns Twilio filters lists on.
func columnKey(t *schema.Table, c schema.Column) string {
	if c.Name == "Sid" {
		return "PRI"
	}
	if _, ok := t.Filter(c.Name); ok {
		return "MUL"
	}
	return ""
}

func columnPrivileges(t *schema.Table) string {
	privs := []string{"select"}
	if t.Supports(schema.Create) {
		privs = append(privs, "insert")
	}
	if t.Supports(schema.Update) {
		privs = append(privs, "update")
	}
	if t.Supports(schema.Delete) {
		privs = append(privs, "delete")
	}
	return strings.Join(privs, ",")
}

// columnComment says what Twilio does with a condition on the column.
func columnComment(t *schema.Table, c schema.Column) string {
	var parts []string
	if c.Name == "Sid" && t.Supports(schema.Get) {
		parts = append(parts, fmt.Sprintf("Sid = / Sid IN: fetched by Sid (GET %s)", t.ItemPath))
	}
	if f, ok := t.Filter(c.Name); ok {
		parts = append(parts, f.Describe().String())
	}
	if len(c.Aliases) > 0 {
		parts = append(parts, "also named "+strings.Join(c.Aliases, ", "))
	}
	if len(parts) == 0 {
		return "evaluated here"
	}
	return strings.Join(parts, "; ")
}

// showTablesTable is SHOW [FULL] TABLES's result.
func showTablesTable(db string, full bool) (*fromItem, error) {
	var names []string
	switch {
	case strings.EqualFold(db, eval.DatabaseName) || db == "":
		db = eval.DatabaseName
		for _, t := range schema.Tables() {
			names = append(names, t.Name)
		}
	case strings.EqualFold(db, "information_schema"):
		db = "information_schema"
		names = infoTableNames()
	default:
		return nil, fmt.Errorf("twilio: unknown database %q: the tables are in %s", db, eval.DatabaseName)
	}
	cols := []string{"Tables_in_" + db}
	if full {
		cols = append(cols, "Table_type")
	}
	t := &schema.Table{Name: "SHOW TABLES", Columns: vcols(cols...)}
	kind := "BASE TABLE"
	if db == "information_schema" {
		kind = "SYSTEM VIEW"
	}
	return &fromItem{table: t, virtual: func(*exec.Env) [][]driver.Value {
		var out [][]driver.Value
		for _, n := range names {
			row := []driver.Value{n}
			if full {
				row = append(row, kind)
			}
			out = append(out, row)
		}
		return out
	}}, nil
}

// showColumnsTable is SHOW [FULL] COLUMNS FROM t's (and DESCRIBE t's) result.
func showColumnsTable(name sqlparser.TableName, full bool) (*fromItem, error) {
	var t *schema.Table
	virtual := false
	if vt, ok, err := lookupVirtual(name); err != nil {
		return nil, err
	} else if ok {
		t, virtual = vt.table, true
	} else if t, err = lookupTable(name); err != nil {
		return nil, err
	}
	names := []string{"Field", "Type"}
	if full {
		names = append(names, "Collation")
	}
	names = append(names, "Null", "Key", "Default", "Extra")
	if full {
		names = append(names, "Privileges", "Comment")
	}
	st := &schema.Table{Name: "SHOW COLUMNS", Columns: vcols(names...)}
	return &fromItem{table: st, virtual: func(*exec.Env) [][]driver.Value {
		var out [][]driver.Value
		for _, c := range t.Columns {
			_, colType := sqlTypeNames(c.Type)
			null := "NO"
			if c.Nullable {
				null = "YES"
			}
			key, privileges, comment := "", "select", ""
			if !virtual {
				key, privileges, comment = columnKey(t, c), columnPrivileges(t), columnComment(t, c)
			}
			row := []driver.Value{c.Name, colType}
			if full {
				var collation driver.Value
				if c.Type == schema.String || c.Type == schema.JSON {
					collation = "utf8mb4_bin"
				}
				row = append(row, collation)
			}
			row = append(row, null, key, nil, "")
			if full {
				row = append(row, privileges, comment)
			}
			out = append(out, row)
		}
		return out
	}}, nil
}

// showDatabasesTable is SHOW DATABASES's result.
func showDatabasesTable() *fromItem {
	t := &schema.Table{Name: "SHOW DATABASES", Columns: vcols("Database")}
	return &fromItem{table: t, virtual: func(*exec.Env) [][]driver.Value {
		return [][]driver.Value{{"information_schema"}, {eval.DatabaseName}}
	}}
}
