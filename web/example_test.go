package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing/fstest"

	"github.com/sinewdev/sinew/web"
)

func ExampleNewRouter() {
	r := web.NewRouter(web.Config{})
	r.GET("/users/new", func(c *web.Ctx) error {
		return c.Text(http.StatusOK, "the sign-up form")
	})
	r.GET("/users/{id}", func(c *web.Ctx) error {
		return c.Text(http.StatusOK, "user "+c.Param("id"))
	})
	r.GET("/files/{path...}", func(c *web.Ctx) error {
		return c.Text(http.StatusOK, "file "+c.Param("path"))
	})

	for _, target := range []string{"/users/new", "/users/42", "/files/css/site.css", "/users/42/"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Println(target, "→", rec.Code, rec.Body.String()+rec.Header().Get("Location"))
	}
	// Output:
	// /users/new → 200 the sign-up form
	// /users/42 → 200 user 42
	// /files/css/site.css → 200 file css/site.css
	// /users/42/ → 301 /users/42
}

func ExampleRouter_Group() {
	r := web.NewRouter(web.Config{})
	requireToken := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("Authorization") != "Bearer secret" {
				// Group middleware runs after routing: it knows the route.
				web.CtxFrom(req).Fail(web.Errorf(http.StatusUnauthorized, "%s needs a token", web.CtxFrom(req).RoutePattern()))
				return
			}
			next.ServeHTTP(w, req)
		})
	}
	api := r.Group("/api")
	api.Use(requireToken)
	api.GET("/me", func(c *web.Ctx) error { return c.JSON(http.StatusOK, map[string]string{"name": "ann"}) })

	for _, token := range []string{"", "Bearer secret"} {
		req := httptest.NewRequest("GET", "/api/me", nil)
		req.Header.Set("Accept", "application/json")
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
		if rec.Code != http.StatusOK {
			fmt.Println()
		}
	}
	// Output:
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"detail":"/api/me needs a token","instance":"/api/me"}
	// 200 {"name":"ann"}
}

func ExampleRouter_URL() {
	r := web.NewRouter(web.Config{})
	noop := func(c *web.Ctx) error { return nil }
	r.GET("/posts/{id}", noop).Name("post")
	r.GET("/docs/{page...}", noop).Name("docs")

	post, _ := r.URL("post", 42)
	odd, _ := r.URL("post", "a/b c")
	docs, _ := r.URL("docs", "guide/getting started")
	_, err := r.URL("post")
	fmt.Println(post)
	fmt.Println(odd)
	fmt.Println(docs)
	fmt.Println(err)
	// Output:
	// /posts/42
	// /posts/a%2Fb%20c
	// /docs/guide/getting%20started
	// web: route "post" (/posts/{id}) takes 1 arguments, got 0
}

func ExampleCtx_Bind() {
	type newPost struct {
		BlogID int64    `path:"blog"`
		Draft  bool     `query:"draft"`
		Title  string   `json:"title"`
		Tags   []string `json:"tags"`
	}
	r := web.NewRouter(web.Config{})
	r.POST("/blogs/{blog}/posts", func(c *web.Ctx) error {
		var in newPost
		if err := c.Bind(&in); err != nil {
			return err // a 400 naming every bad field, a 413 or a 415
		}
		return c.Text(http.StatusCreated, fmt.Sprintf("%+v", in))
	})

	for _, target := range []string{"/blogs/7/posts?draft=on", "/blogs/seven/posts?draft=maybe"} {
		req := httptest.NewRequest("POST", target, strings.NewReader(`{"title":"Hello","tags":["go"]}`))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	// Output:
	// 201 {BlogID:7 Draft:true Title:Hello Tags:[go]}
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"invalid input","instance":"/blogs/seven/posts","errors":[{"location":"path.blog","message":"expected an integer, got \"seven\"","code":"type"},{"location":"query.draft","message":"expected a boolean, got \"maybe\"","code":"type"}]}
}

func ExampleError() {
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.GET("/posts/{id}", func(c *web.Ctx) error {
		if c.Param("id") != "1" {
			return web.Error(http.StatusNotFound, "no such post") // shown to the client
		}
		return fmt.Errorf("loading post: %w", fmt.Errorf("connection refused")) // logged, never shown
	})

	for _, target := range []string{"/posts/2", "/posts/1"} {
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	// Output:
	// 404 application/problem+json {"type":"about:blank","title":"Not Found","status":404,"detail":"no such post","instance":"/posts/2"}
	// 500 application/problem+json {"type":"about:blank","title":"Internal Server Error","status":500,"instance":"/posts/1"}
}

func ExampleStatic() {
	r := web.NewRouter(web.Config{})
	assets := fstest.MapFS{"app.js": {Data: []byte("console.log(1)")}} // or an embed.FS, os.DirFS
	r.Handle("GET /static/{path...}", web.Static(assets, web.StaticConfig{}))

	for _, target := range []string{"/static/app.js", "/static/../secret", "/static/nope.js"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Printf("%s %d Cache-Control=%q Location=%q\n", target, rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("Location"))
	}
	// Output:
	// /static/app.js 200 Cache-Control="no-cache" Location=""
	// /static/../secret 301 Cache-Control="" Location="/secret"
	// /static/nope.js 404 Cache-Control="no-store" Location=""
}
