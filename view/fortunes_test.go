package view

// The TechEmpower "fortunes" page (https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview#fortunes):
// twelve stored fortunes plus one added at request time, sorted by message, rendered in an
// escaped HTML table. The benchmarks render it through view and through bare html/template
// from the same template text; view's cost must stay within 1.1x of html/template's.

import (
	"bytes"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew/web"
)

type fortune struct {
	ID      int
	Message string
}

var storedFortunes = []fortune{
	{1, "fortune: No such file or directory"},
	{2, "A computer scientist is someone who fixes things that aren't broken."},
	{3, "After enough decimal places, nobody gives a damn."},
	{4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"},
	{5, "A computer program does what you tell it to do, not what you want it to do."},
	{6, "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen"},
	{7, "Any program that runs right is obsolete."},
	{8, "A list is only as strong as its weakest link. — Donald Knuth"},
	{9, "Feature: A bug with seniority."},
	{10, "Computers make very fast, very accurate mistakes."},
	{11, `<script>alert("This should not be displayed in a browser alert box.");</script>`},
	{12, "フレームワークのベンチマーク"},
}

// requestFortunes does the handler's work: the stored fortunes, one more, sorted.
func requestFortunes() []fortune {
	fs := make([]fortune, 0, len(storedFortunes)+1)
	fs = append(fs, storedFortunes...)
	fs = append(fs, fortune{0, "Additional fortune added at request time."})
	slices.SortFunc(fs, func(a, b fortune) int { return strings.Compare(a.Message, b.Message) })
	return fs
}

func fortunesFS() fs.FS { return os.DirFS("testdata/fortunes") }

// bareFortunes parses the same two files with html/template alone, as a hand-written
// handler would.
func bareFortunes(t testing.TB) *template.Template {
	t.Helper()
	fsys := fortunesFS()
	read := func(name string) string {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	set := template.Must(template.New("layouts/base.html").Parse(read("layouts/base.html")))
	return template.Must(set.New("fortunes.html").Parse(read("fortunes.html")))
}

func TestFortunesPage(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fortunesFS(), Config{})
	got := renderString(t, e, "fortunes.html", requestFortunes())
	golden(t, "fortunes.html", got)
	var bare bytes.Buffer
	if err := bareFortunes(t).Execute(&bare, requestFortunes()); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(bare.String()) != strings.TrimSpace(got) {
		t.Errorf("view and html/template disagree:\n%s\n%s", got, bare.String())
	}
}

// BenchmarkFortunes renders the page into a reused buffer: the template cost alone.
func BenchmarkFortunes(b *testing.B) {
	data := requestFortunes()
	b.Run("html_template", func(b *testing.B) {
		t := bareFortunes(b)
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := t.Execute(&buf, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("view", func(b *testing.B) {
		e := newEngine(b, fortunesFS(), Config{})
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := e.Render(nil, &buf, "fortunes.html", data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFortunesPaired alternates the two renderers in one loop and reports each one's
// time and their ratio (view-x). On a busy machine, where separate runs see different loads,
// the interleaving makes the ratio trustworthy.
func BenchmarkFortunesPaired(b *testing.B) {
	data := requestFortunes()
	bare := bareFortunes(b)
	e := newEngine(b, fortunesFS(), Config{})
	var buf bytes.Buffer
	var tBare, tView time.Duration
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		start := time.Now()
		if err := bare.Execute(&buf, data); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		buf.Reset()
		if err := e.Render(nil, &buf, "fortunes.html", data); err != nil {
			b.Fatal(err)
		}
		tView += time.Since(mid)
		tBare += mid.Sub(start)
	}
	b.ReportMetric(float64(tBare.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(tView.Nanoseconds())/float64(b.N), "view-ns/op")
	b.ReportMetric(float64(tView)/float64(tBare), "view-x")
}

// BenchmarkRenderOverhead renders a one-line template, so that view's fixed cost per render
// (the lookup and the pooled clone) is not hidden by the page's own work.
func BenchmarkRenderOverhead(b *testing.B) {
	const text = `<p>{{.}}</p>`
	b.Run("html_template", func(b *testing.B) {
		t := template.Must(template.New("p.html").Parse(text))
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := t.Execute(&buf, "hello"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("view", func(b *testing.B) {
		e := newEngine(b, fstest.MapFS{"p.html": {Data: []byte(text)}}, Config{})
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := e.Render(nil, &buf, "p.html", "hello"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// discardWriter is a ResponseWriter that keeps nothing, so the benchmark measures the
// server side only.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// BenchmarkFortunesHTTP serves the whole request through a web.Router: the handler builds
// the fortunes, then renders with c.Render (view) or with html/template into a pooled
// buffer (bare), both buffered so that an error never sends half a page.
func BenchmarkFortunesHTTP(b *testing.B) {
	bare := bareFortunes(b)
	bufs := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	handlers := []struct {
		name string
		cfg  web.Config
		h    web.HandlerFunc
	}{
		{"html_template", web.Config{}, func(c *web.Ctx) error {
			buf := bufs.Get().(*bytes.Buffer)
			defer bufs.Put(buf)
			buf.Reset()
			if err := bare.Execute(buf, requestFortunes()); err != nil {
				return err
			}
			return c.Blob(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
		}},
		{"view", web.Config{Renderer: newEngine(b, fortunesFS(), Config{})}, func(c *web.Ctx) error {
			return c.Render(http.StatusOK, "fortunes.html", requestFortunes())
		}},
	}
	for _, hh := range handlers {
		hh.cfg.Logger = slog.New(slog.DiscardHandler)
		r := web.NewRouter(hh.cfg)
		r.GET("/fortunes", hh.h)
		req := httptest.NewRequest(http.MethodGet, "/fortunes", nil)
		b.Run(hh.name, func(b *testing.B) {
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				r.ServeHTTP(w, req)
			}
		})
		b.Run(hh.name+"_parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					r.ServeHTTP(w, req)
				}
			})
		})
	}
}

var _ io.Writer = (*discardWriter)(nil)
