package main

import (
	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/admin"
	"github.com/sinewdev/sinew/auth"
)

// registerAdmin mounts the admin site at /admin/ with the blog's models and the accounts.
// `go run ./examples/blog createsuperuser` makes a login for it.
func registerAdmin(app *sinew.App) {
	site := admin.New(app, admin.Config{Title: "Sinew blog admin"})
	admin.Register(site, admin.Options[Post]{
		Group:    "Blog",
		List:     []string{"Title", "Author.Email", "CreatedAt"},
		Search:   []string{"Title", "Body"},
		Filters:  []string{"AuthorID", "CreatedAt"},
		Ordering: []string{"-created_at"},
	})
	admin.Register(site, admin.Options[Comment]{
		Group:   "Blog",
		List:    []string{"Body", "Post.Title", "Author.Email", "CreatedAt"},
		Search:  []string{"Body"},
		Filters: []string{"CreatedAt"},
	})
	admin.Register(site, admin.Options[Tag]{Group: "Blog", List: []string{"Name"}, Search: []string{"Name"}})
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
