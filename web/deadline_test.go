package web_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

// TestCtxSetDeadline checks the lazy deadline of Ctx.SetDeadline as each way of reading a
// context sees it: Deadline at once, Err once the time has passed even though nobody
// waited on Done, Done closing, ClearDeadline cancelling, and the refusals (no router
// context, a second deadline).
func TestCtxSetDeadline(t *testing.T) {
	t.Parallel()
	passthrough := func(next http.Handler) http.Handler { return next } // installs the router's context
	tests := []struct {
		name  string
		use   bool // global middleware, hence the router's context in the request
		check func(t *testing.T, c *web.Ctx)
	}{
		{"no router context", false, func(t *testing.T, c *web.Ctx) {
			if c.SetDeadline(time.Now().Add(time.Hour)) {
				t.Error("SetDeadline accepted a request without the router's context")
			}
		}},
		{"deadline seen at once", true, func(t *testing.T, c *web.Ctx) {
			d := time.Now().Add(time.Hour)
			if !c.SetDeadline(d) {
				t.Fatal("SetDeadline refused")
			}
			defer c.ClearDeadline()
			for name, ctx := range map[string]context.Context{"Ctx": c, "r.Context()": c.Request.Context()} {
				if got, ok := ctx.Deadline(); !ok || !got.Equal(d) {
					t.Errorf("%s.Deadline() = %v, %v; want %v", name, got, ok, d)
				}
				if err := ctx.Err(); err != nil {
					t.Errorf("%s.Err() = %v before the deadline", name, err)
				}
			}
			if c.SetDeadline(d.Add(-time.Minute)) {
				t.Error("a second deadline was accepted")
			}
		}},
		{"past deadline without Done", true, func(t *testing.T, c *web.Ctx) {
			if !c.SetDeadline(time.Now().Add(-time.Millisecond)) {
				t.Fatal("SetDeadline refused")
			}
			defer c.ClearDeadline()
			if !c.DeadlineExceeded() {
				t.Error("DeadlineExceeded false after the deadline")
			}
			if err := c.Request.Context().Err(); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Err() = %v, want DeadlineExceeded", err)
			}
			select {
			case <-c.Done():
			case <-time.After(5 * time.Second):
				t.Error("Done not closed after the deadline")
			}
		}},
		{"Done closes", true, func(t *testing.T, c *web.Ctx) {
			if !c.SetDeadline(time.Now().Add(5 * time.Millisecond)) {
				t.Fatal("SetDeadline refused")
			}
			defer c.ClearDeadline()
			select {
			case <-c.Request.Context().Done():
			case <-time.After(5 * time.Second):
				t.Fatal("Done not closed after the deadline")
			}
			if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Err() = %v, want DeadlineExceeded", err)
			}
		}},
		{"ClearDeadline cancels", true, func(t *testing.T, c *web.Ctx) {
			if !c.SetDeadline(time.Now().Add(time.Hour)) {
				t.Fatal("SetDeadline refused")
			}
			done := c.Request.Context().Done() // makes the context behind the deadline
			c.ClearDeadline()
			select {
			case <-done:
			default:
				t.Error("the deadline's context is not cancelled by ClearDeadline")
			}
			if !errors.Is(c.Request.Context().Err(), context.Canceled) {
				t.Errorf("Err() = %v after ClearDeadline, want Canceled", c.Request.Context().Err())
			}
		}},
		{"ClearDeadline before Done", true, func(t *testing.T, c *web.Ctx) {
			if !c.SetDeadline(time.Now().Add(-time.Second)) {
				t.Fatal("SetDeadline refused")
			}
			c.ClearDeadline()
			if _, ok := c.Request.Context().Deadline(); ok {
				t.Error("a deadline is left after ClearDeadline")
			}
			if err := c.Request.Context().Err(); err != nil {
				t.Errorf("Err() = %v after ClearDeadline, want nil", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := web.NewRouter(web.Config{})
			if tt.use {
				r.Use(passthrough)
			}
			ran := false
			r.GET("/", func(c *web.Ctx) error {
				ran = true
				tt.check(t, c)
				return c.NoContent(http.StatusNoContent)
			})
			do(t, r, "GET", "/")
			if !ran {
				t.Fatal("handler not run")
			}
		})
	}
}

// TestCtxSetDeadlineDerived checks that contexts derived from a request with a lazy
// deadline are cancelled through it directly, as they are from context.WithDeadline's
// context, not by a goroutine per derived context watching Done (database/sql derives one
// per transaction and per result set). Not parallel: it counts goroutines, with a wide margin.
func TestCtxSetDeadlineDerived(t *testing.T) {
	r := web.NewRouter(web.Config{})
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			c := web.CtxFrom(req)
			if !c.SetDeadline(time.Now().Add(time.Hour)) {
				t.Error("SetDeadline refused")
			}
			defer c.ClearDeadline()
			next.ServeHTTP(w, req)
		})
	})
	const n = 100
	r.GET("/", func(c *web.Ctx) error {
		before := runtime.NumGoroutine()
		cancels := make([]context.CancelFunc, 0, 2*n)
		var children []context.Context
		for range n {
			ctx, cancel := context.WithCancel(c)
			children = append(children, ctx)
			cancels = append(cancels, cancel)
			ctx, cancel = context.WithCancel(c.Request.Context())
			children = append(children, ctx)
			cancels = append(cancels, cancel)
		}
		if d := runtime.NumGoroutine() - before; d >= n {
			t.Errorf("%d goroutines started for %d derived contexts", d, 2*n)
		}
		defer func() {
			for _, cancel := range cancels {
				cancel()
			}
		}()
		c.ClearDeadline() // what the middleware does on its way out: the children follow
		for _, ctx := range children {
			if !errors.Is(ctx.Err(), context.Canceled) {
				t.Fatalf("derived context: Err %v after ClearDeadline, want Canceled", ctx.Err())
			}
		}
		return c.NoContent(http.StatusNoContent)
	})
	do(t, r, "GET", "/")
}
