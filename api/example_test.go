package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/sinewdev/sinew/api"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/web"
)

type GreetInput struct {
	Name  string `path:"name" validate:"max=20"`
	Times int    `query:"times" default:"1" validate:"min=1,max=3"`
}

type Greeting struct {
	Message string `json:"message"`
}

func greet(ctx context.Context, in *GreetInput) (*Greeting, error) {
	return &Greeting{Message: strings.Repeat("Hello, "+in.Name+"! ", in.Times)}, nil
}

// A typed handler: parameters bound and validated from the input struct's tags, the output
// encoded as JSON, bad input answered with problem+json naming the field.
func Example() {
	r := web.NewRouter(web.Config{})
	a := api.New(r, api.Config{Title: "Greeter", Version: "1.0.0"})
	api.Get(a, "/greet/{name}", greet, api.Op{Summary: "Greet someone"})

	for _, target := range []string{"/greet/Ada?times=2", "/greet/Ada?times=9", "/greet/Ada?times=x"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Accept", "application/json")
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 200 {"message":"Hello, Ada! Hello, Ada! "}
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"validation failed","instance":"/greet/Ada","errors":[{"location":"query.times","message":"Must be at most 3.","code":"max"}]}
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"invalid input","instance":"/greet/Ada","errors":[{"location":"query.times","message":"expected an integer, got \"x\"","code":"type"}]}
}

type Book struct {
	orm.Model
	Title string `json:"title" validate:"required,max=100"`
	Year  int    `json:"year" validate:"min=1450"`
}

// A REST resource over an ORM model: list with filters and ordering, retrieve, create,
// update and delete, documented in the same OpenAPI document.
func ExampleResource() {
	dir, _ := os.MkdirTemp("", "books")
	defer os.RemoveAll(dir)
	reg := orm.NewRegistry()
	_ = reg.Register(Book{})
	db, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(dir, "books.db"), orm.Config{Registry: reg})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	_ = db.CreateTables(orm.WithDB(context.Background(), db))

	r := web.NewRouter(web.Config{})
	r.SetValue(orm.ContextValue(db)) // the App does this for its database
	a := api.New(r, api.Config{Title: "Library"})
	api.Resource(a, "/books", api.ResourceConfig[Book]{Filter: []string{"year"}, Order: []string{"year"}})

	send := func(method, target, body string) {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Accept", "application/json")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(method, target, rec.Code)
	}
	send("POST", "/books", `{"title":"Middlemarch","year":1871}`)
	send("POST", "/books", `{"title":"","year":1200}`)
	send("GET", "/books?year__gte=1800&order=-year", "")
	send("PATCH", "/books/1", `{"year":1872}`)
	send("DELETE", "/books/1", "")
	send("GET", "/books/1", "")
	// Output:
	// POST /books 201
	// POST /books 422
	// GET /books?year__gte=1800&order=-year 200
	// PATCH /books/1 200
	// DELETE /books/1 204
	// GET /books/1 404
}
