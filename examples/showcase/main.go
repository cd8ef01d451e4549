// Command showcase is the Sinew feature tour: every capability of the framework shows up
// here, on embedded defaults (`go run ./examples/showcase`, then open the printed URL).
package main

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"os"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/asset"
	"github.com/sinewdev/sinew/examples/showcase/migrations"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

//go:embed static templates
var files embed.FS

func main() {
	app := sinew.New()
	if err := setup(app); err != nil {
		app.Logger().Error("showcase: " + err.Error())
		os.Exit(1)
	}
	app.Run()
}

// feature is one entry of the home page's tour.
type feature struct {
	Name, Description, Link string
}

// features lists what the showcase demonstrates, in the order capabilities landed.
var features = []feature{
	{"Router", "Go 1.22 patterns, groups, named routes, automatic HEAD/OPTIONS, 405 with Allow", "/hello/world"},
	{"Path parameters", "{name} and {path...} wildcards, %2F kept inside a parameter", "/files/docs/readme.txt"},
	{"Binding", "query, form and JSON binding with precise 400s", "/echo?name=Ada&age=36"},
	{"Error pages", "problem+json for APIs, HTML for browsers, a debug page in dev", "/boom"},
	{"Models and queries", "ORM with relations prefetched in one query each, migrations applied on start in dev", "/posts"},
	{"Templates", "layouts, partials, helpers and safe markdown through the view package", "/posts/1"},
	{"Static assets", "fingerprinted names, brotli and gzip variants, immutable caching, CSS url() rewriting (the page's stylesheet link)", "/static/site.css"},
	{"Health", "liveness (/healthz) and readiness (/readyz: database and custom checks) for load balancers", "/readyz"},
	{"Operations", "Prometheus metrics by route pattern, OpenTelemetry traces over OTLP, run-time log level, pprof and an ops page, all behind a token (open from localhost in dev)", "/observe"},
	{"E-mail and rate limits", "app.Mailer(): the log mailer in dev, SMTP with STARTTLS from SINEW_MAIL_URL, header injection refused; sending limited per client in the database, 429 with Retry-After", "/mail"},
	{"Users and security", "signup, login and password reset under /auth/ (argon2id, brute-force limits, no account enumeration), a members-only page, API tokens, CSRF and security headers on by default", "/members"},
	{"Forms and uploads", "a struct with every widget: binding with the values kept as typed, validate rules, a check across fields, a uniqueness query, accessible markup, uploads sniffed and stored only when valid", "/forms"},
	{"Admin site", "generated from the models: lists with search, filters, sorting and bulk actions, forms, history and permission checks (create a login with `go run ./examples/showcase createsuperuser`)", "/admin/"},
	{"Internationalisation", "catalogues with CLDR plurals (English, French, Arabic), locale from URL prefix, ?lang=, cookie or Accept-Language, local numbers and dates, translated validation messages", "/i18n"},
	{"Typed JSON API", "handlers from typed structs, 422 problem+json per field, a REST resource over Post, OpenAPI 3.1 at /openapi.json and Swagger UI", "/docs"},
	{"Real-time", "WebSocket and server-sent event hub: channels, presence, history with resume, fan-out across instances through the broker; a live-updating list here, a chat in examples/chat", "/live"},
}

// setup registers the showcase's models, templates and routes on app. Tests call it on an
// app of their own.
func setup(app *sinew.App) error {
	static, _ := fs.Sub(files, "static")
	tmplFS, _ := fs.Sub(files, "templates")
	assets, err := asset.New(context.Background(), static, asset.Config{})
	if err != nil {
		return err
	}
	locales, err := i18nDemo(app)
	if err != nil {
		return err
	}
	engine, err := view.New(tmplFS, view.Config{StaticURL: assets.URL, RequestFuncs: locales.TemplateFuncs()})
	if err != nil {
		return err
	}
	app.SetRenderer(engine)

	app.Models(Author{}, Post{})
	app.Migrations(migrations.All)
	app.OnStart(func(ctx context.Context) error {
		return seed(orm.WithDB(ctx, app.DB()))
	})

	app.GET("/", func(c *web.Ctx) error {
		return c.Render(http.StatusOK, "home.html", map[string]any{"Features": features, "Env": app.Config().Env})
	}).Name("home")

	app.GET("/hello/{name}", func(c *web.Ctx) error {
		return c.Text(http.StatusOK, "Hello, "+c.Param("name")+"!\n")
	}).Name("hello")

	app.GET("/files/{path...}", func(c *web.Ctx) error {
		return c.JSON(http.StatusOK, map[string]string{"path": c.Param("path")})
	}).Name("files")

	type echoInput struct {
		Name string `query:"name" form:"name" json:"name"`
		Age  int    `query:"age" form:"age" json:"age"`
	}
	echo := func(c *web.Ctx) error {
		var in echoInput
		if err := c.Bind(&in); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, in)
	}
	app.GET("/echo", echo).Name("echo")
	app.POST("/echo", echo)

	app.GET("/boom", func(c *web.Ctx) error {
		panic("the showcase panics on purpose: the router recovers and answers 500")
	})

	app.GET("/posts", func(c *web.Ctx) error {
		posts, err := orm.Q[Post](c).Filter("published", true).OrderBy("-created_at", "-id").Prefetch("Author").Limit(20).All()
		if err != nil {
			return err
		}
		return c.Render(http.StatusOK, "posts/index.html", map[string]any{"Posts": posts})
	}).Name("posts")

	app.GET("/posts/{id}", func(c *web.Ctx) error {
		post, err := orm.Q[Post](c).Prefetch("Author").Get(c.Param("id"))
		if err != nil {
			return err // orm.ErrNotFound answers 404
		}
		return c.Render(http.StatusOK, "posts/show.html", post)
	}).Name("post")

	mailDemo(app)
	observeDemo(app)
	authDemo(app)
	adminDemo(app)
	apiDemo(app)
	if err := formsDemo(app); err != nil {
		return err
	}
	if err := realtimeDemo(app); err != nil {
		return err
	}
	assets.Mount(app)
	return nil
}
