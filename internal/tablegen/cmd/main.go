// Command tablegen writes schema/spec_tables.go from the vendored Twilio
// spec. Run it through `go generate ./schema`.
package main

import (
	"fmt"
	"os"

	"github.com/twiliosql/twiliosql/internal/tablegen"
)

func main() {
	out := "spec_tables.go"
	if len(os.Args) > 1 {
		out = os.Args[1]
	}
	src, err := tablegen.Source()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
