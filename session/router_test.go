package session_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// TestRouterCommitPaths: behind a Sinew router the session is made when a handler first
// asks for it and commits from the Ctx's before-header hook. Each way a response can end
// gets the cookie when it still can, and saves what the handler set, except after a panic.
func TestRouterCommitPaths(t *testing.T) {
	t.Parallel()
	takeHooks := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := web.CtxFrom(r)
			for c.BeforeWriteHeader(func(http.Header, int) {}) {
			}
			next.ServeHTTP(w, r)
		})
	}
	for _, tt := range []struct {
		name       string
		hooksTaken bool // every before-header hook is taken before the session middleware
		handle     func(c *web.Ctx) error
		status     int
		cookie     bool // a session cookie in the response
		saved      bool // the value is in the store afterwards
	}{
		{"Text", false, func(c *web.Ctx) error { return c.Text(200, "ok") }, 200, true, true},
		{"nothing written", false, func(c *web.Ctx) error { return nil }, 200, true, true},
		{"redirect", false, func(c *web.Ctx) error { return c.Redirect(303, "/") }, 303, true, true},
		{"error", false, func(c *web.Ctx) error { return errors.New("boom") }, 500, true, true},
		{"panic", false, func(c *web.Ctx) error { panic("boom") }, 500, false, false},
		{"hooks taken", true, func(c *web.Ctx) error { return c.Text(200, "ok") }, 200, true, true},
		{"hooks taken, nothing written", true, func(c *web.Ctx) error { return nil }, 200, true, true},
		{"hooks taken, panic", true, func(c *web.Ctx) error { panic("boom") }, 500, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := newSQLiteStore(t)
			m := session.New(store, session.Config{})
			r := web.NewRouter(web.Config{Logger: discardLogger()})
			if tt.hooksTaken {
				r.Use(takeHooks)
			}
			r.Use(m.Middleware)
			r.POST("/", func(c *web.Ctx) error {
				if err := session.From(c).Set("k", "v"); err != nil {
					return err
				}
				return tt.handle(c)
			})
			r.GET("/k", func(c *web.Ctx) error {
				v, _ := session.Get[string](session.From(c), "k")
				return c.Text(200, v)
			})
			res := do(t, r, "POST", "/", "")
			ck := sessionCookie(res)
			if res.StatusCode != tt.status || (ck != nil) != tt.cookie {
				t.Fatalf("status %d, cookie %v; want %d, cookie %v", res.StatusCode, ck != nil, tt.status, tt.cookie)
			}
			if saves := store.saves.Load(); (saves > 0) != tt.saved {
				t.Errorf("%d saves; want saved=%v", saves, tt.saved)
			}
			if ck != nil {
				if got := body(t, do(t, r, "GET", "/k", ck.Value)); got != "v" {
					t.Errorf("the next request reads %q, want v", got)
				}
			}
		})
	}
}

// TestRouterUntouchedCostsNothing: behind a Sinew router, a request whose handler never
// asks for its session reaches no store and sets no cookie or Vary.
func TestRouterUntouchedCostsNothing(t *testing.T) {
	t.Parallel()
	store := newSQLiteStore(t)
	m := session.New(store, session.Config{})
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(m.Middleware)
	r.GET("/", func(c *web.Ctx) error { return c.Text(200, "plain") })
	res := do(t, r, "GET", "/", "")
	if res.StatusCode != 200 || len(res.Cookies()) != 0 || res.Header.Get("Vary") != "" || store.calls() != 0 {
		t.Errorf("status %d, cookies %v, Vary %q, %d store calls", res.StatusCode, res.Cookies(), res.Header.Get("Vary"), store.calls())
	}
}
