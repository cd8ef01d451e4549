package main

import (
	"cmp"
	"errors"
	"net/http"
	"strings"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/examples/conduit/migrations"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

func main() {
	app := sinew.New()
	setup(app)
	app.Run()
}

// setup registers the models, the authentication and the API on app; tests call it too.
func setup(app *sinew.App) {
	app.Use(middleware.CORS(middleware.CORSConfig{AllowOrigins: []string{"*"}}))
	// The spec's scheme is `Authorization: Token <token>`: read it as the Bearer scheme that
	// package auth authenticates (personal access tokens, issued at login).
	app.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Token "); ok {
				r.Header.Set("Authorization", "Bearer "+tok)
			}
			next.ServeHTTP(w, r)
		})
	})
	auth.Register(app, auth.Config{Flows: auth.FlowsConfig{Prefix: "-"}}) // no HTML pages
	app.Models(Profile{}, Article{}, Tag{}, Comment{})
	app.Migrations(migrations.All)
	// No cookies here (the token is the credential), and front-ends live on other origins.
	app.CSRFExempt("/api/")

	a := api.New(specErrors{app.Group("/api")}, api.Config{
		Title: "Conduit API", Version: "1.1.0", Description: "The RealWorld API, written with Sinew.",
		Authorize: func(c *web.Ctx, _ []api.Requirement) error {
			if auth.CurrentUser(c) == nil {
				return web.Error(http.StatusUnauthorized, "missing token: send Authorization: Token <token>")
			}
			return nil
		},
	})
	users(a, app.RateLimitStore())
	articles(a)
	comments(a)
}

// login is the security requirement of the operations that need a logged-in user.
var login = []api.Requirement{api.Bearer()}

// specErrors registers the API's routes on a group and answers every error below 500 with
// the spec's body, {"errors": {"body": ["..."]}}, instead of problem+json.
type specErrors struct{ *web.Group }

// Handle registers h for pattern, rewriting the client errors it returns.
func (g specErrors) Handle(pattern string, h web.HandlerFunc) *web.Route {
	return g.Group.Handle(pattern, func(c *web.Ctx) error {
		err := h(c)
		var dup *orm.UniqueViolation
		switch {
		case err == nil || web.StatusOf(err) >= 500:
			return err
		case errors.As(err, &dup):
			return c.JSON(http.StatusUnprocessableEntity, errorBody(strings.Join(dup.Columns, ", ")+" has already been taken"))
		}
		p := web.ProblemOf(c, err, false)
		msgs := []string{}
		for _, f := range p.Errors {
			msgs = append(msgs, strings.TrimPrefix(f.Location, "body.")+": "+f.Message)
		}
		if len(msgs) == 0 {
			msgs = append(msgs, cmp.Or(strings.TrimPrefix(p.Detail, "orm: "), strings.ToLower(p.Title)))
		}
		return c.JSON(p.Status, errorBody(msgs...))
	})
}

func errorBody(msgs ...string) map[string]any {
	return map[string]any{"errors": map[string][]string{"body": msgs}}
}
