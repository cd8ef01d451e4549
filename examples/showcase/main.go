// Command showcase is the Sinew feature tour: every capability of the framework shows up
// here, on embedded defaults (`go run ./examples/showcase`, then open the printed URL).
package main

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

//go:embed static templates
var files embed.FS

func main() {
	app := sinew.New()
	setup(app)
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
	{"Static files", "ETag, Range, Cache-Control from an embed.FS", "/static/site.css"},
	{"Health", "liveness probe for load balancers", "/healthz"},
}

// setup registers the showcase's routes on app. Tests call it on an app of their own.
func setup(app *sinew.App) {
	static, _ := fs.Sub(files, "static")
	tmpl := template.Must(template.ParseFS(files, "templates/*.html"))

	app.GET("/", func(c *web.Ctx) error {
		var b strings.Builder
		if err := tmpl.ExecuteTemplate(&b, "home.html", map[string]any{"Features": features, "Env": app.Config().Env}); err != nil {
			return err
		}
		return c.HTML(http.StatusOK, b.String())
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

	app.Handle("GET /static/{path...}", web.Static(static, web.StaticConfig{}))
}
