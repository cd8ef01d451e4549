package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

const generateHelp = `Usage: sinew generate KIND NAME [field:type[:option] ...] [--force] [--skip-migration]

Run inside an app made by sinew new. KIND is one of:

  model      the model (NAME.go) and its test; registered in resources.go
  resource   the model and a typed JSON API under /api/<names> (list with limit and
             offset, get, create, update, delete; documented at /docs), with tests
  scaffold   the model and HTML pages under /<names> (list, show, new, edit, delete) with
             forms bound and validated by package form, its admin registration (when the
             app mounts the admin site), with tests
  migration  an empty migration NAME for data changes (go run . makemigrations --empty)

Model and resource generators then run "go run . makemigrations" to write the migration of
the new table (--skip-migration to leave that to you).

Field types:
  string     a VARCHAR(255) string        text       an unbounded string
  int        int64                        float      float64
  decimal    a NUMERIC(10,2) in a string  bool       bool
  date       a calendar date (time.Time)  datetime   a timestamp (time.Time)
  uuid       a uuid.UUID                  json       a JSON object (map[string]any)
  references a foreign key to a model: author:references:User gives AuthorID (int64)
             referencing User (the app's own model, or auth.User); author:references
             references Author
Options (third part, except for references): unique, index, null.

Files that exist are not overwritten unless --force is given; nothing is written when any
argument is wrong. Examples:

  sinew generate scaffold Post title:string body:text published:bool author:references:User
  sinew generate resource Tag name:string:unique
  sinew generate migration backfill_slugs
`

// kinds are the field types generators know.
var kinds = []string{"string", "text", "int", "float", "decimal", "bool", "date", "datetime", "uuid", "json", "references"}

// field is one field of a generated model.
type field struct {
	Name, Column, Label string // AuthorID, author_id, Author
	Kind                string // one of kinds
	GoType              string
	Tag                 string // the struct tag's content
	Ref                 string // the referenced model as Go code: User or auth.User
	RefVar              string // a variable holding a related object in tests: author
	// Maker is the Go expression that makes a related object in tests: makeAuthor (the
	// helper generated with Author's tests), or testkit.Make[auth.User].
	Maker               string
	Unique, Index, Null bool
	// Form is true when the scaffold's form has the field; API when the JSON input does.
	Form, API bool
	// GoSample, FormSample and JSONSample are sample values as Go code, form text and
	// JSON, for the generated tests; Shown is what the show page prints for it.
	GoSample, FormSample, JSONSample, Shown string
	// ShowExpr is the template expression that prints the field on the pages.
	ShowExpr string
	// Validate is the validate tag of the field in API inputs, "" for none.
	Validate string
}

// model is what the generate templates see.
type model struct {
	Name, Var, VarPlural, Plural    string // Post, post, posts, Posts
	Label, LabelPlural, TitlePlural string // post, posts, Posts
	Path, APIPath, TemplateDir      string // /posts, /api/posts, posts
	Module                          string
	Command                         string
	Fields                          []*field
	Imports                         []string // extra imports of the model file
	Refs                            []*field // the references fields
	// Listed are the fields shown as columns of the index page.
	Listed []*field
	// BadField is a field the refusal tests fill with a bad value (too long, not a number),
	// nil when there is none; BadForm and BadJSON are that value.
	BadField         *field
	BadForm, BadJSON string
	Has              map[string]bool // kinds present
	// Search lists the text fields the admin's search box looks in; Filters the fields
	// offered as its filters.
	Search, Filters []*field
	// HasTime is true when a field is a date or datetime; RefsAuth when one references
	// auth.User; BadLong when BadField is a string given too long a value.
	HasTime, RefsAuth, BadLong bool
	// Admin is true when the scaffold registers the model in the app's admin site.
	Admin bool
}

