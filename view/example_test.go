package view_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"testing/fstest"

	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

// A page calls its layout and fills the layout's blocks; components take arguments with
// dict. In an application the files come from an embed.FS (or os.DirFS with Reload in
// development).
func ExampleNew() {
	files := fstest.MapFS{
		"layouts/base.html": {Data: []byte(
			`<title>{{block "title" .}}Site{{end}}</title><main>{{block "content" .}}{{end}}</main>`)},
		"components/badge.html": {Data: []byte(`<span class="badge badge-{{.Kind}}">{{.Text}}</span>`)},
		"hello.html": {Data: []byte(`{{template "layouts/base.html" .}}
{{define "title"}}Hello{{end}}
{{define "content"}}<h1>Hello, {{.Name}}</h1>
{{template "components/badge.html" dict "Kind" "new" "Text" (pluralize .Count "message")}}{{end}}`)},
	}
	views, err := view.New(files, view.Config{})
	if err != nil {
		log.Fatal(err) // a syntax error, unknown function or unknown template, with file:line
	}
	data := map[string]any{"Name": "<Ada>", "Count": 3}
	if err := views.Render(nil, os.Stdout, "hello.html", data); err != nil {
		log.Fatal(err)
	}
	// Output:
	// <title>Hello</title><main><h1>Hello, &lt;Ada&gt;</h1>
	// <span class="badge badge-new">messages</span></main>
}

// The Engine is the router's Renderer: handlers call c.Render, which buffers the page and
// answers with an error page instead if the template fails.
func ExampleEngine_Render() {
	views, err := view.New(fstest.MapFS{
		"posts/show.html": {Data: []byte(`<a href="{{url "post" .ID}}">{{.Title}}</a> {{with currentUser}}by {{.}}{{end}}`)},
	}, view.Config{})
	if err != nil {
		log.Fatal(err)
	}
	r := web.NewRouter(web.Config{Renderer: views})
	r.GET("/posts/{id}", func(c *web.Ctx) error {
		c.SetUser("ada") // what the authentication middleware does
		return c.Render(http.StatusOK, "posts/show.html", map[string]any{"ID": c.Param("id"), "Title": "Hello"})
	}).Name("post")

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/posts/42", nil))
	fmt.Println(w.Code, w.Body)
	// Output:
	// 200 <a href="/posts/42">Hello</a> by ada
}

// Start-up stops on a template mistake and names the file and line.
func ExampleNew_error() {
	_, err := view.New(fstest.MapFS{
		"posts/index.html": {Data: []byte("<ul>\n{{range .Posts}}<li>{{.Title | titlecase}}</li>{{end}}\n</ul>")},
	}, view.Config{})
	fmt.Println(err)
	// Output:
	// view: template: posts/index.html:2: function "titlecase" not defined
}
