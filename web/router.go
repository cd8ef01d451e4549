package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// HandlerFunc is a Sinew request handler. Returning a non-nil error hands it to the router's
// error handler, which turns it into a response (see [StatusOf]).
type HandlerFunc func(c *Ctx) error

// Middleware is the one middleware type: any standard func(http.Handler) http.Handler.
type Middleware = func(http.Handler) http.Handler

// Renderer renders a named template into w. The view package provides one. [Ctx.Render]
// hands it a buffer owned by the pooled Ctx and writes the response only when rendering
// succeeded; c may be nil when rendering outside a request.
type Renderer interface {
	Render(c *Ctx, w io.Writer, name string, data any) error
}

// Config configures a Router. The zero value is the default.
type Config struct {
	// NotFound handles requests that no route matches. Default: the error handler with a 404.
	NotFound HandlerFunc
	// MethodNotAllowed handles requests whose path matches routes of other methods only; the
	// Allow header is already set. Default: the error handler with a 405.
	MethodNotAllowed HandlerFunc
	// ErrorHandler turns errors returned by handlers (and recovered panics) into responses.
	// Default: [ErrorPages] with Debug and Logger.
	ErrorHandler func(c *Ctx, err error)
	// Debug shows error details and stack traces in error pages (for development only).
	Debug bool
	// Logger receives server errors (5xx) with the request ID. Default: slog.Default().
	Logger *slog.Logger
	// Renderer renders templates for Ctx.Render. Default: none (Render returns an error).
	Renderer Renderer
	// DisableTrailingSlashRedirect turns off the redirect from /a/ to /a (or /a to /a/) when
	// only the other form is routed. Default: redirects are on.
	DisableTrailingSlashRedirect bool
	// DisableCleanPathRedirect turns off the redirect of paths with //, /./ or /../ to their
	// clean form. Default: redirects are on.
	DisableCleanPathRedirect bool
	// MaxMultipartMemory is the memory used for multipart forms before parts spill to disk.
	// Default: 32 MiB.
	MaxMultipartMemory int64
	// StrictJSON rejects JSON bodies with fields the target struct does not have.
	StrictJSON bool
}

// Router is Sinew's HTTP router: a radix tree per method with named parameters, catch-alls,
// route groups with their own middleware and named routes with URL reversal. It is an
// http.Handler. Register every route before serving; registration is not safe for use
// concurrently with ServeHTTP.
type Router struct {
	root Group // routes registered on the Router directly

	cfg       Config
	trees     [len(methodList)]*node
	custom    map[string]*node // trees for non-standard methods
	any       *node            // routes registered without a method
	routes    []*Route
	shapes    map[string]*Route // method + " " + shape → route, to report conflicts
	names     map[string]*Route
	global    []Middleware
	chain     atomic.Pointer[http.Handler]
	maxParams int
	pool      sync.Pool
	values    []ctxValue
	binds     sync.Map // reflect.Type → *bindPlan
	errorFn   func(c *Ctx, err error)
}

type ctxValue struct{ key, val any }

// methodList holds the standard methods; each has a tree slot.
var methodList = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace}

func methodIndex(m string) int {
	switch m {
	case http.MethodGet:
		return 0
	case http.MethodHead:
		return 1
	case http.MethodPost:
		return 2
	case http.MethodPut:
		return 3
	case http.MethodPatch:
		return 4
	case http.MethodDelete:
		return 5
	case http.MethodOptions:
		return 6
	case http.MethodConnect:
		return 7
	case http.MethodTrace:
		return 8
	}
	return -1
}

// NewRouter returns an empty router configured by cfg.
func NewRouter(cfg Config) *Router {
	r := &Router{cfg: cfg, shapes: map[string]*Route{}, names: map[string]*Route{}}
	if r.cfg.Logger == nil {
		r.cfg.Logger = slog.Default()
	}
	if r.cfg.MaxMultipartMemory <= 0 {
		r.cfg.MaxMultipartMemory = 32 << 20
	}
	r.errorFn = r.cfg.ErrorHandler
	if r.errorFn == nil {
		r.errorFn = ErrorPages(r.cfg.Debug, r.cfg.Logger)
	}
	r.root = Group{r: r}
	r.pool.New = func() any {
		return &Ctx{router: r, params: make([]string, 0, max(r.maxParams, 4))}
	}
	return r
}

// SetRenderer sets the template renderer used by Ctx.Render (the view package's Engine).
// Call it before serving.
func (r *Router) SetRenderer(rd Renderer) { r.cfg.Renderer = rd }

// Config returns the router's configuration, with defaults filled in.
func (r *Router) Config() Config { return r.cfg }

