package migrate

import (
	"context"
	"database/sql"
	"testing"

	"github.com/google/uuid"

	"github.com/sinewdev/sinew/orm"
)

// The models of this file go through the real orm registry, so that the migrations are
// checked against the metadata the ORM produces (generated names, join tables, defaults).

type regAuthor struct {
	orm.Model
	Email string       `orm:"size=120,unique"`
	Bio   *string      `orm:"text"`
	Score float64      `orm:"default=1.5"`
	Role  string       `orm:"size=20,default=member"`
	Born  sql.NullTime `orm:"date"`
}

type regArticle struct {
	orm.Model
	Title    string     `orm:"size=200,index"`
	Slug     string     `orm:"unique=author_slug"`
	AuthorID int64      `orm:"fk=regAuthor,ondelete=cascade,unique=author_slug"`
	Author   *regAuthor ``
	Price    string     `orm:"decimal=10.2,default=0"`
	Draft    bool       `orm:"default=true"`
	Labels   []regLabel `orm:"m2m"`
}

type regLabel struct {
	orm.Model
	Name string `orm:"unique"`
}

type regNote struct {
	ID           uuid.UUID `orm:"pk"`
	RegArticleID int64
	Body         string `orm:"text"`
}

func TestRegistryModels(t *testing.T) {
	t.Parallel()
	reg := orm.NewRegistry()
	if err := reg.Register(regAuthor{}, regArticle{}, regLabel{}, regNote{}); err != nil {
		t.Fatal(err)
	}
	models := reg.Models()
	f, err := Make(nil, models, MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "registry_"+f.FileName, f.Source)
	ms := []Migration{f.Migration}
	if again, err := Make(ms, models, MakeConfig{}); err != nil || again != nil {
		t.Fatalf("second run: %v, %v", again, err)
	}
	want, err := ModelSchema(models)
	if err != nil {
		t.Fatal(err)
	}
	forEachDB(t, func(t *testing.T, tdb *testDB) {
		ctx := context.Background()
		m := newMigrator(t, tdb, ms, Config{})
		if _, err := m.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		assertSchema(t, tdb, want, "registry models")
		if _, err := m.Rollback(ctx, 1); err != nil {
			t.Fatal(err)
		}
		assertSchema(t, tdb, &Schema{}, "after rollback")
	})
}
