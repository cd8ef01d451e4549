package view

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew/web"
)

type testPost struct {
	ID        int
	Title     string
	Body      string
	Published time.Time
	Tags      []string
}

func samplePosts() []testPost {
	return []testPost{
		{ID: 1, Title: "Hello, <world>", Body: "Hello **world**, read [the docs](https://example.com/docs) or [this](javascript:alert(1)).",
			Published: time.Date(2026, 2, 28, 9, 30, 0, 0, time.UTC), Tags: []string{"go", "web"}},
		{ID: 2, Title: "Second & last", Body: "Just *text* <script>alert(1)</script>",
			Published: testNow.Add(-5 * time.Minute)},
	}
}

func TestRenderGolden(t *testing.T) {
	t.Parallel()
	e := newEngine(t, siteFS(), siteConfig())
	tests := []struct {
		golden string
		name   string
		data   any
		user   any
		query  string
	}{
		{"posts_index.html", "posts/index.html", map[string]any{"Posts": samplePosts(), "Views": 1234567}, "ada", "?flash=Saved+%3Cok%3E"},
		{"posts_index_empty.html", "posts/index.html", map[string]any{"Posts": []testPost{}, "Views": 0}, nil, ""},
		{"posts_form.html", "posts/form.html", map[string]any{"Title": `"quoted" & <b>`}, "ada", ""},
		{"admin_dashboard.html", "admin/dashboard.html", nil, "root", ""},
		{"admin_layout.html", "layouts/admin.html", nil, nil, ""},
		{"post_row.html", "partials/post_row.html", map[string]any{"Title": "A row"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			r := newSiteRouter(t, e, func(c *web.Ctx) error {
				c.SetUser(tt.user)
				return c.Render(http.StatusOK, tt.name, tt.data)
			})
			w := get(t, r, "/page"+tt.query, "X-Test-Token", `tok"<en>`)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, body:\n%s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			golden(t, tt.golden, w.Body.String())
		})
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	e := newEngine(t, siteFS(), Config{})
	want := []string{"admin/dashboard.html", "components/button.html", "components/ui.html",
		"layouts/admin.html", "layouts/base.html", "partials/nav.html", "partials/post_row.html",
		"posts/form.html", "posts/index.html"}
	if got := e.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q (dot files and other extensions are skipped)", got, want)
	}
}

func TestRenderUnknownName(t *testing.T) {
	t.Parallel()
	e := newEngine(t, siteFS(), Config{})
	for _, name := range []string{"nope.html", "", "posts/index", "/posts/index.html", "notes.txt", ".draft.html", "badge"} {
		err := e.Render(nil, &bytes.Buffer{}, name, nil)
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Render(%q) = %v, want ErrNotFound", name, err)
		}
	}
}

func TestRenderOutsideRequest(t *testing.T) {
	t.Parallel()
	e := newEngine(t, siteFS(), siteConfig())
	out := renderString(t, e, "partials/post_row.html", map[string]any{"Title": "x"})
	if want := "<tr><td>x</td><td>anonymous</td></tr>\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
	// url needs a router: without a request it is a clear error, not a panic.
	err := e.Render(nil, &bytes.Buffer{}, "partials/nav.html", nil)
	if err == nil || !strings.Contains(err.Error(), `url "home": rendering outside a request`) {
		t.Errorf("url without a request: %v", err)
	}
}

