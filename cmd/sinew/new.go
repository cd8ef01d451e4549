package main

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/template"
)

//go:embed templates
var templateFS embed.FS

const newHelp = `Usage: sinew new NAME [--module PATH] [--db sqlite|postgres|mysql] [--api-only] [--sinew-path DIR] [--force]

Creates a runnable application in the directory NAME: go.mod, main.go and app.go (the
setup that main and the tests share), resources.go (the lists generators add to), a
migrations package, a layout and a home page, a test using package testkit, .env and
.env.example, .gitignore, a README with the commands to run and test it, and a Dockerfile
building a static binary on a distroless image. Then it runs go mod tidy.

NAME is letters, digits, hyphens and underscores, starting with a letter; not a Go keyword.

Flags:
  --module PATH      the Go module path (default NAME)
  --db ENGINE        sqlite (default: an embedded file, no server), postgres or mysql
  --api-only         a JSON API without HTML pages, templates or forms
  --sinew-path DIR   a local checkout of Sinew for a replace directive in go.mod
                     (default: $SINEW_PATH; needed while the module is not published)
  --force            write into an existing NAME directory, replacing its files
`

// newData is what the templates of a new app see.
type newData struct {
	Name, Module, DB, DBName string
	TestDB                   string // the testkit constant: SQLite, Postgres or MySQL
	APIOnly                  bool
	SinewPath, SinewVersion  string
	GoVersion                string
}

// newFile is one file of a new app: its template and where it goes.
type newFile struct {
	tmpl, dest string
	html       bool // only in apps with HTML pages
}

var newFiles = []newFile{
	{tmpl: "go.mod.tmpl", dest: "go.mod"},
	{tmpl: "main.go.tmpl", dest: "main.go"},
	{tmpl: "app.go.tmpl", dest: "app.go"},
	{tmpl: "resources.go.tmpl", dest: "resources.go"},
	{tmpl: "app_test.go.tmpl", dest: "app_test.go"},
	{tmpl: "migrations/migrations.go.tmpl", dest: "migrations/migrations.go"},
	{tmpl: "templates/layouts/base.html.tmpl", dest: "templates/layouts/base.html", html: true},
	{tmpl: "templates/home.html.tmpl", dest: "templates/home.html", html: true},
	{tmpl: "env.tmpl", dest: ".env"},
	{tmpl: "env.tmpl", dest: ".env.example"},
	{tmpl: "gitignore.tmpl", dest: ".gitignore"},
	{tmpl: "README.md.tmpl", dest: "README.md"},
	{tmpl: "Dockerfile.tmpl", dest: "Dockerfile"},
}

// sinewPathEnv names a local Sinew checkout for the replace directive of new apps.
const sinewPathEnv = "SINEW_PATH"

func runNew(ctx context.Context, e *env, args []string) error {
	fset := flag.NewFlagSet("new", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	module := fset.String("module", "", "")
	db := fset.String("db", "sqlite", "")
	apiOnly := fset.Bool("api-only", false, "")
	sinewPath := fset.String("sinew-path", os.Getenv(sinewPathEnv), "")
	force := fset.Bool("force", false, "")
	name, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	if name == "" {
		return usagef("missing NAME (sinew new NAME)")
	}
	if why := checkIdent(name, true); why != "" {
		return usagef("invalid app name %q: it %s", clip(name), why)
	}
	if *module == "" {
		*module = name
	}
	if err := checkModulePath(*module); err != nil {
		return err
	}
	d := newData{Name: name, Module: *module, DB: *db, APIOnly: *apiOnly, DBName: strings.ReplaceAll(name, "-", "_"),
		SinewVersion: "v0.0.0-00010101000000-000000000000", GoVersion: goVersion()}
	switch *db {
	case "sqlite":
		d.TestDB = "SQLite"
	case "postgres", "postgresql":
		d.DB, d.TestDB = "postgres", "Postgres"
	case "mysql", "mariadb":
		d.DB, d.TestDB = "mysql", "MySQL"
	default:
		return usagef("unknown database %q: want sqlite, postgres or mysql", clip(*db))
	}
	if *sinewPath != "" {
		abs, err := filepath.Abs(*sinewPath)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
			return usagef("--sinew-path %s: no go.mod there", clip(*sinewPath))
		}
		d.SinewPath = filepath.ToSlash(abs)
	}

	root := filepath.Join(e.dir, name)
	var files []genFile
	for _, f := range newFiles {
		if f.html && d.APIOnly {
			continue
		}
		b, err := render("templates/new/"+f.tmpl, d)
		if err != nil {
			return err
		}
		files = append(files, genFile{path: f.dest, data: b})
	}
	if err := writeFiles(e, root, files, *force); err != nil {
		return err
	}
	if e.noPostGen {
		return nil
	}
	if d.SinewPath == "" {
		fmt.Fprintf(e.stdout, "\nNo local Sinew checkout was given (--sinew-path or $%s): go.mod requires a\npublished version; run go mod tidy in %s once it can be fetched.\n", sinewPathEnv, name)
	} else {
		if err := step(ctx, e, "running go mod tidy", root, "mod", "tidy"); err != nil {
			return fmt.Errorf("go mod tidy in %s: %w", name, err)
		}
	}
	fmt.Fprintf(e.stdout, "\nDone. Next:\n  cd %s\n  go run .        # http://localhost:8080\n  go test ./...\n", name)
	return nil
}

