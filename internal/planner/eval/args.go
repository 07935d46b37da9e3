package eval

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// Args are a statement's bound arguments. The parser turns each "?" into
// ":v1", ":v2"…; ":name" stays. Values are bound into the plan, never spliced
// into SQL text.
type Args []driver.NamedValue

// lookup finds the value for a placeholder as the parser spells it (":v1",
// ":name", "::list").
func (a Args) lookup(placeholder string) (driver.Value, error) {
	name := strings.TrimLeft(placeholder, ":")
	if n, ok := Positional(name); ok {
		for _, nv := range a {
			if nv.Name == "" && nv.Ordinal == n {
				return nv.Value, nil
			}
		}
		return nil, fmt.Errorf("twilio: the statement has %s placeholder number %d but only %d arguments were given", "a", n, len(a))
	}
	for _, nv := range a {
		if strings.EqualFold(nv.Name, name) {
			return nv.Value, nil
		}
	}
	return nil, fmt.Errorf("twilio: no argument named %q was given: pass sql.Named(%q, value)", name, name)
}

// Positional reads the parser's names for "?" placeholders: v1, v2, ….
func Positional(name string) (int, bool) {
	if len(name) < 2 || name[0] != 'v' {
		return 0, false
	}
	n, err := strconv.Atoi(name[1:])
	return n, err == nil && n > 0
}
