package asset

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/sinewdev/sinew/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// siteSet builds the Set of testdata/site or fails the test.
func siteSet(t testing.TB, cfg Config) *Set {
	t.Helper()
	s, err := New(context.Background(), os.DirFS("testdata/site"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// siteRouter serves the Set of testdata/site through a web.Router, as an app would.
func siteRouter(t testing.TB) (*Set, *web.Router) {
	t.Helper()
	s := siteSet(t, Config{})
	r := web.NewRouter(web.Config{})
	s.Mount(r)
	return s, r
}

func do(t testing.TB, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "/", nil)
	// Set the target by hand: NewRequest would reject or clean some hostile paths.
	u, err := req.URL.Parse(target)
	if err != nil {
		t.Fatalf("parsing %q: %v", target, err)
	}
	req.URL = u
	req.RequestURI = target
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestManifestGolden(t *testing.T) {
	t.Parallel()
	s := siteSet(t, Config{})
	b, err := s.ManifestJSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "manifest.json", b)
	for _, name := range s.Names() {
		if strings.HasPrefix(name, ".") || strings.Contains(name, "/.") {
			t.Errorf("hidden file %q is in the manifest", name)
		}
	}
}

func TestCSSRewriteGolden(t *testing.T) {
	t.Parallel()
	_, r := siteRouter(t)
	for _, name := range []string{"css/site.css", "css/base.css", "css/theme/dark.css"} {
		w := do(t, r, "GET", "/static/"+name)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: status %d", name, w.Code)
		}
		golden(t, strings.ReplaceAll(name, "/", "_"), w.Body.Bytes())
	}
}

func TestURL(t *testing.T) {
	t.Parallel()
	s := siteSet(t, Config{})
	m := s.Manifest()
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"css/site.css", "/static/" + m["css/site.css"], true},
		{"/css/site.css", "/static/" + m["css/site.css"], true},
		{"img/hero image.png", "/static/" + m["img/hero image.png"], true},
		{"robots.txt", "/static/" + m["robots.txt"], true},
		{"nope.css", "/static/nope.css", false},
		{".hidden.txt", "/static/.hidden.txt", false},
	}
	for _, tt := range tests {
		if got := s.URL(tt.name); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if got, ok := s.Lookup(tt.name); ok != tt.ok || ok && got != tt.want {
			t.Errorf("Lookup(%q) = %q, %v", tt.name, got, ok)
		}
	}
	if !strings.HasPrefix(m["css/site.css"], "css/site.") || len(m["css/site.css"]) != len("css/site.12345678.css") {
		t.Errorf("fingerprinted name %q", m["css/site.css"])
	}
	custom := siteSet(t, Config{Prefix: "/assets/", HashLength: 12})
	if u := custom.URL("robots.txt"); !strings.HasPrefix(u, "/assets/robots.") || len(u) != len("/assets/robots.123456789012.txt") {
		t.Errorf("custom URL %q", u)
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{"site.css", "site.abcd.css"},
		{"css/app.min.js", "css/app.min.abcd.js"},
		{"LICENSE", "LICENSE.abcd"},
		{"dir.v2/LICENSE", "dir.v2/LICENSE.abcd"},
		{"a/.x", "a/.x.abcd"},
	}
	for _, tt := range tests {
		got := fingerprint(tt.name, "abcd")
		if got != tt.want {
			t.Errorf("fingerprint(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if h := hashOf(tt.name, got); h != "abcd" {
			t.Errorf("hashOf(%q, %q) = %q", tt.name, got, h)
		}
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	s, r := siteRouter(t)
	css := s.Manifest()["css/site.css"]
	tests := []struct {
		name, target, accept string
		cache, encoding      string
		vary                 bool
		ctype                string
	}{
		{"fingerprinted", "/static/" + css, "", immutableCacheControl, "", true, "text/css; charset=utf-8"},
		{"logical", "/static/css/site.css", "", "public, max-age=300", "", true, "text/css; charset=utf-8"},
		{"brotli", "/static/" + css, "gzip, deflate, br, zstd", immutableCacheControl, "br", true, "text/css; charset=utf-8"},
		{"gzip", "/static/" + css, "gzip", immutableCacheControl, "gzip", true, "text/css; charset=utf-8"},
		{"gzip preferred by weight", "/static/" + css, "br;q=0.5, gzip", immutableCacheControl, "gzip", true, "text/css; charset=utf-8"},
		{"br refused", "/static/" + css, "*, br;q=0", immutableCacheControl, "gzip", true, "text/css; charset=utf-8"},
		{"identity only", "/static/" + css, "identity", immutableCacheControl, "", true, "text/css; charset=utf-8"},
		{"binary never compressed", "/static/" + s.Manifest()["fonts/inter.woff2"], "br, gzip", immutableCacheControl, "", false, "font/woff2"},
		{"small file never compressed", "/static/robots.txt", "br, gzip", "public, max-age=300", "", false, "text/plain; charset=utf-8"},
		{"svg", "/static/img/logo.svg", "gzip", "public, max-age=300", "gzip", true, "image/svg+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := do(t, r, "GET", tt.target, "Accept-Encoding", tt.accept)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			h := w.Header()
			if got := h.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if got := h.Get("Content-Encoding"); got != tt.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			if got := h.Get("Vary") == "Accept-Encoding"; got != tt.vary {
				t.Errorf("Vary %q", h.Get("Vary"))
			}
			if got := h.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			etag := h.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || strings.HasPrefix(etag, "W/") {
				t.Errorf("ETag %q is not a strong ETag", etag)
			}
			if tt.encoding != "" && !strings.HasSuffix(etag, map[string]string{"br": `.br"`, "gzip": `.gz"`}[tt.encoding]) {
				t.Errorf("ETag %q does not name the encoding %s", etag, tt.encoding)
			}
		})
	}
}

