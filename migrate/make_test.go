package migrate

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const goldenDir = "testdata/makemigrations"

// checkGolden compares got with the golden file, or rewrites it under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name+".golden")
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./migrate -run TestMakeMigrationsGolden -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from its golden file %s\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// makeSequence runs makemigrations over the seven steps of the model history and returns
// the migrations it wrote, in order.
func makeSequence(t testing.TB) []Migration {
	t.Helper()
	var all []Migration
	for step := 1; step <= lastStep; step++ {
		f, err := Make(all, stepModels(step), MakeConfig{})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if f == nil {
			t.Fatalf("step %d: no changes found", step)
		}
		all = append(all, f.Migration)
	}
	return all
}

func TestMakeMigrationsGolden(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "migrations")
	var all []Migration
	wantNames := []string{
		"0001_initial",
		"0002_add_posts_slug",
		"0003_rename_users_name_display_name",
		"0004_alter_posts_rating",
		"0005_add_posts_author_id_slug_key",
		"0006_drop_users_created_at",
		"0007_drop_post_tags_and_more",
	}
	for step := 1; step <= lastStep; step++ {
		f, err := MakeMigrations(dir, all, stepModels(step), MakeConfig{})
		if err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if f == nil {
			t.Fatalf("step %d: no changes found", step)
		}
		if f.Migration.Name != wantNames[step-1] {
			t.Errorf("step %d: name %s, want %s", step, f.Migration.Name, wantNames[step-1])
		}
		written, err := os.ReadFile(filepath.Join(dir, f.FileName))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(written, f.Source) {
			t.Errorf("step %d: the file on disk differs from File.Source", step)
		}
		checkGolden(t, f.FileName, written)
		all = append(all, f.Migration)

		// The models now match the migrations: a second run finds nothing.
		again, err := MakeMigrations(dir, all, stepModels(step), MakeConfig{})
		if err != nil || again != nil {
			t.Fatalf("step %d: second run = %v, %v; want no changes", step, again, err)
		}
	}
	index, err := os.ReadFile(filepath.Join(dir, "migrations.go"))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "migrations.go", index)

	// The state of the migrations equals the final models.
	have, err := SchemaOf(all)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ModelSchema(stepModels(lastStep))
	if err != nil {
		t.Fatal(err)
	}
	if d := schemaDifference(have, want); d != "" {
		t.Fatalf("folded migrations differ from the models: %s", d)
	}
}

func TestMakeReviewWarnings(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)
	cases := []struct {
		step int
		want string
	}{
		{6, "drop column users.created_at: its data is deleted"},
		{7, "drop table tags: its data is deleted"},
	}
	for _, c := range cases {
		f, err := Make(all[:c.step-1], stepModels(c.step), MakeConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(f.Warnings, "\n"), c.want) {
			t.Errorf("step %d: warnings %q lack %q", c.step, f.Warnings, c.want)
		}
	}
	// A NOT NULL column without a default on an existing table is flagged.
	models := stepModels(2)
	models[1].Fields = append(models[1].Fields, field("views", orm.KindInt))
	f, err := Make(all[:2], models, MakeConfig{Label: "Add views!"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Migration.Name != "0003_add_views" {
		t.Errorf("label: got %s", f.Migration.Name)
	}
	if !strings.Contains(strings.Join(f.Warnings, "\n"), "NOT NULL without a default fails if posts has rows") {
		t.Errorf("warnings %q lack the NOT NULL one", f.Warnings)
	}
}

func TestMakeMigrationsRefusesStaleBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f, err := MakeMigrations(dir, nil, stepModels(1), MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// The app was not rebuilt: it still compiles no migrations, but 0001 is on disk.
	_, err = MakeMigrations(dir, nil, stepModels(2), MakeConfig{})
	if err == nil || !strings.Contains(err.Error(), "not compiled into this binary") {
		t.Fatalf("got %v, want a rebuild hint", err)
	}
	// A compiled migration whose file was deleted.
	if err := os.Remove(filepath.Join(dir, f.FileName)); err != nil {
		t.Fatal(err)
	}
	_, err = MakeMigrations(dir, []Migration{f.Migration}, stepModels(2), MakeConfig{})
	if err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("got %v, want a missing-file error", err)
	}
}