func runGenerate(ctx context.Context, e *env, args []string) error {
	fset := flag.NewFlagSet("generate", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	force := fset.Bool("force", false, "")
	skip := fset.Bool("skip-migration", false, "")
	var pos []string
	for {
		if err := fset.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return errHelp
			}
			return usagef("%v", err)
		}
		args = fset.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) == 0 {
		return usagef("missing KIND: model, resource, scaffold or migration (sinew generate --help)")
	}
	kind := pos[0]
	switch kind {
	case "model", "resource", "scaffold", "migration":
	default:
		return usagef("unknown kind %q: want model, resource, scaffold or migration", clip(kind))
	}
	if len(pos) < 2 {
		return usagef("missing NAME (sinew generate %s NAME ...)", kind)
	}
	app, err := loadApp(e.dir)
	if err != nil {
		return err
	}
	if kind == "migration" {
		return generateMigration(ctx, e, app, pos[1], pos[2:])
	}
	if kind == "scaffold" && app.apiOnly {
		return usagef("scaffold makes HTML pages, and this app has no templates directory (--api-only): use generate resource")
	}
	m, err := newModel(app, pos[1], pos[2:], *force)
	if err != nil {
		return err
	}
	m.Command = "sinew generate " + kind + " " + strings.Join(pos[1:], " ")

	file := snake(m.Name)
	type out struct{ tmpl, dest string }
	outs := []out{{"model.go.tmpl", file + ".go"}, {"model_test.go.tmpl", file + "_test.go"}}
	var register []string
	switch kind {
	case "resource":
		outs = append(outs, out{"api.go.tmpl", file + "_api.go"}, out{"api_test.go.tmpl", file + "_api_test.go"})
		register = append(register, m.Var+"API")
	case "scaffold":
		outs = append(outs, out{"pages.go.tmpl", file + "_pages.go"}, out{"pages_test.go.tmpl", file + "_pages_test.go"},
			out{"index.html.tmpl", "templates/" + m.TemplateDir + "/index.html"},
			out{"show.html.tmpl", "templates/" + m.TemplateDir + "/show.html"},
			out{"form.html.tmpl", "templates/" + m.TemplateDir + "/form.html"})
		register = append(register, m.Var+"Pages")
		if app.hasAdmin {
			m.Admin = true
			outs = append(outs, out{"admin.go.tmpl", file + "_admin.go"})
			register = append(register, m.Var+"Admin")
		}
	}
	var files []genFile
	for _, o := range outs {
		b, err := render("templates/generate/"+o.tmpl, m)
		if err != nil {
			return err
		}
		files = append(files, genFile{path: o.dest, data: b})
	}
	lists, err := addToLists(app.root, m.Name, register)
	if err != nil {
		return err
	}
	files = append(files, lists...)
	if err := writeFiles(e, app.root, files, *force); err != nil {
		return err
	}
	if e.noPostGen {
		return nil
	}
	if m.Has["uuid"] {
		if err := step(ctx, e, "running go mod tidy (the model uses github.com/google/uuid)", app.root, "mod", "tidy"); err != nil {
			return fmt.Errorf("go mod tidy: %w", err)
		}
	}
	if *skip {
		fmt.Fprintf(e.stdout, "\nRun go run . makemigrations to write the migration of %s.\n", m.Name)
		return nil
	}
	if err := step(ctx, e, "running go run . makemigrations", app.root, "run", ".", "makemigrations", "--name", "create_"+snake(m.Plural)); err != nil {
		return fmt.Errorf("makemigrations: %w (the files above are written; fix the app and run go run . makemigrations)", err)
	}
	return nil
}

// generateMigration writes an empty migration through the app's makemigrations.
func generateMigration(ctx context.Context, e *env, app *appInfo, name string, rest []string) error {
	if len(rest) > 0 {
		return usagef("generate migration takes a NAME only, not %q", clip(rest[0]))
	}
	if why := checkIdent(name, false); why != "" {
		return usagef("invalid migration name %q: it %s", clip(name), why)
	}
	label := snake(name)
	if e.noPostGen {
		return nil
	}
	return step(ctx, e, "running go run . makemigrations --empty", app.root, "run", ".", "makemigrations", "--empty", "--name", label)
}

