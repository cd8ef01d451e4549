package observe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/sinewdev/sinew/observe"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/web"
)

// nopWriter is a ResponseWriter that keeps nothing, so benchmarks measure the router and
// the middleware alone.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// passThrough is a do-nothing middleware: the baseline router also runs one, so that both
// sides pay for the per-request context the router makes when middleware runs.
func passThrough(next http.Handler) http.Handler { return next }

func benchRouter(mw web.Middleware) *web.Router {
	r := web.NewRouter(web.Config{Logger: quietLogger()})
	r.Use(mw)
	r.GET("/posts/{id}", func(c *web.Ctx) error { return c.NoContent(http.StatusNoContent) })
	return r
}

// allocsPerRequest measures the allocations of one request through h.
func allocsPerRequest(h http.Handler) float64 {
	req := httptest.NewRequest("GET", "/posts/123", nil)
	w := &nopWriter{h: http.Header{}}
	h.ServeHTTP(w, req) // create the label children
	return testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, req)
	})
}

// TestMiddlewareAllocatesNothingExtra: with tracing off, recording a request's metrics
// allocates nothing beyond what the router allocates with any middleware.
func TestMiddlewareAllocatesNothingExtra(t *testing.T) {
	base := allocsPerRequest(benchRouter(passThrough))
	with := allocsPerRequest(benchRouter(newObserver(t).Middleware()))
	if with != base {
		t.Fatalf("a request allocates %v times with the observer's middleware, %v without", with, base)
	}
}

// BenchmarkMiddleware compares a request through the router with a do-nothing middleware,
// with the observer's middleware (tracing off, the default), and with tracing on (spans
// recorded by an SDK provider that samples everything and exports nowhere).
func BenchmarkMiddleware(b *testing.B) {
	traced := tracedObserver(b)
	cases := []struct {
		name string
		h    http.Handler
	}{
		{"baseline", benchRouter(passThrough)},
		{"metrics", benchRouter(newObserver(b).Middleware())},
		{"metrics+tracing", benchRouter(traced.Middleware())},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/posts/123", nil)
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				bc.h.ServeHTTP(w, req)
			}
		})
	}
}

// BenchmarkQueryHook compares a one-row SELECT on in-memory SQLite without a hook, with the
// observer's hook (metrics; tracing off, the default) and with tracing on.
func BenchmarkQueryHook(b *testing.B) {
	traced := tracedObserver(b)
	cases := []struct {
		name string
		hook orm.QueryHook
	}{
		{"none", nil},
		{"metrics", newObserver(b).QueryHook()},
		{"metrics+tracing", traced.QueryHook()},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			reg := orm.NewRegistry()
			if err := reg.Register(Note{}); err != nil {
				b.Fatal(err)
			}
			db, err := sqlite.Open(context.Background(), "sqlite::memory:", orm.Config{Registry: reg, Hook: bc.hook})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			ctx := orm.WithDB(context.Background(), db)
			if err := db.CreateTables(ctx); err != nil {
				b.Fatal(err)
			}
			n := Note{Text: "x"}
			if err := orm.Create(ctx, &n); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := orm.Q[Note](ctx).Filter("id", n.ID).All(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// tracedObserver returns an observer with tracing on: spans recorded by an SDK provider that
// samples everything and exports nowhere.
func tracedObserver(b *testing.B) *observe.Observer {
	b.Helper()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	traced, err := observe.New(observe.Config{TracerProvider: tp})
	if err != nil {
		b.Fatal(err)
	}
	return traced
}
