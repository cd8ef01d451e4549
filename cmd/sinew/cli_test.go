package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sinew runs the command line in dir without the steps that need the go command, and
// returns the exit code and both outputs.
func sinew(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, dir: dir, noPostGen: true})
	return code, out.String(), errb.String()
}

// snapshot lists the files under dir with their contents.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// newApp makes an app with sinew new (no go mod tidy) in a temporary directory and returns
// its folder.
func newApp(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	code, _, stderr := sinew(t, dir, append([]string{"new", "demo"}, args...)...)
	if code != 0 {
		t.Fatalf("sinew new: exit %d: %s", code, stderr)
	}
	return filepath.Join(dir, "demo")
}

func TestHelpAndExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{nil, 2, "Usage: sinew COMMAND", ""},
		{[]string{"help"}, 0, "Commands:", ""},
		{[]string{"--help"}, 0, "generate", ""},
		{[]string{"help", "new"}, 0, "Usage: sinew new NAME", ""},
		{[]string{"help", "nope"}, 2, "", `unknown command "nope"`},
		{[]string{"new", "--help"}, 0, "--api-only", ""},
		{[]string{"generate", "--help"}, 0, "references", ""},
		{[]string{"generate", "scaffold", "-h"}, 0, "Field types", ""},
		{[]string{"dev", "--help"}, 0, "Usage: sinew dev", ""},
		{[]string{"migrate", "--help"}, 2, "", "not inside a Sinew app"}, // the app answers --help; here there is none
		{[]string{"version"}, 0, "sinew ", ""},
		{[]string{"version", "x"}, 2, "", "takes no arguments"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"new", "--nope"}, 2, "", "flag provided but not defined"},
		{[]string{"dev", "extra"}, 2, "", "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, "_"), func(t *testing.T) {
			t.Parallel()
			code, out, errs := sinew(t, t.TempDir(), tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Errorf("error message on more than one line: %q", errs)
			}
		})
	}
}

