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
	auth.Register(app, auth.Config{Flows: auth.FlowsConfig{Prefix: "-"}}) // no HTML pages
	app.Models(Profile{}, Article{}, Tag{}, Comment{})
	app.Migrations(migrations.All)
	// No cookies here (the token is the credential), and front-ends live on other origins.
	app.CSRFExempt("/api/")

	a := api.New(specErrors{app.Group("/api")}, api.Config{
		Title: "Conduit API", Version: "1.1.0", Description: "The RealWorld API, written with Sinew.",
		Authorize: func(c *web.Ctx, _ []api.Requirement) error { _, err := user(c, true); return err },
	})
	users(a, app.RateLimitStore())
	articles(a)
	comments(a)
}

// user returns the authenticated user: the owner of the spec's `Authorization: Token
// <token>` (a personal access token issued at login, checked by auth), or of the `Bearer
// <token>` that auth's own middleware checks; nil when there is none and it is not required.
func user(c *web.Ctx, required bool) (*auth.User, error) {
	if u := auth.CurrentUser(c); u != nil {
		return u, nil
	}
	tok, ok := strings.CutPrefix(c.Header("Authorization"), "Token ")
	if !ok && required {
		return nil, web.Error(http.StatusUnauthorized, "missing token: send Authorization: Token <token>")
	} else if !ok {
		return nil, nil
	}
	u, _, err := auth.AuthenticateToken(c, tok)
	if err == nil {
		c.SetUser(u) // auth.CurrentUser answers it from now on
	}
	return u, err
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
			err = web.Error(http.StatusUnprocessableEntity, strings.Join(dup.Columns, ", ")+" has already been taken")
		}
		p := web.ProblemOf(c, err, false)
		msgs := []string{}
		for _, f := range p.Errors {
			msgs = append(msgs, strings.TrimPrefix(f.Location, "body.")+": "+f.Message)
		}
		if len(msgs) == 0 {
			msgs = append(msgs, cmp.Or(strings.TrimPrefix(p.Detail, "orm: "), strings.ToLower(p.Title)))
		}
		return c.JSON(p.Status, map[string]any{"errors": map[string][]string{"body": msgs}})
	})
}
