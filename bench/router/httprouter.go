package router

import (
	"io"
	"net/http"

	"github.com/julienschmidt/httprouter"
)

// HTTPRouter returns the adapter for github.com/julienschmidt/httprouter
// with its default settings. Its paths use the ":name" syntax as they are.
func HTTPRouter() Router {
	return Router{Name: "HttpRouter", Module: "github.com/julienschmidt/httprouter", Version: "v1.3.0", Load: loadHTTPRouter}
}

func loadHTTPRouter(routes []Route, mode Mode) (http.Handler, error) {
	mux := httprouter.New()
	err := register("httprouter", routes, func(rt Route) {
		mux.Handle(rt.Method, rt.Path, httprouterHandle(rt, mode))
	})
	if err != nil {
		return nil, err
	}
	return mux, nil
}

func httprouterHandle(rt Route, mode Mode) httprouter.Handle {
	switch mode {
	case WriteParam:
		name := firstParam(rt)
		return func(w http.ResponseWriter, _ *http.Request, ps httprouter.Params) {
			_, _ = io.WriteString(w, ps.ByName(name))
		}
	case Identify:
		return func(w http.ResponseWriter, _ *http.Request, ps httprouter.Params) {
			_, _ = io.WriteString(w, Identity(rt, ps.ByName))
		}
	default:
		return func(http.ResponseWriter, *http.Request, httprouter.Params) {}
	}
}
