package sinew_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

// SetOwner stands for a package's model (auth's User): its table comes from the package's
// own migration set.
type SetOwner struct {
	orm.Model
	Email string `orm:"size=254,unique"`
}

// SetMemo is the app's model pointing to it.
type SetMemo struct {
	orm.Model
	SetOwnerID int64 `orm:"fk=SetOwner,ondelete=cascade"`
	Text       string
}

// ownerSets returns the package set creating set_owners and the app's list creating
// set_memos on top of it, as makemigrations would write them.
func ownerSets(t *testing.T) (pkg, own []migrate.Migration) {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(SetOwner{}); err != nil {
		t.Fatal(err)
	}
	pkgFile, err := migrate.Make(nil, reg.Models(), migrate.MakeConfig{Label: "owners"})
	if err != nil {
		t.Fatal(err)
	}
	pkg = []migrate.Migration{pkgFile.Migration}
	reg2 := orm.NewRegistry()
	if err := reg2.Register(SetOwner{}, SetMemo{}); err != nil {
		t.Fatal(err)
	}
	appFile, err := migrate.Make(nil, reg2.Models(), migrate.MakeConfig{Base: pkg})
	if err != nil {
		t.Fatal(err)
	}
	return pkg, []migrate.Migration{appFile.Migration}
}

func TestMigrationSets(t *testing.T) {
	t.Parallel()
	pkg, own := ownerSets(t)
	dir := t.TempDir()
	var out bytes.Buffer
	newApp := func(ms []migrate.Migration) *sinew.App {
		off := false
		app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stdout: &out, Stderr: io.Discard, AutoMigrate: &off,
			DatabaseURL: "sqlite:" + filepath.Join(dir, "app.db"), MigrationsDir: filepath.Join(dir, "migrations")})
		app.Models(SetOwner{}, SetMemo{})
		app.MigrationSet("pkg", pkg)
		app.MigrationSet("pkg", nil) // a second registration of a name is ignored
		app.Migrations(ms)
		return app
	}
	ctx := context.Background()

	// makemigrations writes the app's table only: the set owns set_owners.
	if err := newApp(nil).RunArgs(ctx, []string{"makemigrations"}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "migrations", "0001_*.go"))
	if len(files) != 1 {
		t.Fatalf("makemigrations wrote %v: %s", files, out.String())
	}
	src, _ := os.ReadFile(files[0])
	if strings.Contains(string(src), `"set_owners"`) && !strings.Contains(string(src), "ForeignKey") ||
		strings.Contains(string(src), `Name: "set_owners"`) || !strings.Contains(string(src), "set_memos") {
		t.Fatalf("the app's first migration must create set_memos only:\n%s", src)
	}
	out.Reset()
	if err := newApp(own).RunArgs(ctx, []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "pkg.0001_owners") || !strings.Contains(got, own[0].Name) {
		t.Errorf("migrate output:\n%s", got)
	}

	// Both tables exist, with the foreign key working across the sets.
	app := newApp(own)
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(ctx)
	c := orm.WithDB(ctx, app.DB())
	owner := SetOwner{Email: "ada@example.com"}
	if err := orm.Create(c, &owner); err != nil {
		t.Fatal(err)
	}
	if err := orm.Create(c, &SetMemo{SetOwnerID: owner.ID, Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if err := orm.Create(c, &SetMemo{SetOwnerID: owner.ID + 100, Text: "dangling"}); err == nil {
		t.Error("a memo pointing to no owner must be refused by the foreign key")
	}
}

// TestMigrationSetsAutoMigrate: in dev and test, Start applies the sets then the app's list.
func TestMigrationSetsAutoMigrate(t *testing.T) {
	t.Parallel()
	pkg, own := ownerSets(t)
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.Models(SetOwner{}, SetMemo{})
	app.MigrationSet("pkg", pkg)
	app.Migrations(own)
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(ctx)
	c := orm.WithDB(ctx, app.DB())
	owner := SetOwner{Email: "bob@example.com"}
	if err := orm.Create(c, &owner); err != nil {
		t.Fatal(err)
	}
	if n, err := orm.Q[SetMemo](c).Count(); err != nil || n != 0 {
		t.Fatalf("memos: %d, %v", n, err)
	}

	bad := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	bad.MigrationSet("Bad-Name", pkg)
	if err := bad.Start(ctx); err == nil || !strings.Contains(err.Error(), "migration set name") {
		t.Errorf("a bad set name must stop Start, got %v", err)
	}
}
