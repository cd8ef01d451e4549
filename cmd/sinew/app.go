package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
)

// sinewModule is the framework's module path.
const sinewModule = "github.com/sinewdev/sinew"

// appInfo is what generators learn about the app they run in.
type appInfo struct {
	root     string
	module   string
	apiOnly  bool            // no templates directory
	usesAuth bool            // the main package imports the auth package
	hasAdmin bool            // the app has an admin site (Resources.Admin in app.go)
	makers   map[string]bool // the make<Model> test helpers generated tests define
	models   map[string]bool // the struct types of the main package that embed orm.Model
	testDB   string
}

// findApp returns the directory of the Sinew app that holds dir: the nearest directory,
// dir or above, with a go.mod requiring (or being) the framework's module.
func findApp(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			mf, err := modfile.ParseLax("go.mod", data, nil)
			if err != nil {
				return "", fmt.Errorf("%s: %w", filepath.Join(d, "go.mod"), err)
			}
			for _, r := range mf.Require {
				if r.Mod.Path == sinewModule {
					return d, nil
				}
			}
			return "", usagef("not inside a Sinew app: %s does not require %s (run sinew new NAME first)", filepath.Join(d, "go.mod"), sinewModule)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if filepath.Dir(d) == d {
			return "", usagef("not inside a Sinew app: no go.mod in %s or above (run sinew new NAME first)", abs)
		}
	}
}

// loadApp reads what generators need from the app holding dir.
func loadApp(dir string) (*appInfo, error) {
	root, err := findApp(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil || mf.Module == nil {
		return nil, fmt.Errorf("%s: no module line", filepath.Join(root, "go.mod"))
	}
	a := &appInfo{root: root, module: mf.Module.Mod.Path, models: map[string]bool{}, makers: map[string]bool{}, testDB: "SQLite"}
	if st, err := os.Stat(filepath.Join(root, "templates")); err != nil || !st.IsDir() {
		a.apiOnly = true
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, root, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("reading the app's Go files: %w", err)
	}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			ormName := ""
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				switch p {
				case sinewModule + "/auth":
					a.usesAuth = true
				case sinewModule + "/admin":
					a.hasAdmin = a.hasAdmin || f.Name.Name == "main" && strings.Contains(string(mustRead(fset.File(f.Pos()).Name())), "Admin *admin.Site")
				case sinewModule + "/orm":
					ormName = "orm"
					if imp.Name != nil {
						ormName = imp.Name.Name
					}
				}
			}
			if ormName == "" {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				ts, ok := n.(*ast.TypeSpec)
				if !ok {
					return true
				}
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					return false
				}
				for _, fld := range st.Fields.List {
					if len(fld.Names) > 0 {
						continue
					}
					if sel, ok := fld.Type.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.Ident); ok && x.Name == ormName && (sel.Sel.Name == "Model" || sel.Sel.Name == "UUIDModel") {
							a.models[ts.Name.Name] = true
						}
					}
				}
				return false
			})
		}
	}
	// The make<Model> helpers of the tests, which generated tests use for related objects.
	tests, err := parser.ParseDir(fset, root, func(fi fs.FileInfo) bool { return strings.HasSuffix(fi.Name(), "_test.go") }, parser.SkipObjectResolution)
	if err == nil {
		for _, pkg := range tests {
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && strings.HasPrefix(fd.Name.Name, "make") {
						a.makers[fd.Name.Name] = true
					}
				}
			}
		}
	}
	// The test database the app chose at sinew new.
	if b, err := os.ReadFile(filepath.Join(root, "app_test.go")); err == nil {
		for _, db := range []string{"Postgres", "MySQL"} {
			if bytes.Contains(b, []byte("testDatabase = testkit."+db)) {
				a.testDB = db
			}
		}
	}
	return a, nil
}

// mustRead returns the content of a file that was just parsed, nil if it cannot be read.
func mustRead(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}

// addToLists returns the files of the app holding the models and resources lists
// (resources.go as sinew new writes it, or wherever they were moved), with model (a type
// name, "" for none) added to the first and the register functions to the second; an entry
// already there is not added twice. The files are relative to root.
func addToLists(root, model string, register []string) ([]genFile, error) {
	edited := map[string][]byte{}
	var order []string
	add := func(list, text string) error {
		path, err := findList(root, list)
		if err != nil {
			return err
		}
		src, ok := edited[path]
		if !ok {
			if src, err = os.ReadFile(filepath.Join(root, path)); err != nil {
				return err
			}
			order = append(order, path)
		}
		out, err := addToList(src, list, text)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		edited[path] = out
		return nil
	}
	if model != "" {
		if err := add("models", model+"{}"); err != nil {
			return nil, err
		}
	}
	for _, r := range register {
		if err := add("resources", r); err != nil {
			return nil, err
		}
	}
	var files []genFile
	for _, p := range order {
		files = append(files, genFile{path: p, data: edited[p], update: true})
	}
	return files, nil
}

// findList returns the file of the main package (not a test) that declares the variable
// list with a composite literal: resources.go first, then the others by name.
func findList(root, list string) (string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", err
	}
	names := []string{"resources.go"}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") && n != "resources.go" {
			names = append(names, n)
		}
	}
	for _, n := range names {
		src, err := os.ReadFile(filepath.Join(root, n))
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), n, src, parser.SkipObjectResolution)
		if err != nil || f.Name.Name != "main" {
			continue
		}
		if listLit(f, list) != nil {
			return n, nil
		}
	}
	return "", usagef("no %s list in the app (var %s = []...{...} in a file of package main, as sinew new writes in resources.go)", list, list)
}

// listLit returns the composite literal assigned to the package variable list, or nil.
func listLit(f *ast.File, list string) *ast.CompositeLit {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if n.Name == list && i < len(vs.Values) {
					if cl, ok := vs.Values[i].(*ast.CompositeLit); ok {
						return cl
					}
				}
			}
		}
	}
	return nil
}

// addToList adds the element text at the end of the composite literal of the variable
// list in src, unless it is there, and returns the gofmt-ed source.
func addToList(src []byte, list, text string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "resources.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	cl := listLit(f, list)
	if cl == nil {
		return nil, fmt.Errorf("no %s list (var %s = []...{...})", list, list)
	}
	for _, elt := range cl.Elts {
		var b bytes.Buffer
		_ = format.Node(&b, token.NewFileSet(), elt)
		if b.String() == text {
			return src, nil
		}
	}
	// Insert after the last element (and its comma), or after the opening brace.
	at := fset.Position(cl.Lbrace).Offset + 1
	needComma := false
	if n := len(cl.Elts); n > 0 {
		at = fset.Position(cl.Elts[n-1].End()).Offset
		if at < len(src) && src[at] == ',' {
			at++
		} else {
			needComma = true
		}
		// Keep a comment that ends the last element's line with that element.
		j := at
		for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
			j++
		}
		if !needComma && j+1 < len(src) && src[j] == '/' && src[j+1] == '/' {
			for j < len(src) && src[j] != '\n' {
				j++
			}
			at = j
		}
	}
	out := make([]byte, 0, len(src)+len(text)+4)
	out = append(out, src[:at]...)
	if needComma {
		out = append(out, ',')
	}
	out = append(out, "\n"+text+",\n"...)
	out = append(out, src[at:]...)
	res, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("after the edit: %w", err)
	}
	return res, nil
}
