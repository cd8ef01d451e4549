package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// conformanceRoutes is the route set most routing rules are checked against.
var conformanceRoutes = []string{
	"GET /",
	"GET /users",
	"POST /users",
	"GET /users/new",
	"GET /users/{id}",
	"PUT /users/{id}",
	"DELETE /users/{id}",
	"GET /users/{id}/posts/{post}",
	"GET /users/{uid}/files/{path...}",
	"GET /users/{id}/posts/latest",
	"GET /static/{path...}",
	"GET /a/{x}/b",
	"GET /a/{rest...}",
	"GET /a/b/c",
	"GET /a/b/{y}/d",
	"GET /files/{name}",
	"GET /files/{name}/meta",
	"GET /café",
	"GET /docs/",
	"GET /blog",
	"POST /form",
	"PUT /form/",
	"PROPFIND /dav/{path...}",
	"/any/{x}",
	"GET /cat/{a}/{b...}",
	"GET /explicit",
	"HEAD /explicit",
	"GET /search",
	"GET /x/{p}/y/{q}",
	"GET /x/{p}/{r}/z",
}

func conformanceRouter(cfg web.Config) *web.Router {
	r := web.NewRouter(cfg)
	handleAll(r, conformanceRoutes...)
	return r
}

func TestRouting(t *testing.T) {
	t.Parallel()
	r := conformanceRouter(web.Config{})
	tests := []struct {
		name   string
		method string
		target string
		code   int
		body   string // expected body for 200s, a prefix check otherwise when non-empty
	}{
		{"root", "GET", "/", 200, "GET / "},
		{"static", "GET", "/users", 200, "GET /users"},
		{"method picks route", "POST", "/users", 200, "POST /users"},
		{"static beside param", "GET", "/users/new", 200, "GET /users/new"},
		{"param beside static", "GET", "/users/42", 200, "GET /users/{id} id=42"},
		{"param prefix of static", "GET", "/users/newer", 200, "GET /users/{id} id=newer"},
		{"param shorter than static", "GET", "/users/ne", 200, "GET /users/{id} id=ne"},
		{"put param", "PUT", "/users/7", 200, "PUT /users/{id} id=7"},
		{"delete param", "DELETE", "/users/7", 200, "DELETE /users/{id} id=7"},
		{"two params", "GET", "/users/7/posts/9", 200, "GET /users/{id}/posts/{post} id=7 post=9"},
		{"static after param wins", "GET", "/users/7/posts/latest", 200, "GET /users/{id}/posts/latest id=7"},
		{"other name same position", "GET", "/users/7/files/a/b.txt", 200, "GET /users/{uid}/files/{path...} uid=7 path=a/b.txt"},
		{"catch-all empty remainder", "GET", "/users/7/files/", 200, "GET /users/{uid}/files/{path...} uid=7 path="},
		{"catch-all", "GET", "/static/css/site.css", 200, "GET /static/{path...} path=css/site.css"},
		{"catch-all one segment", "GET", "/static/x", 200, "GET /static/{path...} path=x"},
		{"catch-all empty", "GET", "/static/", 200, "GET /static/{path...} path="},
		{"catch-all keeps trailing slash", "GET", "/static/dir/", 200, "GET /static/{path...} path=dir/"},
		{"static over param over catch-all", "GET", "/a/b/c", 200, "GET /a/b/c"},
		{"param then static", "GET", "/a/1/b", 200, "GET /a/{x}/b x=1"},
		{"backtrack from param to catch-all", "GET", "/a/1/c", 200, "GET /a/{rest...} rest=1/c"},
		{"backtrack from static to param", "GET", "/a/b/b", 200, "GET /a/{x}/b x=b"},
		{"backtrack twice", "GET", "/a/b/z/d", 200, "GET /a/b/{y}/d y=z"},
		{"backtrack to catch-all from deep static", "GET", "/a/b/z/e", 200, "GET /a/{rest...} rest=b/z/e"},
		{"catch-all of static prefix", "GET", "/a/b", 200, "GET /a/{rest...} rest=b"},
		{"catch-all empty under static", "GET", "/a/", 200, "GET /a/{rest...} rest="},
		{"param route vs deeper", "GET", "/files/x", 200, "GET /files/{name} name=x"},
		{"param then static deeper", "GET", "/files/x/meta", 200, "GET /files/{name}/meta name=x"},
		{"param backtrack sibling", "GET", "/x/1/y/2", 200, "GET /x/{p}/y/{q} p=1 q=2"},
		{"static segment beats param deeper", "GET", "/x/1/y/z", 200, "GET /x/{p}/y/{q} p=1 q=z"},
		{"param backtrack second param", "GET", "/x/1/w/z", 200, "GET /x/{p}/{r}/z p=1 r=w"},
		{"param needs a segment", "GET", "/files/", 404, ""},
		{"params never span slashes", "GET", "/files/a/b", 404, ""},
		{"unicode static", "GET", "/caf%C3%A9", 200, "GET /café"},
		{"exact trailing slash", "GET", "/docs/", 200, "GET /docs/"},
		{"method-less route GET", "GET", "/any/1", 200, "GET /any/{x} x=1"},
		{"method-less route DELETE", "DELETE", "/any/1", 200, "DELETE /any/{x} x=1"},
		{"method-less route custom", "BREW", "/any/1", 200, "BREW /any/{x} x=1"},
		{"custom method", "PROPFIND", "/dav/a/b", 200, "PROPFIND /dav/{path...} path=a/b"},
		{"param then catch-all", "GET", "/cat/1/2/3", 200, "GET /cat/{a}/{b...} a=1 b=2/3"},
		{"param then empty catch-all", "GET", "/cat/1/", 200, "GET /cat/{a}/{b...} a=1 b="},
		{"percent space in param", "GET", "/users/john%20doe", 200, "GET /users/{id} id=john doe"},
		{"encoded slash in param", "GET", "/users/a%2Fb", 200, "GET /users/{id} id=a/b"},
		{"encoded slash lower-case", "GET", "/users/a%2fb", 200, "GET /users/{id} id=a/b"},
		{"encoded slash then segments", "GET", "/users/a%2Fb/posts/c%2Fd", 200, "GET /users/{id}/posts/{post} id=a/b post=c/d"},
		{"encoded slash in catch-all", "GET", "/static/a%2Fb/c", 200, "GET /static/{path...} path=a/b/c"},
		{"encoded percent", "GET", "/users/100%25", 200, "GET /users/{id} id=100%"},
		{"encoded percent before 2F", "GET", "/users/a%252F", 200, "GET /users/{id} id=a%2F"},
		{"encoded percent with encoded slash", "GET", "/users/a%252F%2Fb", 200, "GET /users/{id} id=a%2F/b"},
		{"encoded static letters", "GET", "/%75sers/new", 200, "GET /users/new"},
		{"encoded static with encoded slash elsewhere", "GET", "/%75sers/a%2Fb", 200, "GET /users/{id} id=a/b"},
		{"encoded unicode with encoded slash", "GET", "/users/caf%C3%A9%2F1", 200, "GET /users/{id} id=café/1"},
		{"not found", "GET", "/nope", 404, ""},
		{"not found deep", "GET", "/users/1/nope/2", 404, ""},
		{"query ignored by routing", "GET", "/users/9?id=10", 200, "GET /users/{id} id=9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := do(t, r, tt.method, tt.target)
			if rec.Code != tt.code {
				t.Fatalf("%s %s: status %d, want %d (body %q, Location %q)", tt.method, tt.target, rec.Code, tt.code, rec.Body, rec.Header().Get("Location"))
			}
			if tt.code == 200 && strings.TrimSpace(rec.Body.String()) != strings.TrimSpace(tt.body) {
				t.Fatalf("%s %s: body %q, want %q", tt.method, tt.target, rec.Body, tt.body)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	r := conformanceRouter(web.Config{})
	tests := []struct {
		name     string
		method   string
		target   string
		code     int
		location string
		noFollow bool // the location is not routed in this set
	}{
		{"drop trailing slash GET", "GET", "/blog/", 301, "/blog", false},
		{"drop trailing slash HEAD", "HEAD", "/blog/", 301, "/blog", false},
		{"drop trailing slash on param", "GET", "/users/42/", 301, "/users/42", false},
		{"add trailing slash", "GET", "/docs", 301, "/docs/", false},
		{"POST keeps method", "POST", "/form/", 308, "/form", false},
		{"PUT keeps method", "PUT", "/form", 308, "/form/", false},
		{"query kept", "GET", "/blog/?q=a%20b&x=1", 301, "/blog?q=a%20b&x=1", false},
		{"escapes kept", "GET", "/users/john%20doe/", 301, "/users/john%20doe", false},
		{"encoded slash kept", "GET", "/users/a%2Fb/", 301, "/users/a%2Fb", false},
		{"double slash", "GET", "/users//new", 301, "/users/new", false},
		{"leading double slash", "GET", "//users", 301, "/users", false},
		{"dot segment", "GET", "/users/./new", 301, "/users/new", false},
		{"dot-dot segment", "GET", "/users/x/../new", 301, "/users/new", false},
		{"dot-dot above root", "GET", "/../../users", 301, "/users", false},
		{"trailing dot", "GET", "/users/.", 301, "/users/", true},
		{"clean keeps query", "POST", "//users?a=1", 308, "/users?a=1", false},
		{"clean keeps escapes", "GET", "/users//john%20doe", 301, "/users/john%20doe", false},
		{"clean keeps encoded slash", "GET", "/users//a%2Fb", 301, "/users/a%2Fb", false},
		{"never scheme-relative", "GET", "//evil.example/", 301, "/evil.example/", true},
		{"never scheme-relative triple", "GET", "///evil.example", 301, "/evil.example", true},
		{"never scheme-relative via dot-dot", "GET", "/..//evil.example", 301, "/evil.example", true},
		{"never scheme-relative via dot", "GET", "/.//evil.example", 301, "/evil.example", true},
		{"encoded dot-dot", "GET", "/users/x/%2e%2e/new", 301, "/users/new", false},
		{"encoded dot-dot upper", "GET", "/%2E%2E/users", 301, "/users", false},
		{"encoded dot", "GET", "/users/%2e/new", 301, "/users/new", false},
		{"encoded dot-dot with encoded slash", "GET", "/users/x/%2e%2e/a%2Fb", 301, "/users/a%2Fb", false},
		{"no redirect for root", "GET", "/", 200, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := do(t, r, tt.method, tt.target)
			if rec.Code != tt.code {
				t.Fatalf("%s %s: status %d, want %d (Location %q, body %q)", tt.method, tt.target, rec.Code, tt.code, rec.Header().Get("Location"), rec.Body)
			}
			loc := rec.Header().Get("Location")
			if loc != tt.location {
				t.Fatalf("%s %s: Location %q, want %q", tt.method, tt.target, loc, tt.location)
			}
			if loc == "" || tt.noFollow {
				return
			}
			// Following the redirect must land on a route, not on another redirect.
			next := do(t, r, tt.method, loc)
			if next.Code != 200 {
				t.Fatalf("following %s %s to %s: status %d (Location %q)", tt.method, tt.target, loc, next.Code, next.Header().Get("Location"))
			}
		})
	}
}

func TestRedirectsNeverLeaveHost(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.GET("/{path...}", func(c *web.Ctx) error { return c.NoContent(204) })
	r.GET("/evil.example/{x}", func(c *web.Ctx) error { return c.NoContent(204) })
	for _, target := range []string{
		"//evil.example", "//evil.example/", "///evil.example/a", "/.//evil.example", "/..//evil.example",
		"/a/..//evil.example", "//evil.example/x/", "/%2e%2e//evil.example",
	} {
		rec := do(t, r, "GET", target)
		loc := rec.Header().Get("Location")
		if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.Contains(loc, "://") {
			t.Errorf("GET %s: Location %q leaves the host", target, loc)
		}
		if rec.Code != 301 && rec.Code != 204 {
			t.Errorf("GET %s: status %d", target, rec.Code)
		}
	}
}

func TestDisableRedirects(t *testing.T) {
	t.Parallel()
	r := conformanceRouter(web.Config{DisableTrailingSlashRedirect: true, DisableCleanPathRedirect: true})
	for _, tt := range []struct {
		target string
		code   int
	}{
		{"/blog/", 404},
		{"/docs", 404},
		{"/users//new", 404},
		{"/users/./new", 404},
		{"/users/42", 200},
	} {
		if rec := do(t, r, "GET", tt.target); rec.Code != tt.code {
			t.Errorf("GET %s: status %d, want %d (Location %q)", tt.target, rec.Code, tt.code, rec.Header().Get("Location"))
		}
	}
	// Only one of the two flags.
	r = conformanceRouter(web.Config{DisableTrailingSlashRedirect: true})
	if rec := do(t, r, "GET", "/blog/"); rec.Code != 404 {
		t.Errorf("trailing slash disabled: status %d", rec.Code)
	}
	if rec := do(t, r, "GET", "//blog"); rec.Code != 301 {
		t.Errorf("clean path still on: status %d", rec.Code)
	}
	r = conformanceRouter(web.Config{DisableCleanPathRedirect: true})
	if rec := do(t, r, "GET", "/blog/"); rec.Code != 301 {
		t.Errorf("trailing slash still on: status %d", rec.Code)
	}
	if rec := do(t, r, "GET", "/./blog"); rec.Code != 404 {
		t.Errorf("clean path disabled: status %d", rec.Code)
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	r := conformanceRouter(web.Config{})
	tests := []struct {
		name   string
		method string
		target string
		code   int
		allow  string
		body   string
	}{
		{"auto HEAD", "HEAD", "/users", 200, "", "HEAD /users"},
		{"auto HEAD with param", "HEAD", "/users/5", 200, "", "HEAD /users/{id} id=5"},
		{"explicit HEAD wins", "HEAD", "/explicit", 200, "", "HEAD /explicit"},
		{"GET beside explicit HEAD", "GET", "/explicit", 200, "", "GET /explicit"},
		{"405 lists methods", "POST", "/users/5", 405, "GET, HEAD, PUT, DELETE, OPTIONS", ""},
		{"405 on static", "DELETE", "/users", 405, "GET, HEAD, POST, OPTIONS", ""},
		{"405 for HEAD-only path", "POST", "/explicit", 405, "GET, HEAD, OPTIONS", ""},
		{"405 lists custom methods", "GET", "/dav/x", 405, "OPTIONS, PROPFIND", ""},
		{"OPTIONS answers Allow", "OPTIONS", "/users/5", 204, "GET, HEAD, PUT, DELETE, OPTIONS", ""},
		{"OPTIONS static", "OPTIONS", "/users", 204, "GET, HEAD, POST, OPTIONS", ""},
		{"OPTIONS for unknown path is 404", "OPTIONS", "/nope", 404, "", ""},
		{"unknown method on known path", "BREW", "/users", 405, "GET, HEAD, POST, OPTIONS", ""},
		{"HEAD listed when another path has a HEAD route", "POST", "/search", 405, "GET, HEAD, OPTIONS", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := do(t, r, tt.method, tt.target)
			if rec.Code != tt.code {
				t.Fatalf("%s %s: status %d, want %d", tt.method, tt.target, rec.Code, tt.code)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Fatalf("%s %s: Allow %q, want %q", tt.method, tt.target, got, tt.allow)
			}
			if tt.body != "" && rec.Body.String() != tt.body {
				t.Fatalf("%s %s: body %q, want %q", tt.method, tt.target, rec.Body, tt.body)
			}
		})
	}
}

func TestAllowIsDeterministic(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	for _, m := range []string{"PROPFIND", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "PROPPATCH", "GET", "POST"} {
		r.Handle(m+" /dav", func(c *web.Ctx) error { return nil })
	}
	want := "GET, HEAD, POST, OPTIONS, COPY, LOCK, MKCOL, MOVE, PROPFIND, PROPPATCH, UNLOCK"
	for i := range 50 {
		rec := do(t, r, "PUT", "/dav")
		if got := rec.Header().Get("Allow"); got != want {
			t.Fatalf("try %d: Allow %q, want %q", i, got, want)
		}
	}
}

func TestMethodLessRouteAllowsEverything(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.Handle("/hook", func(c *web.Ctx) error { return c.Text(200, c.Method()) })
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"} {
		rec := do(t, r, m, "/hook")
		if rec.Code != 200 || rec.Body.String() != m {
			t.Errorf("%s /hook: %d %q", m, rec.Code, rec.Body)
		}
	}
	// A method route on the same path wins over the method-less one.
	r.Handle("POST /hook", func(c *web.Ctx) error { return c.Text(200, "post route") })
	if rec := do(t, r, "POST", "/hook"); rec.Body.String() != "post route" {
		t.Errorf("POST /hook: %q", rec.Body)
	}
}

func TestCustomNotFoundAndMethodNotAllowed(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{
		NotFound: func(c *web.Ctx) error { return c.Text(404, "custom 404 "+c.Path()) },
		MethodNotAllowed: func(c *web.Ctx) error {
			return c.Text(405, "custom 405 allow="+c.Writer.Header().Get("Allow"))
		},
	})
	r.GET("/a", func(c *web.Ctx) error { return nil })
	if rec := do(t, r, "GET", "/b"); rec.Code != 404 || rec.Body.String() != "custom 404 /b" {
		t.Errorf("404: %d %q", rec.Code, rec.Body)
	}
	if rec := do(t, r, "POST", "/a"); rec.Code != 405 || rec.Body.String() != "custom 405 allow=GET, HEAD, OPTIONS" {
		t.Errorf("405: %d %q", rec.Code, rec.Body)
	}
	// Handlers that return errors go through the error handler.
	r2 := web.NewRouter(web.Config{
		NotFound:         func(c *web.Ctx) error { return web.Error(410, "gone for good") },
		MethodNotAllowed: func(c *web.Ctx) error { return web.Error(418, "teapot") },
	})
	r2.GET("/a", func(c *web.Ctx) error { return nil })
	if rec := do(t, r2, "GET", "/b", "Accept", "application/json"); rec.Code != 410 || !strings.Contains(rec.Body.String(), "gone for good") {
		t.Errorf("404 returning error: %d %q", rec.Code, rec.Body)
	}
	if rec := do(t, r2, "POST", "/a", "Accept", "application/json"); rec.Code != 418 || rec.Header().Get("Allow") == "" {
		t.Errorf("405 returning error: %d %q allow %q", rec.Code, rec.Body, rec.Header().Get("Allow"))
	}
}