// newModel checks NAME and the field arguments and returns the model to generate.
func newModel(app *appInfo, name string, args []string, force bool) (*model, error) {
	if why := checkIdent(name, false); why != "" {
		return nil, usagef("invalid model name %q: it %s", clip(name), why)
	}
	goName := camel(name)
	v := lowerCamel(goName)
	if predeclared[v] || predeclared[strings.ToLower(goName)] || goName == "Resources" || goName == "Model" {
		return nil, usagef("invalid model name %q: it clashes with a name the app already uses", clip(name))
	}
	if app.usesAuth && (goName == "User" || goName == "Group" || goName == "Permission" || goName == "Token") ||
		app.hasAdmin && goName == "LogEntry" {
		return nil, usagef("invalid model name %q: the app's registry already has a %s model (auth's or the admin's); pick another name", clip(name), goName)
	}
	if app.models[goName] && !force {
		return nil, usagef("model %s already exists in the app (use --force to generate it again)", goName)
	}
	words := strings.Split(snake(goName), "_")
	words[len(words)-1] = plural(words[len(words)-1])
	pluralSnake := strings.Join(words, "_")
	m := &model{
		Name: goName, Var: v, VarPlural: lowerCamel(pluralSnake), Plural: camel(pluralSnake),
		Label: human(goName), LabelPlural: strings.ReplaceAll(pluralSnake, "_", " "),
		Path: "/" + strings.ReplaceAll(pluralSnake, "_", "-"), TemplateDir: pluralSnake,
		Module: app.module, Has: map[string]bool{},
	}
	if m.VarPlural == m.Var {
		m.VarPlural = m.Var + "List"
	}
	m.TitlePlural = upperFirst(m.LabelPlural)
	m.APIPath = "/api" + m.Path
	if len(args) == 0 {
		return nil, usagef("no fields: give at least one, as name:type (sinew generate --help)")
	}
	seen := map[string]bool{"id": true, "created_at": true, "updated_at": true}
	imports := map[string]bool{}
	for _, a := range args {
		f, err := parseField(app, m, a)
		if err != nil {
			return nil, err
		}
		if seen[f.Column] {
			return nil, usagef("field %q: a field with the column %s is already defined (id, created_at and updated_at come with orm.Model)", clip(a), f.Column)
		}
		seen[f.Column] = true
		m.Fields = append(m.Fields, f)
		m.Has[f.Kind] = true
		switch f.Kind {
		case "date", "datetime":
			imports["time"] = true
		case "uuid":
			imports["github.com/google/uuid"] = true
		case "references":
			if !f.Null {
				m.Refs = append(m.Refs, f)
			}
		}
		if len(m.Listed) < 4 && f.Kind != "text" && f.Kind != "json" {
			m.Listed = append(m.Listed, f)
		}
	}
	// The refusal tests use a string too long for its column, or a number field given text.
	for _, f := range m.Fields {
		if f.Kind == "string" {
			m.BadField, m.BadForm, m.BadJSON = f, "strings.Repeat(\"x\", 256)", "strings.Repeat(\"x\", 256)"
			break
		}
	}
	if m.BadField == nil {
		for _, f := range m.Fields {
			if f.Kind == "int" || f.Kind == "float" {
				m.BadField, m.BadForm, m.BadJSON = f, `"not a number"`, `"not a number"`
				break
			}
		}
	}
	for _, f := range m.Fields {
		if (f.Kind == "string" || f.Kind == "text") && !f.Null {
			m.Search = append(m.Search, f)
		}
		if f.Kind == "bool" || f.Kind == "date" || f.Kind == "datetime" {
			m.Filters = append(m.Filters, f)
		}
	}
	m.HasTime = m.Has["date"] || m.Has["datetime"]
	for _, r := range m.Refs {
		m.RefsAuth = m.RefsAuth || strings.HasPrefix(r.Ref, "auth.")
	}
	m.BadLong = m.BadField != nil && m.BadField.Kind == "string"
	for p := range imports {
		m.Imports = append(m.Imports, p)
	}
	sort.Strings(m.Imports)
	return m, nil
}

