package sinew_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// sessionApp returns a started test app with a database, sessions and CSRF on by default,
// and routes that use them.
func sessionApp(t *testing.T, cfg sinew.Config) *sinew.App {
	t.Helper()
	cfg.Env = sinew.EnvTest
	cfg.Stderr = io.Discard
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	app := sinew.NewWithConfig(cfg)
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	app.GET("/plain", func(c *web.Ctx) error { return c.Text(200, "plain") })
	app.GET("/form", func(c *web.Ctx) error { return c.Text(200, session.CSRFToken(c)) })
	app.GET("/count", func(c *web.Ctx) error {
		s := session.From(c)
		n, _ := session.Get[int](s, "n")
		if err := s.Set("n", n+1); err != nil {
			return err
		}
		return c.Text(200, strings.Repeat("x", n+1))
	})
	app.POST("/notes", func(c *web.Ctx) error { return c.Text(201, "created "+c.FormValue("title")) })
	app.POST("/hooks/{name}", func(c *web.Ctx) error { return c.Text(200, "hook") })
	app.CSRFExempt("POST /hooks/{name}")
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	return app
}

// client drives an app through ServeHTTP with a cookie jar of one cookie.
type client struct {
	t      *testing.T
	h      http.Handler
	cookie string
}

func (c *client) do(method, target, body string, hdr ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c.cookie != "" {
		req.Header.Set("Cookie", session.DefaultCookieName+"="+c.cookie)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == session.DefaultCookieName {
			c.cookie = ck.Value
		}
	}
	return rec
}

func TestAppSessions(t *testing.T) {
	t.Parallel()
	app := sessionApp(t, sinew.Config{})
	if app.Sessions() == nil {
		t.Fatal("no session manager")
	}
	// The table exists on a fresh database: a session round-trips.
	c := &client{t: t, h: app}
	for i := 1; i <= 3; i++ {
		if rec := c.do("GET", "/count", ""); rec.Body.Len() != i {
			t.Fatalf("visit %d: %d %q", i, rec.Code, rec.Body)
		}
	}
	n, err := orm.Raw[struct{ N int }](orm.WithDB(t.Context(), app.DB()), "SELECT COUNT(*) AS n FROM "+session.TableName)
	if err != nil || len(n) != 1 || n[0].N != 1 {
		t.Fatalf("rows in %s: %v %v", session.TableName, n, err)
	}
	// Lazy: a route that does not use the session sets no cookie.
	rec := (&client{t: t, h: app}).do("GET", "/plain", "")
	if len(rec.Result().Cookies()) != 0 {
		t.Errorf("/plain set cookies: %v", rec.Result().Cookies())
	}
}

func TestAppSessionCookieSecure(t *testing.T) {
	t.Parallel()
	app := sessionApp(t, sinew.Config{})
	tests := []struct {
		name   string
		remote string
		proto  string
		want   bool
	}{
		{"plain HTTP", "192.0.2.1:1000", "", false},
		{"HTTPS through a trusted proxy", "10.1.2.3:1000", "https", true},
		{"forged header from an untrusted peer", "192.0.2.1:1000", "https", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/count", nil)
			req.RemoteAddr = tt.remote
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			cks := rec.Result().Cookies()
			if len(cks) != 1 || cks[0].Secure != tt.want || !cks[0].HttpOnly || cks[0].SameSite != http.SameSiteLaxMode {
				t.Fatalf("cookies %+v, want Secure=%v HttpOnly SameSite=Lax", cks, tt.want)
			}
		})
	}
}

func TestAppCSRF(t *testing.T) {
	t.Parallel()
	app := sessionApp(t, sinew.Config{})
	c := &client{t: t, h: app}
	tok := c.do("GET", "/form", "").Body.String()
	if tok == "" || c.cookie == "" {
		t.Fatal("no token or no session cookie")
	}
	form := url.Values{"title": {"milk"}, "csrf_token": {tok}}.Encode()
	run := []struct {
		name   string
		client *client
		path   string
		body   string
		hdr    []string
		want   int
		detail string
	}{
		{"form with its token", c, "/notes", form, nil, 201, ""},
		{"header token", c, "/notes", "title=x", []string{"X-CSRF-Token", tok}, 201, ""},
		{"no token", c, "/notes", "title=x", nil, 403, "no CSRF token"},
		{"cross-site with a good token", c, "/notes", form, []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403, "origin check"},
		{"token without its session", &client{t: t, h: app}, "/notes", form, nil, 403, "session has no CSRF token"},
		{"token of another session", &client{t: t, h: app, cookie: c.cookie + ""}, "/notes", "title=x&csrf_token=" + url.QueryEscape(middleware.CSRFToken(middleware.NewCSRFSecret())), nil, 403, "does not match"},
		{"exempt route", &client{t: t, h: app}, "/hooks/stripe", "x=1", []string{"Sec-Fetch-Site", "cross-site"}, 200, ""},
		{"bearer request", &client{t: t, h: app}, "/notes", "title=x", []string{"Authorization", "Bearer abc"}, 201, ""},
	}
	for _, tt := range run {
		rec := tt.client.do("POST", tt.path, tt.body, tt.hdr...)
		if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.detail) {
			t.Errorf("%s: %d %s, want %d with %q", tt.name, rec.Code, rec.Body, tt.want, tt.detail)
		}
	}
}

