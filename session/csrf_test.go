package session_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// csrfFixture is a router with the session middleware, then CSRF with the session's secret.
func csrfFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: newSQLiteStore(t)}
	f.m = session.New(f.store, session.Config{})
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(f.m.Middleware, middleware.CSRF(middleware.CSRFConfig{Secret: session.CSRFSecret}))
	r.GET("/token", func(c *web.Ctx) error { return c.Text(200, session.CSRFToken(c)) })
	r.GET("/plain", func(c *web.Ctx) error { return c.Text(200, "plain") })
	r.POST("/act", func(c *web.Ctx) error { return c.Text(200, "done") })
	r.POST("/rotate", func(c *web.Ctx) error { session.From(c).RotateCSRF(); return c.Text(200, "rotated") })
	f.h = r
	return f
}

func TestCSRFToken(t *testing.T) {
	t.Parallel()
	f := csrfFixture(t)
	res := do(t, f.h, "GET", "/token", "")
	tok, ck := body(t, res), sessionCookie(res)
	if tok == "" || ck == nil {
		t.Fatalf("token %q, cookie %v", tok, ck)
	}
	// Each render masks the secret differently; every one matches.
	res = do(t, f.h, "GET", "/token", ck.Value)
	tok2 := body(t, res)
	if tok2 == tok || sessionCookie(res) != nil {
		t.Errorf("second token equal (%v) or session saved again (%v)", tok2 == tok, sessionCookie(res) != nil)
	}
	for _, tk := range []string{tok, tok2} {
		if res := do(t, f.h, "POST", "/act", ck.Value, "X-CSRF-Token", tk); res.StatusCode != 200 {
			t.Errorf("POST with a token: %d %s", res.StatusCode, body(t, res))
		}
	}
	// Without the session, or after a rotation, the token is refused.
	if res := do(t, f.h, "POST", "/act", "", "X-CSRF-Token", tok); res.StatusCode != 403 || !strings.Contains(body(t, res), "no CSRF token") {
		t.Errorf("token without its session: %d", res.StatusCode)
	}
	if res := do(t, f.h, "POST", "/rotate", ck.Value, "X-CSRF-Token", tok); res.StatusCode != 200 {
		t.Fatalf("rotate: %d", res.StatusCode)
	}
	if res := do(t, f.h, "POST", "/act", ck.Value, "X-CSRF-Token", tok); res.StatusCode != 403 {
		t.Errorf("token after rotation: %d", res.StatusCode)
	}
	// A GET that never asks for a token creates no session.
	if res := do(t, f.h, "GET", "/plain", ""); sessionCookie(res) != nil {
		t.Error("a plain GET created a session")
	}
	// A store failure while checking is a server error, not a pass.
	f.store.failGet = errors.New("store down")
	if res := do(t, f.h, "POST", "/act", ck.Value, "X-CSRF-Token", tok2, "Accept", "application/json"); res.StatusCode != http.StatusInternalServerError {
		t.Errorf("store down: %d", res.StatusCode)
	}
}

func TestCSRFTokenWithoutSession(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.GET("/token", func(c *web.Ctx) error { return c.Text(200, "["+session.CSRFToken(c)+"]") })
	if res := do(t, r, "GET", "/token", ""); body(t, res) != "[]" {
		t.Error("a token without a session manager")
	}
}
