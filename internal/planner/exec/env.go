package exec

import (
	"database/sql/driver"
	"log/slog"
	"time"

	"github.com/twiliosql/twiliosql/internal/rest"
)

// Env is what a statement runs against.
type Env struct {
	Client   *rest.Client
	PageSize int              // PageSize of list requests, 1..1000
	Now      func() time.Time // NOW() and CURDATE(); nil: time.Now
	Logger   *slog.Logger     // nil: no log

	// AllowBulkWrites permits bulk writes: UPDATE and DELETE without WHERE,
	// with an always-true WHERE, or matching every row unnarrowed.
	AllowBulkWrites bool
	// MaxWriteRows caps the resources one statement may change; 0: 100.
	MaxWriteRows int
	// ScanParallelism caps the time slices of one range scan fetched at
	// once; 0 or 1: none (pages still come one after another, the next one
	// fetched while the current one is read).
	ScanParallelism int
	// PagesPerQuery caps the pages one range scan holds read and not yet
	// emitted, the one being read included (its requests in flight may be
	// more: twice as many, at least one per worker); 0: a quarter of
	// scan_parallelism, at least 4.
	PagesPerQuery int
	// Pages is the page budget every query of a Connector shares; nil:
	// each query's own cap only.
	Pages *PageBudget
}

func (e *Env) NowValue() driver.Value {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}