// TestEncodings decodes every variant and compares it with the identity body.
func TestEncodings(t *testing.T) {
	t.Parallel()
	s, r := siteRouter(t)
	for _, name := range s.Names() {
		plain := do(t, r, "GET", s.URL(name))
		if plain.Code != http.StatusOK {
			t.Fatalf("%s: status %d", name, plain.Code)
		}
		for _, enc := range []string{"gzip", "br"} {
			w := do(t, r, "GET", s.URL(name), "Accept-Encoding", enc)
			if w.Header().Get("Content-Encoding") != enc {
				continue
			}
			var rd io.Reader
			if enc == "gzip" {
				zr, err := gzip.NewReader(w.Body)
				if err != nil {
					t.Fatalf("%s %s: %v", name, enc, err)
				}
				rd = zr
			} else {
				rd = brotli.NewReader(w.Body)
			}
			got, err := io.ReadAll(rd)
			if err != nil {
				t.Fatalf("%s %s: %v", name, enc, err)
			}
			if !bytes.Equal(got, plain.Body.Bytes()) {
				t.Errorf("%s: the %s variant decodes to different content", name, enc)
			}
			if w.Body.Len() >= plain.Body.Len() {
				t.Errorf("%s: the %s variant is not smaller", name, enc)
			}
		}
	}
	st := s.Stats()
	if st.Files != len(s.Names()) || st.BrotliFiles == 0 || st.GzipFiles == 0 || st.BrotliBytes >= st.CompressedFrom {
		t.Errorf("stats %+v", st)
	}
	off := siteSet(t, Config{DisableCompression: true})
	if st := off.Stats(); st.GzipFiles != 0 || st.BrotliFiles != 0 {
		t.Errorf("DisableCompression: stats %+v", st)
	}
}

