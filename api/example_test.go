package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/sinewdev/sinew/api"
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
