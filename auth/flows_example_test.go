package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// A members-only route: browsers without a login are sent to the login page, scripts get
// in with a personal access token.
func ExampleRequireLogin() {
	ctx := context.Background()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{}) // models, migrations, middleware, /auth/ flows
	app.With(auth.RequireLogin).GET("/members", func(c *web.Ctx) error {
		return c.Text(200, "hello "+auth.CurrentUser(c).Email)
	})
	if err := app.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer app.Stop(ctx)

	req := httptest.NewRequest("GET", "/members", nil)
	req.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Location"))

	db := orm.WithDB(ctx, app.DB())
	u, _ := auth.NewUser("ada@example.com", "correct horse battery staple", auth.PasswordConfig{})
	_ = orm.Create(db, u)
	token, _, _ := auth.CreateToken(db, u, auth.TokenOptions{Name: "deploy script", Scopes: []string{"read"}})
	req = httptest.NewRequest("GET", "/members", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec = httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 303 /auth/login?next=%2Fmembers
	// 200 hello ada@example.com
}

func ExampleSafeNext() {
	for _, next := range []string{"/posts?page=2", "https://evil.example", "//evil.example", `/\evil.example`} {
		fmt.Printf("%q -> %q\n", next, auth.SafeNext(next))
	}
	// Output:
	// "/posts?page=2" -> "/posts?page=2"
	// "https://evil.example" -> "/"
	// "//evil.example" -> "/"
	// "/\\evil.example" -> "/"
}