func TestConditionalAndRange(t *testing.T) {
	t.Parallel()
	s, r := siteRouter(t)
	target := s.URL("js/app.js")
	first := do(t, r, "GET", target, "Accept-Encoding", "br")
	etag := first.Header().Get("ETag")

	tests := []struct {
		name   string
		header []string
		status int
		body   string
	}{
		{"same etag", []string{"Accept-Encoding", "br", "If-None-Match", etag}, http.StatusNotModified, ""},
		{"etag in a list", []string{"Accept-Encoding", "br", "If-None-Match", `"x", ` + etag}, http.StatusNotModified, ""},
		{"star", []string{"If-None-Match", "*"}, http.StatusNotModified, ""},
		{"other encoding's etag", []string{"Accept-Encoding", "gzip", "If-None-Match", etag}, http.StatusOK, ""},
		{"stale etag", []string{"If-None-Match", `"0000"`}, http.StatusOK, ""},
		{"range", []string{"Range", "bytes=0-8"}, http.StatusPartialContent, "// app.js"},
		{"unsatisfiable range", []string{"Range", "bytes=999999-"}, http.StatusRequestedRangeNotSatisfiable, ""},
		{"malformed range", []string{"Range", "bytes=zz"}, http.StatusRequestedRangeNotSatisfiable, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := do(t, r, "GET", target, tt.header...)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status == http.StatusNotModified && w.Body.Len() != 0 {
				t.Error("304 with a body")
			}
			if tt.body != "" && w.Body.String() != tt.body {
				t.Errorf("body %q, want %q", w.Body, tt.body)
			}
			if tt.status == http.StatusNotModified && w.Header().Get("ETag") != etag && tt.header[len(tt.header)-1] != "*" {
				t.Errorf("304 ETag %q", w.Header().Get("ETag"))
			}
		})
	}
	head := do(t, r, "HEAD", target)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: status %d, %d bytes, Content-Length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
}