// parseInterspersed parses flags that may come before or after one positional argument.
func parseInterspersed(fset *flag.FlagSet, args []string) (string, error) {
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", errHelp
			}
			return "", usagef("%v", err)
		}
		args = fset.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	switch len(pos) {
	case 0:
		return "", nil
	case 1:
		return pos[0], nil
	}
	return "", usagef("unexpected argument %q", clip(pos[1]))
}

// checkModulePath checks a module path for go.mod.
func checkModulePath(p string) error {
	if p == "" || len(p) > 200 || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") || strings.Contains(p, "..") {
		return usagef("invalid module path %q", clip(p))
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~/", r)) {
			return usagef("invalid module path %q: unexpected %q", clip(p), r)
		}
	}
	return nil
}

// goVersion returns the language version for go.mod: the toolchain's major.minor.0.
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return "1.26.0"
	}
	minor := parts[1]
	if i := strings.IndexFunc(minor, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = minor[:i]
	}
	return parts[0] + "." + minor + ".0"
}

// render executes an embedded template with [[ ]] delimiters (so that Go templates in the
// generated files pass through) and gofmts Go files.
func render(name string, data any) ([]byte, error) {
	src, err := templateFS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	t, err := template.New(filepath.Base(name)).Delims("[[", "]]").Funcs(template.FuncMap{
		"lower": strings.ToLower, "upperFirst": upperFirst, "backquote": func(s string) string { return "`" + s + "`" },
	}).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	if strings.HasSuffix(name, ".go.tmpl") {
		out, err := format.Source(b.Bytes())
		if err != nil {
			return nil, fmt.Errorf("template %s made invalid Go: %w\n%s", name, err, b.Bytes())
		}
		return out, nil
	}
	return b.Bytes(), nil
}

// genFile is a file to write, relative to the app's root.
type genFile struct {
	path string
	data []byte
	// update marks a file the generator rewrites on purpose (resources.go): it is
	// written even when it exists.
	update bool
}

// writeFiles writes files under root after checking, first, that none of them exists
// (unless force), so a refusal writes nothing. It prints each file it writes.
func writeFiles(e *env, root string, files []genFile, force bool) error {
	if !force {
		var exist []string
		for _, f := range files {
			if f.update {
				continue
			}
			if _, err := os.Lstat(filepath.Join(root, f.path)); err == nil {
				exist = append(exist, filepath.ToSlash(filepath.Join(filepath.Base(root), f.path)))
			} else if !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if len(exist) > 0 {
			more := ""
			if len(exist) > 1 {
				more = fmt.Sprintf(" (and %d more)", len(exist)-1)
			}
			return fmt.Errorf("%s already exists%s: nothing written (use --force to overwrite)", exist[0], more)
		}
	}
	for _, f := range files {
		p := filepath.Join(root, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		verb := "create"
		if _, err := os.Stat(p); err == nil {
			verb = "update"
			if !f.update {
				verb = "overwrite"
			}
		}
		if err := writeAtomic(p, f.data); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "  %-9s %s\n", verb, display(e.dir, p))
	}
	return nil
}

// writeAtomic writes a file through a temporary file and a rename, so that an interrupted
// run leaves the old file or the new one, never half of one.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sinew-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// display returns path relative to dir when it is inside it, for messages.
func display(dir, path string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		if rel, err := filepath.Rel(abs, path); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}
