package router

import (
	"io"
	"net/http"
	"runtime"
	"strings"
)

// ServeMux returns the adapter for the standard library's http.ServeMux with
// Go 1.22 patterns ("GET /repos/{owner}/{repo}"). A path ending in "/" gets
// the "{$}" suffix so that it matches exactly, not as a subtree, like in the
// other routers.
func ServeMux() Router {
	return Router{Name: "ServeMux", Module: "std", Version: runtime.Version(), Load: loadServeMux}
}

func loadServeMux(routes []Route, mode Mode) (http.Handler, error) {
	mux := http.NewServeMux()
	err := register("ServeMux", routes, func(rt Route) {
		mux.HandleFunc(rt.Method+" "+serveMuxPath(rt), serveMuxHandle(rt, mode))
	})
	if err != nil {
		return nil, err
	}
	return mux, nil
}

// serveMuxPath returns the route's path in ServeMux syntax, anchoring a
// trailing slash with "{$}".
func serveMuxPath(rt Route) string {
	p := rt.BracePath()
	if strings.HasSuffix(p, "/") {
		p += "{$}"
	}
	return p
}

func serveMuxHandle(rt Route, mode Mode) http.HandlerFunc {
	switch mode {
	case WriteParam:
		name := firstParam(rt)
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, r.PathValue(name))
		}
	case Identify:
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, Identity(rt, r.PathValue))
		}
	default:
		return func(http.ResponseWriter, *http.Request) {}
	}
}
