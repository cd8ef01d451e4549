package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// MakeConfig tunes Make and MakeMigrations. The zero value is the default for every field.
type MakeConfig struct {
	// Label names the new migration NNNN_<label> (lower-cased, other characters turned into
	// underscores). Default: derived from its operations, like "add_posts_slug".
	Label string
	// Renames declares renamed tables and columns (RenameTable, RenameColumn values), on top
	// of the `orm:"renamed_from=old"` tags of the models. Default none.
	Renames []Operation
	// Empty writes a migration with no operations even when the models did not change, to
	// hold hand-written RunSQL (a data migration). Default false.
	Empty bool
	// Package is the Go package name of the migrations directory. Default "migrations".
	Package string
	// Base lists the migrations of other sets (packages such as auth and session, see
	// Config.Base) that run before the app's: the tables they create are not written into
	// the app's migrations again, and foreign keys may point to them. Default none.
	Base []Migration
}

// File is a migration produced by makemigrations.
type File struct {
	Migration Migration
	FileName  string   // e.g. "0002_add_posts_slug.go"
	Source    []byte   // gofmt-formatted Go source
	Warnings  []string // operations that may fail or lose data, for the person to review
}

// Make compares the schema that the existing migrations produce with the one the models
// describe and returns the next migration, or nil when nothing changed (and cfg.Empty is
// not set). It needs no database.
func Make(existing []Migration, models []*orm.Meta, cfg MakeConfig) (*File, error) {
	if cfg.Package == "" {
		cfg.Package = "migrations"
	}
	if err := checkNames(existing); err != nil {
		return nil, err
	}
	have, err := foldBase(cfg.Base)
	if err != nil {
		return nil, err
	}
	for _, m := range existing {
		if err := m.applyTo(have); err != nil {
			return nil, err
		}
	}
	want, err := ModelSchema(models)
	if err != nil {
		return nil, err
	}
	renames, err := modelRenames(models)
	if err != nil {
		return nil, err
	}
	ops, err := Diff(have, want, append(slices.Clone(cfg.Renames), renames...))
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 && !cfg.Empty {
		return nil, nil
	}
	next := 1
	if len(existing) > 0 {
		n, _ := ParseName(existing[len(existing)-1].Name) // checked by SchemaOf
		next = n.Number + 1
	}
	lbl := label(ops, len(existing) == 0)
	if cfg.Label != "" {
		if lbl = cutLabel(slug(cfg.Label), maxLabel); lbl == "" {
			return nil, fmt.Errorf("%w: label %q has no letters or digits", ErrInvalidName, trimForError(cfg.Label))
		}
	}
	name := Name{Number: next, Label: lbl}
	mig := Migration{Name: name.String(), Operations: ops}
	src, err := Render(mig, cfg.Package)
	if err != nil {
		return nil, err
	}
	return &File{Migration: mig, FileName: name.String() + ".go", Source: src, Warnings: reviewWarnings(have, ops)}, nil
}

// reviewWarnings lists the operations a person should look at before applying.
func reviewWarnings(before *Schema, ops []Operation) []string {
	var out []string
	s := before.clone()
	for _, op := range ops {
		switch op := op.(type) {
		case AddColumn:
			if !op.Column.Nullable && op.Column.Default == "" {
				out = append(out, fmt.Sprintf("%s: NOT NULL without a default fails if %s has rows; give the field a default, or make it nullable and backfill", op.Describe(), op.Table))
			}
		case AlterColumn:
			if old := s.Table(op.Table).Column(op.Column.Name); old != nil && old.Nullable && !op.Column.Nullable {
				out = append(out, fmt.Sprintf("%s: becomes NOT NULL, which fails if a row holds NULL; backfill first", op.Describe()))
			}
		case DropColumn, DropTable:
			out = append(out, op.Describe()+": its data is deleted; rolling back restores the structure, not the data")
		}
		_ = op.apply(s) // the operations come from Diff, which applied them already
	}
	return out
}

// indexFile is the generated file that lists the migrations.
const indexFile = "migrations.go"

// MakeMigrations runs Make and writes the new migration into dir, then rewrites dir's
// migrations.go so that All lists it last. It returns nil when nothing changed. existing
// must be the migrations compiled into the running app (migrations.All): a migration file
// in dir that the app was not rebuilt with is an error, so two runs never write the same
// number. Files are written to a temporary name and renamed, so an interrupted run leaves
// no half-written file.
func MakeMigrations(dir string, existing []Migration, models []*orm.Meta, cfg MakeConfig) (*File, error) {
	if cfg.Package == "" {
		cfg.Package = "migrations"
	}
	onDisk, err := migrationFiles(dir)
	if err != nil {
		return nil, err
	}
	compiled := make([]string, len(existing))
	for i, m := range existing {
		compiled[i] = m.Name
	}
	for _, name := range onDisk {
		if !slices.Contains(compiled, name) {
			return nil, fmt.Errorf("migrate: %s is not compiled into this binary; rebuild the app and run makemigrations again",
				filepath.Join(dir, name+".go"))
		}
	}
	for _, name := range compiled {
		if !slices.Contains(onDisk, name) {
			return nil, fmt.Errorf("migrate: migration %s is compiled into this binary but %s is missing",
				name, filepath.Join(dir, name+".go"))
		}
	}
	f, err := Make(existing, models, cfg)
	if err != nil || f == nil {
		return nil, err
	}
	index, err := renderIndex(append(compiled, f.Migration.Name), cfg.Package)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := writeFile(filepath.Join(dir, f.FileName), f.Source, true); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, indexFile), index, false); err != nil {
		return nil, err
	}
	return f, nil
}

// migrationFiles returns the names of the migration files in dir (NNNN_label.go, not
// tests), sorted; none when dir does not exist.
func migrationFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("migrate: reading %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || n == indexFile {
			continue
		}
		base := strings.TrimSuffix(n, ".go")
		if _, err := ParseName(base); err != nil {
			continue // another file of the package, such as doc.go
		}
		names = append(names, base)
	}
	slices.Sort(names)
	return names, nil
}

// writeFile writes data to path through a temporary file in the same directory. With
// exclusive, an existing file is an error instead of being replaced.
func writeFile(path string, data []byte, exclusive bool) error {
	if exclusive {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("migrate: %s already exists", path)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".makemigrations-*")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp.Name(), 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("migrate: writing %s: %w", path, werr)
	}
	return nil
}