// TestHostilePaths requests names that try to leave the manifest: each answers 404 (or
// the router's redirect to the clean path, which then answers 404), never a file.
func TestHostilePaths(t *testing.T) {
	t.Parallel()
	s, r := siteRouter(t)
	targets := []string{
		"/static/../asset.go",
		"/static/../../go.mod",
		"/static/css/../../asset.go",
		"/static/%2e%2e/asset.go",
		"/static/%2E%2E/%2E%2E/go.mod",
		"/static/..%2fasset.go",
		"/static/..%2Fasset.go",
		"/static/css%2f..%2f..%2fasset.go",
		"/static/..%5casset.go",
		"/static/..\\asset.go",
		"/static/css\\site.css",
		"/static/css/site.css%00",
		"/static/css/site.css%00.png",
		"/static/.hidden.txt",
		"/static/.cache/state",
		"/static/",
		"/static/css",
		"/static/css/",
		"/static//etc/passwd",
		"/static/%2fetc/passwd",
		"/static/nope.css",
		"/static/css/site.00000000.css",
		"/static/" + strings.Repeat("a/", 5000) + "x.css",
		"/static/%ff%fe.css",
	}
	for _, target := range targets {
		w := do(t, r, "GET", target)
		for hops := 0; w.Code == http.StatusMovedPermanently || w.Code == http.StatusPermanentRedirect; hops++ {
			if hops > 3 {
				t.Fatalf("%q: redirect loop", target)
			}
			w = do(t, r, "GET", w.Header().Get("Location"))
		}
		if w.Code != http.StatusNotFound && w.Code != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 404: %.80s", target, w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), "package asset") || strings.Contains(w.Body.String(), "module github.com") {
			t.Errorf("%q leaked a file outside the assets", target)
		}
	}
	// The plain http.Handler refuses the same names.
	for _, target := range targets {
		w := do(t, s, "GET", target)
		if w.Code != http.StatusNotFound {
			t.Errorf("ServeHTTP %q: status %d", target, w.Code)
		}
	}
	if w := do(t, s, "GET", s.URL("robots.txt")); w.Code != http.StatusOK {
		t.Errorf("ServeHTTP: status %d", w.Code)
	}
	if w := do(t, r, "POST", s.URL("robots.txt")); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", w.Code)
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fstest.MapFS
		cfg  Config
		want string
	}{
		{"import cycle", fstest.MapFS{
			"a.css": {Data: []byte(`@import "b.css";`)},
			"b.css": {Data: []byte(`@import url(a.css);`)},
		}, Config{}, "cycle: a.css → b.css → a.css"},
		{"self import", fstest.MapFS{"a.css": {Data: []byte(`@import "a.css";`)}}, Config{}, "cycle"},
		{"prefix", fstest.MapFS{}, Config{Prefix: "static"}, "Prefix"},
		{"hash length", fstest.MapFS{}, Config{HashLength: 2}, "HashLength"},
		{"gzip level", fstest.MapFS{}, Config{GzipLevel: 12}, "GzipLevel"},
		{"brotli level", fstest.MapFS{}, Config{BrotliLevel: -1}, "BrotliLevel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(context.Background(), tt.fsys, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	t.Run("collision", func(t *testing.T) {
		t.Parallel()
		fsys := fstest.MapFS{"a.txt": {Data: []byte("x")}}
		s, err := New(context.Background(), fsys, Config{})
		if err != nil {
			t.Fatal(err)
		}
		fsys[s.Manifest()["a.txt"]] = &fstest.MapFile{Data: []byte("y")}
		if _, err := New(context.Background(), fsys, Config{}); err == nil || !strings.Contains(err.Error(), "also a file") {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := New(ctx, os.DirFS("testdata/site"), Config{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
	})
	if _, err := New(context.Background(), nil, Config{}); err == nil {
		t.Fatal("nil fs accepted")
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		header []string
		want   encoding
	}{
		{nil, encIdentity},
		{[]string{""}, encIdentity},
		{[]string{"br"}, encBrotli},
		{[]string{"BR"}, encBrotli},
		{[]string{"gzip, br"}, encBrotli},
		{[]string{"gzip", "br"}, encBrotli},
		{[]string{"gzip;q=1, br;q=0.9"}, encGzip},
		{[]string{"x-gzip"}, encGzip},
		{[]string{"*"}, encBrotli},
		{[]string{"*;q=0"}, encIdentity},
		{[]string{"br;q=0, gzip;q=0"}, encIdentity},
		{[]string{"br;q=1.5"}, encIdentity}, // malformed weight: element skipped
		{[]string{"br;q=abc, gzip"}, encGzip},
		{[]string{"br;q=0.0001"}, encIdentity},
		{[]string{"br;level=5;q=0.3, gzip;q=0.2"}, encBrotli},
		{[]string{" gzip ; q=0.5 ,,, ;;, br ; q = 0.4"}, encGzip},
		{[]string{"deflate, zstd"}, encIdentity},
		{[]string{strings.Repeat("gzip,", 100000)}, encGzip},
	}
	for _, tt := range tests {
		if got := negotiate(tt.header, true, true); got != tt.want {
			t.Errorf("negotiate(%.60q) = %d, want %d", tt.header, got, tt.want)
		}
	}
	if got := negotiate([]string{"br"}, false, true); got != encIdentity {
		t.Errorf("br without a brotli variant = %d", got)
	}
	if got := negotiate([]string{"br, gzip"}, false, true); got != encGzip {
		t.Errorf("br, gzip without a brotli variant = %d", got)
	}
	if n := testing.AllocsPerRun(100, func() { negotiate([]string{"gzip;q=0.8, br;q=0.9, *;q=0.1"}, true, true) }); n != 0 {
		t.Errorf("negotiate allocates %v times", n)
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "br", "gzip;q=0.5, br;q=0.4", "*;q=0", "br;q=1.000", "gzip;q=", ";;,,;=q", "br;q=0.\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got := negotiate([]string{h}, true, true)
		if got != encIdentity && got != encGzip && got != encBrotli {
			t.Fatalf("negotiate(%q) = %d", h, got)
		}
		if negotiate([]string{h}, false, false) != encIdentity {
			t.Fatalf("negotiate(%q) chose a variant that does not exist", h)
		}
	})
}

func FuzzRewriteCSS(f *testing.F) {
	for _, s := range []string{
		`a{background:url(x.png)}`, `@import "y.css";`, `url('x.png?v=1#f')`, `url(/static/x.png)`,
		`url(../../x.png)`, `url(%zz)`, `url(`, `url()`, `url("x.png`, `@import url(x.png)`,
		`url(data:x)`, `url(x.png) url(x.png)`,
	} {
		f.Add([]byte(s))
	}
	resolve := func(ref string) (string, bool, error) {
		if ref == "x.png" || ref == "css/x.png" {
			return fingerprint(ref, "0123abcd"), true, nil
		}
		return "", false, nil
	}
	f.Fuzz(func(t *testing.T, css []byte) {
		out, err := rewriteCSS("css/site.css", css, "/static/", resolve)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) < len(css) {
			t.Fatalf("rewriting shrank the stylesheet: %q → %q", css, out)
		}
		if !bytes.Contains(css, []byte("x.png")) && !bytes.Equal(out, css) {
			t.Fatalf("a stylesheet without references changed: %q → %q", css, out)
		}
	})
}

