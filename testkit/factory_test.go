package testkit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

func TestMake(t *testing.T) {
	t.Parallel()
	app := testkit.NewWithConfig(t, testkit.Config{NoServe: true}, setup)
	db := app.DB()
	a1 := testkit.Make[Author](t, db)
	a2 := testkit.Make(t, db, func(a *Author) { a.Name = "Grace" })
	tests := []struct {
		name, got, want string
	}{
		{"sequenced name", a1.Name, "Name 1"},
		{"sequenced e-mail", a1.Email, "user1@example.com"},
		{"modifier wins", a2.Name, "Grace"},
		{"second e-mail", a2.Email, "user2@example.com"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	// A saved related object sets the foreign key; the title fits its column (size=20).
	p := testkit.Make(t, db, func(p *Post) { p.Author = a2 })
	if p.AuthorID != a2.ID || p.Status != "draft" || p.Title != "Title 1" || p.Rating != 1.5 || p.ID == 0 {
		t.Errorf("post %+v", p)
	}
	got, err := orm.Q[Post](app.Ctx()).Get(p.ID)
	if err != nil || got.AuthorID != a2.ID || got.Views != 0 {
		t.Fatalf("stored post %+v, %v", got, err)
	}
}

func TestMakeRefusals(t *testing.T) {
	t.Parallel()
	app := testkit.NewWithConfig(t, testkit.Config{NoServe: true}, setup)
	tests := []struct {
		name string
		fn   func(t testing.TB)
		want string
	}{
		{"zero foreign key", func(t testing.TB) { testkit.Make[Post](t, app.DB()) }, "AuthorID references Author"},
		{"unsaved related object", func(t testing.TB) {
			testkit.Make(t, app.DB(), func(p *Post) { p.Author = &Author{Name: "x"} })
		}, "not saved"},
		{"unregistered model", func(t testing.TB) { testkit.Make[struct{ X int }](t, app.DB()) }, "not a registered model"},
		{"constraint violation", func(t testing.TB) {
			testkit.Make(t, app.DB(), func(a *Author) { a.Email = "dup@example.com" })
			testkit.Make(t, app.DB(), func(a *Author) { a.Email = "dup@example.com" })
		}, "unique"},
	}
	for _, tt := range tests {
		msg := fatalOf(t, tt.fn)
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s: message %q, want %q", tt.name, msg, tt.want)
		}
	}
}

func TestFactory(t *testing.T) {
	t.Parallel()
	app := testkit.NewWithConfig(t, testkit.Config{NoServe: true}, setup)
	db := app.DB()
	var authors testkit.Factory[Author]
	posts := testkit.Factory[Post]{Defaults: func(t testing.TB, db *orm.DB, n int, p *Post) {
		p.Title = fmt.Sprintf("Post #%d", n)
		p.Published = n%2 == 0
		p.Author = authors.Make(t, db)
	}}
	for range 3 {
		posts.Make(t, db)
	}
	last := posts.Make(t, db, func(p *Post) { p.Title = "Custom" })
	if last.Title != "Custom" || !last.Published || posts.Seq() != 4 || authors.Seq() != 4 {
		t.Errorf("last %+v, seqs %d %d", last, posts.Seq(), authors.Seq())
	}
	n, _ := orm.Q[Post](app.Ctx()).Filter("published", true).Count()
	if n != 2 {
		t.Errorf("%d published, want 2", n)
	}
	built := posts.Build(t, db)
	if built.ID != 0 || built.Title != "Post #5" {
		t.Errorf("built %+v", built)
	}
}

func TestLoadFixtures(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"blog.yaml", "blog.json"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			app := testkit.NewWithConfig(t, testkit.Config{NoServe: true}, setup)
			fx := testkit.LoadFixtures(t, app.DB(), filepath.Join("testdata", file), testkit.Rows[Author](), testkit.Rows[Post]())
			ada := testkit.Get[Author](t, fx, "ada")
			first := testkit.Get[Post](t, fx, "0")
			if ada.ID == 0 || first.AuthorID != ada.ID || first.Status != "live" {
				t.Errorf("ada %+v, first %+v", ada, first)
			}
			if file == "blog.yaml" {
				draft := testkit.Get[Post](t, fx, "1")
				grace := testkit.Get[Author](t, fx, "grace")
				if draft.AuthorID != grace.ID || draft.Views != 3 || first.Rating != 4.5 || first.Body != "**Hi**" {
					t.Errorf("draft %+v, first %+v", draft, first)
				}
			}
		})
	}
}

func TestLoadFixturesRefusals(t *testing.T) {
	t.Parallel()
	app := testkit.NewWithConfig(t, testkit.Config{NoServe: true}, setup)
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, []byte("Author:\n  a: {name: "+strings.Repeat("x", testkit.MaxFixtureSize)+"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, want string
	}{
		{"testdata/bad_syntax.yaml", "bad_syntax.yaml"},
		{"testdata/bad_model.yaml", `model "Comment" has no loader`},
		{"testdata/bad_field.yaml", `bad_field.yaml:2: Author "ada": Author has no field "shoe_size"`},
		{"testdata/bad_label.yaml", `no Author labelled "nobody"`},
		{"testdata/bad_unique.yaml", "unique"},
		{"testdata/bad_type.yaml", "name"},
		{"testdata/bad_root.yaml", "want a mapping"},
		{"testdata/bad_duplicate.yaml", "label used twice"},
		{"testdata/bad_bomb.yaml", "has no loader"},
		{"testdata/missing.yaml", "no such file"},
		{big, "larger than"},
	}
	for _, tt := range tests {
		msg := fatalOf(t, func(t testing.TB) {
			testkit.LoadFixtures(t, app.DB(), tt.file, testkit.Rows[Author](), testkit.Rows[Post]())
		})
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%s: message %q, want %q", tt.file, msg, tt.want)
		}
	}
	// Nothing was half-written: every file ran in a transaction that rolled back.
	if n, _ := orm.Q[Author](app.Ctx()).Count(); n != 0 {
		t.Errorf("%d authors left behind", n)
	}
}
