package main

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/testkit"
)

func newTestApp(t *testing.T) *sinew.App {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	if err := setup(app); err != nil {
		t.Fatal(err)
	}
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	return app
}

func TestShowcasePages(t *testing.T) {
	t.Parallel()
	app := testkit.New(t, setup) // served on a real listener, requests go through net/http
	tests := []struct {
		path, accept string
		status       int
		contains     string
	}{
		{"/", "text/html", 200, "Sinew showcase"},
		{"/healthz", "", 200, `"status":"ok"`},
		{"/hello/gopher", "", 200, "Hello, gopher!"},
		{"/files/a%2Fb/c.txt", "", 200, `"path":"a/b/c.txt"`},
		{"/echo?name=Ada&age=36", "", 200, `"age":36`},
		{"/echo?age=old", "application/json", 400, "query.age"},
		{"/boom", "application/json", 500, "Internal Server Error"},
		{"/posts", "text/html", 200, "Notes on the engine, part 5"},
		{"/posts/1", "text/html", 200, "<strong>SQLite</strong>"},
		{"/posts/999", "application/json", 404, "Not Found"},
		{"/posts/%27%20OR%201=1--", "application/json", 400, "not an integer"},
		{"/static/site.css", "", 200, "font"},
		{"/static/../main.go", "", 301, ""},
	}
	c := app.Client()
	for _, tt := range tests {
		req := c.NewRequest("GET", tt.path, nil)
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		c.Do(req).ExpectStatus(tt.status).ExpectContains(tt.contains)
	}
}

func TestShowcaseDraftsHidden(t *testing.T) {
	t.Parallel()
	app := testkit.New(t, setup)
	res := app.Client().Get("/posts").ExpectStatus(http.StatusOK)
	res.ExpectNotContains("part 6")                         // the unpublished post
	res.ExpectText("article.post .meta", "by Ada Lovelace") // authors prefetched
	res.ExpectSelectorCount("article.post", 5)
}