func TestStartupErrors(t *testing.T) {
	t.Parallel()
	layout := &fstest.MapFile{Data: []byte(`<html>{{block "content" .}}{{end}}</html>`)}
	tests := []struct {
		name  string
		files fstest.MapFS
		cfg   Config
		want  []string // substrings of the error
	}{
		{"syntax error", fstest.MapFS{
			"ok.html":          {Data: []byte("fine")},
			"posts/index.html": {Data: []byte("line one\n{{if .X}}unclosed\n")},
		}, Config{}, []string{"posts/index.html:3", "unexpected EOF"}},
		{"unknown function", fstest.MapFS{
			"posts/show.html": {Data: []byte("<p>\n\n{{.Title | shout}}</p>")},
		}, Config{}, []string{"posts/show.html:3", `function "shout" not defined`}},
		{"unknown template", fstest.MapFS{
			"layouts/base.html": layout,
			"page.html":         {Data: []byte("{{template \"layouts/base.html\" .}}\n{{define \"content\"}}\n  {{template \"partials/missing.html\" .}}{{end}}")},
		}, Config{}, []string{"page.html:3:", `undefined template "partials/missing.html"`}},
		{"misspelt layout", fstest.MapFS{
			"layouts/base.html": layout,
			"page.html":         {Data: []byte("{{template \"layout/base.html\" .}}{{define \"content\"}}x{{end}}")},
		}, Config{}, []string{"page.html:1:", `undefined template "layout/base.html"`}},
		{"unknown template in a shared file", fstest.MapFS{
			"partials/a.html": {Data: []byte("{{define \"a\"}}\n{{template \"b\"}}{{end}}")},
		}, Config{}, []string{"partials/a.html:2:", `undefined template "b"`}},
		{"ambiguous URL context", fstest.MapFS{
			"page.html": {Data: []byte("<a href=\"{{if .X}}/x{{else}}\n{{end}}{{.Y}}\">link</a>")},
		}, Config{}, []string{"page.html:2:9", "ambiguous context within a URL"}},
		{"branches end in different contexts", fstest.MapFS{
			"page.html": {Data: []byte("<p>\n{{if .Z}}<a href=\"{{end}}\">x</p>")},
		}, Config{}, []string{"page.html:2", "branches end in different contexts"}},
		{"template ends inside a tag", fstest.MapFS{
			"page.html": {Data: []byte("<p>\n<a href=\"{{.URL}}")},
		}, Config{}, []string{"page.html", "ends in a non-text context"}},
		{"duplicate shared definition", fstest.MapFS{
			"components/a.html": {Data: []byte(`{{define "button"}}a{{end}}`)},
			"partials/b.html":   {Data: []byte(`{{define "button"}}b{{end}}`)},
		}, Config{}, []string{`"button" is defined in both components/a.html and partials/b.html`}},
		{"page without its layout", fstest.MapFS{
			"layouts/base.html": layout,
			"page.html":         {Data: []byte("\n{{define \"content\"}}x{{end}}\n")},
		}, Config{}, []string{`page.html defines "content" but renders nothing`}},
		{"func shadows a helper", fstest.MapFS{"a.html": {Data: []byte("x")}},
			Config{Funcs: template.FuncMap{"date": func() string { return "" }}}, []string{`"date" shadows a built-in helper`}},
		{"func is not a function", fstest.MapFS{"a.html": {Data: []byte("x")}},
			Config{Funcs: template.FuncMap{"answer": 42}}, []string{`"answer" is int, not a function`}},
		{"func returns too much", fstest.MapFS{"a.html": {Data: []byte("x")}},
			Config{Funcs: template.FuncMap{"two": func() (int, int) { return 1, 2 }}}, []string{`"two" must return one value`}},
		{"func name is not an identifier", fstest.MapFS{"a.html": {Data: []byte("x")}},
			Config{Funcs: template.FuncMap{"my-func": func() int { return 1 }}}, []string{`"my-func" is not a valid function name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := New(tt.files, tt.cfg)
			if err == nil {
				t.Fatalf("New succeeded (%v names), want an error", e.Names())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestNamespaces(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"layouts/base.html":  {Data: []byte(`<body>{{block "content" .}}base default{{end}}</body>`)},
		"layouts/two.html":   {Data: []byte(`{{template "layouts/base.html" .}}{{define "content"}}[{{block "inner" .}}two default{{end}}]{{end}}`)},
		"icons/star.html":    {Data: []byte(`<svg>star</svg>`)},
		"partials/rate.html": {Data: []byte(`{{template "icons/star.html"}}{{.}}`)},
		"a.html":             {Data: []byte("{{template \"layouts/base.html\" .}}\n{{define \"content\"}}A {{template \"partials/rate.html\" 5}}{{end}}\n")},
		"b.html":             {Data: []byte(`{{template "layouts/base.html" .}}{{define "content"}}B{{end}}`)},
		"c.html":             {Data: []byte(`{{template "layouts/two.html" .}}{{define "inner"}}C{{end}}`)},
		"d.html":             {Data: []byte(`{{template "layouts/two.html" .}}`)},
		"self.html":          {Data: []byte(`{{define "tree"}}({{range .}}{{template "tree" .}}{{end}}){{end}}{{template "tree" .}}`)},
	}
	e := newEngine(t, fsys, Config{})
	tests := []struct {
		name string
		data any
		want string
	}{
		{"a.html", nil, "<body>A <svg>star</svg>5</body>"},
		{"b.html", nil, "<body>B</body>"},
		{"c.html", nil, "<body>[C]</body>"},
		{"d.html", nil, "<body>[two default]</body>"},
		{"layouts/base.html", nil, "<body>base default</body>"},
		{"partials/rate.html", 3, "<svg>star</svg>3"},
		{"self.html", [][]any{{}, {}}, "(()())"},
	}
	for _, tt := range tests {
		if got := renderString(t, e, tt.name, tt.data); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNewNilFS(t *testing.T) {
	t.Parallel()
	if _, err := New(nil, Config{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}

// TestStartupCheckHasNoSideEffects checks that the start-up escaping check never calls the
// application's functions or request hooks.
func TestStartupCheckHasNoSideEffects(t *testing.T) {
	t.Parallel()
	var calls int
	count := func(c *web.Ctx) string { calls++; return "" }
	fsys := fstest.MapFS{"page.html": {Data: []byte(`{{$x := sideEffect}}{{csrfToken}}<p>{{$x}}</p>`)}}
	e := newEngine(t, fsys, Config{
		Funcs:     template.FuncMap{"sideEffect": func() string { calls++; return "did" }},
		CSRFToken: count,
	})
	if calls != 0 {
		t.Fatalf("start-up called application functions %d times", calls)
	}
	if got := renderString(t, e, "page.html", nil); got != "<p>did</p>" {
		t.Errorf("got %q", got)
	}
	if calls != 1 {
		t.Errorf("render made %d calls, want 1", calls)
	}
}

type failing struct{}

func (failing) Items() []string { return []string{"one", "two"} }
func (failing) Explode() (string, error) {
	return "", web.Errorf(http.StatusTeapot, "the kettle boiled over")
}
func (failing) Crash() (string, error) { return "", errors.New("database is down") }

// TestBufferedRenderError renders through a real router: a template that fails half-way
// must give a clean error page with the error's status, never half a page with 200.
func TestBufferedRenderError(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"layouts/base.html": {Data: []byte(`<!doctype html><html><body>{{block "content" .}}{{end}}</body></html>`)},
		"crash.html":        {Data: []byte(`{{template "layouts/base.html" .}}{{define "content"}}<h1>HALF-RENDERED</h1>{{range .Items}}<p>{{.}}</p>{{end}}{{.Crash}}{{end}}`)},
		"teapot.html":       {Data: []byte(`<h1>HALF-RENDERED</h1>{{.Explode}}`)},
		"ok.html":           {Data: []byte(`<h1>fine</h1>`)},
	}
	e := newEngine(t, fsys, Config{})
	tests := []struct {
		page   string
		status int
	}{
		{"crash.html", http.StatusInternalServerError},
		{"teapot.html", http.StatusTeapot},
		{"missing.html", http.StatusInternalServerError},
		{"ok.html", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			t.Parallel()
			r := newSiteRouter(t, e, func(c *web.Ctx) error { return c.Render(http.StatusOK, tt.page, failing{}) })
			w := get(t, r, "/page")
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body:\n%s", w.Code, tt.status, w.Body)
			}
			if strings.Contains(w.Body.String(), "HALF-RENDERED") {
				t.Errorf("the error page contains half the page:\n%s", w.Body)
			}
			if tt.status != http.StatusOK && !strings.Contains(w.Body.String(), fmt.Sprint(tt.status)) {
				t.Errorf("the error page does not show the status:\n%s", w.Body)
			}
			if strings.Contains(w.Body.String(), "database is down") {
				t.Errorf("a server error's details reached the client:\n%s", w.Body)
			}
		})
	}
}

// TestLargePage renders a page bigger than the buffer a pooled Ctx keeps, twice.
func TestLargePage(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"big.html": {Data: []byte(`{{range .}}<p>{{.}}</p>{{end}}`)}}, Config{})
	rows := make([]string, 20000)
	for i := range rows {
		rows[i] = fmt.Sprintf("row %05d", i)
	}
	r := newSiteRouter(t, e, func(c *web.Ctx) error { return c.Render(http.StatusOK, "big.html", rows) })
	for range 2 {
		w := get(t, r, "/page")
		if w.Code != http.StatusOK || w.Body.Len() != 20000*len("<p>row 00000</p>") {
			t.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
		}
		if !strings.HasSuffix(w.Body.String(), "<p>row 19999</p>") {
			t.Fatalf("truncated page: ...%s", w.Body.String()[w.Body.Len()-40:])
		}
	}
}

// TestConcurrentRequests renders in parallel with different users, tokens and flashes: each
// response must see only its own request (run with -race).
func TestConcurrentRequests(t *testing.T) {
	t.Parallel()
	e := newEngine(t, siteFS(), siteConfig())
	r := newSiteRouter(t, e, func(c *web.Ctx) error {
		c.SetUser("user-" + c.Query("n"))
		return c.Render(http.StatusOK, "posts/form.html", map[string]any{"Title": "t" + c.Query("n")})
	})
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := fmt.Sprint(i)
			w := get(t, r, "/page?n="+n+"&flash=f"+n, "X-Test-Token", "token-"+n)
			body := w.Body.String()
			for _, want := range []string{">user-" + n + "<", `value="token-` + n + `"`, ">f" + n + "<", `value="t` + n + `"`} {
				if !strings.Contains(body, want) {
					errs <- fmt.Errorf("request %s: body lacks %q:\n%s", n, want, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestReload edits, breaks, fixes, adds and removes files on disk under Reload.
func TestReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string, age time.Duration) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		// Distinct modification times, as an editor's saves would have.
		mt := time.Now().Add(age)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	render := func(e *Engine, name string) (string, error) {
		var b bytes.Buffer
		err := e.Render(nil, &b, name, map[string]string{"Name": "Ada"})
		return b.String(), err
	}
	write("layouts/base.html", `<main>{{block "content" .}}{{end}}</main>`, -time.Hour)
	write("hello.html", `{{template "layouts/base.html" .}}{{define "content"}}Hello {{.Name}}{{end}}`, -time.Hour)

	dev := newEngine(t, os.DirFS(dir), Config{Reload: true})
	prod := newEngine(t, os.DirFS(dir), Config{})

	steps := []struct {
		write   map[string]string // files to write, with a newer modification time
		remove  string            // a file to delete
		name    string            // the template then rendered
		want    string
		wantErr string
	}{
		{name: "hello.html", want: "<main>Hello Ada</main>"},
		{write: map[string]string{"hello.html": `{{template "layouts/base.html" .}}{{define "content"}}Bonjour {{.Name}}{{end}}`},
			name: "hello.html", want: "<main>Bonjour Ada</main>"},
		{write: map[string]string{"layouts/base.html": `<div>{{block "content" .}}{{end}}</div>`},
			name: "hello.html", want: "<div>Bonjour Ada</div>"},
		{write: map[string]string{"hello.html": "{{template \"layouts/base.html\" .}}\n{{define \"content\"}}{{.Name | nosuch}}{{end}}"},
			name: "hello.html", wantErr: `hello.html:2: function "nosuch" not defined`},
		{name: "hello.html", wantErr: `hello.html:2: function "nosuch" not defined`},
		{write: map[string]string{"hello.html": `{{template "layouts/base.html" .}}{{define "content"}}Hi {{.Name}}{{end}}`},
			name: "hello.html", want: "<div>Hi Ada</div>"},
		{write: map[string]string{"new/page.html": `new {{.Name}}`}, name: "new/page.html", want: "new Ada"},
		{remove: "new/page.html", name: "new/page.html", wantErr: "no such template"},
	}
	for i, st := range steps {
		for name, text := range st.write {
			write(name, text, time.Duration(i-len(steps))*time.Second)
		}
		if st.remove != "" {
			if err := os.Remove(filepath.Join(dir, st.remove)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := render(dev, st.name)
		switch {
		case st.wantErr != "" && (err == nil || !strings.Contains(err.Error(), st.wantErr)):
			t.Fatalf("step %d: error %v, want one containing %q", i, err, st.wantErr)
		case st.wantErr == "" && err != nil:
			t.Fatalf("step %d: %v", i, err)
		case st.wantErr == "" && got != st.want:
			t.Fatalf("step %d: got %q, want %q", i, got, st.want)
		}
	}
	// Without Reload, the engine keeps what New parsed.
	if got, err := render(prod, "hello.html"); err != nil || got != "<main>Hello Ada</main>" {
		t.Errorf("prod engine: %q, %v", got, err)
	}
}