// Use appends middleware that runs for every request before routing, including requests
// that end in 404, 405 or a redirect. Use [Group.Use] for middleware that runs only for a
// group's routes, after routing.
func (r *Router) Use(mw ...Middleware) {
	r.global = append(r.global, mw...)
	r.chain.Store(nil)
}

// SetValue makes ctx.Value(key) answer val for the context of every request served by r
// (through both *Ctx and the request's context), without allocating per request. The App
// uses it to make the database reachable from handlers.
func (r *Router) SetValue(key, val any) {
	for i := range r.values {
		if r.values[i].key == key {
			r.values[i].val = val
			return
		}
	}
	r.values = append(r.values, ctxValue{key, val})
}

// Value returns the value SetValue stored under key, or nil. Unlike Ctx.Value it does not
// make the request's Ctx a context that escapes the pool.
func (r *Router) Value(key any) any { return r.value(key) }

func (r *Router) value(key any) any {
	for i := range r.values {
		if r.values[i].key == key {
			return r.values[i].val
		}
	}
	return nil
}

// Route is a registered route. Its methods configure it further and return it.
type Route struct {
	Method  string // "" for routes registered without a method
	Pattern string // the full pattern, as registered (after the group prefix)
	name    string
	parsed  parsedPattern
	handler HandlerFunc
	chain   http.Handler // the group middleware wrapped around the handler, or nil
	desc    string       // the handler's function name, for listings
	router  *Router

	// For the clean path check on a match (see matchClean).
	cleanStatics bool // the literal parts make a clean path
	catchAll     bool // the last wildcard is a {name...}
}

// Name names the route for URL reversal with [Router.URL]. Names are unique per router.
func (rt *Route) Name(name string) *Route {
	g := rt.router
	if name == "" {
		panic("web: empty route name")
	}
	if other, ok := g.names[name]; ok && other != rt {
		panic(fmt.Sprintf("web: route name %q used by both %s and %s", name, other, rt))
	}
	rt.name = name
	g.names[name] = rt
	return rt
}

// String returns "METHOD pattern".
func (rt *Route) String() string {
	if rt.Method == "" {
		return rt.Pattern
	}
	return rt.Method + " " + rt.Pattern
}

// RouteInfo describes a registered route for listings such as `./app routes`.
type RouteInfo struct {
	Method  string // "" for routes registered without a method (they answer every method)
	Pattern string
	Name    string
	Handler string // the handler's function name
}

// Routes lists the registered routes sorted by pattern, then method.
func (r *Router) Routes() []RouteInfo {
	out := make([]RouteInfo, 0, len(r.routes))
	for _, rt := range r.routes {
		out = append(out, RouteInfo{Method: rt.Method, Pattern: rt.Pattern, Name: rt.name, Handler: rt.desc})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pattern != out[j].Pattern {
			return out[i].Pattern < out[j].Pattern
		}
		return methodOrder(out[i].Method) < methodOrder(out[j].Method)
	})
	return out
}

func methodOrder(m string) int {
	if i := methodIndex(m); i >= 0 {
		return i
	}
	return len(methodList)
}

func (r *Router) register(pattern string, g *Group, h HandlerFunc, desc string) *Route {
	p, err := parsePattern(pattern)
	if err != nil {
		panic(fmt.Sprintf("web: bad pattern %q: %v", pattern, err))
	}
	rt := &Route{Method: p.method, Pattern: p.path, parsed: p, handler: h, desc: desc, router: r,
		cleanStatics: staticsClean(p),
		catchAll:     len(p.parts) > 0 && p.parts[len(p.parts)-1].kind == segCatchAll}
	key := p.method + " " + p.shape()
	if other, ok := r.shapes[key]; ok {
		panic(fmt.Sprintf("web: route %s conflicts with %s: both match the same requests", rt, other))
	}
	var root **node
	if p.method == "" {
		root = &r.any
	} else if i := methodIndex(p.method); i >= 0 {
		root = &r.trees[i]
	} else {
		if r.custom == nil {
			r.custom = map[string]*node{}
		}
		n := r.custom[p.method]
		if n == nil {
			n = &node{}
			r.custom[p.method] = n
		}
		root = &n
	}
	if *root == nil {
		*root = &node{}
	}
	if other := (*root).insert(p.parts, rt); other != nil {
		panic(fmt.Sprintf("web: route %s conflicts with %s", rt, other))
	}
	r.shapes[key] = rt
	r.routes = append(r.routes, rt)
	r.maxParams = max(r.maxParams, len(p.names))
	if len(g.mw) > 0 {
		var terminal http.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			c := CtxFrom(req)
			if c == nil {
				http.Error(w, "web: request context lost by a middleware", http.StatusInternalServerError)
				return
			}
			c.Request, c.Writer = req, w
			if err := rt.handler(c); err != nil {
				c.router.errorFn(c, err)
			}
		})
		for i := len(g.mw) - 1; i >= 0; i-- {
			terminal = g.mw[i](terminal)
		}
		rt.chain = terminal
	}
	return rt
}

