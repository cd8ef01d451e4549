package migrate_test

import (
	"testing"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
)

type articleV1 struct {
	orm.Model
	Title string `orm:"size=100"`
}

func (articleV1) TableName() string { return "articles" }

type articleV2 struct {
	orm.Model
	Headline string `orm:"size=100,renamed_from=title"`
}

func (articleV2) TableName() string { return "articles" }

// A rename declared with the renamed_from tag, through the real registry, becomes a
// RenameColumn, not a drop and an add.
func TestRenamedFromTagThroughRegistry(t *testing.T) {
	t.Parallel()
	r1 := orm.NewRegistry()
	if err := r1.Register(articleV1{}); err != nil {
		t.Fatal(err)
	}
	first, err := migrate.Make(nil, r1.Models(), migrate.MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	r2 := orm.NewRegistry()
	if err := r2.Register(articleV2{}); err != nil {
		t.Fatal(err)
	}
	next, err := migrate.Make([]migrate.Migration{first.Migration}, r2.Models(), migrate.MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if next == nil || len(next.Migration.Operations) != 1 {
		t.Fatalf("operations: %#v", next)
	}
	rc, ok := next.Migration.Operations[0].(migrate.RenameColumn)
	if !ok || rc.Table != "articles" || rc.From != "title" || rc.To != "headline" {
		t.Fatalf("got %#v, want RenameColumn articles title→headline", next.Migration.Operations[0])
	}
}