func TestMakeEmptyAndRenames(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)[:2]
	// An empty migration for a data migration.
	f, err := Make(all, stepModels(2), MakeConfig{Empty: true, Label: "seed tags"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Migration.Name != "0003_seed_tags" || len(f.Migration.Operations) != 0 {
		t.Fatalf("got %s with %d operations", f.Migration.Name, len(f.Migration.Operations))
	}
	// Renames declared in the config: the table tags becomes labels.
	models := stepModels(2)
	models[2].Table = "labels"
	models[1].Relations[0].JoinRefColumn = "tag_id"
	f, err = Make(all, models, MakeConfig{Renames: []Operation{RenameTable{From: "tags", To: "labels"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Migration.Operations[0].(RenameTable); !ok {
		t.Fatalf("first operation is %#v, want the table rename", f.Migration.Operations[0])
	}
	// Without the declaration, the change is a drop and a create, never a guess.
	f, err = Make(all, models, MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range f.Migration.Operations {
		if _, ok := op.(RenameTable); ok {
			t.Fatal("a rename was guessed")
		}
	}
	// A rename that is not a table or column rename is refused.
	if _, err := Make(all, models, MakeConfig{Renames: []Operation{DropTable{Name: "tags"}}}); err == nil {
		t.Fatal("a DropTable rename was accepted")
	}
}

func TestMakeRejectsBadModels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		models func() []*orm.Meta
		want   string
	}{
		{"table used twice", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "t", idField()), meta("B", "t", idField())}
		}, "used by two models"},
		{"fk to an unregistered table", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "a", idField(), field("b_id", orm.KindInt, fkOpt("B", "b", orm.Cascade)))}
		}, `references table "b", which does not exist`},
		{"hostile column name", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "a", idField(), field(`x"; DROP TABLE a; --`, orm.KindInt))}
		}, "only letters, digits and underscores"},
		{"hostile default", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "a", idField(), field("x", orm.KindInt, defaultOpt("0; DROP TABLE a")))}
		}, "a default is one expression"},
		{"set null on a NOT NULL column", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "a", idField(), field("p_id", orm.KindInt, fkOpt("A", "a", orm.SetNull)))}
		}, "needs column p_id to be nullable"},
		{"string without size", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "a", idField(), field("x", orm.KindString, size(-1)))}
		}, "string size -1"},
		{"invalid kind", func() []*orm.Meta {
			return []*orm.Meta{meta("A", "a", idField(), field("x", orm.KindInvalid))}
		}, "invalid kind"},
		{"nil model", func() []*orm.Meta { return []*orm.Meta{nil} }, "nil model"},
		{"bad rename tag", func() []*orm.Meta {
			m := stepModels(3)
			m[0].Type = reflectTypeOfBadRename()
			return m
		}, "renamed_from column"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Make(nil, c.models(), MakeConfig{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestMakeRefusesPrimaryKeyChange(t *testing.T) {
	t.Parallel()
	all := makeSequence(t)[:1]
	models := stepModels(1)
	models[2].Fields[0].Kind = orm.KindUUID
	models[2].Fields[0].AutoIncrement = false
	_, err := Make(all, models, MakeConfig{})
	if err == nil || !strings.Contains(err.Error(), "changing the primary key") {
		t.Fatalf("got %v", err)
	}
}

func TestMakeRejectsBrokenExisting(t *testing.T) {
	t.Parallel()
	broken := []Migration{{Name: "0001_x", Operations: []Operation{AddColumn{Table: "nope", Column: Column{Name: "a", Kind: orm.KindInt}}}}}
	_, err := Make(broken, stepModels(1), MakeConfig{})
	var oe *OperationError
	if !errors.As(err, &oe) || oe.Migration != "0001_x" {
		t.Fatalf("got %v, want an OperationError naming 0001_x", err)
	}
}
