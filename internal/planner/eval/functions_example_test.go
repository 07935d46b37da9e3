package eval_test

import (
	"fmt"
	"strings"

	"github.com/twiliosql/twiliosql/internal/planner/eval"
)

// The README's function list comes from the registry; here its first lines.
func ExampleFunctionsMarkdown() {
	lines := strings.Split(eval.FunctionsMarkdown(), "\n")
	for _, l := range lines[:2] {
		fmt.Println(l)
	}
	// Output:
	// - `ABS(x)`: the absolute value of x
	// - `ADDDATE(date, INTERVAL n unit) or ADDDATE(date, days)`: date plus the interval
}
