package router

import (
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Chi returns the adapter for github.com/go-chi/chi/v5: chi.NewRouter with no
// middleware, routes in the "{name}" syntax.
func Chi() Router {
	return Router{Name: "Chi", Module: "github.com/go-chi/chi/v5", Version: "v5.5.0", Load: loadChi}
}

func loadChi(routes []Route, mode Mode) (http.Handler, error) {
	mux := chi.NewRouter()
	err := register("chi", routes, func(rt Route) {
		mux.MethodFunc(rt.Method, rt.BracePath(), chiHandle(rt, mode))
	})
	if err != nil {
		return nil, err
	}
	return mux, nil
}

func chiHandle(rt Route, mode Mode) http.HandlerFunc {
	switch mode {
	case WriteParam:
		name := firstParam(rt)
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, chi.URLParam(r, name))
		}
	case Identify:
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, Identity(rt, func(name string) string { return chi.URLParam(r, name) }))
		}
	default:
		return func(http.ResponseWriter, *http.Request) {}
	}
}
