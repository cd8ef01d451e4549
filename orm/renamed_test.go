package orm_test

import (
	"testing"

	"github.com/sinewdev/sinew/orm"
)

// renamed_from belongs to the migrate package; the registry accepts it and ignores it.
func TestRenamedFromAccepted(t *testing.T) {
	t.Parallel()
	type Article struct {
		orm.Model
		Headline string `orm:"size=100,renamed_from=title"`
	}
	reg := orm.NewRegistry()
	if err := reg.Register(Article{}); err != nil {
		t.Fatal(err)
	}
	if f := orm.MetaFor[Article](reg).Field("Headline"); f == nil || f.Column != "headline" {
		t.Fatalf("field: %+v", f)
	}
}