// TestBadInput checks that every refused command line exits 2 with a one-line message and
// writes nothing.
func TestBadInput(t *testing.T) {
	t.Parallel()
	full := newApp(t)
	apiOnly := newApp(t, "--api-only")
	outside := t.TempDir()
	tests := []struct {
		name string
		dir  string
		args []string
		want string
	}{
		{"name starting with a digit", outside, []string{"new", "1abc"}, `invalid app name "1abc": it must start with a letter`},
		{"Go keyword", outside, []string{"new", "func"}, "reserved Go word"},
		{"keyword in capitals", outside, []string{"new", "Type"}, "reserved Go word"},
		{"name with a space", outside, []string{"new", "my app"}, "must not contain spaces"},
		{"name with a slash", outside, []string{"new", "../evil"}, "must start with a letter"},
		{"name with a dot", outside, []string{"new", "a.b"}, "may only hold"},
		{"empty name", outside, []string{"new", ""}, "missing NAME"},
		{"no name", outside, []string{"new"}, "missing NAME"},
		{"two names", outside, []string{"new", "a", "b"}, `unexpected argument "b"`},
		{"huge name", outside, []string{"new", strings.Repeat("a", 5000)}, "longer than 64"},
		{"control characters", outside, []string{"new", "a\x1b[31mb"}, "may only hold"},
		{"unknown database", outside, []string{"new", "demo", "--db", "oracle"}, `unknown database "oracle"`},
		{"bad module path", outside, []string{"new", "demo", "--module", "a b"}, "invalid module path"},
		{"module path with ..", outside, []string{"new", "demo", "--module", "x/../y"}, "invalid module path"},
		{"sinew path without go.mod", outside, []string{"new", "demo", "--sinew-path", outside}, "no go.mod"},
		{"generate outside an app", outside, []string{"generate", "model", "Post", "title:string"}, "not inside a Sinew app"},
		{"migrate outside an app", outside, []string{"migrate"}, "not inside a Sinew app"},
		{"dev outside an app", outside, []string{"dev"}, "not inside a Sinew app"},
		{"no kind", full, []string{"generate"}, "missing KIND"},
		{"unknown kind", full, []string{"generate", "controller", "Post"}, `unknown kind "controller"`},
		{"no model name", full, []string{"generate", "model"}, "missing NAME"},
		{"model name with a digit first", full, []string{"generate", "model", "1Post", "title:string"}, "must start with a letter"},
		{"model name keyword", full, []string{"generate", "model", "type", "title:string"}, "reserved Go word"},
		{"model name with a space", full, []string{"generate", "model", "Blog Post", "title:string"}, "must not contain spaces"},
		{"model name clash", full, []string{"generate", "model", "Resources", "title:string"}, "clashes"},
		{"auth's model name", full, []string{"generate", "scaffold", "User", "name:string"}, "already has a User model"},
		{"admin's model name", full, []string{"generate", "model", "LogEntry", "name:string"}, "already has a LogEntry model"},
		{"no fields", full, []string{"generate", "model", "Post"}, "no fields"},
		{"unknown field type", full, []string{"generate", "model", "Post", "title:varchar"}, `unknown type "varchar"`},
		{"field without type", full, []string{"generate", "model", "Post", "title"}, "want name:type"},
		{"field with too many parts", full, []string{"generate", "model", "Post", "a:string:unique:x"}, "want name:type"},
		{"field name keyword", full, []string{"generate", "model", "Post", "func:string"}, "reserved Go word"},
		{"field name digit", full, []string{"generate", "model", "Post", "1a:string"}, "must start with a letter"},
		{"unknown option", full, []string{"generate", "model", "Post", "a:string:primary"}, `unknown option "primary"`},
		{"duplicate field", full, []string{"generate", "model", "Post", "title:string", "Title:text"}, "already defined"},
		{"field named model", full, []string{"generate", "model", "Post", "model:string"}, "embedded orm.Model"},
		{"field named id", full, []string{"generate", "model", "Post", "id:int"}, "already defined"},
		{"references an unknown model", full, []string{"generate", "scaffold", "Post", "author:references:Writer"}, "unknown model Writer"},
		{"references by name", full, []string{"generate", "model", "Post", "author:references"}, "unknown model Author"},
		{"references a bad name", full, []string{"generate", "model", "Post", "author:references:9x"}, "must start with a letter"},
		{"scaffold in an API-only app", apiOnly, []string{"generate", "scaffold", "Post", "title:string"}, "--api-only"},
		{"migration name", full, []string{"generate", "migration", "add slugs"}, "must not contain spaces"},
		{"migration with fields", full, []string{"generate", "migration", "x", "a:int"}, "takes a NAME only"},
		{"unknown flag", full, []string{"generate", "model", "Post", "a:int", "--frobnicate"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, tt.dir)
			code, out, errs := sinew(t, tt.dir, tt.args...)
			if code != 2 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, want 2; stderr %q, want %q; stdout %q", code, errs, tt.want, out)
			}
			if n := strings.Count(strings.TrimSpace(errs), "\n"); n > 0 {
				t.Errorf("message on %d lines: %q", n+1, errs)
			}
			if after := snapshot(t, tt.dir); len(after) != len(before) || strings.Join(keys(after), ",") != strings.Join(keys(before), ",") {
				t.Errorf("files changed: before %v, after %v", keys(before), keys(after))
			} else {
				for k, v := range before {
					if after[k] != v {
						t.Errorf("%s changed", k)
					}
				}
			}
		})
	}
}

