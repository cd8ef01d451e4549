package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkArticles measures the requests of the load run in process, on the test app's
// SQLite database with 100 articles by 5 authors (three tags each, 30 favourited twice):
// a page of 20 articles, a page filtered by tag, and one article by slug.
func BenchmarkArticles(b *testing.B) {
	c := newClient(b)
	var slugs, tokens []string
	for u := range 5 {
		tokens = append(tokens, c.register(fmt.Sprintf("writer%d", u)))
		for a := range 20 {
			m := c.must(http.StatusCreated, "POST", "/api/articles", tokens[u],
				fmt.Sprintf(`{"article":{"title":"Article %d by %d","description":"d","body":"b","tagList":["go","t%d","w%d"]}}`, a, u, a, u))
			slugs = append(slugs, m["article"].(map[string]any)["slug"].(string))
		}
	}
	for _, s := range slugs[:30] {
		for _, tok := range tokens[1:3] {
			c.must(http.StatusOK, "POST", "/api/articles/"+s+"/favorite", tok, "")
		}
	}
	for _, bm := range []struct{ name, path string }{
		{"list", "/api/articles"},
		{"list-by-tag", "/api/articles?tag=go&limit=10"},
		{"get", "/api/articles/" + slugs[7]},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				c.app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, bm.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d", bm.path, rec.Code)
				}
			}
		})
	}
}