func TestDefaultNotFoundAndMethodNotAllowed(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.GET("/a", func(c *web.Ctx) error { return nil })
	rec := do(t, r, "GET", "/b", "Accept", "application/json")
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("404: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec = do(t, r, "PATCH", "/a", "Accept", "text/html")
	if rec.Code != 405 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("405: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

func TestRegistrationConflictsPanic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		first  string
		second string
	}{
		{"same pattern twice", "GET /users/{id}", "GET /users/{id}"},
		{"same shape other name", "GET /users/{id}", "GET /users/{name}"},
		{"same shape two params", "GET /a/{x}/b/{y}", "GET /a/{p}/b/{q}"},
		{"same catch-all shape", "GET /static/{path...}", "GET /static/{file...}"},
		{"same static", "POST /login", "POST /login"},
		{"method-less twice", "/hook/{id}", "/hook/{key}"},
		{"custom method twice", "PROPFIND /dav/{p...}", "PROPFIND /dav/{q...}"},
		{"root catch-all twice", "/{p...}", "/{q...}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := web.NewRouter(web.Config{})
			r.Handle(tt.first, echo(tt.first))
			msg := panicMessage(t, func() { r.Handle(tt.second, echo(tt.second)) })
			if !strings.Contains(msg, tt.first) || !strings.Contains(msg, tt.second) {
				t.Fatalf("panic %q does not name both %q and %q", msg, tt.first, tt.second)
			}
			// The first route still works and the router is not corrupted.
			if got := len(r.Routes()); got != 1 {
				t.Fatalf("%d routes after the failed registration", got)
			}
		})
	}
}