// TestRefuseOverwrite checks that generators and new refuse to replace files without
// --force, writing nothing, and replace them with it.
func TestRefuseOverwrite(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	if code, _, errs := sinew(t, app, "generate", "model", "Note", "text:text"); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The model now exists: a second run is refused as a duplicate model.
	code, _, errs := sinew(t, app, "generate", "model", "Note", "text:text")
	if code != 2 || !strings.Contains(errs, "model Note already exists") {
		t.Errorf("exit %d: %s", code, errs)
	}
	// A file in the way of a new model.
	if err := os.WriteFile(filepath.Join(app, "tag_api.go"), []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, app)
	code, _, errs = sinew(t, app, "generate", "resource", "Tag", "name:string")
	if code != 1 || !strings.Contains(errs, "demo/tag_api.go already exists: nothing written (use --force to overwrite)") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if after := snapshot(t, app); len(after) != len(before) || after["resources.go"] != before["resources.go"] {
		t.Errorf("files written despite the refusal: %v", keys(after))
	}
	code, out, errs := sinew(t, app, "generate", "resource", "Tag", "name:string", "--force")
	if code != 0 || !strings.Contains(out, "overwrite tag_api.go") || !strings.Contains(out, "create    tag.go") {
		t.Errorf("exit %d: %s %s", code, out, errs)
	}
	// new refuses an existing app.
	code, _, errs = sinew(t, filepath.Dir(app), "new", "demo")
	if code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("new over an app: exit %d: %s", code, errs)
	}
	res := snapshot(t, app)["resources.go"]
	if strings.Count(res, "Tag{}") != 1 || strings.Count(res, "tagAPI") != 1 || !strings.Contains(res, "Note{}") {
		t.Errorf("resources.go:\n%s", res)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, camel, lower, snake, plural string }{
		{"post", "Post", "post", "post", "posts"},
		{"BlogPost", "BlogPost", "blogPost", "blog_post", "blog_posts"},
		{"blog_post", "BlogPost", "blogPost", "blog_post", "blog_posts"},
		{"author_id", "AuthorID", "authorID", "author_id", "author_ids"},
		{"URLSet", "URLSet", "urlSet", "url_set", "url_sets"},
		{"category", "Category", "category", "category", "categories"},
		{"box", "Box", "box", "box", "boxes"},
		{"day", "Day", "day", "day", "days"},
		{"status", "Status", "status", "status", "statuses"},
		{"HTTPRequest2", "HTTPRequest2", "httpRequest2", "http_request2", "http_request2s"},
	}
	for _, tt := range tests {
		if got := camel(tt.in); got != tt.camel {
			t.Errorf("camel(%q) = %q, want %q", tt.in, got, tt.camel)
		}
		if got := lowerCamel(tt.in); got != tt.lower {
			t.Errorf("lowerCamel(%q) = %q, want %q", tt.in, got, tt.lower)
		}
		if got := snake(tt.in); got != tt.snake {
			t.Errorf("snake(%q) = %q, want %q", tt.in, got, tt.snake)
		}
		if got := plural(snake(tt.in)); got != tt.plural {
			t.Errorf("plural(%q) = %q, want %q", tt.in, got, tt.plural)
		}
	}
}

func FuzzFieldSpec(f *testing.F) {
	for _, s := range []string{"title:string", "a:references:User", "x:decimal:unique", "::", "a:b:c:d", "é:string", "func:int"} {
		f.Add(s)
	}
	app := &appInfo{models: map[string]bool{"Post": true}, usesAuth: true}
	m := &model{Name: "Thing"}
	f.Fuzz(func(t *testing.T, spec string) {
		fld, err := parseField(app, m, spec)
		if err != nil {
			if _, ok := err.(*usageError); !ok {
				t.Fatalf("%q: not a usage error: %v", spec, err)
			}
			return
		}
		if checkIdent(fld.Name, false) != "" && !strings.HasSuffix(fld.Name, "ID") {
			t.Fatalf("%q: accepted field name %q", spec, fld.Name)
		}
	})
}

