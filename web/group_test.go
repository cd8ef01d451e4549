package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// tracer returns middleware that appends "name:pattern" to *log (the route pattern and
// parameters are known to middleware through CtxFrom) and sets the header X-Name.
func tracer(name string, mu *sync.Mutex, log *[]string) web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := web.CtxFrom(r)
			entry := name + ":<nil>"
			if c != nil {
				entry = name + ":" + c.RoutePattern()
				if id := c.Param("id"); id != "" {
					entry += ":" + id
				}
			}
			mu.Lock()
			*log = append(*log, entry)
			mu.Unlock()
			w.Header().Add("X-Mw", name)
			next.ServeHTTP(w, r)
		})
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		log []string
	)
	r := web.NewRouter(web.Config{})
	r.Use(tracer("global", &mu, &log))
	r.GET("/", echo("/"))
	api := r.Group("/api")
	api.Use(tracer("api", &mu, &log))
	api.GET("/users/{id}", echo("/api/users/{id}"))
	api.GET("/", echo("/api"))
	v2 := api.Group("/v2")
	v2.Use(tracer("v2", &mu, &log))
	v2.POST("/items/{id}", echo("/api/v2/items/{id}"))
	api.With(tracer("with", &mu, &log)).DELETE("/users/{id}", echo("/api/users/{id}"))
	api.GET("/plain", echo("/api/plain"))
	root := r.Group("/")
	root.GET("/rootgroup", echo("/rootgroup"))

	tests := []struct {
		method, target string
		body           string
		mw             []string
	}{
		{"GET", "/", "GET /", []string{"global:"}},
		{"GET", "/api/users/7", "GET /api/users/{id} id=7", []string{"global:", "api:/api/users/{id}:7"}},
		{"GET", "/api", "GET /api", []string{"global:", "api:/api"}},
		{"POST", "/api/v2/items/3", "POST /api/v2/items/{id} id=3", []string{"global:", "api:/api/v2/items/{id}:3", "v2:/api/v2/items/{id}:3"}},
		{"DELETE", "/api/users/7", "DELETE /api/users/{id} id=7", []string{"global:", "api:/api/users/{id}:7", "with:/api/users/{id}:7"}},
		{"GET", "/api/plain", "GET /api/plain", []string{"global:", "api:/api/plain"}},
		{"GET", "/rootgroup", "GET /rootgroup", []string{"global:"}},
		{"GET", "/api/nope", "", []string{"global:"}},
	}
	for _, tt := range tests {
		mu.Lock()
		log = nil
		mu.Unlock()
		rec := do(t, r, tt.method, tt.target)
		if tt.body != "" && rec.Body.String() != tt.body {
			t.Errorf("%s %s: %d %q, want %q", tt.method, tt.target, rec.Code, rec.Body, tt.body)
		}
		mu.Lock()
		if !slices.Equal(log, tt.mw) {
			t.Errorf("%s %s: middleware ran as %q, want %q", tt.method, tt.target, log, tt.mw)
		}
		mu.Unlock()
		var names []string
		for _, e := range tt.mw {
			names = append(names, strings.SplitN(e, ":", 2)[0])
		}
		if got := rec.Header().Values("X-Mw"); !slices.Equal(got, names) {
			t.Errorf("%s %s: X-Mw %q, want %q", tt.method, tt.target, got, names)
		}
	}
}

func TestGroupUseAfterRoutesPanics(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	g := r.Group("/g")
	g.Use(func(h http.Handler) http.Handler { return h })
	g.GET("/a", echo("/g/a"))
	msg := panicMessage(t, func() { g.Use(func(h http.Handler) http.Handler { return h }) })
	if !strings.Contains(msg, `"/g"`) || !strings.Contains(msg, "Use") {
		t.Errorf("panic %q", msg)
	}
	w := r.With()
	w.GET("/w", echo("/w"))
	panicMessage(t, func() { w.Use(func(h http.Handler) http.Handler { return h }) })
	// The router's global Use may be called at any time before serving.
	r.Use(func(h http.Handler) http.Handler { return h })
}

