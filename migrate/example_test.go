package migrate_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
)

// Migrations are Go values, normally in the app's migrations package, written by
// makemigrations and listed in order in the generated migrations.All.
var migrations = []migrate.Migration{
	{Name: "0001_initial", Operations: []migrate.Operation{
		migrate.CreateTable{Name: "posts", Columns: []migrate.Column{
			{Name: "id", Kind: orm.KindInt, PrimaryKey: true, AutoIncrement: true},
			{Name: "title", Kind: orm.KindString, Size: 200},
		}},
	}},
	{Name: "0002_add_posts_slug", Operations: []migrate.Operation{
		migrate.AddColumn{Table: "posts", Column: migrate.Column{Name: "slug", Kind: orm.KindString, Size: 100, Nullable: true}},
		migrate.AddIndex{Table: "posts", Name: "posts_slug_key", Columns: []string{"slug"}, Unique: true},
	}},
}

// Apply the pending migrations at start-up, then look at what one of them runs.
func Example() {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "sqlite::memory:", orm.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	m, err := migrate.FromORM(db, migrations, migrate.Config{})
	if err != nil {
		log.Fatal(err) // a malformed migration is reported here, naming it
	}
	rep, err := m.Apply(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("applied:", rep.Applied)

	script, err := m.SQL(ctx, "0002_add_posts_slug")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range script.Up {
		fmt.Println("up:", s)
	}

	rep, err = m.Rollback(ctx, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rolled back:", rep.Applied)
	// Output:
	// applied: [0001_initial 0002_add_posts_slug]
	// up: ALTER TABLE `posts` ADD COLUMN `slug` varchar(100) NULL
	// up: CREATE UNIQUE INDEX `posts_slug_key` ON `posts` (`slug`)
	// rolled back: [0002_add_posts_slug]
}

type Post struct {
	orm.Model
	Title string `orm:"size=200"`
	Slug  string `orm:"size=100,unique"`
}

// Make compares the models with the state of the existing migrations and returns the
// next migration file; MakeMigrations writes it into the migrations directory.
func ExampleMake() {
	reg := orm.NewRegistry()
	if err := reg.Register(Post{}); err != nil {
		log.Fatal(err)
	}
	f, err := migrate.Make(migrations[:1], reg.Models(), migrate.MakeConfig{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(f.FileName)
	for _, op := range f.Migration.Operations {
		fmt.Println("-", op.Describe())
	}
	// Output:
	// 0002_add_posts_created_at_and_more.go
	// - add column posts.created_at
	// - add column posts.updated_at
	// - add column posts.slug
	// - add unique index posts_slug_key on posts (slug)
}

// Diff works on schemas directly: here, the state of the migrations and the models.
func ExampleDiff() {
	from, err := migrate.SchemaOf(migrations)
	if err != nil {
		log.Fatal(err)
	}
	to, err := migrate.SchemaOf(migrations[:1])
	if err != nil {
		log.Fatal(err)
	}
	ops, err := migrate.Diff(from, to, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, op := range ops {
		fmt.Println(op.Describe())
	}
	// Output:
	// drop index posts_slug_key on posts
	// drop column posts.slug
}
