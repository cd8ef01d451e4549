package auth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/ratelimit"
	"github.com/sinewdev/sinew/testkit"
	"github.com/sinewdev/sinew/web"
)

// TestFlowsOnEveryEngine runs the flows end to end over a real listener on SQLite, and on
// PostgreSQL and MariaDB when SINEW_TEST_POSTGRES_URL and SINEW_TEST_MYSQL_URL are set:
// the migration set, signup, login, the attempt limits counted in the database,
// password reset through a real SMTP exchange, and tokens.
func TestFlowsOnEveryEngine(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{testkit.SQLite, testkit.Postgres, testkit.MySQL} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			mb := newMailbox(t)
			app := testkit.NewWithConfig(t, testkit.Config{Database: engine}, func(app *sinew.App) error {
				auth.Register(app, auth.Config{Password: fastPasswords, Flows: auth.FlowsConfig{
					Mailer: mb.mailer, LoginLimit: ratelimit.Limit{Events: 3, Per: time.Hour}}})
				app.With(auth.RequireLogin).GET("/members", func(c *web.Ctx) error {
					return c.Text(200, "hello "+auth.CurrentUser(c).Email)
				})
				return nil
			})
			b := app.Client()
			b.Header.Set("Accept", "text/html")
			b.PostForm("/auth/signup", url.Values{"email": {"Eve@Example.com"}, "name": {"Eve"},
				"password": {goodPassword}, "password2": {goodPassword}}).ExpectStatus(http.StatusSeeOther)
			b.Get("/members").ExpectStatus(200).ExpectContains("hello eve@example.com")
			mb.wait(t) // the verification e-mail
			b.PostForm("/auth/logout", url.Values{}).ExpectStatus(http.StatusSeeOther)
			b.Get("/members").ExpectStatus(http.StatusSeeOther)

			// Three wrong passwords, then the limit (counted in sinew_ratelimits).
			for range 3 {
				b.PostForm("/auth/login", url.Values{"email": {"eve@example.com"}, "password": {"wrong"}}).ExpectStatus(http.StatusUnprocessableEntity)
			}
			b.PostForm("/auth/login", url.Values{"email": {"eve@example.com"}, "password": {goodPassword}}).
				ExpectStatus(http.StatusTooManyRequests)

			// A reset lifts the lockout with the new password.
			b.PostForm("/auth/password/reset", url.Values{"email": {"eve@example.com"}}).ExpectStatus(200)
			_, link := mb.wait(t)
			u, _ := url.Parse(link)
			b.Get(u.RequestURI()).ExpectStatus(http.StatusSeeOther)
			b.PostForm("/auth/password/reset/confirm", url.Values{"new_password": {"brand new pass phrase"},
				"new_password2": {"brand new pass phrase"}}).ExpectStatus(http.StatusSeeOther)
			b.PostForm("/auth/login", url.Values{"email": {"eve@example.com"}, "password": {"brand new pass phrase"}}).
				ExpectStatus(http.StatusSeeOther)
			b.Get("/members").ExpectStatus(200)

			ctx := app.Ctx()
			eve, err := orm.Q[auth.User](ctx).Filter("email", "eve@example.com").First()
			if err != nil || eve.LastLogin == nil || eve.EmailVerifiedAt == nil {
				t.Fatalf("user after the flows: %v %+v", err, eve)
			}
			plain, row, err := auth.CreateToken(ctx, eve, auth.TokenOptions{Name: "ci", Scopes: []string{"read"}})
			if err != nil {
				t.Fatal(err)
			}
			api := app.Client()
			api.Header.Set("Authorization", "Bearer "+plain)
			api.Get("/auth/me").ExpectStatus(200).ExpectJSONPath("user.email", "eve@example.com")
			if err := auth.RevokeToken(ctx, eve.ID, row.ID); err != nil {
				t.Fatal(err)
			}
			res := api.Get("/auth/me").ExpectStatus(401)
			if !strings.Contains(res.Header.Get("WWW-Authenticate"), "revoked") {
				t.Errorf("WWW-Authenticate %q", res.Header.Get("WWW-Authenticate"))
			}
		})
	}
}
