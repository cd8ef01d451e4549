package sinew_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/web"
)

func TestDefaultMiddleware(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.GET("/big", func(c *web.Ctx) error { return c.Text(200, strings.Repeat("sinew ", 1000)) })
	req := httptest.NewRequest("GET", "/big", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	h := rec.Header()
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "", // document-only: this is plain text
		"Content-Encoding":       "gzip",
		"Vary":                   "Accept-Encoding",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if h.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if rec.Body.Len() >= 6000 {
		t.Errorf("body not compressed: %d bytes", rec.Body.Len())
	}
}

func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard, RequestTimeout: 50 * time.Millisecond})
	app.GET("/slow", func(c *web.Ctx) error {
		select {
		case <-c.Done():
			return c.Err()
		case <-time.After(5 * time.Second):
			return c.Text(200, "too late")
		}
	})
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest("GET", "/slow", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
}

func TestLifecycleHooks(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	var order []string
	app.OnStart(func(context.Context) error { order = append(order, "start1"); return nil })
	app.OnStart(func(context.Context) error { order = append(order, "start2"); return nil })
	app.OnStop(func(context.Context) error { order = append(order, "stop1"); return nil })
	app.OnStop(func(context.Context) error { order = append(order, "stop2"); return nil })
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := app.Start(context.Background()); err != nil { // idempotent
		t.Fatal(err)
	}
	if err := app.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "start1,start2,stop2,stop1" {
		t.Fatalf("hook order %s", got)
	}
}
