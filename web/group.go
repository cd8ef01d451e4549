package web

import (
	"fmt"
	"net/http"
	"strings"
)

// Group registers routes under a common path prefix with a common middleware stack. The
// group's middleware runs after routing, only for the group's routes, and sees the route
// pattern and parameters through [CtxFrom].
type Group struct {
	r        *Router
	prefix   string
	mw       []Middleware
	hasRoute *bool // shared with groups made by With, to refuse Use after routes
}

// Handle registers h for pattern, in Go's http.ServeMux syntax: an optional method, then a
// path whose segments may be {name} (one segment) or, last, {name...} (the rest of the path):
//
//	g.Handle("GET /posts/{id}", show)
//	g.Handle("/static/{path...}", files) // every method
//
// Patterns are exact: "/a/" matches only "/a/". Static segments win over {name}, which wins
// over {name...}, segment by segment. Registering two patterns that match the same requests
// panics with a message naming both.
func (g *Group) Handle(pattern string, h HandlerFunc) *Route {
	return g.handle(pattern, h, handlerName(h))
}

func (g *Group) handle(pattern string, h HandlerFunc, desc string) *Route {
	if h == nil {
		panic(fmt.Sprintf("web: nil handler for %q", pattern))
	}
	method, path := "", pattern
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		method, path = pattern[:i], strings.TrimLeft(pattern[i:], " \t")
	}
	if g.prefix != "" && strings.HasPrefix(path, "/") {
		// A path without its leading '/' is left alone for parsePattern to reject, rather
		// than glued to the prefix ("/api" + "users").
		if path == "/" {
			path = g.prefix
		} else {
			path = g.prefix + path
		}
	}
	full := path
	if method != "" {
		full = method + " " + path
	}
	if g.hasRoute != nil {
		*g.hasRoute = true
	}
	return g.r.register(full, g, h, desc)
}

// HandleHTTP registers a standard http.Handler for pattern. The handler sees path parameters
// through r.PathValue and the *Ctx through [CtxFrom].
func (g *Group) HandleHTTP(pattern string, h http.Handler) *Route {
	if h == nil {
		panic(fmt.Sprintf("web: nil handler for %q", pattern))
	}
	return g.handle(pattern, func(c *Ctx) error {
		req := c.Request
		if CtxFrom(req) != c { // not installed yet, or another router's Ctx (Mount)
			req = c.withStash(req)
		}
		for i, name := range c.route.parsed.names {
			if i < len(c.params) {
				req.SetPathValue(name, c.params[i])
			}
		}
		c.SetRequest(req)
		h.ServeHTTP(c.Writer, req)
		return nil
	}, handlerName(h))
}

// GET registers h for GET requests to path (HEAD requests are answered by it too).
func (g *Group) GET(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodGet+" "+path, h, handlerName(h))
}

// POST registers h for POST requests to path.
func (g *Group) POST(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodPost+" "+path, h, handlerName(h))
}

// PUT registers h for PUT requests to path.
func (g *Group) PUT(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodPut+" "+path, h, handlerName(h))
}

// PATCH registers h for PATCH requests to path.
func (g *Group) PATCH(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodPatch+" "+path, h, handlerName(h))
}

// DELETE registers h for DELETE requests to path.
func (g *Group) DELETE(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodDelete+" "+path, h, handlerName(h))
}

// HEAD registers h for HEAD requests to path, replacing the automatic answer from GET.
func (g *Group) HEAD(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodHead+" "+path, h, handlerName(h))
}

// OPTIONS registers h for OPTIONS requests to path, replacing the automatic Allow answer.
func (g *Group) OPTIONS(path string, h HandlerFunc) *Route {
	return g.handle(http.MethodOptions+" "+path, h, handlerName(h))
}

// Use appends middleware to the group. It must be called before the group's first route and
// before groups are derived from it with Group or With: middleware added later would
// silently miss those routes and groups, so that panics.
func (g *Group) Use(mw ...Middleware) {
	if g.hasRoute != nil && *g.hasRoute {
		panic(fmt.Sprintf("web: Use on group %q after routes or sub-groups were made from it; call Use first", g.prefix))
	}
	g.mw = append(g.mw, mw...)
}

// With returns a group with the same prefix and the extra middleware, for a few routes:
//
//	g.With(requireLogin).GET("/me", me)
func (g *Group) With(mw ...Middleware) *Group {
	if g.hasRoute != nil {
		*g.hasRoute = true // the new group copies g.mw: a later g.Use would miss it
	}
	all := make([]Middleware, 0, len(g.mw)+len(mw))
	all = append(append(all, g.mw...), mw...)
	return &Group{r: g.r, prefix: g.prefix, mw: all, hasRoute: new(bool)}
}

// Group returns a sub-group under prefix (which must start with '/' and not end with it),
// inheriting this group's middleware.
func (g *Group) Group(prefix string) *Group {
	if prefix == "" || prefix[0] != '/' || (len(prefix) > 1 && strings.HasSuffix(prefix, "/")) || strings.ContainsAny(prefix, "{}") {
		panic(fmt.Sprintf("web: bad group prefix %q: it must start with '/', not end with '/' and hold no wildcard", prefix))
	}
	if prefix == "/" {
		prefix = ""
	}
	sub := g.With()
	sub.prefix = g.prefix + prefix
	return sub
}

// Mount serves every request under prefix (for every method) with h, with the prefix
// stripped from the request path, like http.StripPrefix.
func (g *Group) Mount(prefix string, h http.Handler) {
	prefix = strings.TrimSuffix(prefix, "/")
	full := g.prefix + prefix
	strip := http.StripPrefix(full, h)
	if prefix != "" {
		g.HandleHTTP(prefix, strip)
	}
	g.HandleHTTP(prefix+"/{path...}", strip)
}
