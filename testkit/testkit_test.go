package testkit_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/testkit"
	"github.com/sinewdev/sinew/web"
)

// Author and Post are the models of the test app.
type Author struct {
	orm.Model
	Name  string `orm:"size=100"`
	Email string `orm:"size=254,unique"`
}

type Post struct {
	orm.Model
	Title     string  `orm:"size=20"`
	Body      string  `orm:"text"`
	Status    string  `orm:"size=10,choices=draft:Draft|live:Live"`
	Published bool    `orm:"index"`
	Views     int64   `orm:"default=0"`
	Rating    float64 `json:"rating"`
	AuthorID  int64   `orm:"fk=Author,ondelete=cascade"`
	Author    *Author
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html><body><h1 class="title main">Posts</h1>
<ul id="posts">{{range .Posts}}<li class="post" data-id="{{.ID}}"><a href="/posts/{{.ID}}">{{.Title}}</a></li>{{end}}</ul>
<form id="new" method="post" action="/posts">
<input type="hidden" name="csrf_token" value="{{.Token}}">
<input name="title" value="">
<textarea name="body">
default body</textarea>
<select name="author"><option value="">-</option>{{range .Authors}}<option value="{{.ID}}" {{if eq .ID $.First}}selected{{end}}>{{.Name}}</option>{{end}}</select>
<input type="checkbox" name="published" value="1" checked>
<input type="checkbox" name="other" value="x">
<button type="submit">Save</button>
</form></body></html>`))

// setup is the test app's main setup: what a real app's main calls.
func setup(app *sinew.App) error {
	auth.Register(app, auth.Config{})
	app.Models(Author{}, Post{})
	app.OnStart(func(ctx context.Context) error {
		return app.DB().CreateTables(ctx) // a real app passes its migrations
	})
	app.GET("/posts", func(c *web.Ctx) error {
		posts, err := orm.Q[Post](c).OrderBy("id").All()
		if err != nil {
			return err
		}
		authors, err := orm.Q[Author](c).OrderBy("id").All()
		if err != nil {
			return err
		}
		var first int64
		if len(authors) > 0 {
			first = authors[0].ID
		}
		var b strings.Builder
		if err := page.Execute(&b, map[string]any{"Posts": posts, "Authors": authors, "First": first, "Token": session.CSRFToken(c)}); err != nil {
			return err
		}
		return c.HTML(http.StatusOK, b.String())
	})
	app.POST("/posts", func(c *web.Ctx) error {
		var in struct {
			Title     string `form:"title"`
			Body      string `form:"body"`
			Author    int64  `form:"author"`
			Published bool   `form:"published"`
		}
		if err := c.Bind(&in); err != nil {
			return err
		}
		p := Post{Title: in.Title, Body: in.Body, AuthorID: in.Author, Published: in.Published, Status: "draft"}
		if err := orm.Create(c, &p); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/posts/%d", p.ID))
	})
	app.GET("/posts/{id}", func(c *web.Ctx) error {
		p, err := orm.Q[Post](c).Get(c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"id": p.ID, "title": p.Title, "body": p.Body, "published": p.Published, "tags": []string{"a", "b"}})
	})
	app.POST("/api/echo", func(c *web.Ctx) error {
		body, err := c.Body()
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/json", body)
	})
	app.GET("/me", func(c *web.Ctx) error {
		u := auth.CurrentUser(c)
		if u == nil {
			return web.Error(http.StatusUnauthorized, "log in")
		}
		return c.JSON(http.StatusOK, map[string]any{"email": u.Email})
	})
	return nil
}

func TestClientFlow(t *testing.T) {
	t.Parallel()
	app := testkit.New(t, setup)
	db := app.DB()
	ada := testkit.Make(t, db, func(a *Author) { a.Name = "Ada" })
	c := app.Client()

	res := c.Get("/posts").ExpectStatus(200).ExpectSelector("form#new").ExpectSelectorCount("li.post", 0)
	if got := res.Text("h1.title"); got != "Posts" {
		t.Errorf("h1 = %q", got)
	}
	// Submit keeps the hidden token, the text area, the selected option and checked boxes.
	created := res.Submit("form#new", url.Values{"title": {"Hello"}}).ExpectStatus(http.StatusSeeOther)
	created.Follow().ExpectStatus(200).
		ExpectJSONPath("title", "Hello").
		ExpectJSONPath("body", "default body").
		ExpectJSONPath("published", true).
		ExpectJSONPath("tags.1", "b")
	p, err := orm.Q[Post](app.Ctx()).Filter("title", "Hello").First()
	if err != nil {
		t.Fatal(err)
	}
	if p.AuthorID != ada.ID {
		t.Errorf("author %d, want %d", p.AuthorID, ada.ID)
	}

	// PostForm and PostJSON get a token by themselves.
	c.PostForm("/posts", url.Values{"title": {"Second"}, "author": {fmt.Sprint(ada.ID)}}).ExpectStatus(http.StatusSeeOther)
	c.PostJSON("/api/echo", map[string]any{"a": 1, "b": []int{1, 2}}).ExpectStatus(200).ExpectJSON(`{"b":[1,2],"a":1}`)
	// Unclean paths are sent as written: the router redirects them.
	c.Get("/api/../posts").ExpectStatus(http.StatusMovedPermanently).ExpectRedirect("/posts")
	c.Get("/posts").ExpectSelectorCount("ul#posts > li.post", 2).ExpectText("li.post a[href^='/posts/']", "Second")
}

func TestCSRFRefusedWithoutToken(t *testing.T) {
	t.Parallel()
	app := testkit.New(t, setup)
	c := app.Client()
	c.NoCSRF = true
	c.Header.Set("Accept", "application/json")
	// A form needs a token even without a session; JSON once the session has a secret
	// (the page below renders a token, which makes one).
	c.PostForm("/posts", url.Values{"title": {"x"}}).ExpectStatus(http.StatusForbidden).ExpectContains("token")
	c.Get("/posts").ExpectStatus(http.StatusOK)
	c.PostJSON("/api/echo", map[string]any{"a": 1}).ExpectStatus(http.StatusForbidden).ExpectContains("token")
	c.NoCSRF = false
	c.PostJSON("/api/echo", map[string]any{"a": 1}).ExpectStatus(http.StatusOK)
	// A token of another session is refused.
	other := app.Client()
	tok := other.CSRFToken()
	c2 := app.Client()
	c2.Get("/posts")
	req := c2.NewRequest("POST", "/api/echo", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", tok)
	c2.Do(req).ExpectStatus(http.StatusForbidden)
}

func TestLoginAs(t *testing.T) {
	t.Parallel()
	app := testkit.New(t, setup)
	u, err := auth.NewUser("ada@example.com", "correct horse battery staple", auth.PasswordConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := orm.Create(app.Ctx(), u); err != nil {
		t.Fatal(err)
	}
	c := app.Client()
	c.Header.Set("Accept", "application/json")
	c.Get("/me").ExpectStatus(http.StatusUnauthorized)
	before := c.CSRFToken()
	c.LoginAs(u)
	c.Get("/me").ExpectStatus(200).ExpectJSON(map[string]string{"email": "ada@example.com"})
	// Login rotates the CSRF secret; the client fetches a new token by itself.
	if after := c.CSRFToken(); after == before {
		t.Error("the token did not change at login")
	}
	c.PostJSON("/api/echo", map[string]int{"x": 1}).ExpectStatus(200)
	// Another client is still anonymous.
	o := app.Client()
	o.Header.Set("Accept", "application/json")
	o.Get("/me").ExpectStatus(http.StatusUnauthorized)
}

func TestIsolatedDatabases(t *testing.T) {
	t.Parallel()
	for _, engine := range []string{testkit.SQLite, testkit.Postgres, testkit.MySQL} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			a := testkit.NewWithConfig(t, testkit.Config{Database: engine}, setup)
			b := testkit.NewWithConfig(t, testkit.Config{Database: engine}, setup)
			testkit.Make[Author](t, a.DB())
			testkit.Make[Author](t, a.DB())
			na, _ := orm.Q[Author](a.Ctx()).Count()
			nb, _ := orm.Q[Author](b.Ctx()).Count()
			if na != 2 || nb != 0 || a.Database != engine {
				t.Errorf("counts %d and %d on %s, want 2 and 0", na, nb, a.Database)
			}
			a.Client().Get("/posts").ExpectStatus(200)
		})
	}
}

func TestNoServe(t *testing.T) {
	t.Parallel()
	app := testkit.NewWithConfig(t, testkit.Config{NoServe: true}, setup)
	if app.URL != "" || app.DB() == nil {
		t.Fatalf("URL %q, DB %v", app.URL, app.DB())
	}
}
