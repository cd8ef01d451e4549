package migrate

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sinewdev/sinew/orm"
)

// CommandEnv is what the makemigrations and migrate subcommands work on. The app fills it
// from its configuration; every field's zero value is the default described.
type CommandEnv struct {
	// DB and Dialect are the database to migrate (with SQLite, the ORM's writer pool).
	// migrate needs them; makemigrations does not.
	DB      *sql.DB
	Dialect orm.Dialect
	// Migrations are the app's migrations, compiled in (migrations.All).
	Migrations []Migration
	// Models are the registered models (the registry's Models()); makemigrations needs them.
	Models []*orm.Meta
	// Dir is the migrations directory makemigrations writes to. Default "migrations".
	Dir string
	// Package is the Go package name of Dir. Default: the directory's base name.
	Package string
	// Config tunes the Migrator; its Base (the migrations of package sets such as auth)
	// also applies to makemigrations.
	Config Config
	// Out receives the commands' output. Default io.Discard.
	Out io.Writer
}

func (env *CommandEnv) defaults() {
	if env.Dir == "" {
		env.Dir = "migrations"
	}
	if env.Package == "" {
		env.Package = filepath.Base(filepath.Clean(env.Dir))
		if checkIdent("package", env.Package) != nil {
			env.Package = "migrations"
		}
	}
	if env.Out == nil {
		env.Out = io.Discard
	}
}

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUsage, fmt.Sprintf(format, args...))
}

// renameFlags collects repeated --rename values.
type renameFlags []Operation

func (r *renameFlags) String() string { return "" }

func (r *renameFlags) Set(v string) error {
	op, err := ParseRename(v)
	if err != nil {
		return err
	}
	*r = append(*r, op)
	return nil
}

// MakeMigrationsUsage is the usage line of MakeMigrationsCommand.
const MakeMigrationsUsage = "[--name LABEL] [--empty] [--check] [--dry-run] [--rename old=new | --rename table.old=new]..."

