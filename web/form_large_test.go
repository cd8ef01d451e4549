package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// Without a body-limit middleware, net/http caps URL-encoded forms at 10 MB; that is a 413,
// not a 400.
func TestHugeURLEncodedFormIs413(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.POST("/f", func(c *web.Ctx) error {
		_, err := c.Form()
		return err
	})
	req := httptest.NewRequest("POST", "/f", strings.NewReader("a="+strings.Repeat("x", 11<<20)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Fatalf("status %d %s, want 413", rec.Code, rec.Body)
	}
}
