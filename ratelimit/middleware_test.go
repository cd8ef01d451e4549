package ratelimit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/ormtest"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/web"
)

func newLimitedRouter(t *testing.T, store ratelimit.Store, events int, key func(*http.Request) string) *web.Router {
	t.Helper()
	r := web.NewRouter(web.Config{Logger: quiet()})
	l := ratelimit.New(store, ratelimit.Limit{Events: events, Per: time.Minute})
	g := r.With(ratelimit.Middleware(l, key))
	g.GET("/limited", func(c *web.Ctx) error { return c.Text(http.StatusOK, "ok") })
	r.GET("/free", func(c *web.Ctx) error { return c.Text(http.StatusOK, "free") })
	return r
}

func get(h http.Handler, path string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = "192.0.2.7:4567"
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	r := newLimitedRouter(t, ratelimit.NewMemoryStore(), 2, ratelimit.ByIP)
	for i, want := range []string{"1", "0"} {
		rec := get(r, "/limited", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d, want 200", i+1, rec.Code)
		}
		if got := rec.Header().Get("RateLimit-Remaining"); got != want {
			t.Fatalf("request %d: RateLimit-Remaining %q, want %q", i+1, got, want)
		}
		if rec.Header().Get("RateLimit-Limit") != "2" || rec.Header().Get("RateLimit-Reset") != "60" {
			t.Fatalf("request %d: headers %v", i+1, rec.Header())
		}
		if rec.Header().Get("Retry-After") != "" {
			t.Fatalf("request %d: Retry-After on an allowed request", i+1)
		}
	}
	tests := []struct {
		name, accept, wantType string
	}{
		{"browser", "text/html", "text/html"},
		{"api", "application/json", "application/problem+json"},
	}
	for _, tt := range tests {
		rec := get(r, "/limited", map[string]string{"Accept": tt.accept})
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("%s: %d, want 429", tt.name, rec.Code)
		}
		ra, err := strconv.Atoi(rec.Header().Get("Retry-After"))
		if err != nil || ra < 1 || ra > 60 {
			t.Fatalf("%s: Retry-After %q, want 1..60 seconds", tt.name, rec.Header().Get("Retry-After"))
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tt.wantType) {
			t.Fatalf("%s: Content-Type %q, want %s", tt.name, ct, tt.wantType)
		}
		if !strings.Contains(rec.Body.String(), "too many requests") {
			t.Fatalf("%s: body %q does not explain the refusal", tt.name, rec.Body.String())
		}
	}
	// A spoofed X-Forwarded-For from an untrusted client does not buy a new counter.
	if rec := get(r, "/limited", map[string]string{"X-Forwarded-For": "203.0.113.9"}); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("spoofed X-Forwarded-For: %d, want 429", rec.Code)
	}
	// Routes without the middleware are not limited.
	if rec := get(r, "/free", nil); rec.Code != http.StatusOK || rec.Header().Get("RateLimit-Limit") != "" {
		t.Fatalf("/free: %d %v", rec.Code, rec.Header())
	}
}

func TestMiddlewareEmptyKeyNotLimited(t *testing.T) {
	t.Parallel()
	key := func(r *http.Request) string { return r.Header.Get("X-Api-Key") }
	r := newLimitedRouter(t, ratelimit.NewMemoryStore(), 1, key)
	for range 3 {
		if rec := get(r, "/limited", nil); rec.Code != http.StatusOK {
			t.Fatalf("request without a key: %d, want 200", rec.Code)
		}
	}
	get(r, "/limited", map[string]string{"X-Api-Key": "k1"})
	if rec := get(r, "/limited", map[string]string{"X-Api-Key": "k1"}); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("second request with key k1: %d, want 429", rec.Code)
	}
	hostile := strings.Repeat("\xff'; DROP TABLE x; --", 1000)
	if rec := get(r, "/limited", map[string]string{"X-Api-Key": hostile}); rec.Code != http.StatusOK {
		t.Fatalf("hostile key: %d, want 200 (a key like any other)", rec.Code)
	}
}

// TestMiddlewareStoreDown uses a database store whose table does not exist: every Hit
// fails, and the middleware must answer 503, not let the request through.
func TestMiddlewareStoreDown(t *testing.T) {
	t.Parallel()
	db := ormtest.OpenSQLite(t, orm.Config{})
	r := newLimitedRouter(t, ratelimit.NewDBStore(db), 5, ratelimit.ByIP)
	rec := get(r, "/limited", map[string]string{"Accept": "application/json"})
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("store down: %d %s, want 503", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), ratelimit.TableName) {
		t.Fatalf("503 body leaks the store's error: %s", rec.Body)
	}
	if err := ratelimit.CreateTable(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	if rec := get(r, "/limited", nil); rec.Code != http.StatusOK {
		t.Fatalf("store back: %d, want 200", rec.Code)
	}
}

// TestMiddlewarePlainHTTP checks the middleware outside a Sinew router.
func TestMiddlewarePlainHTTP(t *testing.T) {
	t.Parallel()
	l := ratelimit.New(ratelimit.NewMemoryStore(), ratelimit.Limit{Events: 1, Per: time.Minute})
	h := ratelimit.Middleware(l, ratelimit.ByIP)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	if rec := get(h, "/", nil); rec.Code != http.StatusOK {
		t.Fatalf("first: %d", rec.Code)
	}
	rec := get(h, "/", nil)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second: %d %v, want 429 with Retry-After", rec.Code, rec.Header())
	}
	// Another client address has its own counter.
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = "[2001:db8::1]:443"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("other client: %d", rec.Code)
	}
}
