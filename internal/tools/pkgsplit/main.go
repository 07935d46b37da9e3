package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

type edit struct {
	off, n int
	text   string
}

func main() {
	dir := flag.String("dir", "planner", "package dir")
	modpath := flag.String("import", "github.com/twiliosql/twiliosql/planner", "import path of dir")
	moves := flag.String("move", "", "sub=file1,file2;sub2=...")
	renames := flag.String("rename", "", "old=New,Type.old=New")
	dry := flag.Bool("dry", false, "report only")
	force := flag.String("export", "", "package-level names to export anyway")
	upOK := flag.Bool("upok", false, "allow upward references (report only)")
	flag.Parse()

	part := map[string]string{} // base file -> sub ("" parent)
	for _, grp := range strings.Split(*moves, ";") {
		if grp == "" {
			continue
		}
		kv := strings.SplitN(grp, "=", 2)
		for _, f := range strings.Split(kv[1], ",") {
			part[strings.TrimSpace(f)] = kv[0]
		}
	}
	override := map[string]string{}
	for _, r := range strings.Split(*renames, ",") {
		if r == "" {
			continue
		}
		kv := strings.SplitN(r, "=", 2)
		override[kv[0]] = kv[1]
	}

	fset := token.NewFileSet()
	matches, _ := filepath.Glob(filepath.Join(*dir, "*.go"))
	var files []*ast.File
	src := map[string][]byte{}
	for _, m := range matches {
		b, _ := os.ReadFile(m)
		f, err := parser.ParseFile(fset, m, b, parser.ParseComments)
		if err != nil {
			panic(err)
		}
		if strings.HasSuffix(f.Name.Name, "_test") {
			continue
		}
		src[filepath.Base(m)] = b
		files = append(files, f)
	}
	for f := range part {
		if _, ok := src[f]; !ok {
			fmt.Println("no such file", f)
			os.Exit(1)
		}
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}, Implicits: map[ast.Node]types.Object{}}
	pkg, err := conf.Check("planner", fset, files, info)
	if err != nil {
		panic(err)
	}
	fileOf := func(p token.Pos) string { return filepath.Base(fset.Position(p).Filename) }
	ours := func(o types.Object) bool { return o != nil && o.Pkg() == pkg && o.Pos().IsValid() }
	pkgLevel := func(o types.Object) bool { return o.Parent() == pkg.Scope() }

	problems := 0
	// methods declared in a part other than their receiver type's
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil {
				continue
			}
			o := info.Defs[fd.Name].(*types.Func)
			recv := o.Type().(*types.Signature).Recv().Type()
			if p, ok := recv.(*types.Pointer); ok {
				recv = p.Elem()
			}
			tn := recv.(*types.Named).Obj()
			if part[fileOf(fd.Pos())] != part[fileOf(tn.Pos())] {
				fmt.Printf("METHOD %s.%s declared in %s, type in %s\n", tn.Name(), fd.Name.Name, fileOf(fd.Pos()), fileOf(tn.Pos()))
				problems++
			}
		}
	}

	export := map[types.Object]bool{}
	type use struct {
		id *ast.Ident
		o  types.Object
	}
	var uses []use
	for id, o := range info.Uses {
		if ours(o) {
			uses = append(uses, use{id, o})
		}
	}
	for id, o := range info.Defs {
		if ours(o) {
			uses = append(uses, use{id, o})
		}
	}
	up := map[string]bool{}
	for _, u := range uses {
		from, to := part[fileOf(u.id.Pos())], part[fileOf(u.o.Pos())]
		if from == to {
			continue
		}
		if to == "" && from != "" {
			key := fmt.Sprintf("UP %s -> %s: %s", fileOf(u.id.Pos()), fileOf(u.o.Pos()), u.o.Name())
			if !up[key] {
				up[key] = true
				if !*upOK {
					problems++
				}
			}
		}
		if !u.o.Exported() {
			export[u.o] = true
		}
	}
	var ups []string
	for k := range up {
		ups = append(ups, k)
	}
	sort.Strings(ups)
	for _, k := range ups {
		fmt.Println(k)
	}
	for _, n := range strings.Split(*force, ",") {
		if o := pkg.Scope().Lookup(n); o != nil {
			export[o] = true
		}
	}
	// exported interfaces defined in a sub-package: export their methods
	for _, n := range pkg.Scope().Names() {
		o := pkg.Scope().Lookup(n)
		tn, ok := o.(*types.TypeName)
		if !ok || part[fileOf(o.Pos())] == "" || !(o.Exported() || export[o]) {
			continue
		}
		if it, ok := tn.Type().Underlying().(*types.Interface); ok {
			for i := 0; i < it.NumExplicitMethods(); i++ {
				if m := it.ExplicitMethod(i); !m.Exported() {
					export[m] = true
				}
			}
		}
	}
	// methods of types implementing an exported sub-package interface
	for _, n := range pkg.Scope().Names() {
		o := pkg.Scope().Lookup(n)
		tn, ok := o.(*types.TypeName)
		if !ok || part[fileOf(o.Pos())] == "" || !(o.Exported() || export[o]) {
			continue
		}
		it, ok := tn.Type().Underlying().(*types.Interface)
		if !ok {
			continue
		}
		for _, m2 := range pkg.Scope().Names() {
			t2, ok := pkg.Scope().Lookup(m2).(*types.TypeName)
			if !ok || types.IsInterface(t2.Type()) {
				continue
			}
			if !types.Implements(t2.Type(), it) && !types.Implements(types.NewPointer(t2.Type()), it) {
				continue
			}
			ms := types.NewMethodSet(types.NewPointer(t2.Type()))
			for i := 0; i < it.NumMethods(); i++ {
				if sel := ms.Lookup(pkg, it.Method(i).Name()); sel != nil && !sel.Obj().Exported() {
					export[sel.Obj()] = true
				}
			}
		}
	}
	newName := map[types.Object]string{}
	key := func(o types.Object) string {
		if f, ok := o.(*types.Func); ok {
			if r := f.Type().(*types.Signature).Recv(); r != nil {
				t := r.Type()
				if p, ok := t.(*types.Pointer); ok {
					t = p.Elem()
				}
				if n, ok := t.(*types.Named); ok {
					return n.Obj().Name() + "." + o.Name()
				}
				return "iface." + o.Name()
			}
		}
		if v, ok := o.(*types.Var); ok && v.IsField() {
			return "field." + o.Name()
		}
		return o.Name()
	}
	for o := range export {
		nn := override[key(o)]
		if nn == "" {
			nn = override[o.Name()]
		}
		if nn == "" {
			r := []rune(o.Name())
			r[0] = unicode.ToUpper(r[0])
			nn = string(r)
		}
		newName[o] = nn
	}
	// collisions: package scope
	taken := map[string]string{}
	for _, n := range pkg.Scope().Names() {
		o := pkg.Scope().Lookup(n)
		nn := n
		if x, ok := newName[o]; ok {
			nn = x
		}
		if prev, ok := taken[nn]; ok {
			fmt.Printf("COLLISION package-level %s: %s and %s\n", nn, prev, n)
			problems++
		}
		taken[nn] = n
	}
	// collisions: method sets and fields of named types
	for _, n := range pkg.Scope().Names() {
		tn, ok := pkg.Scope().Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		names := map[string]string{}
		chk := func(o types.Object) {
			nn := o.Name()
			if x, ok := newName[o]; ok {
				nn = x
			}
			if prev, ok := names[nn]; ok && prev != o.Name() {
				fmt.Printf("COLLISION in %s: %s and %s -> %s\n", n, prev, o.Name(), nn)
				problems++
			}
			names[nn] = o.Name()
		}
		if st, ok := tn.Type().Underlying().(*types.Struct); ok {
			for i := 0; i < st.NumFields(); i++ {
				chk(st.Field(i))
			}
		}
		if nt, ok := tn.Type().(*types.Named); ok {
			for i := 0; i < nt.NumMethods(); i++ {
				chk(nt.Method(i))
			}
		}
	}

	edits := map[string][]edit{}
	needImport := map[string]map[string]bool{}
	for _, u := range uses {
		fname := fileOf(u.id.Pos())
		name := u.id.Name
		if nn, ok := newName[u.o]; ok {
			name = nn
		}
		from, to := part[fname], part[fileOf(u.o.Pos())]
		qual := ""
		if from != to && pkgLevel(u.o) {
			if _, isDef := info.Defs[u.id]; !isDef {
				q := to
				if q == "" {
					q = "planner"
				}
				qual = q + "."
				// shadowing check
				scope := pkg.Scope().Innermost(u.id.Pos())
				if scope != nil {
					if _, o := scope.LookupParent(q, u.id.Pos()); o != nil && o.Parent() != pkg.Scope() {
						fmt.Printf("SHADOW %s:%d local %q hides package for %s\n", fname, fset.Position(u.id.Pos()).Line, q, u.o.Name())
						problems++
					}
				}
				if needImport[fname] == nil {
					needImport[fname] = map[string]bool{}
				}
				needImport[fname][to] = true
			}
		}
		if name == u.id.Name && qual == "" {
			continue
		}
		off := fset.Position(u.id.Pos()).Offset
		edits[fname] = append(edits[fname], edit{off, len(u.id.Name), qual + name})
	}
	if problems > 0 {
		fmt.Println(problems, "problems")
		if !*dry {
			os.Exit(1)
		}
	}
	var exported []string
	for o, nn := range newName {
		exported = append(exported, fmt.Sprintf("%s(%s)->%s", key(o), fileOf(o.Pos()), nn))
	}
	sort.Strings(exported)
	fmt.Println("exports:", len(exported))
	for _, e := range exported {
		fmt.Println("  ", e)
	}
	if *dry {
		return
	}
	// test files: report references to moved objects by name (handled by hand)
	for fname, es := range edits {
		b := src[fname]
		sort.Slice(es, func(i, j int) bool { return es[i].off > es[j].off })
		var prev = -1
		for _, e := range es {
			if e.off == prev {
				continue
			}
			prev = e.off
			b = append(b[:e.off:e.off], append([]byte(e.text), b[e.off+e.n:]...)...)
		}
		src[fname] = b
	}
	for fname, subs := range needImport {
		b := src[fname]
		var lines []string
		for s := range subs {
			p := *modpath
			if s != "" {
				p += "/" + s
			}
			lines = append(lines, "\t\""+p+"\"")
		}
		sort.Strings(lines)
		ins := strings.Join(lines, "\n") + "\n"
		if i := bytes.Index(b, []byte("import (\n")); i >= 0 {
			j := i + len("import (\n")
			b = append(b[:j:j], append([]byte(ins), b[j:]...)...)
		} else if i := bytes.Index(b, []byte("\nimport \"")); i >= 0 {
			j := i + 1
			b = append(b[:j:j], append([]byte("import (\n"+ins+")\n"), b[j:]...)...)
		} else {
			// after package clause
			i := bytes.Index(b, []byte("\npackage "))
			if bytes.HasPrefix(b, []byte("package ")) {
				i = -1
			}
			j := bytes.IndexByte(b[i+1:], '\n') + i + 2
			b = append(b[:j:j], append([]byte("\nimport (\n"+ins+")\n"), b[j:]...)...)
		}
		src[fname] = b
	}
	for fname, b := range src {
		path := filepath.Join(*dir, fname)
		if s := part[fname]; s != "" {
			b = bytes.Replace(b, []byte("\npackage planner\n"), []byte("\npackage "+s+"\n"), 1)
			if bytes.HasPrefix(b, []byte("package planner\n")) {
				b = append([]byte("package "+s+"\n"), b[len("package planner\n"):]...)
			}
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			panic(err)
		}
		if s := part[fname]; s != "" {
			os.MkdirAll(filepath.Join(*dir, s), 0o755)
			cmd := exec.Command("git", "mv", path, filepath.Join(*dir, s, fname))
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				panic(err)
			}
		}
	}
}
