package router

import (
	"io"
	"net/http"

	"github.com/sinewdev/sinew/web"
)

// Sinew returns the adapter for Sinew's own router, web.NewRouter with the
// zero Config, routes registered as "METHOD /path/{name}" patterns (Sinew's
// patterns are exact, so a trailing slash needs no "{$}"). The module is
// replaced by the working tree two directories up, so Version is "tree".
func Sinew() Router {
	return Router{Name: "Sinew", Module: "github.com/sinewdev/sinew", Version: "tree", Load: loadSinew}
}

func loadSinew(routes []Route, mode Mode) (http.Handler, error) {
	r := web.NewRouter(web.Config{})
	err := register("sinew", routes, func(rt Route) {
		r.Handle(rt.Method+" "+rt.BracePath(), sinewHandle(rt, mode))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func sinewHandle(rt Route, mode Mode) web.HandlerFunc {
	switch mode {
	case WriteParam:
		name := firstParam(rt)
		return func(c *web.Ctx) error {
			_, err := io.WriteString(c.Writer, c.Param(name))
			return err
		}
	case Identify:
		return func(c *web.Ctx) error {
			_, err := io.WriteString(c.Writer, Identity(rt, c.Param))
			return err
		}
	default:
		return func(*web.Ctx) error { return nil }
	}
}
