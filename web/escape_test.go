package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

// A handler that hands its Ctx, as a context.Context, to code that watches it from another
// goroutine (as database drivers do) must not see it cleared or reused for another request
// once the handler returns: the late reader sees this request's context, cancelled.
func TestCtxUsedAsContextOutlivesHandler(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	late := make(chan context.Context, 1)
	r.GET("/watch", func(c *web.Ctx) error {
		_ = c.Value("anything") // used as a context
		go func() {
			time.Sleep(20 * time.Millisecond) // after the handler has returned
			late <- c
		}()
		return c.Text(200, "ok")
	})
	r.GET("/other", func(c *web.Ctx) error { return c.Text(200, c.Query("v")) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/watch")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	for i := 0; i < 50; i++ { // other requests that could reuse a recycled Ctx
		res, err := http.Get(srv.URL + "/other?v=x")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	ctx := <-late
	select {
	case <-ctx.Done(): // the request's context, cancelled when its handler returned
	case <-time.After(5 * time.Second):
		t.Fatal("the late context is not the finished request's context")
	}
	if ctx.Err() == nil {
		t.Fatal("Err() is nil after the request ended")
	}
}