// parseField parses name:type[:option] (name:references[:Model] for a foreign key).
func parseField(app *appInfo, m *model, arg string) (*field, error) {
	parts := strings.Split(arg, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, usagef("field %q: want name:type or name:type:option", clip(arg))
	}
	name, kind := parts[0], strings.ToLower(parts[1])
	if why := checkIdent(name, false); why != "" {
		return nil, usagef("field %q: the name %s", clip(arg), why)
	}
	known := false
	for _, k := range kinds {
		if k == kind {
			known = true
		}
	}
	if !known {
		return nil, usagef("field %q: unknown type %q (want one of %s)", clip(arg), clip(parts[1]), strings.Join(kinds, ", "))
	}
	f := &field{Kind: kind, Form: true, API: true}
	base := camel(name)
	if kind == "references" {
		base = strings.TrimSuffix(base, "ID")
		ref := base
		if len(parts) == 3 {
			ref = parts[2]
			if why := checkIdent(ref, false); why != "" {
				return nil, usagef("field %q: the referenced model %s", clip(arg), why)
			}
			ref = camel(ref)
		}
		switch {
		case ref == m.Name || app.models[ref]:
			f.Ref = ref
		case ref == "User" && app.usesAuth:
			f.Ref = "auth.User"
		default:
			return nil, usagef("field %q: unknown model %s (the app has %s)", clip(arg), ref, knownModels(app))
		}
		f.Name, f.Column, f.Label = base+"ID", snake(base)+"_id", upperFirst(human(base))
		f.RefVar = lowerCamel(base)
		if predeclared[f.RefVar] || testLocals[f.RefVar] || f.RefVar == m.Var {
			f.RefVar += "Ref"
		}
		if f.Ref == m.Name {
			// A reference to the model itself (a parent) must be nullable: the first row
			// has none to point to.
			f.Null, f.GoType = true, "*int64"
			f.Tag = fmt.Sprintf(`orm:"fk=%s,ondelete=setnull,null" json:"%s"`, f.Ref, f.Column)
			f.ShowExpr = "{{with .%s." + f.Name + "}}{{.}}{{end}}"
			return f, nil
		}
		switch {
		case app.makers["make"+f.Ref]:
			f.Maker = "make" + f.Ref
		default:
			f.Maker = "testkit.Make[" + f.Ref + "]"
		}
		f.GoType = "int64"
		f.Tag = fmt.Sprintf(`orm:"fk=%s,ondelete=cascade" json:"%s"`, f.Ref, f.Column)
		f.Validate = "required"
		f.ShowExpr = "{{.%s." + f.Name + "}}"
		return f, nil
	}
	if len(parts) == 3 {
		switch parts[2] {
		case "unique":
			f.Unique = true
		case "index":
			f.Index = true
		case "null":
			f.Null = true
		default:
			return nil, usagef("field %q: unknown option %q (want unique, index or null)", clip(arg), clip(parts[2]))
		}
	}
	f.Name, f.Column, f.Label = base, snake(base), upperFirst(human(base))
	if f.Name == "Model" || f.Name == "TableName" {
		return nil, usagef("field %q: %s is taken by the embedded orm.Model or the ORM's methods", clip(arg), f.Name)
	}
	var opts []string
	sample := "Sample " + human(base)
	switch kind {
	case "string":
		f.GoType, opts = "string", append(opts, "size=255")
		f.Validate = "max=255"
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = fmt.Sprintf("%q", sample), sample, fmt.Sprintf("%q", sample), sample
	case "text":
		f.GoType, opts = "string", append(opts, "text")
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = fmt.Sprintf("%q", sample), sample, fmt.Sprintf("%q", sample), sample
	case "int":
		f.GoType = "int64"
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = "42", "42", "42", "42"
	case "float":
		f.GoType = "float64"
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = "1.5", "1.5", "1.5", "1.5"
	case "decimal":
		f.GoType, opts = "string", append(opts, "decimal=10.2", "default=0")
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = `"9.99"`, "9.99", `"9.99"`, "9.99"
	case "bool":
		f.GoType = "bool"
		f.GoSample, f.FormSample, f.JSONSample = "true", "true", "true"
	case "date":
		f.GoType, opts = "time.Time", append(opts, "date")
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = "time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)", "2026-01-02", `"2026-01-02T00:00:00Z"`, "2026-01-02"
	case "datetime":
		f.GoType = "time.Time"
		f.GoSample, f.FormSample, f.JSONSample, f.Shown = "time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)", "2026-01-02T15:04", `"2026-01-02T15:04:00Z"`, "2026-01-02 15:04"
	case "uuid":
		f.GoType, f.Form = "uuid.UUID", false
		f.GoSample, f.JSONSample = `uuid.MustParse("0198c2a6-5e2f-7b4a-9c1d-2f3e4a5b6c7d")`, `"0198c2a6-5e2f-7b4a-9c1d-2f3e4a5b6c7d"`
		f.Shown = "0198c2a6-5e2f-7b4a-9c1d-2f3e4a5b6c7d"
	case "json":
		f.GoType, f.Form, opts = "map[string]any", false, append(opts, "json")
		f.GoSample, f.JSONSample = `map[string]any{"key": "value"}`, `map[string]any{"key": "value"}`
	}
	if f.Null {
		opts = append(opts, "null")
		if kind != "json" {
			f.GoType = "*" + f.GoType
			f.GoSample, f.JSONSample, f.FormSample, f.Shown = "", "", "", ""
		}
	}
	if f.Unique {
		opts = append(opts, "unique")
	}
	if f.Index {
		opts = append(opts, "index")
	}
	tag := ""
	if len(opts) > 0 {
		tag = `orm:"` + strings.Join(opts, ",") + `" `
	}
	f.Tag = tag + `json:"` + f.Column + `"`
	switch {
	case kind == "bool":
		f.ShowExpr = `{{if .%s.` + f.Name + `}}yes{{else}}no{{end}}`
	case kind == "date" && !f.Null:
		f.ShowExpr = `{{date .%s.` + f.Name + ` "2006-01-02"}}`
	case kind == "datetime" && !f.Null:
		f.ShowExpr = `{{date .%s.` + f.Name + ` "2006-01-02 15:04"}}`
	case f.Null:
		f.ShowExpr = `{{with .%s.` + f.Name + `}}{{.}}{{end}}`
	default:
		f.ShowExpr = `{{.%s.` + f.Name + `}}`
	}
	return f, nil
}

// testLocals are the local names of the generated tests, which a related object's variable
// must not shadow.
var testLocals = map[string]bool{
	"made": true, "got": true, "sample": true, "mods": true, "values": true, "created": true,
	"page": true, "show": true, "body": true, "path": true, "staff": true, "tests": true,
	"tt": true, "n": true, "v": true, "list": true, "forms": true, "render": true, "tags": true,
	"total": true, "items": true, "loc": true,
}

// knownModels lists the models a reference may name.
func knownModels(app *appInfo) string {
	var names []string
	for n := range app.models {
		names = append(names, n)
	}
	if app.usesAuth {
		names = append(names, "User (auth.User)")
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "no models yet"
	}
	return strings.Join(names, ", ")
}

// Show returns the field's template expression on the value named v (Post, or the range
// dot when v is "").
func (f *field) Show(v string) string {
	if v == "" {
		return strings.ReplaceAll(f.ShowExpr, ".%s.", ".")
	}
	return strings.ReplaceAll(f.ShowExpr, "%s", v)
}
