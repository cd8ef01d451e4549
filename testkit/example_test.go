package testkit_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/testkit"
	"github.com/sinewdev/sinew/web"
)

// A test builds the app with the function main uses, on a database of its own, and talks to
// it through a client that keeps cookies and CSRF tokens. (Examples cannot take a
// *testing.T, so this one is compiled, not run; TestClientFlow runs the same calls.)
func ExampleNew() {
	var t *testing.T // the test's t
	setup := func(app *sinew.App) error {
		app.GET("/hello/{name}", func(c *web.Ctx) error {
			return c.JSON(http.StatusOK, map[string]string{"hello": c.Param("name")})
		})
		return nil
	}
	app := testkit.New(t, setup)
	c := app.Client()
	c.Get("/hello/ada").ExpectStatus(200).ExpectJSONPath("hello", "ada")
	c.PostForm("/hello/ada", url.Values{}).ExpectStatus(http.StatusMethodNotAllowed)
}

// Make fills what a test does not care about with sequenced values and saves the row.
func ExampleMake() {
	var t *testing.T // the test's t
	app := testkit.New(t, setup)
	ada := testkit.Make(t, app.DB(), func(a *Author) { a.Name = "Ada" })
	post := testkit.Make(t, app.DB(), func(p *Post) { p.Author = ada })
	_ = post.Title // "Title 1"
}

// Fixture files name rows by label; belongs-to relations refer to earlier labels.
func ExampleLoadFixtures() {
	var t *testing.T // the test's t
	app := testkit.New(t, setup)
	fx := testkit.LoadFixtures(t, app.DB(), "testdata/blog.yaml", testkit.Rows[Author](), testkit.Rows[Post]())
	ada := testkit.Get[Author](t, fx, "ada")
	app.Client().Get("/posts").ExpectStatus(200).ExpectContains(ada.Name)
}
