package view

import (
	"bytes"
	"database/sql"
	"html/template"
	"math"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew/web"
)

type named string

type userID int64

type stringer struct{}

func (stringer) String() string { return "from String()" }

// TestHelpers renders each helper in a one-line template outside a request.
func TestHelpers(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	tests := []struct {
		name    string
		tmpl    string
		data    any
		want    string
		wantErr string
	}{
		// static
		{"static", `{{static "css/site.css"}}`, nil, "/static/css/site.css", ""},
		{"static leading slash", `{{static "/js/app.js"}}`, nil, "/static/js/app.js", ""},
		{"static in href", `<link href="{{static "a b.css"}}">`, nil, `<link href="/static/a%20b.css">`, ""},

		// date
		{"date", `{{date . "2006-01-02 15:04"}}`, at, "2026-02-03 04:05", ""},
		{"date pointer", `{{date . "Jan 2"}}`, &at, "Feb 3", ""},
		{"date nil pointer", `[{{date . "Jan 2"}}]`, (*time.Time)(nil), "[]", ""},
		{"date zero", `[{{date . "Jan 2"}}]`, time.Time{}, "[]", ""},
		{"date nil", `[{{date .X "Jan 2"}}]`, map[string]any{}, "[]", ""},
		{"date NullTime", `{{date . "2006"}}`, sql.NullTime{Time: at, Valid: true}, "2026", ""},
		{"date null NullTime", `[{{date . "2006"}}]`, sql.NullTime{Time: at}, "[]", ""},
		{"date sql.Null", `{{date . "2006"}}`, sql.Null[time.Time]{V: at, Valid: true}, "2026", ""},
		{"date not a time", `{{date . "2006"}}`, "2026-01-01", "", "date: want a time.Time, got string"},

		// timeago (the test clock is testNow)
		{"timeago seconds", `{{timeago .}}`, testNow.Add(-30 * time.Second), "just now", ""},
		{"timeago minute", `{{timeago .}}`, testNow.Add(-time.Minute), "1 minute ago", ""},
		{"timeago minutes", `{{timeago .}}`, testNow.Add(-59 * time.Minute), "59 minutes ago", ""},
		{"timeago hours", `{{timeago .}}`, testNow.Add(-3 * time.Hour), "3 hours ago", ""},
		{"timeago day", `{{timeago .}}`, testNow.Add(-25 * time.Hour), "1 day ago", ""},
		{"timeago months", `{{timeago .}}`, testNow.Add(-65 * 24 * time.Hour), "2 months ago", ""},
		{"timeago years", `{{timeago .}}`, testNow.Add(-800 * 24 * time.Hour), "2 years ago", ""},
		{"timeago future", `{{timeago .}}`, testNow.Add(2*time.Hour + time.Minute), "in 2 hours", ""},
		{"timeago zero", `[{{timeago .}}]`, time.Time{}, "[]", ""},
		{"timeago not a time", `{{timeago .}}`, 5, "", "timeago: want a time.Time, got int"},

		// intcomma
		{"intcomma small", `{{intcomma 999}}`, nil, "999", ""},
		{"intcomma thousands", `{{intcomma 1000}}`, nil, "1,000", ""},
		{"intcomma millions", `{{intcomma .}}`, int64(1234567890), "1,234,567,890", ""},
		{"intcomma negative", `{{intcomma -1234567}}`, nil, "-1,234,567", ""},
		{"intcomma zero", `{{intcomma 0}}`, nil, "0", ""},
		{"intcomma uint64 max", `{{intcomma .}}`, uint64(math.MaxUint64), "18,446,744,073,709,551,615", ""},
		{"intcomma min int64", `{{intcomma .}}`, int64(math.MinInt64), "-9,223,372,036,854,775,808", ""},
		{"intcomma float", `{{intcomma 1234567.25}}`, nil, "1,234,567.25", ""},
		{"intcomma named type", `{{intcomma .}}`, userID(123456), "123,456", ""},
		{"intcomma NaN", `{{intcomma .}}`, math.NaN(), "NaN", ""},
		{"intcomma string", `{{intcomma "12"}}`, nil, "", "intcomma: want a number, got string"},

		// pluralize
		{"pluralize one", `{{pluralize 1 "post" "posts"}}`, nil, "post", ""},
		{"pluralize zero", `{{pluralize 0 "post" "posts"}}`, nil, "posts", ""},
		{"pluralize many", `{{pluralize 7 "child" "children"}}`, nil, "children", ""},
		{"pluralize default plural", `{{pluralize 2 "comment"}}`, nil, "comments", ""},
		{"pluralize len", `{{len . }} {{pluralize (len .) "item"}}`, []int{1}, "1 item", ""},
		{"pluralize int64", `{{pluralize . "vote"}}`, int64(1), "vote", ""},
		{"pluralize float", `{{pluralize 1.5 "litre"}}`, nil, "litres", ""},
		{"pluralize two plurals", `{{pluralize 2 "a" "b" "c"}}`, nil, "", "want one plural form, got 2"},
		{"pluralize not a number", `{{pluralize "x" "a"}}`, nil, "", "pluralize: want a number, got string"},

		// markdown (more in markdown_test.go)
		{"markdown", `{{markdown .}}`, "# Title\n\n*hi* <b>x</b>", "<h1>Title</h1>\n<p><em>hi</em> <!-- raw HTML omitted -->x<!-- raw HTML omitted --></p>\n", ""},
		{"markdown named string", `{{markdown .}}`, named("**b**"), "<p><strong>b</strong></p>\n", ""},
		{"markdown stringer", `{{markdown .}}`, stringer{}, "<p>from String()</p>\n", ""},
		{"markdown in attribute loses its tags", `<p title="{{markdown .}}">`, "*a*", "<p title=\"a\n\">", ""},

		// dict and list
		{"dict", `{{with dict "A" 1 "B" "two"}}{{.A}}-{{.B}}{{end}}`, nil, "1-two", ""},
		{"dict empty", `{{len dict}}`, nil, "0", ""},
		{"dict odd", `{{dict "A"}}`, nil, "", "dict: want key and value pairs, got 1 arguments"},
		{"dict key not a string", `{{dict 1 2}}`, nil, "", "dict: key 1 is int, want a string"},
		{"list", `{{range list "a" 2 "c"}}[{{.}}]{{end}}`, nil, "[a][2][c]", ""},
		{"list empty", `{{len list}}`, nil, "0", ""},

		// default
		{"default empty string", `{{.X | default "none"}}`, map[string]any{"X": ""}, "none", ""},
		{"default missing key", `{{.X | default "none"}}`, map[string]any{}, "none", ""},
		{"default value", `{{.X | default "none"}}`, map[string]any{"X": "set"}, "set", ""},
		{"default zero int", `{{.X | default 10}}`, map[string]any{"X": 0}, "10", ""},
		{"default false", `{{.X | default "no"}}`, map[string]any{"X": false}, "no", ""},
		{"default empty slice", `{{.X | default "none"}}`, map[string]any{"X": []string{}}, "none", ""},
		{"default zero time", `{{.X | default "never"}}`, map[string]any{"X": time.Time{}}, "never", ""},
		{"default nil pointer", `{{.X | default "nil"}}`, map[string]any{"X": (*int)(nil)}, "nil", ""},
		{"default int64", `{{.X | default 1}}`, map[string]any{"X": int64(5)}, "5", ""},

		// truncate
		{"truncate short", `{{truncate 10 "hello"}}`, nil, "hello", ""},
		{"truncate exact", `{{truncate 5 "hello"}}`, nil, "hello", ""},
		{"truncate cut", `{{"hello world" | truncate 8}}`, nil, "hello w…", ""},
		{"truncate runes", `{{truncate 3 "héllo"}}`, nil, "hé…", ""},
		{"truncate one", `{{truncate 1 "hello"}}`, nil, "…", ""},
		{"truncate zero", `[{{truncate 0 "hello"}}]`, nil, "[]", ""},
		{"truncate negative", `[{{truncate -3 "hello"}}]`, nil, "[]", ""},
		{"truncate escapes", `{{truncate 4 "<b>bold</b>"}}`, nil, "&lt;b&gt;…", ""},
		{"truncate named string", `{{truncate 2 .}}`, named("abc"), "a…", ""},
		{"truncate int64 length", `{{truncate .N "abcdef"}}`, map[string]any{"N": int64(3)}, "ab…", ""},
		{"truncate float length", `{{truncate 2.5 "abc"}}`, nil, "", "the length must be an integer"},

		// request helpers outside a request answer their defaults
		{"csrfToken without request", `[{{csrfToken}}]`, nil, "[]", ""},
		{"csrfField without request", `[{{csrfField}}]`, nil, "[]", ""},
		{"flashes without request", `[{{range flashes}}x{{end}}]`, nil, "[]", ""},
		{"currentUser without request", `[{{currentUser}}]`, nil, "[]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(tt.tmpl)}}, Config{})
			var b bytes.Buffer
			err := e.Render(nil, &b, "t.html", tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

// TestRequestHelpers renders the helpers that read the request through a real router.
func TestRequestHelpers(t *testing.T) {
	t.Parallel()
	type user struct{ Name string }
	tests := []struct {
		name   string
		tmpl   string
		cfg    Config
		user   any
		header []string
		want   string
	}{
		{"url", `<a href="{{url "post" 42}}">`, Config{}, nil, nil, `<a href="/posts/42">`},
		{"url escapes arguments", `{{url "post" "a b/c"}}`, Config{}, nil, nil, `/posts/a%20b%2Fc`},
		{"url without arguments", `{{url "home"}}`, Config{}, nil, nil, `/`},
		{"static hook", `{{static "app.js"}}`, Config{StaticURL: func(n string) string { return "https://cdn.example/" + n + "?v=1" }}, nil, nil,
			`https://cdn.example/app.js?v=1`},
		{"csrf default is empty", `[{{csrfToken}}][{{csrfField}}]`, Config{}, nil, nil, `[][]`},
		{"csrf hook", `{{csrfField}}<meta content="{{csrfToken}}">`,
			Config{CSRFToken: func(c *web.Ctx) string { return c.Header("X-T") }}, nil, []string{"X-T", `a"b<c>`},
			`<input type="hidden" name="csrf_token" value="a&#34;b&lt;c&gt;"><meta content="a&#34;b&lt;c&gt;">`},
		{"csrf field name", `{{csrfField}}`,
			Config{CSRFToken: func(*web.Ctx) string { return "t" }, CSRFFieldName: "_csrf"}, nil, nil,
			`<input type="hidden" name="_csrf" value="t">`},
		{"flashes default is empty", `[{{range flashes}}x{{end}}]`, Config{}, nil, nil, `[]`},
		{"flashes hook", `{{range flashes}}<p class="{{.Kind}}">{{.Message}}</p>{{end}}`,
			Config{Flashes: func(*web.Ctx) []Flash {
				return []Flash{{Kind: "success", Message: "Saved <post>"}, {Kind: `x" onclick="y`, Message: "Two"}}
			}}, nil, nil,
			`<p class="success">Saved &lt;post&gt;</p><p class="x&#34; onclick=&#34;y">Two</p>`},
		{"currentUser default is c.User", `{{with currentUser}}{{.Name}}{{else}}guest{{end}}`, Config{}, user{"Ada"}, nil, `Ada`},
		{"currentUser default without user", `{{with currentUser}}{{.Name}}{{else}}guest{{end}}`, Config{}, nil, nil, `guest`},
		{"currentUser hook", `{{currentUser}}`, Config{CurrentUser: func(*web.Ctx) any { return "from hook" }}, nil, nil, `from hook`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(tt.tmpl)}}, tt.cfg)
			r := newSiteRouter(t, e, func(c *web.Ctx) error {
				if tt.user != nil {
					c.SetUser(tt.user)
				}
				return c.Render(http.StatusOK, "t.html", nil)
			})
			w := get(t, r, "/page", tt.header...)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if got := w.Body.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestURLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ tmpl, want string }{
		{`{{url "nope"}}`, `no route named "nope"`},
		{`{{url "post"}}`, `takes 1 arguments, got 0`},
		{`{{url "post" ""}}`, `is empty`},
	}
	for _, tt := range tests {
		e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(tt.tmpl)}}, Config{})
		r := newSiteRouter(t, e, func(c *web.Ctx) error {
			var b bytes.Buffer
			err := e.Render(c, &b, "t.html", nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want one containing %q", tt.tmpl, err, tt.want)
			}
			return c.NoContent(http.StatusNoContent)
		})
		get(t, r, "/page")
	}
}

