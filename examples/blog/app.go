package main

import (
	"context"
	"embed"
	"io/fs"
	"os"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/asset"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/examples/blog/migrations"
	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
)

// files holds the templates, the stylesheet and the look of the sign-up and log-in pages,
// compiled into the binary: the blog is one file to deploy.
//
//go:embed templates static accounts
var files embed.FS

// blog holds what the handlers share: the template engine (the feed renders Markdown
// with it) and the forms.
type blog struct {
	views   *view.Engine
	forms   *form.Forms
	baseURL string // the site's public URL, for the feed's links (SINEW_BASE_URL)
}

// setup registers the blog's models, migrations, templates, assets and routes on app.
// main calls it, and so do the tests, through testkit, so they test the app main serves.
func setup(app *sinew.App) error {
	baseURL := os.Getenv("SINEW_BASE_URL")
	accounts, _ := fs.Sub(files, "accounts")
	auth.Register(app, auth.Config{Flows: auth.FlowsConfig{
		SiteName:  "Sinew blog",
		Templates: accounts, // auth/layout.html: the blog's look for /auth/ pages
		BaseURL:   baseURL,  // links in e-mails; required in prod
	}})
	app.Models(models...)
	app.Migrations(migrations.All)

	static, _ := fs.Sub(files, "static")
	assets, err := asset.New(context.Background(), static, asset.Config{})
	if err != nil {
		return err
	}
	templates, _ := fs.Sub(files, "templates")
	views, err := view.New(templates, view.Config{
		StaticURL:   assets.URL, // {{static "blog.css"}} is /static/blog.1a2b3c4d.css
		CSRFToken:   session.CSRFToken,
		Flashes:     session.ViewFlashes,
		CurrentUser: auth.ViewUser,
	})
	if err != nil {
		return err
	}
	app.SetRenderer(views)
	forms, err := form.New(form.Config{Registry: app.Registry(), Validator: newValidator()})
	if err != nil {
		return err
	}

	b := &blog{views: views, forms: forms, baseURL: baseURL}
	b.routes(app)
	registerAdmin(app)
	assets.Mount(app)
	return nil
}
