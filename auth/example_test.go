package auth_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
)

// Post is an app model: SyncPermissions gives it view_post, add_post, change_post,
// delete_post and the custom publish_post.
type Post struct {
	orm.Model
	Title string `orm:"size=200"`
}

// Permissions declares Post's custom permissions.
func (Post) Permissions() []auth.Perm {
	return []auth.Perm{{Codename: "publish_post", Name: "Can publish post"}}
}

func Example() {
	ctx := context.Background()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{Stdin: strings.NewReader("a-long-passphrase\n"), Stdout: os.Stdout})
	app.Models(Post{})

	// What `./app createsuperuser --email ... --password-stdin` does in a script.
	if err := app.RunArgs(ctx, []string{"createsuperuser", "--email", "Admin@Example.com", "--password-stdin"}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Superuser admin@example.com created.
}

func ExampleUser_HasPerm() {
	ctx := context.Background()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{})
	app.Models(Post{})
	if err := app.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer app.Stop(ctx)
	ctx = orm.WithDB(ctx, app.DB())
	if err := app.DB().CreateTables(ctx); err != nil { // an app would apply migrations
		fmt.Println(err)
		return
	}
	if err := auth.SyncPermissions(ctx, app.Registry()); err != nil {
		fmt.Println(err)
		return
	}

	editors := &auth.Group{Name: "editors"}
	publish, _ := orm.Q[auth.Permission](ctx).Filter("codename", "publish_post").First()
	_ = orm.Create(ctx, editors)
	_ = orm.Link(ctx, editors, "Permissions", publish)

	u, err := auth.NewUser("writer@example.com", "correct horse battery staple", auth.PasswordConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = orm.Create(ctx, u)
	_ = orm.Link(ctx, u, "Groups", editors)

	canPublish, _ := u.HasPerm(ctx, "publish_post")
	canDelete, _ := u.HasPerm(ctx, "delete_post")
	fmt.Println(canPublish, canDelete)
	// Output: true false
}

func ExampleCheckPassword() {
	hash, _ := auth.HashPassword("correct horse battery staple")
	ok, rehash, err := auth.CheckPassword(hash, "correct horse battery staple")
	fmt.Println(ok, rehash, err)
	ok, _, _ = auth.CheckPassword(hash, "Tr0ub4dor&3")
	fmt.Println(ok)
	fmt.Println(auth.ValidatePassword("password123"))
	// Output:
	// true false <nil>
	// false
	// password is too common: it is in a list of the 10,000 most used passwords
}
