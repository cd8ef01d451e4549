package session_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/orm/sqlite"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "session-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"), orm.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if err := session.CreateTable(ctx, db); err != nil { // or append session.Migrations() to the app's
		log.Fatal(err)
	}

	sessions := session.New(session.NewDBStore(db), session.Config{})
	r := web.NewRouter(web.Config{})
	r.Use(sessions.Middleware)
	r.POST("/login", func(c *web.Ctx) error {
		s := session.From(c)
		if err := s.Renew(); err != nil { // a new ID at every login: no session fixation
			return err
		}
		if err := s.Set("user_id", 42); err != nil {
			return err
		}
		if err := s.AddFlash("success", "Welcome back"); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/")
	})
	r.GET("/", func(c *web.Ctx) error {
		s := session.From(c)
		uid, ok := session.Get[int64](s, "user_id")
		if !ok {
			return c.Text(200, "who are you?")
		}
		for _, f := range s.Flashes() {
			fmt.Printf("flash %s: %s\n", f.Kind, f.Message)
		}
		return c.Text(200, fmt.Sprint("user ", uid))
	})

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("POST", "/login", nil))
	cookie := rec.Result().Cookies()[0]
	fmt.Println(cookie.Name, cookie.HttpOnly, cookie.SameSite == http.SameSiteLaxMode)

	for range 2 {
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(cookie)
		rec = httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Body.String())
	}
	// Output:
	// sinew_session true true
	// flash success: Welcome back
	// user 42
	// user 42
}
