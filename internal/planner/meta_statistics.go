package planner

import (
	"database/sql/driver"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
	"github.com/twiliosql/twiliosql/internal/planner/exec"
	"github.com/twiliosql/twiliosql/schema"
)

// information_schema.STATISTICS lists the indexes schema.Table.Indexes
// names (PRIMARY on Sid, one per filtered column), with MySQL 8's columns:
// JDBC's getPrimaryKeys and getIndexInfo read it.
var infoStatistics = &schema.Table{Name: "STATISTICS", Description: "the tables' indexes", Columns: vcols(
	"TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "#NON_UNIQUE", "INDEX_SCHEMA", "INDEX_NAME", "#SEQ_IN_INDEX",
	"COLUMN_NAME", "COLLATION", "#CARDINALITY", "#SUB_PART", "PACKED", "NULLABLE", "INDEX_TYPE", "COMMENT",
	"INDEX_COMMENT", "IS_VISIBLE", "EXPRESSION")}

func init() {
	infoSchema["statistics"] = virtualTable{infoStatistics, func(*exec.Env) [][]driver.Value { return statisticsRows() }}
}

func statisticsRows() [][]driver.Value {
	var out [][]driver.Value
	for _, t := range schema.Tables() {
		for _, ix := range t.Indexes() {
			nonUnique, nullable := int64(1), "YES"
			if ix.Unique {
				nonUnique, nullable = 0, ""
			}
			out = append(out, []driver.Value{"def", eval.DatabaseName, t.Name, nonUnique, eval.DatabaseName, ix.Name, int64(1),
				ix.Column, "A", nil, nil, nil, nullable, "BTREE", "", "", "YES", nil})
		}
	}
	return out
}