func TestGroupUseAfterSubGroupPanics(t *testing.T) {
	t.Parallel()
	mw := func(h http.Handler) http.Handler { return h }
	r := web.NewRouter(web.Config{})
	api := r.Group("/api")
	api.Use(mw) // before anything was derived: fine
	v1 := api.Group("/v1")
	v1.Use(mw) // v1 has no routes or sub-groups yet: fine
	// api.Use now would silently miss v1 (which copied api's middleware): it panics.
	if msg := panicMessage(t, func() { api.Use(mw) }); !strings.Contains(msg, `"/api"`) {
		t.Errorf("panic %q", msg)
	}
	w := r.Group("/w")
	w.With(mw)
	panicMessage(t, func() { w.Use(mw) })
}

func TestBadGroupPrefixPanics(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	for _, p := range []string{"", "api", "/api/", "/api/{id}", "/{x}"} {
		msg := panicMessage(t, func() { r.Group(p) })
		if !strings.Contains(msg, "bad group prefix") {
			t.Errorf("Group(%q): panic %q", p, msg)
		}
	}
}

func TestGroupPathMustStartWithSlash(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	g := r.Group("/api")
	for _, p := range []string{"users", "GET users", "example.com/users"} {
		msg := panicMessage(t, func() { g.Handle(p, echo(p)) })
		if !strings.Contains(msg, "bad pattern") {
			t.Errorf("Handle(%q) in group /api: panic %q", p, msg)
		}
	}
	if n := len(r.Routes()); n != 0 {
		t.Errorf("%d routes registered: %+v", n, r.Routes())
	}
}

func TestGroupMiddlewareShortCircuitAndReplaceRequest(t *testing.T) {
	t.Parallel()
	type key struct{}
	r := web.NewRouter(web.Config{})
	g := r.Group("/g")
	g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("X-Deny") != "" {
				http.Error(w, "denied", http.StatusForbidden)
				return
			}
			ctx := context.WithValue(req.Context(), key{}, "from middleware")
			next.ServeHTTP(&upperWriter{w}, req.WithContext(ctx))
		})
	})
	g.GET("/v/{id}", func(c *web.Ctx) error {
		return c.Text(200, fmt.Sprintf("%v|%v|%s", c.Value(key{}), c.Request.Context().Value(key{}), c.Param("id")))
	})
	rec := do(t, r, "GET", "/g/v/abc")
	if rec.Code != 200 || rec.Body.String() != "FROM MIDDLEWARE|FROM MIDDLEWARE|ABC" {
		t.Errorf("got %d %q", rec.Code, rec.Body)
	}
	rec = do(t, r, "GET", "/g/v/abc", "X-Deny", "1")
	if rec.Code != 403 {
		t.Errorf("short-circuit: %d %q", rec.Code, rec.Body)
	}
}

// upperWriter upper-cases what the handler writes, to show the handler writes through the
// middleware's writer.
type upperWriter struct{ http.ResponseWriter }

func (u *upperWriter) Write(b []byte) (int, error) {
	return u.ResponseWriter.Write([]byte(strings.ToUpper(string(b))))
}

func TestMount(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	std := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c := web.CtxFrom(req)
		pattern := "<nil>"
		if c != nil {
			pattern = c.RoutePattern()
		}
		fmt.Fprintf(w, "%s %q %q %s", req.Method, req.URL.Path, req.URL.RawPath, pattern)
	})
	r.Mount("/legacy", std)
	r.Group("/v1").Mount("/files/", std)
	tests := []struct {
		method, target, want string
	}{
		{"GET", "/legacy/a/b", `GET "/a/b" "" /legacy/{path...}`},
		{"POST", "/legacy/", `POST "/" "" /legacy/{path...}`},
		{"DELETE", "/legacy", `DELETE "" "" /legacy`},
		{"GET", "/legacy/a%2Fb", `GET "/a/b" "/a%2Fb" /legacy/{path...}`},
		{"GET", "/legacy/x?q=1", `GET "/x" "" /legacy/{path...}`},
		{"PUT", "/v1/files/x/y", `PUT "/x/y" "" /v1/files/{path...}`},
	}
	for _, tt := range tests {
		rec := do(t, r, tt.method, tt.target)
		if rec.Body.String() != tt.want {
			t.Errorf("%s %s: %d %q, want %q", tt.method, tt.target, rec.Code, rec.Body, tt.want)
		}
	}
	if rec := do(t, r, "GET", "/legacyx"); rec.Code != 404 {
		t.Errorf("/legacyx: %d", rec.Code)
	}
}