// MakeMigrationsCommand runs `makemigrations` with the arguments after the command name:
// it writes the next migration file into env.Dir and updates migrations.go, or prints
// "No changes". --name sets the label, --empty writes an empty migration for hand-written
// RunSQL, --check writes nothing and fails with ErrPendingChanges when the models have
// changes (for CI), --dry-run prints the file instead of writing it, and --rename declares
// a renamed table (old=new) or column (table.old=new). Bad arguments wrap ErrUsage.
func MakeMigrationsCommand(ctx context.Context, env CommandEnv, args []string) error {
	env.defaults()
	fs := flag.NewFlagSet("makemigrations", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var (
		cfg           MakeConfig
		check, dryRun bool
		renames       renameFlags
	)
	fs.StringVar(&cfg.Label, "name", "", "label of the new migration")
	fs.BoolVar(&cfg.Empty, "empty", false, "write an empty migration for hand-written RunSQL")
	fs.BoolVar(&check, "check", false, "fail when the models have changes without a migration; write nothing")
	fs.BoolVar(&dryRun, "dry-run", false, "print the migration instead of writing it")
	fs.Var(&renames, "rename", "declare a rename: old=new (table) or table.old=new (column)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, ErrUsage) {
			return err
		}
		return usagef("makemigrations: %v", err)
	}
	if fs.NArg() > 0 {
		return usagef("makemigrations takes no arguments, got %q", trimForError(fs.Arg(0)))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cfg.Renames = renames
	cfg.Package = env.Package
	cfg.Base = env.Config.Base
	if check || dryRun {
		f, err := Make(env.Migrations, env.Models, cfg)
		if err != nil {
			return err
		}
		if f == nil {
			fmt.Fprintln(env.Out, "No changes.")
			return nil
		}
		if check {
			printOps(env.Out, "Pending changes for "+f.Migration.Name+":", f)
			return fmt.Errorf("%w: run makemigrations", ErrPendingChanges)
		}
		fmt.Fprintf(env.Out, "// %s\n%s", filepath.Join(env.Dir, f.FileName), f.Source)
		return nil
	}
	f, err := MakeMigrations(env.Dir, env.Migrations, env.Models, cfg)
	if err != nil {
		return err
	}
	if f == nil {
		fmt.Fprintln(env.Out, "No changes.")
		return nil
	}
	printOps(env.Out, "Wrote "+filepath.Join(env.Dir, f.FileName)+":", f)
	fmt.Fprintln(env.Out, "Review it, rebuild the app, then run: migrate")
	return nil
}

func printOps(w io.Writer, title string, f *File) {
	fmt.Fprintln(w, title)
	for _, op := range f.Migration.Operations {
		fmt.Fprintf(w, "  - %s\n", op.Describe())
	}
	if len(f.Migration.Operations) == 0 {
		fmt.Fprintln(w, "  (no operations: add RunSQL to it)")
	}
	for _, warning := range f.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
}

// MigrateUsage is the usage line of MigrateCommand.
const MigrateUsage = "[status | rollback [N] | sql NAME]"

// MigrateCommand runs `migrate` with the arguments after the command name: no argument
// applies the pending migrations, `status` lists them all, `rollback [N]` rolls back the
// last N (default 1), and `sql NAME` prints what applying and rolling back NAME runs on
// this database. Bad arguments wrap ErrUsage; an unknown NAME is ErrUnknownMigration.
func MigrateCommand(ctx context.Context, env CommandEnv, args []string) error {
	env.defaults()
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	// Check the arguments before touching the database.
	n := 1
	name := ""
	switch sub {
	case "", "status":
		if len(args) > 0 {
			return usagef("migrate %s takes no arguments, got %q", sub, trimForError(args[0]))
		}
	case "rollback":
		if len(args) > 1 {
			return usagef("migrate rollback takes at most one argument, got %d", len(args))
		}
		if len(args) == 1 {
			v, err := strconv.Atoi(args[0])
			if err != nil || v < 1 {
				return usagef("migrate rollback: N must be a positive number, got %q", trimForError(args[0]))
			}
			n = v
		}
	case "sql":
		if len(args) != 1 {
			return usagef("migrate sql needs one migration name")
		}
		name = args[0]
	default:
		return usagef("unknown migrate subcommand %q (want status, rollback or sql)", trimForError(sub))
	}
	m, err := New(env.DB, env.Dialect, env.Migrations, env.Config)
	if err != nil {
		return err
	}
	switch sub {
	case "":
		rep, err := m.Apply(ctx)
		printReport(env.Out, "Applied", rep)
		if err != nil {
			return err
		}
		if len(rep.Applied) == 0 {
			fmt.Fprintln(env.Out, "No migrations to apply.")
		}
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		printStatus(env.Out, st)
	case "rollback":
		rep, err := m.Rollback(ctx, n)
		printReport(env.Out, "Rolled back", rep)
		return err
	case "sql":
		s, err := m.SQL(ctx, name)
		if err != nil {
			return err
		}
		printScript(env.Out, env.Dialect.Name(), s)
	}
	return nil
}

func printReport(w io.Writer, verb string, rep *Report) {
	if rep == nil {
		return
	}
	for _, warning := range rep.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	for _, name := range rep.Applied {
		fmt.Fprintf(w, "%s %s\n", verb, name)
	}
}

func printStatus(w io.Writer, st []MigrationStatus) {
	if len(st) == 0 {
		fmt.Fprintln(w, "No migrations.")
		return
	}
	pending := 0
	for _, s := range st {
		mark, note := "[ ]", "pending"
		switch {
		case s.Unknown:
			mark, note = "[?]", "applied "+s.AppliedAt.Format("2006-01-02 15:04:05Z07:00")+", not among the migrations"
		case s.Modified:
			mark, note = "[!]", "applied "+s.AppliedAt.Format("2006-01-02 15:04:05Z07:00")+", modified since"
		case s.Applied:
			mark, note = "[X]", "applied "+s.AppliedAt.Format("2006-01-02 15:04:05Z07:00")
		default:
			pending++
		}
		fmt.Fprintf(w, "%s %s  (%s)\n", mark, s.Name, note)
	}
	fmt.Fprintf(w, "%d pending.\n", pending)
}

func printScript(w io.Writer, dialect string, s *Script) {
	fmt.Fprintf(w, "-- %s: apply (%s)\n", s.Name, dialect)
	for _, w2 := range s.Warnings {
		fmt.Fprintf(w, "-- warning: %s\n", w2.Message)
	}
	writeStmts(w, s.Up)
	fmt.Fprintf(w, "\n-- %s: roll back (%s)\n", s.Name, dialect)
	if s.DownErr != nil {
		fmt.Fprintf(w, "-- cannot roll back: %s\n", strings.ReplaceAll(s.DownErr.Error(), "\n", " "))
		return
	}
	writeStmts(w, s.Down)
}

func writeStmts(w io.Writer, stmts []string) {
	if len(stmts) == 0 {
		fmt.Fprintln(w, "-- (nothing to run)")
	}
	for _, st := range stmts {
		fmt.Fprintf(w, "%s;\n", st)
	}
}
