package sinew_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

// TestTemplatesFindCSRFAndFlashes: a view.Engine built with a zero Config renders the CSRF
// field and the flash messages of an App's sessions, and the form it renders posts.
func TestTemplatesFindCSRFAndFlashes(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	engine, err := view.New(fstest.MapFS{
		"form.html": {Data: []byte(`{{range flashes}}<p class="{{.Kind}}">{{.Message}}</p>{{end}}<form method="post">{{csrfField}}</form>`)},
	}, view.Config{})
	if err != nil {
		t.Fatal(err)
	}
	app.SetRenderer(engine)
	app.GET("/form", func(c *web.Ctx) error { return c.Render(http.StatusOK, "form.html", nil) })
	app.POST("/form", func(c *web.Ctx) error {
		if err := session.From(c).AddFlash("success", "Saved."); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/form")
	})
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(t.Context())
	srv := httptest.NewServer(app)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func() string {
		res, err := client.Get(srv.URL + "/form")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(get())
	if m == nil {
		t.Fatal("no CSRF field rendered with a zero view.Config")
	}
	res, err := client.PostForm(srv.URL+"/form", url.Values{"csrf_token": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `<p class="success">Saved.</p>`) {
		t.Errorf("after posting with the rendered token: %d %s", res.StatusCode, b)
	}
}

// TestScriptJSONWithoutCookies: a JSON POST from a script with no session cookie (the
// README's small app, curl) reaches the handler with CSRF protection on: it carries no
// ambient credentials, and a cross-site page cannot send JSON without a CORS preflight.
// A form POST without a token is still refused.
func TestScriptJSONWithoutCookies(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	app.POST("/notes", func(c *web.Ctx) error { return c.NoContent(http.StatusCreated) })
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer app.Stop(t.Context())
	srv := httptest.NewServer(app)
	defer srv.Close()
	res, err := http.Post(srv.URL+"/notes", "application/json", strings.NewReader(`{"title":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Errorf("JSON without cookies: %d, want 201", res.StatusCode)
	}
	res, err = http.Post(srv.URL+"/notes", "application/x-www-form-urlencoded", strings.NewReader(`title=x`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("form without a token: %d, want 403", res.StatusCode)
	}
}
