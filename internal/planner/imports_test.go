package planner

import (
	"go/build"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The engine's packages in layers, each importing only from the layers
// below it (never sideways, never up): a new upward import, which would
// tie planning, fetching and evaluating back into one knot, fails here.
// Packages of the module not listed may not be imported at all, but by
// tests.
var engineLayers = [][]string{
	{"schema", "internal/rest", "internal/sqltext"}, // facts, HTTP, lexing
	{"internal/planner/eval"},                       // expressions and functions
	{"internal/planner/plan"},                       // plan nodes as data
	{"internal/planner/exec"},                       // fetching and streaming rows
	{"internal/planner"},                            // statements, plans, EXPLAIN
}

func TestEngineImportsPointDown(t *testing.T) {
	const module = "github.com/twiliosql/twiliosql/"
	layerOf := map[string]int{}
	for i, layer := range engineLayers {
		for _, p := range layer {
			layerOf[p] = i
		}
	}
	for i, layer := range engineLayers {
		for _, p := range layer {
			pkg, err := build.Default.ImportDir(filepath.Join("..", "..", p), build.ImportComment)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			// Tests may use the module's test helpers (twiliotest, …), not a
			// higher layer.
			imports := slices.Concat(pkg.Imports, pkg.TestImports)
			for n, imp := range imports {
				dep, ours := strings.CutPrefix(imp, module)
				if !ours {
					continue
				}
				at, known := layerOf[dep]
				switch {
				case !known && n >= len(pkg.Imports):
				case !known:
					t.Errorf("%s imports %s, which is not a layer of the engine (see engineLayers)", p, dep)
				case at >= i && dep != p:
					t.Errorf("%s (layer %d) imports %s (layer %d): imports must point to a lower layer", p, i, dep, at)
				}
			}
		}
	}
}
