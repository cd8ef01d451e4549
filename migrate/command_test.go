package migrate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandArgumentErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(CommandEnv) error
		want error
	}{
		{"unknown subcommand", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"up"}) }, ErrUsage},
		{"rollback not a number", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"rollback", "abc"}) }, ErrUsage},
		{"rollback zero", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"rollback", "0"}) }, ErrUsage},
		{"rollback negative", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"rollback", "-2"}) }, ErrUsage},
		{"rollback huge", func(e CommandEnv) error {
			return MigrateCommand(ctx, e, []string{"rollback", "99999999999999999999999"})
		}, ErrUsage},
		{"rollback two args", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"rollback", "1", "2"}) }, ErrUsage},
		{"sql without name", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"sql"}) }, ErrUsage},
		{"status with argument", func(e CommandEnv) error { return MigrateCommand(ctx, e, []string{"status", "x"}) }, ErrUsage},
		{"makemigrations unknown flag", func(e CommandEnv) error { return MakeMigrationsCommand(ctx, e, []string{"--nope"}) }, ErrUsage},
		{"makemigrations positional", func(e CommandEnv) error { return MakeMigrationsCommand(ctx, e, []string{"blog"}) }, ErrUsage},
		{"makemigrations bad rename", func(e CommandEnv) error {
			return MakeMigrationsCommand(ctx, e, []string{"--rename", "users.name"})
		}, ErrUsage},
		{"makemigrations hostile rename", func(e CommandEnv) error {
			return MakeMigrationsCommand(ctx, e, []string{"--rename", `users.name="x"; DROP TABLE users`})
		}, ErrUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// No database: argument errors come before any connection.
			err := c.run(CommandEnv{Dir: t.TempDir()})
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tdb := newTestDB(t, "sqlite")
	dir := filepath.Join(t.TempDir(), "migrations")
	var out bytes.Buffer
	env := CommandEnv{DB: tdb.db, Dialect: tdb.dialect, Dir: dir, Out: &out, Models: stepModels(1)}

	run := func(t *testing.T, f func(context.Context, CommandEnv, []string) error, args ...string) string {
		t.Helper()
		out.Reset()
		if err := f(ctx, env, args); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	expect := func(t *testing.T, got string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("output lacks %q:\n%s", w, got)
			}
		}
	}

	expect(t, run(t, MakeMigrationsCommand, "--dry-run"), "var m0001Initial = migrate.Migration{")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("--dry-run wrote files: %v", err)
	}
	out.Reset()
	if err := MakeMigrationsCommand(ctx, env, []string{"--check"}); !errors.Is(err, ErrPendingChanges) {
		t.Fatalf("--check: %v", err)
	}
	expect(t, run(t, MakeMigrationsCommand), "Wrote "+filepath.Join(dir, "0001_initial.go"), "  - create table users")
	env.Migrations = makeSequence(t)[:1]
	expect(t, run(t, MakeMigrationsCommand), "No changes.")
	expect(t, run(t, MakeMigrationsCommand, "--check"), "No changes.")

	// A declared column rename through the flag, with a chosen label.
	env.Models = stepModels(2)
	env.Models[0].Fields[2] = field("full_name", env.Models[0].Fields[2].Kind, size(100))
	expect(t, run(t, MakeMigrationsCommand, "--rename", "users.name=full_name", "--name", "Rename name"),
		"0002_rename_name.go", "rename column users.name to full_name", "add column posts.slug")
	src, err := os.ReadFile(filepath.Join(dir, "migrations.go"))
	if err != nil || !bytes.Contains(src, []byte("m0002RenameName,")) {
		t.Fatalf("migrations.go: %v\n%s", err, src)
	}

	env.Migrations = makeSequence(t)[:3]
	expect(t, run(t, MigrateCommand, "status"), "[ ] 0001_initial  (pending)", "3 pending.")
	expect(t, run(t, MigrateCommand), "Applied 0001_initial", "Applied 0003_rename_users_name_display_name")
	expect(t, run(t, MigrateCommand), "No migrations to apply.")
	expect(t, run(t, MigrateCommand, "status"), "[X] 0002_add_posts_slug  (applied ", "0 pending.")
	expect(t, run(t, MigrateCommand, "sql", "0003_rename_users_name_display_name"),
		"-- 0003_rename_users_name_display_name: apply (sqlite)", "RENAME COLUMN `name` TO `display_name`;",
		"RENAME COLUMN `display_name` TO `name`;")
	expect(t, run(t, MigrateCommand, "rollback", "2"), "Rolled back 0003_rename_users_name_display_name", "Rolled back 0002_add_posts_slug")
	expect(t, run(t, MigrateCommand, "status"), "[X] 0001_initial", "[ ] 0002_add_posts_slug", "2 pending.")

	out.Reset()
	if err := MigrateCommand(ctx, env, []string{"rollback", "5"}); !errors.Is(err, ErrRollbackRange) {
		t.Fatalf("rollback 5: %v", err)
	}
	if err := MigrateCommand(ctx, env, []string{"sql", "0042_nope"}); !errors.Is(err, ErrUnknownMigration) {
		t.Fatalf("sql unknown: %v", err)
	}
}
