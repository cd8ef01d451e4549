package orm_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
)

type User struct {
	orm.Model
	Name  string `orm:"size=100"`
	Email string `orm:"size=200,unique"`
	Posts []Post // has-many: Post.AuthorID is the foreign key
}

type Post struct {
	orm.Model
	Title    string `orm:"size=200,index"`
	Views    int64
	Status   string `orm:"size=20,default=draft,choices=draft:Draft|published:Published"`
	AuthorID int64  `orm:"fk=User,ondelete=cascade"`
	Author   *User  // belongs-to
	Tags     []Tag  `orm:"m2m"` // many-to-many through post_tags
}

type Tag struct {
	orm.Model
	Name string `orm:"size=50,unique"`
}

// open returns a context carrying an in-memory database with the example models.
func open() (context.Context, *orm.DB) {
	reg := orm.NewRegistry()
	if err := reg.Register(User{}, Post{}, Tag{}); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, "sqlite::memory:", orm.Config{Registry: reg})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.CreateTables(ctx); err != nil {
		log.Fatal(err)
	}
	return orm.WithDB(ctx, db), db
}

func Example() {
	ctx, db := open()
	defer db.Close()

	ann := User{Name: "Ann", Email: "ann@example.com"}
	if err := orm.Create(ctx, &ann); err != nil {
		log.Fatal(err)
	}
	for i, title := range []string{"Hello", "Generics in Go", "Going further"} {
		p := Post{Title: title, Views: int64(10 * i), AuthorID: ann.ID}
		if err := orm.Create(ctx, &p); err != nil {
			log.Fatal(err)
		}
	}

	posts, err := orm.Q[Post](ctx).
		Filter("title__icontains", "go"). // user input is safe here: names are checked
		OrderBy("-views").
		Prefetch("Author").
		All()
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range posts {
		fmt.Printf("%s by %s (%s)\n", p.Title, p.Author.Name, p.Status)
	}

	err = orm.Create(ctx, &User{Name: "Impostor", Email: "ann@example.com"})
	var dup *orm.UniqueViolation
	if errors.As(err, &dup) {
		fmt.Println("duplicate:", dup.Columns, dup.StatusCode())
	}
	// Output:
	// Going further by Ann (draft)
	// Generics in Go by Ann (draft)
	// duplicate: [email] 409
}

func ExampleQuery_Filter() {
	ctx, db := open()
	defer db.Close()
	u := User{Name: "Ann", Email: "ann@example.com"}
	_ = orm.Create(ctx, &u)
	_ = orm.CreateMany(ctx, []Post{
		{Title: "a", Views: 5, AuthorID: u.ID},
		{Title: "b", Views: 50, AuthorID: u.ID, Status: "published"},
		{Title: "c", Views: 500, AuthorID: u.ID, Status: "published"},
	})

	// Names and values as a request's query string would give them.
	n, err := orm.Q[Post](ctx).Filter("views__gte", "50").Filter("status", "published").Count()
	fmt.Println(n, err)

	_, err = orm.Q[Post](ctx).Filter("titel", "x").All()
	fmt.Println(err)
	// Output:
	// 2 <nil>
	// orm: Post: field "titel": no such field (did you mean "title"?)
}

func ExampleQuery_Match() {
	ctx, db := open()
	defer db.Close()
	u := User{Name: "Ann", Email: "ann@example.com"}
	_ = orm.Create(ctx, &u)
	_ = orm.CreateMany(ctx, []Post{
		{Title: "Go tips", Views: 1, AuthorID: u.ID},
		{Title: "SQL", Views: 900, AuthorID: u.ID},
		{Title: "Rust", Views: 2, AuthorID: u.ID},
	})
	posts, _ := orm.Q[Post](ctx).
		Match(orm.Or(orm.F("title").IStartsWith("go"), orm.F("views").Gt(100))).
		OrderBy("title").
		All()
	for _, p := range posts {
		fmt.Println(p.Title)
	}
	// Output:
	// Go tips
	// SQL
}

func ExampleDB_Tx() {
	ctx, db := open()
	defer db.Close()

	err := db.Tx(ctx, func(ctx context.Context) error {
		if err := orm.Create(ctx, &Tag{Name: "kept"}); err != nil {
			return err
		}
		// A nested call opens a savepoint: its failure undoes only its own work.
		_ = db.Tx(ctx, func(ctx context.Context) error {
			_ = orm.Create(ctx, &Tag{Name: "undone"})
			return errors.New("changed my mind")
		})
		return nil
	})
	names, _ := orm.Raw[string](ctx, "SELECT name FROM tags ORDER BY name")
	fmt.Println(names, err)
	// Output:
	// [kept] <nil>
}

func ExampleAggregate() {
	ctx, db := open()
	defer db.Close()
	ann, bob := User{Name: "Ann", Email: "a@x"}, User{Name: "Bob", Email: "b@x"}
	_ = orm.Create(ctx, &ann)
	_ = orm.Create(ctx, &bob)
	_ = orm.CreateMany(ctx, []Post{
		{Title: "1", Views: 10, AuthorID: ann.ID},
		{Title: "2", Views: 20, AuthorID: ann.ID},
		{Title: "3", Views: 5, AuthorID: bob.ID},
	})

	type stats struct {
		AuthorID int64
		Posts    int64
		Views    int64
	}
	rows, err := orm.Aggregate[stats](orm.Q[Post](ctx)).
		GroupBy("author_id").Count("posts").Sum("views", "views").OrderBy("-views").
		All()
	fmt.Println(rows, err)
	// Output:
	// [{1 2 30} {2 1 5}] <nil>
}

func ExampleLink() {
	ctx, db := open()
	defer db.Close()
	u := User{Name: "Ann", Email: "ann@example.com"}
	_ = orm.Create(ctx, &u)
	p := Post{Title: "Tagged", AuthorID: u.ID}
	_ = orm.Create(ctx, &p)
	goTag, sqlTag := Tag{Name: "go"}, Tag{Name: "sql"}
	_ = orm.Create(ctx, &goTag)
	_ = orm.Create(ctx, &sqlTag)

	if err := orm.Link(ctx, &p, "Tags", &goTag, &sqlTag); err != nil {
		log.Fatal(err)
	}
	got, _ := orm.Q[Post](ctx).Prefetch("Tags").Get(p.ID)
	for _, t := range got.Tags {
		fmt.Println(t.Name)
	}
	// Output:
	// go
	// sql
}