// BenchmarkNew measures start-up: reading, fingerprinting and compressing a site of
// typical size (the test site plus 200 KB of CSS and 400 KB of JavaScript), at the
// default (best) compression levels and at faster ones.
func BenchmarkNew(b *testing.B) {
	fsys := fstest.MapFS{}
	site := os.DirFS("testdata/site")
	for _, name := range []string{"css/site.css", "css/base.css", "css/theme/dark.css", "img/logo.svg", "js/app.js", "robots.txt"} {
		data, err := fs.ReadFile(site, name)
		if err != nil {
			b.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	fsys["css/big.css"] = &fstest.MapFile{Data: bigText(200<<10, func(i int) string {
		return fmt.Sprintf(".c%d { color: #%06x; margin: %dpx; background: url(../img/logo.svg); }\n", i, i*7919%0xffffff, i%64)
	})}
	fsys["js/vendor.js"] = &fstest.MapFile{Data: bigText(400<<10, func(i int) string {
		return fmt.Sprintf("function f%d(a) { return a * %d + %d; }\n", i, i*31%1000, i%17)
	})}
	var total int64
	for _, f := range fsys {
		total += int64(len(f.Data))
	}
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"default", Config{}},
		{"brotli11", Config{BrotliLevel: 11}},
		{"brotli9_gzip6", Config{BrotliLevel: 9, GzipLevel: 6}},
		{"brotli5_gzip6", Config{BrotliLevel: 5, GzipLevel: 6}},
		{"uncompressed", Config{DisableCompression: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(total)
			var s *Set
			for b.Loop() {
				var err error
				if s, err = New(context.Background(), fsys, bc.cfg); err != nil {
					b.Fatal(err)
				}
			}
			st := s.Stats()
			if st.CompressedFrom > 0 {
				b.ReportMetric(float64(st.BrotliBytes)/float64(st.CompressedFrom), "br-ratio")
				b.ReportMetric(float64(st.GzipBytes)/float64(st.CompressedFrom), "gz-ratio")
			}
		})
	}
}

