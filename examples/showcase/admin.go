package main

import (
	"fmt"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/admin"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// adminDemo mounts the admin site at /admin/ with the showcase's models and the users.
// Log in with an account made by `go run ./examples/showcase createsuperuser`.
func adminDemo(app *sinew.App) {
	site := admin.New(app, admin.Config{Title: "Sinew showcase admin"})
	admin.Register(site, admin.Options[Post]{
		Group:    "Blog",
		List:     []string{"Title", "Author.Name", "Published", "Views", "CreatedAt"},
		Search:   []string{"Title", "Body"},
		Filters:  []string{"Published", "AuthorID", "CreatedAt"},
		Ordering: []string{"-created_at"},
		Fieldsets: []admin.Fieldset{
			{Title: "Post", Fields: []string{"Title", "Body"}},
			{Title: "Publishing", Fields: []string{"Published", "AuthorID"}},
		},
		Actions: []admin.Action[Post]{{Name: "publish", Label: "Publish selected posts",
			Run: func(c *web.Ctx, posts []*Post) (string, error) {
				// One UPDATE for all of them (orm.SaveMany, Django's bulk_update).
				rows := make([]Post, len(posts))
				for i, p := range posts {
					rows[i] = *p
					rows[i].Published = true
				}
				n, err := orm.SaveMany(c, rows, "Published")
				if err != nil {
					return "", err
				}
				if n == 1 {
					return "Published 1 post.", nil
				}
				return fmt.Sprintf("Published %d posts.", n), nil
			}}},
	})
	admin.Register(site, admin.Options[Author]{Group: "Blog", List: []string{"Name", "Email"}, Search: []string{"Name", "Email"}})
	admin.Register(site, admin.Options[auth.User]{
		Group:    "Accounts",
		List:     []string{"Email", "Name", "IsStaff", "IsSuperuser", "IsActive", "LastLogin"},
		Search:   []string{"Email", "Name"},
		Filters:  []string{"IsStaff", "IsSuperuser", "IsActive"},
		Fields:   []string{"Email", "Name", "IsActive", "IsStaff", "IsSuperuser"},
		ReadOnly: []string{"LastLogin"},
	})
	admin.Register(site, admin.Options[auth.Group]{Group: "Accounts"})
}
