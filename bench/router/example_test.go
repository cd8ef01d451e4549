package router_test

import (
	"fmt"
	"net/http/httptest"

	router "github.com/sinewdev/sinew/bench/router"
)

// Every adapter registers the same route set in its router's own syntax;
// Identify handlers answer with the route and the parameters they received.
func ExampleRouters() {
	routes := router.GitHubAPI()
	rt := router.Route{Method: "GET", Path: "/repos/:owner/:repo/issues/:number"}
	for _, r := range router.Routers() {
		h, err := r.Load(routes, router.Identify)
		if err != nil {
			fmt.Println(err)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(rt.Method, "/repos/sinewdev/sinew/issues/2", nil))
		fmt.Printf("%-10s %d %s\n", r.Name, rec.Code, rec.Body)
	}
	// Output:
	// Sinew      200 GET /repos/:owner/:repo/issues/:number owner=sinewdev repo=sinew number=2
	// HttpRouter 200 GET /repos/:owner/:repo/issues/:number owner=sinewdev repo=sinew number=2
	// Gin        200 GET /repos/:owner/:repo/issues/:number owner=sinewdev repo=sinew number=2
	// Echo       200 GET /repos/:owner/:repo/issues/:number owner=sinewdev repo=sinew number=2
	// Chi        200 GET /repos/:owner/:repo/issues/:number owner=sinewdev repo=sinew number=2
	// ServeMux   200 GET /repos/:owner/:repo/issues/:number owner=sinewdev repo=sinew number=2
}

// A Route converts itself to the request path the benchmarks send and to the
// brace syntax of chi, ServeMux and Sinew.
func ExampleRoute() {
	rt := router.Route{Method: "GET", Path: "/users/:user/following/:target_user"}
	fmt.Println(rt.Params())
	fmt.Println(rt.RequestPath())
	fmt.Println(rt.BracePath())
	// Output:
	// [user target_user]
	// /users/vuser/following/vtarget_user
	// /users/{user}/following/{target_user}
}
