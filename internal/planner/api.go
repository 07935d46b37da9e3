package planner

import "github.com/twiliosql/twiliosql/internal/planner/exec"

// What a statement runs against and what it returns are the executor's
// types; the driver names them here, next to Prepare.
type (
	// Env is what a statement runs against.
	Env = exec.Env
	// Rows is a statement's result, read row by row.
	Rows = exec.Rows
	// ResultColumn names and types a result column.
	ResultColumn = exec.ResultColumn
	// PageBudget caps the pages the queries of one Connector hold fetched
	// and not yet read.
	PageBudget = exec.PageBudget
	// PartialWriteError reports a write that stopped part way.
	PartialWriteError = exec.PartialWriteError
)

// NewPageBudget returns a budget of pages shared by every query of a
// Connector (see exec.NewPageBudget).
func NewPageBudget(pages int) *PageBudget { return exec.NewPageBudget(pages) }
