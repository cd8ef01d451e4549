package sinew_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

// freshPostgres creates an empty database on the PostgreSQL server of
// SINEW_TEST_POSTGRES_URL and returns its URL; it is dropped when the test ends.
func freshPostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SINEW_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatal("SINEW_TEST_POSTGRES_URL is not set")
		}
		t.Skip("set SINEW_TEST_POSTGRES_URL to run the scale-out test on PostgreSQL")
	}
	admin, err := sinew.OpenDatabase(t.Context(), base, orm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "sinew_scaleout_" + hex.EncodeToString(b)
	if _, err := admin.SQL().ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.SQL().ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// instance is one of the app's instances, as each replica's main would build it.
func instance(t *testing.T, dbURL string) *sinew.App {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, DatabaseURL: dbURL, Stderr: io.Discard,
		SecretKey: secretKey, OpsToken: opsToken})
	app.Models(Note{})
	app.Migrations(migrationsFor(t, Note{}))
	app.GET("/form", func(c *web.Ctx) error { return c.Text(200, session.CSRFToken(c)) })
	app.POST("/login", func(c *web.Ctx) error {
		if err := session.From(c).Set("user", c.FormValue("user")); err != nil {
			return err
		}
		return c.Text(200, "logged in")
	})
	app.GET("/me", func(c *web.Ctx) error {
		user, _ := session.Get[string](session.From(c), "user")
		return c.Text(200, user)
	})
	attempts := ratelimit.New(app.RateLimitStore(), ratelimit.Limit{Events: 5, Per: time.Minute, Name: "login-attempts"})
	app.With(ratelimit.Middleware(attempts, ratelimit.ByIP)).POST("/attempt", func(c *web.Ctx) error {
		return c.Text(200, "counted")
	})
	return app
}

// TestScaleOut starts two instances of an app on one PostgreSQL database at the same
// moment: migrations run once (under the lock), a session made on one is valid on the
// other, the rate limit counts across both, and each instance's /metrics counts its own
// requests by route pattern.
func TestScaleOut(t *testing.T) {
	t.Parallel()
	dbURL := freshPostgres(t)
	apps := []*sinew.App{instance(t, dbURL), instance(t, dbURL)}
	bases := make([]string, 2)
	var wg sync.WaitGroup
	for i, app := range apps {
		wg.Add(1)
		go func() { defer wg.Done(); bases[i] = serve(t, app) }()
	}
	wg.Wait()
	for _, base := range bases {
		for i := 0; ; i++ {
			if code, _ := call(t, "GET", base+"/readyz", "", nil); code == 200 {
				break
			}
			if i > 300 {
				t.Fatalf("%s never ready", base)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Migrations ran once: one history row per migration, however many instances started.
	ctx := orm.WithDB(t.Context(), apps[0].DB())
	rows, err := orm.Raw[struct{ N int }](ctx, "SELECT COUNT(*) AS n FROM sinew_migrations")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].N != 1 {
		t.Errorf("sinew_migrations has %d rows, want 1 (applied once)", rows[0].N)
	}

	// A session (and its CSRF token) created on one instance is valid on the other: the
	// form is served by instance 1, posted to instance 2, and read back on instance 1. The
	// cookie jar keys cookies by host, and both instances are on 127.0.0.1.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	get := func(base, path string) (int, string) {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	post := func(base, path string, form url.Values) (int, string) {
		t.Helper()
		res, err := client.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, token := get(bases[0], "/form")
	if code != 200 || token == "" {
		t.Fatalf("form on instance 1: %d %q", code, token)
	}
	if code, body := post(bases[1], "/login", url.Values{"user": {"ada"}, "csrf_token": {token}}); code != 200 {
		t.Fatalf("login on instance 2 with instance 1's form: %d %s", code, body)
	}
	if code, me := get(bases[0], "/me"); code != 200 || me != "ada" {
		t.Errorf("session on instance 1: %d %q, want ada", code, me)
	}

	// The rate limit counts across both instances.
	var codes []int
	for i := range 7 {
		code, _ := post(bases[i%2], "/attempt", url.Values{"csrf_token": {token}})
		codes = append(codes, code)
	}
	want := []int{200, 200, 200, 200, 200, 429, 429}
	if !slices.Equal(codes, want) {
		t.Errorf("attempts alternating between instances answered %v, want %v", codes, want)
	}

	// Each instance's metrics count its own requests, by pattern.
	for i, base := range bases {
		fams := scrapeMetrics(t, base+"/metrics", opsToken)
		m := findMetric(fams, "sinew_http_requests_total", map[string]string{"route": "/attempt", "status": "2xx"})
		if m == nil || m.GetCounter().GetValue() < 2 {
			t.Errorf("instance %d: /attempt 2xx count %v", i+1, m)
		}
	}
}