// BenchmarkServe measures serving a fingerprinted stylesheet through the router, against
// web.Static serving the same file from the same directory (the peer).
func BenchmarkServe(b *testing.B) {
	s, r := siteRouter(b)
	r.Handle("GET /plain/{path...}", web.Static(os.DirFS("testdata/site"), web.StaticConfig{}))
	for _, bc := range []struct{ name, target, accept string }{
		{"asset", s.URL("css/site.css"), ""},
		{"asset_br", s.URL("css/site.css"), "gzip, deflate, br"},
		{"web.Static", "/plain/css/site.css", ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", bc.target, nil)
			req.Header.Set("Accept-Encoding", bc.accept)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				r.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

func bigText(size int, line func(i int) string) []byte {
	var buf bytes.Buffer
	for i := 0; buf.Len() < size; i++ {
		buf.WriteString(line(i))
	}
	return buf.Bytes()
}

func TestReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("site.css", `body { background: url(bg.png); }`)
	write("bg.png", "png")
	s, err := New(context.Background(), os.DirFS(dir), Config{Reload: true})
	if err != nil {
		t.Fatal(err)
	}
	r := web.NewRouter(web.Config{})
	s.Mount(r)
	first := s.URL("site.css")
	if w := do(t, r, "GET", first, "Accept-Encoding", "br"); w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "" {
		t.Fatalf("status %d, encoding %q (Reload skips compression)", w.Code, w.Header().Get("Content-Encoding"))
	}

	write("bg.png", "a new image") // changes the CSS too, through its rewritten reference
	second := s.URL("site.css")
	if second == first {
		t.Fatal("the CSS URL did not change with the image it references")
	}
	if w := do(t, r, "GET", first); w.Code != http.StatusNotFound {
		t.Errorf("old URL: status %d", w.Code)
	}
	if w := do(t, r, "GET", second); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), s.Manifest()["bg.png"]) {
		t.Errorf("new URL: status %d, body %q", w.Code, w.Body)
	}

	write("a.css", `@import "b.css";`)
	write("b.css", `@import "a.css";`)
	if w := do(t, r, "GET", second); w.Code != http.StatusInternalServerError {
		t.Errorf("broken reload: status %d", w.Code)
	}
	if w := do(t, s, "GET", second); w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "cycle") {
		t.Errorf("broken reload through ServeHTTP: status %d %q", w.Code, w.Body)
	}
	if s.URL("site.css") != second {
		t.Error("a broken reload changed the URLs")
	}
	write("b.css", `p { color: red; }`)
	if w := do(t, r, "GET", s.URL("a.css")); w.Code != http.StatusOK {
		t.Errorf("fixed: status %d", w.Code)
	}
}

// TestHostilePathsOverTCP sends raw request lines to a listening server, so that nothing
// between the client and the handler cleans the path first.
func TestHostilePathsOverTCP(t *testing.T) {
	t.Parallel()
	_, r := siteRouter(t)
	srv := httptest.NewServer(r)
	defer srv.Close()
	targets := []string{
		"/static/../asset.go", "/static/%2e%2e/asset.go", "/static/%2e%2e%2fasset.go",
		"/static/..%5c..%5cgo.mod", "/static/..\\..\\go.mod", "/static/css/site.css%00",
		"/static/.hidden.txt", "/static/%2fetc%2fpasswd", "/static/css/%2e%2e/%2e%2e/asset.go",
	}
	for _, target := range targets {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
		resp, err := io.ReadAll(conn)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		status, _, _ := strings.Cut(string(resp), "\r\n")
		if strings.Contains(status, " 200 ") || strings.Contains(string(resp), "package asset") || strings.Contains(string(resp), "module github.com") {
			t.Errorf("%q: %s", target, status)
		}
	}
}

func TestIntegrity(t *testing.T) {
	t.Parallel()
	s, r := siteRouter(t)
	for _, name := range []string{"css/site.css", "js/app.js", "img/hero image.png"} {
		w := do(t, r, "GET", s.URL(name))
		sum := sha512.Sum384(w.Body.Bytes())
		want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
		if got := s.Integrity(name); got != want {
			t.Errorf("Integrity(%q) = %q, want %q (the served content's)", name, got, want)
		}
	}
	if s.Integrity("nope.js") != "" {
		t.Error("an unknown name has an integrity value")
	}
}
