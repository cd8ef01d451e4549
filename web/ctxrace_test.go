package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// TestCtxAsContextFromAnotherGoroutine: a database driver handed the Ctx as a context in
// middleware watches Done from a goroutine of its own while the router moves the request on
// to the handler (deriving requests on the way); under -race this must not be a data race.
func TestCtxAsContextFromAnotherGoroutine(t *testing.T) {
	t.Parallel()
	type key struct{}
	r := web.NewRouter(web.Config{})
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			c := web.CtxFrom(req)
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() { // what database/sql's watcher does with the context
				defer close(done)
				for {
					select {
					case <-stop:
						return
					case <-c.Done():
						return
					default:
						_ = c.Err()
						_ = c.Value(key{})
					}
				}
			}()
			next.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), key{}, 1)))
			close(stop)
			<-done
		})
	})
	r.GET("/x", func(c *web.Ctx) error { return c.Text(http.StatusOK, "ok") })
	for range 50 {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
}
