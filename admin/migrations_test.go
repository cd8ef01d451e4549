package admin

import (
	"flag"
	"os"
	"testing"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

var update = flag.Bool("update", false, "rewrite the admin migration and golden files")

// TestMigrationsUpToDate: Migrations creates exactly LogEntry's table; with -update it
// writes the first migration from the model (only before it is released).
func TestMigrationsUpToDate(t *testing.T) {
	reg := orm.NewRegistry()
	if err := reg.Register(LogEntry{}); err != nil {
		t.Fatal(err)
	}
	if *update {
		f, err := migrate.Make(nil, reg.Models(), migrate.MakeConfig{Label: "admin_log", Package: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.FileName, f.Source, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := migrate.Make(Migrations(), reg.Models(), migrate.MakeConfig{Package: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if f != nil {
		t.Fatalf("LogEntry changed without a migration:\n%s", f.Source)
	}
}