func handlerName(fn any) string {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return fmt.Sprintf("%T", fn)
	}
	if f := runtime.FuncForPC(v.Pointer()); f != nil {
		return f.Name()
	}
	return "?"
}

// lookup finds the route for method and path, appending wildcard values to *ps.
func (r *Router) lookup(method, path string, ps *[]string) *Route {
	var root *node
	if i := methodIndex(method); i >= 0 {
		root = r.trees[i]
	} else if r.custom != nil {
		root = r.custom[method]
	}
	if root != nil {
		if rt := root.lookup(path, ps); rt != nil {
			return rt
		}
	}
	if method == http.MethodHead && r.trees[0] != nil {
		if rt := r.trees[0].lookup(path, ps); rt != nil {
			return rt
		}
	}
	if r.any != nil {
		if rt := r.any.lookup(path, ps); rt != nil {
			return rt
		}
	}
	return nil
}

// allowed returns the methods that have a route for path, in canonical order, or nil.
func (r *Router) allowed(path string, scratch *[]string) []string {
	var out []string
	if r.any != nil {
		if r.any.lookup(path, scratch) != nil {
			*scratch = (*scratch)[:0]
			return slices.Clone(methodList[:])
		}
	}
	for i, root := range r.trees {
		if root == nil {
			continue
		}
		if root.lookup(path, scratch) != nil {
			out = append(out, methodList[i])
			if i == 0 {
				out = append(out, http.MethodHead) // GET routes answer HEAD too
			}
		}
		*scratch = (*scratch)[:0]
	}
	for m, root := range r.custom {
		if root.lookup(path, scratch) != nil {
			out = append(out, m)
		}
		*scratch = (*scratch)[:0]
	}
	if len(out) > 0 && !slices.Contains(out, http.MethodOptions) {
		out = append(out, http.MethodOptions)
	}
	sort.Slice(out, func(i, j int) bool {
		oi, oj := methodOrder(out[i]), methodOrder(out[j])
		if oi != oj {
			return oi < oj
		}
		return out[i] < out[j] // custom methods, by name: r.custom is a map
	})
	return slices.Compact(out)
}

// Handle registers h for pattern; see [Group.Handle] for the pattern syntax.
func (r *Router) Handle(pattern string, h HandlerFunc) *Route { return r.root.Handle(pattern, h) }

// HandleHTTP registers a standard http.Handler for pattern; see [Group.HandleHTTP].
func (r *Router) HandleHTTP(pattern string, h http.Handler) *Route {
	return r.root.HandleHTTP(pattern, h)
}

// GET registers h for GET (and HEAD) requests to path.
func (r *Router) GET(path string, h HandlerFunc) *Route { return r.root.GET(path, h) }

// POST registers h for POST requests to path.
func (r *Router) POST(path string, h HandlerFunc) *Route { return r.root.POST(path, h) }

// PUT registers h for PUT requests to path.
func (r *Router) PUT(path string, h HandlerFunc) *Route { return r.root.PUT(path, h) }

// PATCH registers h for PATCH requests to path.
func (r *Router) PATCH(path string, h HandlerFunc) *Route { return r.root.PATCH(path, h) }

// DELETE registers h for DELETE requests to path.
func (r *Router) DELETE(path string, h HandlerFunc) *Route { return r.root.DELETE(path, h) }

// HEAD registers h for HEAD requests to path.
func (r *Router) HEAD(path string, h HandlerFunc) *Route { return r.root.HEAD(path, h) }

// OPTIONS registers h for OPTIONS requests to path.
func (r *Router) OPTIONS(path string, h HandlerFunc) *Route { return r.root.OPTIONS(path, h) }

// Group returns a group of routes under prefix; see [Group.Group].
func (r *Router) Group(prefix string) *Group { return r.root.Group(prefix) }

// With returns a group at the root with extra middleware that runs after routing.
func (r *Router) With(mw ...Middleware) *Group { return r.root.With(mw...) }

// Mount serves every request under prefix with h; see [Group.Mount].
func (r *Router) Mount(prefix string, h http.Handler) { r.root.Mount(prefix, h) }
