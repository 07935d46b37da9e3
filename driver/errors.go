package driver

import (
	"errors"

	"github.com/twiliosql/twiliosql/planner"
	"github.com/twiliosql/twiliosql/rest"
)

// ErrNoTransactions is returned by BeginTx: Twilio applies each request on
// its own and cannot roll one back.
var ErrNoTransactions = errors.New("twilio: Twilio has no transactions: run each statement on its own (a failed multi-row write reports which rows it changed)")

// Error is an error answer from Twilio (Status, Code, Message, MoreInfo).
// Reach it with errors.As(err, &e) where e is a *driver.Error.
type Error = rest.Error

// PartialWriteError reports a write that stopped part way and lists the
// resources it had already changed.
type PartialWriteError = planner.PartialWriteError