func TestAppCSRFOff(t *testing.T) {
	t.Parallel()
	app := sessionApp(t, sinew.Config{CSRF: middleware.CSRFConfig{Off: true}})
	rec := (&client{t: t, h: app}).do("POST", "/notes", "title=x", "Sec-Fetch-Site", "cross-site")
	if rec.Code != 201 {
		t.Fatalf("CSRF off: %d %s", rec.Code, rec.Body)
	}
}

func TestAppCSRFWithoutDatabase(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.POST("/x", func(c *web.Ctx) error { return c.Text(200, "ok") })
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if app.Sessions() != nil {
		t.Error("sessions without a store")
	}
	c := &client{t: t, h: app}
	if rec := c.do("POST", "/x", "a=1"); rec.Code != 200 {
		t.Errorf("same-origin POST without a session store: %d", rec.Code)
	}
	if rec := c.do("POST", "/x", "a=1", "Sec-Fetch-Site", "cross-site"); rec.Code != 403 {
		t.Errorf("cross-site POST without a session store: %d", rec.Code)
	}
}

func TestAppSessionConfigErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad CSRF switch", map[string]string{"SINEW_CSRF": "maybe"}, "SINEW_CSRF"},
		{"bad trusted origin", map[string]string{"SINEW_CSRF_TRUSTED_ORIGINS": "https://ok.example, not an origin"}, "SINEW_CSRF_TRUSTED_ORIGINS"},
	}
	for _, tt := range tests {
		_, err := sinew.ConfigFromEnv(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }, "")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	cfg, err := sinew.ConfigFromEnv(func(k string) (string, bool) {
		v, ok := map[string]string{"SINEW_CSRF": "off", "SINEW_SESSION_STORE": "redis://x:6379/0",
			"SINEW_CSRF_TRUSTED_ORIGINS": "https://a.example,https://b.example:8443"}[k]
		return v, ok
	}, "")
	if err != nil || !cfg.CSRF.Off || cfg.SessionStore != "redis://x:6379/0" || len(cfg.CSRF.TrustedOrigins) != 2 {
		t.Errorf("config %+v, %v", cfg.CSRF, err)
	}

	// A bad pattern or origin given in code stops the start with an error, not a panic.
	for _, c := range []sinew.Config{{CSRF: middleware.CSRFConfig{TrustedOrigins: []string{"nope"}}}, {CSRF: middleware.CSRFConfig{Exempt: []string{"BAD PATTERN HERE"}}}} {
		c.Env, c.Stderr = sinew.EnvTest, io.Discard
		if err := sinew.NewWithConfig(c).Start(t.Context()); err == nil {
			t.Errorf("%+v started", c.CSRF)
		}
	}
	// An unknown store is a start error.
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard, SessionStore: "memcached://x"})
	app.Models(Note{})
	if err := app.Start(t.Context()); err == nil || !strings.Contains(err.Error(), "unsupported store") {
		t.Errorf("memcached store: %v", err)
	}
	app.Stop(context.Background())
}

func TestAppSessionsRedis(t *testing.T) {
	t.Parallel()
	u := os.Getenv("SINEW_TEST_REDIS_URL")
	if u == "" {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") != "" {
			t.Fatal("SINEW_TEST_REDIS_URL is not set")
		}
		t.Skip("set SINEW_TEST_REDIS_URL to test the Redis session store")
	}
	app := sessionApp(t, sinew.Config{SessionStore: u})
	c := &client{t: t, h: app}
	for i := 1; i <= 2; i++ {
		if rec := c.do("GET", "/count", ""); rec.Body.Len() != i {
			t.Fatalf("visit %d: %d %q", i, rec.Code, rec.Body)
		}
	}
	tok := c.do("GET", "/form", "").Body.String()
	if rec := c.do("POST", "/notes", "title=x", "X-CSRF-Token", tok); rec.Code != 201 {
		t.Fatalf("POST with token: %d %s", rec.Code, rec.Body)
	}
}

func TestMigrateCreatesSessionTable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	off := false
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40),
		DatabaseURL: "sqlite:" + dir + "/app.db", AutoMigrate: &off, Stdout: &out, Stderr: io.Discard})
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	if err := app.RunArgs(t.Context(), []string{"migrate"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), session.TableName) {
		t.Errorf("migrate output does not mention the session table: %s", out.String())
	}
	db, err := sinew.OpenDatabase(t.Context(), "sqlite:"+dir+"/app.db", orm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := orm.Raw[struct{ N int }](orm.WithDB(t.Context(), db), "SELECT COUNT(*) AS n FROM "+session.TableName); err != nil {
		t.Fatalf("no session table after migrate: %v", err)
	}
}

// BenchmarkAppSessionOverhead measures what the default session and CSRF middleware cost a
// GET that does not use the session: "sessions" is an app with a database (sessions
// installed), "none" the same app with no session store (no database), in the same run.
func BenchmarkAppSessionOverhead(b *testing.B) {
	for _, bc := range []struct {
		name   string
		models bool // a database, hence sessions
	}{{"none", false}, {"sessions", true}} {
		b.Run(bc.name, func(b *testing.B) {
			app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40), Stderr: io.Discard,
				DatabaseURL: map[bool]string{true: "sqlite::memory:"}[bc.models]})
			app.GET("/plain", func(c *web.Ctx) error { return c.Text(200, "plain") })
			if err := app.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer app.Stop(context.Background())
			req := httptest.NewRequest("GET", "/plain", nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				app.ServeHTTP(rec, req)
			}
		})
	}
}