func TestNonConflictingSiblings(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	// None of these conflict: every pair differs in method, shape or staticness.
	handleAll(r,
		"GET /users/{id}", "GET /users/new", "GET /users/{id}/", "GET /users/{id...}",
		"POST /users/{id}", "/users/{id}", "GET /users", "GET /users/",
		"GET /{a}/{b}", "GET /{a}/b", "GET /a/{b}",
	)
	if n := len(r.Routes()); n != 11 {
		t.Fatalf("%d routes", n)
	}
	for target, want := range map[string]string{
		"/users/new":   "GET /users/new",
		"/users/1":     "GET /users/{id} id=1",
		"/users/1/":    "GET /users/{id}/ id=1",
		"/users/1/2":   "GET /users/{id...} id=1/2",
		"/users/":      "GET /users/",
		"/a/b":         "GET /a/{b} b=b",
		"/x/b":         "GET /{a}/b a=x",
		"/x/y":         "GET /{a}/{b} a=x b=y",
		"/users/new/x": "GET /users/{id...} id=new/x",
	} {
		if rec := do(t, r, "GET", target); rec.Body.String() != want {
			t.Errorf("GET %s: %d %q, want %q", target, rec.Code, rec.Body, want)
		}
	}
}

func TestInvalidPatternsPanic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    string // a fragment of the panic message
	}{
		{"/users/id{id}", "whole path segment"},
		{"/users/{id}x", "whole path segment"},
		{"/users/{a}{b}", "whole path segment"},
		{"/users/{id", "whole path segment"},
		{"/users/id}", "whole path segment"},
		{"/users/{{id}}", "whole path segment"},
		{"/a/{$}", "{$}"},
		{"/{}", "not a Go identifier"},
		{"/{...}", "not a Go identifier"},
		{"/{1abc}", "not a Go identifier"},
		{"/{a-b}", "not a Go identifier"},
		{"/{a b}", "invalid method"},
		{"/{a.b}", "not a Go identifier"},
		{"/{a}/{a}", "appears twice"},
		{"/{a}/{a...}", "appears twice"},
		{"/{rest...}/x", "must be the last segment"},
		{"/{rest...}/", "must be the last segment"},
		{"example.com/a", "host patterns are not supported"},
		{"GET example.com/a", "host patterns are not supported"},
		{"get /a", "invalid method"},
		{"Get /a", "invalid method"},
		{"G(T /a", "invalid method"},
		{"GET", "path must start with '/'"},
		{"GET ", "missing path"},
		{"", "missing path"},
		{"users", "path must start with '/'"},
		{"/a?b", "'?'"},
		{"/a#b", "'#'"},
		{"GET /a b", "space"},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			t.Parallel()
			r := web.NewRouter(web.Config{})
			msg := panicMessage(t, func() { r.Handle(tt.pattern, func(c *web.Ctx) error { return nil }) })
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "web: bad pattern") {
				t.Fatalf("panic %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestNilHandlerPanics(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	if msg := panicMessage(t, func() { r.GET("/a", nil) }); !strings.Contains(msg, "nil handler") {
		t.Errorf("panic %q", msg)
	}
	if msg := panicMessage(t, func() { r.HandleHTTP("/a", nil) }); !strings.Contains(msg, "nil handler") {
		t.Errorf("panic %q", msg)
	}
}

