package router

import (
	"fmt"
	"net/http"
	"strings"
)

// Mode says what the handlers that an adapter registers do.
type Mode int

const (
	// Noop handlers do nothing, so that a benchmark measures the router
	// alone (the classic benchmark's handlers).
	Noop Mode = iota
	// WriteParam handlers write the value of the route's first parameter
	// to the response, and nothing for a route without parameters: the
	// cost of reading a parameter back from the router.
	WriteParam
	// Identify handlers write Identity of the route and the parameter
	// values the router extracted; the correctness test compares it with
	// the identity it expects.
	Identify
)

// Router is one router under test.
type Router struct {
	// Name names the router in benchmark names and reports, such as "Gin".
	Name string
	// Module is the router's module path, or "std" for the standard
	// library.
	Module string
	// Version is the module version of the router, or "go" plus the Go
	// version for the standard library.
	Version string
	// Load registers routes, each with a handler of the given mode, and
	// returns the router. A route the router refuses is an error that
	// names it.
	Load func(routes []Route, mode Mode) (http.Handler, error)
}

// Routers returns every router under test, Sinew first.
func Routers() []Router {
	return []Router{
		Sinew(),
		HTTPRouter(),
		Gin(),
		Echo(),
		Chi(),
		ServeMux(),
	}
}

// Identity is what an Identify handler writes for route r when the router
// hands it the parameter values that param returns: "METHOD path" followed by
// " name=value" for each parameter, in path order.
func Identity(r Route, param func(name string) string) string {
	var b strings.Builder
	b.WriteString(r.String())
	for _, name := range r.Params() {
		b.WriteByte(' ')
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(param(name))
	}
	return b.String()
}

// firstParam returns the name of the route's first parameter, or "" if it
// has none.
func firstParam(r Route) string {
	if names := r.Params(); len(names) > 0 {
		return names[0]
	}
	return ""
}

// register validates every route, then calls add for each, turning a panic
// of the router (most routers panic on a route they refuse) into an error
// that names the router and the route.
func register(router string, routes []Route, add func(Route)) (err error) {
	for _, rt := range routes {
		if err := rt.Validate(); err != nil {
			return fmt.Errorf("%s: %w", router, err)
		}
	}
	var cur Route
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: registering %s: %v", router, cur, p)
		}
	}()
	for _, cur = range routes {
		add(cur)
	}
	return nil
}
