package view

import (
	"bytes"
	"flag"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// testNow is the clock of the test engines, for timeago.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newEngine returns an Engine over fsys or fails the test.
func newEngine(t testing.TB, fsys fs.FS, cfg Config) *Engine {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	e, err := New(fsys, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// siteFS is the sample site under testdata/site.
func siteFS() fs.FS { return os.DirFS("testdata/site") }

// siteConfig wires the request hooks the way the session and auth packages will.
func siteConfig() Config {
	return Config{
		CSRFToken: func(c *web.Ctx) string { return c.Header("X-Test-Token") },
		Flashes: func(c *web.Ctx) []Flash {
			if msg := c.Query("flash"); msg != "" {
				return []Flash{{Kind: "success", Message: msg}}
			}
			return nil
		},
	}
}

// newSiteRouter returns a router rendering through e, with the named routes the sample
// templates use; GET /page runs render.
func newSiteRouter(t testing.TB, e *Engine, render web.HandlerFunc) *web.Router {
	t.Helper()
	r := web.NewRouter(web.Config{Renderer: e, Logger: slog.New(slog.DiscardHandler)})
	ok := func(c *web.Ctx) error { return c.Text(http.StatusOK, "ok") }
	r.GET("/", ok).Name("home")
	r.GET("/posts/{id}", ok).Name("post")
	r.POST("/posts", ok).Name("posts.create")
	r.GET("/page", render)
	return r
}

// get serves a GET of target from h as a browser would ask for it.
func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept", "text/html")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// renderString renders name outside a request and returns the output.
func renderString(t testing.TB, e *Engine, name string, data any) string {
	t.Helper()
	var b bytes.Buffer
	if err := e.Render(nil, &b, name, data); err != nil {
		t.Fatalf("Render(%q): %v", name, err)
	}
	return b.String()
}

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
