package eval

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// Bounds on the work of one statement, so that a short statement cannot
// exhaust memory: MySQL's max_allowed_packet (64 MiB by default) is the
// model for the size of one computed value.
const (
	// maxValueBytes bounds one computed string or JSON value.
	maxValueBytes = 64 << 20
)

// StatementTextLimit bounds the bytes all string functions of one statement
// produce together (4 GiB, a few seconds of copying): rows stream, so this
// bounds time rather than memory. A variable so tests can lower it.
var StatementTextLimit int64 = 64 * maxValueBytes

// workBudget counts the bytes a statement's functions have produced. The
// rows of a parallel scan are evaluated concurrently, hence the atomic.
type workBudget struct{ used atomic.Int64 }

// Budget is the statement's budget, shared by every expression compiled
// with c or a compiler derived from it.
func (c *Compiler) Budget() *workBudget {
	if c.Work == nil {
		c.Work = &workBudget{}
	}
	return c.Work
}

// errValueTooLarge is MySQL's ER_WARN_ALLOWED_PACKET_OVERFLOWED made an
// error: the result would not fit in max_allowed_packet.
func errValueTooLarge(fn string, n int64) error {
	return fmt.Errorf("twilio: result of %s() would be %d bytes, larger than max_allowed_packet (%d bytes): make the value smaller", strings.ToUpper(fn), n, maxValueBytes)
}

// CheckSize refuses, before it is built, a value of n bytes.
func CheckSize(fn string, n int64) error {
	if n > maxValueBytes || n < 0 {
		return errValueTooLarge(fn, n)
	}
	return nil
}

// charge counts n bytes produced by fn against the statement's budget.
func (w *workBudget) charge(fn string, n int) error {
	if err := CheckSize(fn, int64(n)); err != nil {
		return err
	}
	if w == nil {
		return nil
	}
	if w.used.Add(int64(n)) > StatementTextLimit {
		return fmt.Errorf("twilio: the statement's functions produced more than %d MiB of text (the limit of one statement): compute less per row or read fewer rows", StatementTextLimit>>20)
	}
	return nil
}
