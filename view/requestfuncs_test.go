package view

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sinewdev/sinew/web"
)

func TestRequestFuncs(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"page.html": {Data: []byte(`<p title="{{greet "title"}}">{{greet "Ada" "!"}}</p>{{raw}}`)},
	}
	e := newEngine(t, fsys, Config{RequestFuncs: map[string]RequestFunc{
		"greet": func(c *web.Ctx, args ...any) (any, error) {
			lang := "none"
			if c != nil {
				lang = c.Query("lang")
			}
			var b strings.Builder
			b.WriteString(lang + ":")
			for _, a := range args {
				b.WriteString(a.(string))
			}
			return b.String(), nil
		},
		"raw": func(c *web.Ctx, args ...any) (any, error) { return template.HTML("<b>safe</b>"), nil },
	}})
	r := newSiteRouter(t, e, func(c *web.Ctx) error { return c.Render(http.StatusOK, "page.html", nil) })
	tests := []struct{ query, want string }{
		{"?lang=fr", `<p title="fr:title">fr:Ada!</p><b>safe</b>`},
		{"?lang=%3Cscript%3E", `<p title="&lt;script&gt;:title">&lt;script&gt;:Ada!</p><b>safe</b>`},
		{"", `<p title=":title">:Ada!</p><b>safe</b>`},
	}
	for _, tt := range tests {
		w := get(t, r, "/page"+tt.query)
		if w.Code != http.StatusOK || w.Body.String() != tt.want {
			t.Errorf("%s: %d %q, want %q", tt.query, w.Code, w.Body, tt.want)
		}
	}
	if got := renderString(t, e, "page.html", nil); got != `<p title="none:title">none:Ada!</p><b>safe</b>` {
		t.Errorf("outside a request: %q", got)
	}
}

func TestRequestFuncsErrors(t *testing.T) {
	t.Parallel()
	fn := func(c *web.Ctx, args ...any) (any, error) { return "", nil }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"shadows a helper", Config{RequestFuncs: map[string]RequestFunc{"static": fn}}, `"static" shadows a built-in helper`},
		{"shadows a request helper", Config{RequestFuncs: map[string]RequestFunc{"csrfField": fn}}, `"csrfField" shadows`},
		{"nil", Config{RequestFuncs: map[string]RequestFunc{"t": nil}}, `"t" is nil`},
		{"bad name", Config{RequestFuncs: map[string]RequestFunc{"a-b": fn}}, "not a valid function name"},
		{"Funcs shadows", Config{RequestFuncs: map[string]RequestFunc{"t": fn}, Funcs: template.FuncMap{"t": strings.ToUpper}}, `"t" shadows`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(fstest.MapFS{"a.html": {Data: []byte("x")}}, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestRequestFuncsNoAllocs checks that configuring request helpers adds no allocation to
// a render: each pooled instance binds them once. (Calling one costs what text/template
// spends on any variadic function call.)
func TestRequestFuncsNoAllocs(t *testing.T) {
	if raceDetector {
		t.Skip("allocation counts are meaningless under the race detector (sync.Pool drops items)")
	}
	fsys := fstest.MapFS{"page.html": {Data: []byte(`<p>{{.}}</p>`)}}
	plain := newEngine(t, fsys, Config{})
	withFuncs := newEngine(t, fsys, Config{RequestFuncs: map[string]RequestFunc{
		"k": func(c *web.Ctx, args ...any) (any, error) { return "k", nil },
	}})
	allocs := func(e *Engine) float64 {
		var buf bytes.Buffer
		return testing.AllocsPerRun(200, func() {
			buf.Reset()
			if err := e.Render(nil, &buf, "page.html", "x"); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(plain), allocs(withFuncs); b != a {
		t.Errorf("a render allocates %v times with RequestFuncs set, %v without", b, a)
	}
}
