package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestObservePage serves the showcase on a real listener (the page calls the server's own
// address), visits a post, and finds it counted under its route pattern.
func TestObservePage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	get("/posts/1")
	code, page := get("/observe")
	if code != 200 {
		t.Fatalf("GET /observe: %d %s", code, page)
	}
	for _, want := range []string{"<code>/posts/{id}</code>", "200 OK", "Tracing is <strong>off"} {
		if !strings.Contains(page, want) {
			t.Errorf("/observe lacks %q", want)
		}
	}
	if strings.Contains(page, "<code>/posts/1</code>") {
		t.Error("a raw path is shown as a route")
	}
	// In test the ops endpoints are off without SINEW_OPS_TOKEN.
	if code, _ := get("/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without a token in test: %d", code)
	}
}
