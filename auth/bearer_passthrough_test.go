package auth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/web"
)

// TestOtherBearerTokensPassThrough: a bearer token that is not a personal access token
// (the ops token, a webhook's) reaches the route, which checks it; auth leaves the request
// anonymous. A malformed personal access token is still refused with 401.
func TestOtherBearerTokensPassThrough(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{})
	app.GET("/hook", func(c *web.Ctx) error {
		if auth.CurrentUser(c) != nil {
			t.Error("a foreign bearer token authenticated a user")
		}
		if c.Header("Authorization") != "Bearer hook-secret" {
			return web.Error(http.StatusUnauthorized, "bad hook secret")
		}
		return c.Text(http.StatusOK, "hook ok")
	})
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(t.Context())
	for _, tc := range []struct {
		token string
		want  int
	}{{"hook-secret", 200}, {"snw_notavalidtoken", 401}} {
		req := httptest.NewRequest(http.MethodGet, "/hook", nil)
		req.Header.Set("Authorization", "Bearer "+tc.token)
		w := httptest.NewRecorder()
		app.ServeHTTP(w, req)
		if w.Code != tc.want {
			t.Errorf("Bearer %s: %d, want %d", tc.token, w.Code, tc.want)
		}
	}
}