// TestFlashesOncePerRender checks that the flashes hook, which may consume the messages, is
// called once however often the template asks.
func TestFlashesOncePerRender(t *testing.T) {
	t.Parallel()
	calls := 0
	e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(`{{if flashes}}{{range flashes}}{{.Message}}{{end}}{{end}}{{len flashes}}`)}},
		Config{Flashes: func(*web.Ctx) []Flash { calls++; return []Flash{{Message: "m"}} }})
	r := newSiteRouter(t, e, func(c *web.Ctx) error { return c.Render(http.StatusOK, "t.html", nil) })
	for i := 1; i <= 2; i++ {
		if got := get(t, r, "/page").Body.String(); got != "m1" {
			t.Errorf("render %d: got %q", i, got)
		}
		if calls != i {
			t.Errorf("after render %d the hook ran %d times", i, calls)
		}
	}
}

func TestUserFuncs(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(`{{shout .}} {{safeBadge}}`)}}, Config{Funcs: template.FuncMap{
		"shout":     func(s string) string { return strings.ToUpper(s) + "!" },
		"safeBadge": func() template.HTML { return `<b>ok</b>` },
	}})
	if got := renderString(t, e, "t.html", "<hi>"); got != "&lt;HI&gt;! <b>ok</b>" {
		t.Errorf("got %q", got)
	}
}