func TestGlobalMiddlewareRunsFor404AndRedirects(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	var seen []string
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			c := web.CtxFrom(req)
			if c == nil {
				t.Error("CtxFrom is nil in global middleware")
			}
			w.Header().Set("X-Global", "yes")
			next.ServeHTTP(w, req)
			seen = append(seen, req.URL.Path+" "+c.RoutePattern())
		})
	})
	r.GET("/a/{id}", echo("/a/{id}"))
	for _, tt := range []struct {
		target string
		code   int
	}{{"/a/1", 200}, {"/nope", 404}, {"/a/1/", 301}, {"//a/1", 301}} {
		rec := do(t, r, "GET", tt.target)
		if rec.Code != tt.code || rec.Header().Get("X-Global") != "yes" {
			t.Errorf("GET %s: %d, X-Global %q", tt.target, rec.Code, rec.Header().Get("X-Global"))
		}
	}
	if rec := do(t, r, "POST", "/a/1"); rec.Code != 405 || rec.Header().Get("X-Global") != "yes" {
		t.Errorf("405: %d", rec.Code)
	}
	want := []string{"/a/1 /a/{id}", "/nope ", "/a/1/ ", "//a/1 ", "/a/1 "}
	if !slices.Equal(seen, want) {
		t.Errorf("middleware saw %q, want %q", seen, want)
	}
}