func TestMountRouter(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		log []string
	)
	inner := web.NewRouter(web.Config{})
	inner.Use(tracer("inner-global", &mu, &log))
	admin := inner.Group("/admin")
	admin.Use(tracer("inner-group", &mu, &log))
	admin.GET("/users/{id}", func(c *web.Ctx) error {
		return c.Text(200, c.RoutePattern()+" id="+c.Param("id")+" "+c.Path())
	})
	inner.GET("/plain/{id}", func(c *web.Ctx) error {
		return c.Text(200, c.RoutePattern()+" id="+c.Param("id"))
	})

	// A sub-router with group middleware only: its Ctx is installed after routing.
	inner2 := web.NewRouter(web.Config{})
	inner2.Group("/g").With(tracer("inner2-group", &mu, &log)).GET("/{id}", func(c *web.Ctx) error {
		return c.Text(200, c.RoutePattern()+" id="+c.Param("id"))
	})

	outer := web.NewRouter(web.Config{})
	outer.Use(tracer("outer-global", &mu, &log))
	g := outer.Group("/app")
	g.Use(tracer("outer-group", &mu, &log))
	g.Mount("/sub", inner)
	outer.Mount("/bare", inner)
	outer.Mount("/two", inner2)

	tests := []struct {
		target, body string
		mw           []string
	}{
		{"/app/sub/admin/users/5", "/admin/users/{id} id=5 /admin/users/5",
			[]string{"outer-global:", "outer-group:/app/sub/{path...}", "inner-global:", "inner-group:/admin/users/{id}:5"}},
		{"/app/sub/plain/6", "/plain/{id} id=6",
			[]string{"outer-global:", "outer-group:/app/sub/{path...}", "inner-global:"}},
		{"/bare/admin/users/7", "/admin/users/{id} id=7 /admin/users/7",
			[]string{"outer-global:", "inner-global:", "inner-group:/admin/users/{id}:7"}},
		{"/two/g/8", "/g/{id} id=8", []string{"outer-global:", "inner2-group:/g/{id}:8"}},
	}
	for _, tt := range tests {
		mu.Lock()
		log = nil
		mu.Unlock()
		rec := do(t, outer, "GET", tt.target)
		if rec.Body.String() != tt.body {
			t.Errorf("GET %s: %d %q, want %q", tt.target, rec.Code, rec.Body, tt.body)
		}
		mu.Lock()
		if !slices.Equal(log, tt.mw) {
			t.Errorf("GET %s: middleware %q, want %q", tt.target, log, tt.mw)
		}
		mu.Unlock()
	}
}

func TestHandleHTTP(t *testing.T) {
	t.Parallel()
	type key struct{}
	std := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c := web.CtxFrom(req)
		if c == nil {
			http.Error(w, "no Ctx", 500)
			return
		}
		fmt.Fprintf(w, "id=%s rest=%s pattern=%s param=%s value=%v", req.PathValue("id"), req.PathValue("rest"),
			c.RoutePattern(), c.Param("id"), req.Context().Value(key{}))
	})
	build := func(global, group bool) *web.Router {
		r := web.NewRouter(web.Config{})
		r.SetValue(key{}, "router value")
		if global {
			r.Use(func(h http.Handler) http.Handler { return h })
		}
		g := r.Group("/std")
		if group {
			g.Use(func(h http.Handler) http.Handler { return h })
		}
		g.HandleHTTP("GET /{id}/{rest...}", std)
		return r
	}
	for _, global := range []bool{false, true} {
		for _, group := range []bool{false, true} {
			r := build(global, group)
			rec := do(t, r, "GET", "/std/a%2Fb/c/d")
			want := "id=a/b rest=c/d pattern=/std/{id}/{rest...} param=a/b value=router value"
			if rec.Body.String() != want {
				t.Errorf("global=%v group=%v: %d %q, want %q", global, group, rec.Code, rec.Body, want)
			}
		}
	}
}

