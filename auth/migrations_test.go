package auth

import (
	"flag"
	"os"
	"testing"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

var update = flag.Bool("update", false, "write the auth migration file from the models")

func authRegistry(t testing.TB) *orm.Registry {
	t.Helper()
	reg := orm.NewRegistry()
	if err := reg.Register(Models()...); err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestMigrationsUpToDate checks that Migrations() creates exactly the models' schema, so
// that a change to the models without a new migration fails here. With -update it writes
// the first migration from scratch (only before it is released).
func TestMigrationsUpToDate(t *testing.T) {
	reg := authRegistry(t)
	if *update {
		f, err := migrate.Make(nil, reg.Models(), migrate.MakeConfig{Label: "auth_initial", Package: "auth"})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.FileName, f.Source, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := migrate.Make(Migrations(), reg.Models(), migrate.MakeConfig{Package: "auth"})
	if err != nil {
		t.Fatal(err)
	}
	if f != nil {
		t.Fatalf("the auth models changed without a migration; the next one would be:\n%s", f.Source)
	}
}
