package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

func TestBindPathWinsOverBodyAndBlankNumbers(t *testing.T) {
	t.Parallel()
	type input struct {
		ID    int64    `path:"id" json:"id"`
		Title string   `json:"title" form:"title"`
		Age   int      `form:"age"`
		Score *float64 `form:"score"`
	}
	r := web.NewRouter(web.Config{})
	var got input
	r.PUT("/items/{id}", func(c *web.Ctx) error {
		got = input{}
		return c.Bind(&got)
	})
	req := httptest.NewRequest("PUT", "/items/5", strings.NewReader(`{"id": 6, "title": "x"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != 200 || got.ID != 5 || got.Title != "x" {
		t.Fatalf("status %d, bound %+v: the path id must win over the body", rec.Code, got)
	}
	req = httptest.NewRequest("PUT", "/items/5", strings.NewReader("title=y&age=&score=+"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != 200 || got.Age != 0 || got.Score != nil {
		t.Fatalf("blank numbers: status %d %s, bound %+v", rec.Code, rec.Body, got)
	}
}