func TestURLReversal(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.GET("/posts/{id}", echo("/posts/{id}")).Name("post")
	r.GET("/users/{user}/posts/{post}", echo("/users/{user}/posts/{post}")).Name("user-post")
	r.GET("/files/{path...}", echo("/files/{path...}")).Name("files")
	r.GET("/about", echo("/about")).Name("about")
	r.GET("/café/{x}", echo("/café/{x}")).Name("cafe")
	r.Group("/api").POST("/items/{id}", echo("/api/items/{id}")).Name("item")

	tests := []struct {
		name string
		args []any
		want string
	}{
		{"post", []any{42}, "/posts/42"},
		{"post", []any{"a b"}, "/posts/a%20b"},
		{"post", []any{"a/b"}, "/posts/a%2Fb"},
		{"post", []any{"100%"}, "/posts/100%25"},
		{"post", []any{"é?#"}, "/posts/%C3%A9%3F%23"},
		{"user-post", []any{"ann", int64(7)}, "/users/ann/posts/7"},
		{"files", []any{"css/site main.css"}, "/files/css/site%20main.css"},
		{"files", []any{""}, "/files/"},
		{"files", []any{"a/b/"}, "/files/a/b/"},
		{"about", nil, "/about"},
		{"cafe", []any{1}, "/caf%C3%A9/1"},
		{"item", []any{"x"}, "/api/items/x"},
	}
	for _, tt := range tests {
		got, err := r.URL(tt.name, tt.args...)
		if err != nil || got != tt.want {
			t.Errorf("URL(%q, %v) = %q, %v; want %q", tt.name, tt.args, got, err, tt.want)
			continue
		}
		// The URL routes back to the same route with the same values.
		method := "GET"
		if tt.name == "item" {
			method = "POST"
		}
		rec := do(t, r, method, got)
		if rec.Code != 200 {
			t.Errorf("%s %s: %d", method, got, rec.Code)
			continue
		}
		for i, a := range tt.args {
			if !strings.Contains(rec.Body.String(), "="+fmt.Sprint(a)) {
				t.Errorf("%s %s: body %q lacks argument %d %q", method, got, rec.Body, i, a)
			}
		}
	}
	for _, tt := range []struct {
		name string
		args []any
		want string
	}{
		{"post", nil, "takes 1 arguments, got 0"},
		{"post", []any{1, 2}, "takes 1 arguments, got 2"},
		{"about", []any{1}, "takes 0 arguments, got 1"},
		{"nope", nil, `no route named "nope"`},
		{"post", []any{""}, "is empty"},
	} {
		if _, err := r.URL(tt.name, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("URL(%q, %v): error %v, want %q", tt.name, tt.args, err, tt.want)
		}
	}
	// Ctx.URL is the same.
	r.GET("/self", func(c *web.Ctx) error {
		u, err := c.URL("post", 5)
		if err != nil {
			return err
		}
		return c.Text(200, u)
	})
	if rec := do(t, r, "GET", "/self"); rec.Body.String() != "/posts/5" {
		t.Errorf("Ctx.URL: %q", rec.Body)
	}
}

func TestRouteNames(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	rt := r.GET("/a", echo("/a")).Name("a")
	rt.Name("a") // naming the same route again is harmless
	msg := panicMessage(t, func() { r.GET("/b", echo("/b")).Name("a") })
	if !strings.Contains(msg, "GET /a") || !strings.Contains(msg, "GET /b") || !strings.Contains(msg, `"a"`) {
		t.Errorf("duplicate name panic %q", msg)
	}
	if msg := panicMessage(t, func() { r.GET("/c", echo("/c")).Name("") }); !strings.Contains(msg, "empty route name") {
		t.Errorf("empty name panic %q", msg)
	}
	if rt.String() != "GET /a" || rt.Method != "GET" || rt.Pattern != "/a" {
		t.Errorf("route %q %q %q", rt, rt.Method, rt.Pattern)
	}
	if s := r.Handle("/m", echo("/m")).String(); s != "/m" {
		t.Errorf("method-less route String %q", s)
	}
}
