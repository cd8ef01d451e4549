package migrate

import (
	"context"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
)

// A package (auth, the session store) owns its tables and ships its migrations as a set of
// its own; the app's models point to them.
type baseUser struct {
	orm.Model
	Email string `orm:"size=254,unique"`
}

type baseNote struct {
	orm.Model
	BaseUserID int64 `orm:"fk=baseUser,ondelete=cascade"`
	Text       string
}

// TestBaseSets: makemigrations with Base writes only the app's own tables, the app's
// Migrator folds from the base so its foreign keys resolve, and each set applies and rolls
// back on its own history table on every database.
func TestBaseSets(t *testing.T) {
	t.Parallel()
	reg := orm.NewRegistry()
	if err := reg.Register(baseUser{}, baseNote{}); err != nil {
		t.Fatal(err)
	}
	userMeta := reg.Table("base_users")
	if userMeta == nil {
		t.Fatal("no base_users table registered")
	}
	pkgFile, err := Make(nil, []*orm.Meta{userMeta}, MakeConfig{Label: "users"})
	if err != nil || pkgFile == nil {
		t.Fatalf("package set: %v, %v", pkgFile, err)
	}
	pkg := []Migration{pkgFile.Migration}

	appFile, err := Make(nil, reg.Models(), MakeConfig{Base: pkg})
	if err != nil || appFile == nil {
		t.Fatalf("app set: %v, %v", appFile, err)
	}
	src := string(appFile.Source)
	if strings.Contains(src, `Name: "base_users"`) || !strings.Contains(src, "base_notes") {
		t.Fatalf("the app's migration must create base_notes only:\n%s", src)
	}
	app := []Migration{appFile.Migration}
	if again, err := Make(app, reg.Models(), MakeConfig{Base: pkg}); err != nil || again != nil {
		t.Fatalf("second run: %v, %v", again, err)
	}

	want, err := ModelSchema(reg.Models())
	if err != nil {
		t.Fatal(err)
	}
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		pm := newMigrator(t, tdb, pkg, Config{Table: "sinew_pkg_migrations"})
		am := newMigrator(t, tdb, app, Config{Base: pkg})
		if _, err := pm.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := am.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		assertSchema(t, tdb, want, "both sets")
		if got := appliedNames(t, am); len(got) != 1 || got[0] != app[0].Name {
			t.Errorf("app history %v", got)
		}
		if got := appliedNames(t, pm); len(got) != 1 || got[0] != pkg[0].Name {
			t.Errorf("package history %v", got)
		}
		if _, err := am.Rollback(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := pm.Rollback(ctx, 1); err != nil {
			t.Fatal(err)
		}
		assertSchema(t, tdb, &Schema{}, "after rollback")
	})
}