func TestRoutesListing(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.POST("/users", listUsers)
	r.GET("/users", listUsers).Name("users")
	r.Handle("PROPFIND /dav", listUsers)
	r.Handle("/any", listUsers)
	r.Group("/api").DELETE("/users/{id}", listUsers)
	r.HEAD("/users", listUsers)
	got := r.Routes()
	want := []web.RouteInfo{
		{Method: "", Pattern: "/any"},
		{Method: "DELETE", Pattern: "/api/users/{id}"},
		{Method: "PROPFIND", Pattern: "/dav"},
		{Method: "GET", Pattern: "/users", Name: "users"},
		{Method: "HEAD", Pattern: "/users"},
		{Method: "POST", Pattern: "/users"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d routes: %+v", len(got), got)
	}
	for i := range want {
		if got[i].Method != want[i].Method || got[i].Pattern != want[i].Pattern || got[i].Name != want[i].Name {
			t.Errorf("route %d: %+v, want %+v", i, got[i], want[i])
		}
		if !strings.HasSuffix(got[i].Handler, "web_test.listUsers") {
			t.Errorf("route %d: handler %q", i, got[i].Handler)
		}
	}
}

func listUsers(c *web.Ctx) error { return c.NoContent(204) }

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	cfg := web.NewRouter(web.Config{}).Config()
	if cfg.Logger == nil || cfg.MaxMultipartMemory != 32<<20 || cfg.Debug || cfg.StrictJSON {
		t.Errorf("defaults %+v", cfg)
	}
	cfg = web.NewRouter(web.Config{MaxMultipartMemory: 5}).Config()
	if cfg.MaxMultipartMemory != 5 {
		t.Errorf("MaxMultipartMemory %d", cfg.MaxMultipartMemory)
	}
}

func TestUnmatchedRequestsHaveNoRoute(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{NotFound: func(c *web.Ctx) error {
		if c.Route() != nil || c.RoutePattern() != "" || c.Param("x") != "" {
			t.Errorf("404 Ctx has route %v", c.Route())
		}
		return c.NoContent(404)
	}})
	r.GET("/a/{x}", func(c *web.Ctx) error { return nil })
	// The failed backtracking through {x} must not leave values behind.
	if rec := do(t, r, "GET", "/a/1/2"); rec.Code != 404 {
		t.Errorf("status %d", rec.Code)
	}
}