// FuzzGenerate checks that every model the generators accept renders to Go that parses
// (render gofmts it) and templates that execute.
func FuzzGenerate(f *testing.F) {
	f.Add("Post", "title:string body:text published:bool author:references:User")
	f.Add("blog_post", "a:int b:float:unique c:decimal:null d:date e:datetime f:uuid g:json h:references:Post")
	f.Add("X", "x_y:string:index")
	app := &appInfo{module: "example.com/app", models: map[string]bool{"Post": true}, makers: map[string]bool{"makePost": true}, usesAuth: true, hasAdmin: true}
	tmpls := []string{"model.go.tmpl", "model_test.go.tmpl", "api.go.tmpl", "api_test.go.tmpl", "pages.go.tmpl",
		"pages_test.go.tmpl", "admin.go.tmpl", "index.html.tmpl", "show.html.tmpl", "form.html.tmpl"}
	f.Fuzz(func(t *testing.T, name, fields string) {
		m, err := newModel(app, name, strings.Fields(fields), false)
		if err != nil {
			if _, ok := err.(*usageError); !ok {
				t.Fatalf("%q %q: not a usage error: %v", name, fields, err)
			}
			return
		}
		m.Admin = true
		for _, tm := range tmpls {
			if _, err := render("templates/generate/"+tm, m); err != nil {
				t.Fatalf("%q %q: %s: %v", name, fields, tm, err)
			}
		}
	})
}

// TestAddToList edits lists written by hand in several styles.
func TestAddToList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{"empty", "package main\n\nvar resources = []func(r *Resources) error{}\n",
			"package main\n\nvar resources = []func(r *Resources) error{\n\tx,\n}\n"},
		{"one per line", "package main\n\nvar resources = []func(r *Resources) error{\n\ta,\n\tb,\n}\n",
			"package main\n\nvar resources = []func(r *Resources) error{\n\ta,\n\tb,\n\tx,\n}\n"},
		{"one line", "package main\n\nvar resources = []func(r *Resources) error{a, b}\n",
			"package main\n\nvar resources = []func(r *Resources) error{a, b,\n\tx,\n}\n"},
		{"comment after the last", "package main\n\nvar resources = []func(r *Resources) error{\n\ta, // first\n}\n",
			"package main\n\nvar resources = []func(r *Resources) error{\n\ta, // first\n\tx,\n}\n"},
		{"already there", "package main\n\nvar resources = []func(r *Resources) error{x}\n",
			"package main\n\nvar resources = []func(r *Resources) error{x}\n"},
	}
	for _, tt := range tests {
		got, err := addToList([]byte(tt.src), "resources", "x")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tt.name, got, tt.want)
		}
	}
	for _, bad := range []string{"package main\n", "package main\nvar resources = 3\n", "not go"} {
		if _, err := addToList([]byte(bad), "resources", "x"); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestListsMoved: generators find the lists where the app keeps them, and refuse an app
// that has none.
func TestListsMoved(t *testing.T) {
	t.Parallel()
	app := newApp(t)
	res := filepath.Join(app, "resources.go")
	b, err := os.ReadFile(res)
	if err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(string(b), "var models = []any{}", "", 1)
	if err := os.WriteFile(res, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(app, "models.go"), []byte("package main\n\n// models lists the models.\nvar models = []any{\n\tExisting{}, // by hand\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := sinew(t, app, "generate", "resource", "Tag", "name:string")
	if code != 0 || !strings.Contains(out, "update    models.go") || !strings.Contains(out, "update    resources.go") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	got := snapshot(t, app)
	if !strings.Contains(got["models.go"], "Existing{}, // by hand\n\tTag{},") || !strings.Contains(got["resources.go"], "tagAPI,") {
		t.Errorf("models.go:\n%s\nresources.go:\n%s", got["models.go"], got["resources.go"])
	}

	// An app without the lists: exit 2, nothing written.
	if err := os.Remove(filepath.Join(app, "models.go")); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, app)
	code, _, errs = sinew(t, app, "generate", "model", "Note", "text:text")
	if code != 2 || !strings.Contains(errs, "no models list in the app") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if after := snapshot(t, app); len(after) != len(before) {
		t.Errorf("files written: %v", keys(after))
	}
}
