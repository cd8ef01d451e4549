package testkit

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
)

type fuzzAuthor struct {
	orm.Model
	Name  string `orm:"size=50"`
	Email string `orm:"size=100,unique"`
}

type fuzzPost struct {
	orm.Model
	Title    string `orm:"size=50"`
	Score    float64
	AuthorID int64 `orm:"fk=fuzzAuthor"`
	Author   *fuzzAuthor
}

// FuzzLoadFixtures feeds arbitrary files to the fixture loader: it must answer with an
// error or rows, never panic, and leave nothing behind when it fails.
func FuzzLoadFixtures(f *testing.F) {
	for _, s := range []string{
		"fuzzAuthor:\n  a: {name: A, email: a@x}\nfuzzPost:\n  - {title: T, author: a, score: 1.5}\n",
		`{"fuzzAuthor": [{"name": "B", "email": "b@x"}]}`,
		"fuzzAuthor: [1, 2]", "fuzzPost:\n  - {author: nobody}", "- x", "a: &a [*a]", "fuzzAuthor: {a: {name: [1]}}", "",
	} {
		f.Add(s)
	}
	reg := orm.NewRegistry()
	if err := reg.Register(fuzzAuthor{}, fuzzPost{}); err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	db, err := sinew.OpenDatabase(ctx, "sqlite::memory:", orm.Config{Registry: reg})
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	if err := db.CreateTables(ctx); err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(dir, "f.yaml")
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		ctx := orm.WithDB(ctx, db)
		before, _ := orm.Q[fuzzAuthor](ctx).Count()
		_, err := loadFixtures(ctx, db, path, []Loader{Rows[fuzzAuthor](), Rows[fuzzPost]()})
		if err != nil {
			if after, _ := orm.Q[fuzzAuthor](ctx).Count(); after != before {
				t.Fatalf("a failed load left %d rows", after-before)
			}
			return
		}
		// Clean up for the next input.
		if _, err := orm.Q[fuzzPost](ctx).Delete(); err != nil {
			t.Fatal(err)
		}
		if _, err := orm.Q[fuzzAuthor](ctx).Delete(); err != nil {
			t.Fatal(err)
		}
	})
}
