package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/web"
)

// UserBody is the request body: five fields with the rules the three implementations share.
type UserBody struct {
	Name     string  `json:"name" validate:"required,max=100" minLength:"1" maxLength:"100"`
	Email    string  `json:"email" validate:"required,email" format:"email"`
	Age      int     `json:"age" validate:"min=0,max=150" minimum:"0" maximum:"150"`
	Score    float64 `json:"score" validate:"gte=0" minimum:"0"`
	Verified bool    `json:"verified"`
}

// User is the response.
type User struct {
	ID       int64   `json:"id"`
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	Age      int     `json:"age"`
	Score    float64 `json:"score"`
	Verified bool    `json:"verified"`
}

func userOf(id int64, b *UserBody) User {
	return User{ID: id, Name: b.Name, Email: b.Email, Age: b.Age, Score: b.Score, Verified: b.Verified}
}

// Path is the route the three implementations serve.
const Path = "/users/{id}"

// UpdateIn is the typed handler's input.
type UpdateIn struct {
	ID   int64 `path:"id"`
	Body UserBody
}

func update(ctx context.Context, in *UpdateIn) (*User, error) {
	u := userOf(in.ID, &in.Body)
	return &u, nil
}

// Typed is the endpoint as a Sinew typed handler.
func Typed() http.Handler {
	r := web.NewRouter(web.Config{})
	a := api.New(r, api.Config{DocsPath: "-"})
	api.Post(a, Path, update)
	return r
}

// HandWritten is the endpoint written on web.Ctx: Param and strconv, BindJSON, the same
// validator, c.JSON.
func HandWritten() http.Handler {
	r := web.NewRouter(web.Config{StrictJSON: true})
	v := validate.New(validate.Config{})
	r.POST(Path, func(c *web.Ctx) error {
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			return web.Error(http.StatusBadRequest, "id must be an integer")
		}
		var body UserBody
		if err := c.BindJSON(&body); err != nil {
			return err
		}
		if err := v.Struct(c, &body); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, userOf(id, &body))
	})
	return r
}

// HumaIn is Huma's input.
type HumaIn struct {
	ID   int64 `path:"id"`
	Body UserBody
}

// HumaOut is Huma's output.
type HumaOut struct {
	Body User
}

// Huma is the endpoint in Huma v2 over the standard library's ServeMux (its humago adapter).
func Huma() http.Handler {
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Bench", "1.0.0")
	cfg.DocsPath = ""
	a := humago.New(mux, cfg)
	huma.Register(a, huma.Operation{OperationID: "update-user", Method: http.MethodPost, Path: Path},
		func(ctx context.Context, in *HumaIn) (*HumaOut, error) {
			return &HumaOut{Body: userOf(in.ID, &in.Body)}, nil
		})
	return mux
}
