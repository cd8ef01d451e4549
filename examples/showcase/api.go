package main

import (
	"context"
	"net/http"
	"strings"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// apiDemo mounts the typed JSON API: three hand-written operations and a REST resource over
// the Post model, documented at /openapi.json and browsable at /docs.
func apiDemo(app *sinew.App) *api.API {
	a := api.New(app, api.Config{
		Title:       "Sinew showcase API",
		Version:     "1.0.0",
		Description: "Typed handlers and a model resource. Reads are public; writes need a session or an API token (create one at /members/tokens) and the model permission.",
		Authorize:   authorizeAPI,
	})
	api.Get(a, "/api/greetings/{name}", greet, api.Op{Summary: "Greet someone", Tags: []string{"demo"}})
	api.Post(a, "/api/temperatures", convertTemperature, api.Op{Summary: "Convert a temperature", Tags: []string{"demo"}})
	// A public computation that changes nothing and reads no session: scripts may call it
	// without a CSRF token. (Writes to posts need a bearer token, which CSRF never blocks, or
	// the session with its token.)
	app.CSRFExempt("POST /api/temperatures")
	api.Get(a, "/api/stats", postStats, api.Op{Summary: "Count the posts", Tags: []string{"demo"}})
	api.Resource(a, "/api/posts", api.ResourceConfig[Post]{
		Tag:          "posts",
		Filter:       []string{"Published", "AuthorID", "Views"},
		Order:        []string{"created_at", "Views", "Title"},
		DefaultOrder: []string{"-created_at"},
		Security:     []api.Requirement{api.Session(), api.Bearer()},
		Permissions:  true, // add_post, change_post, delete_post
		PublicRead:   true,
		Query: func(ctx context.Context, q *orm.Query[Post]) *orm.Query[Post] {
			if u := auth.CurrentUser(api.Ctx(ctx)); u != nil && u.IsStaff {
				return q
			}
			return q.Filter("published", true) // drafts only for staff
		},
		Validate: func(ctx context.Context, action api.Action, p *Post) error {
			if strings.TrimSpace(p.Title) == "" {
				return &web.HTTPError{Code: http.StatusUnprocessableEntity, Message: "validation failed",
					Fields: []web.FieldError{{Location: "body.Title", Code: "required", Message: "a post needs a title"}}}
			}
			return nil
		},
	})
	return a
}

// GreetInput is what GET /api/greetings/{name} reads.
type GreetInput struct {
	Name    string `path:"name" validate:"max=40" doc:"Who to greet" example:"Ada"`
	Excited bool   `query:"excited" doc:"End with an exclamation mark"`
	Lang    string `query:"lang" default:"en" validate:"oneof=en fr" doc:"Language"`
}

// Greeting is its answer.
type Greeting struct {
	Message string `json:"message" example:"Hello, Ada!"`
}

func greet(ctx context.Context, in *GreetInput) (*Greeting, error) {
	word := map[string]string{"en": "Hello", "fr": "Bonjour"}[in.Lang]
	end := "."
	if in.Excited {
		end = "!"
	}
	return &Greeting{Message: word + ", " + in.Name + end}, nil
}

// TemperatureInput is the body of POST /api/temperatures.
type TemperatureInput struct {
	Body struct {
		Celsius float64 `json:"celsius" validate:"gte=-273.15,lte=1000000" doc:"Degrees Celsius" example:"21.5"`
	}
}

// Temperature is the same temperature in three scales.
type Temperature struct {
	Celsius    float64 `json:"celsius"`
	Fahrenheit float64 `json:"fahrenheit"`
	Kelvin     float64 `json:"kelvin"`
}

func convertTemperature(ctx context.Context, in *TemperatureInput) (*Temperature, error) {
	c := in.Body.Celsius
	return &Temperature{Celsius: c, Fahrenheit: c*9/5 + 32, Kelvin: c + 273.15}, nil
}

// Stats counts the posts.
type Stats struct {
	Posts     int64 `json:"posts"`
	Published int64 `json:"published"`
}

func postStats(ctx context.Context, in *struct{}) (*Stats, error) {
	all, err := orm.Q[Post](ctx).Count()
	if err != nil {
		return nil, err
	}
	published, err := orm.Q[Post](ctx).Filter("published", true).Count()
	if err != nil {
		return nil, err
	}
	return &Stats{Posts: all, Published: published}, nil
}

// authorizeAPI lets a request through when it is authenticated the way one of the
// requirements says (the session cookie, or an API token for bearer) and the user has every
// permission listed as the requirement's scopes.
func authorizeAPI(c *web.Ctx, reqs []api.Requirement) error {
	u := auth.CurrentUser(c)
	if u == nil {
		return web.Error(http.StatusUnauthorized, "log in, or send Authorization: Bearer <token>")
	}
	viaToken := auth.TokenOf(c) != nil
	for _, r := range reqs {
		if (r.Scheme == api.SchemeBearer) != viaToken {
			continue
		}
		ok := true
		for _, perm := range r.Scopes {
			has, err := u.HasPerm(c, perm)
			if err != nil {
				return err
			}
			ok = ok && has
		}
		if ok {
			return nil
		}
	}
	return web.Error(http.StatusForbidden, "you lack the permission this operation needs")
}
