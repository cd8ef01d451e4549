package web_test

import (
	"bufio"
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
	"time"

	"github.com/sinewdev/sinew/web"
)

var staticTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func staticMapFS() fstest.MapFS {
	return fstest.MapFS{
		"index.html":      {Data: []byte("<h1>root</h1>"), ModTime: staticTime},
		"css/site.css":    {Data: []byte("body{color:red}"), ModTime: staticTime},
		"docs/index.html": {Data: []byte("<h1>docs</h1>"), ModTime: staticTime},
		"docs/guide.txt":  {Data: []byte("0123456789abcdef"), ModTime: staticTime},
		"empty/x/y.txt":   {Data: []byte("deep"), ModTime: staticTime},
		"a b/c d.txt":     {Data: []byte("spaces"), ModTime: staticTime},
		"noext":           {Data: []byte("plain bytes"), ModTime: staticTime},
	}
}

// staticDirFS writes the same tree to disk under a fresh directory, next to a secret file
// outside it, and returns the root.
func staticDirFS(t *testing.T) (root string, secret string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "public")
	for name, f := range staticMapFS() {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, staticTime, staticTime); err != nil {
			t.Fatal(err)
		}
	}
	secret = "TOP SECRET " + t.Name()
	if err := os.WriteFile(filepath.Join(base, "secret.txt"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, secret
}

func staticRouter(fsys fs.FS, cfg web.StaticConfig) *web.Router {
	r := web.NewRouter(web.Config{})
	r.Handle("GET /static/{path...}", web.Static(fsys, cfg))
	return r
}

func TestStaticServes(t *testing.T) {
	t.Parallel()
	root, _ := staticDirFS(t)
	for name, fsys := range map[string]fs.FS{"MapFS": staticMapFS(), "DirFS": os.DirFS(root)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := staticRouter(fsys, web.StaticConfig{})
			tests := []struct {
				target   string
				code     int
				body     string
				ctype    string
				location string
			}{
				{"/static/css/site.css", 200, "body{color:red}", "text/css; charset=utf-8", ""},
				{"/static/docs/guide.txt", 200, "0123456789abcdef", "text/plain; charset=utf-8", ""},
				{"/static/a%20b/c%20d.txt", 200, "spaces", "", ""},
				{"/static/noext", 200, "plain bytes", "text/plain; charset=utf-8", ""},
				{"/static/", 200, "<h1>root</h1>", "text/html; charset=utf-8", ""},
				{"/static/docs/", 200, "<h1>docs</h1>", "text/html; charset=utf-8", ""},
				{"/static/docs", 301, "", "", "./docs/"},
				{"/static/docs?v=1", 301, "", "", "./docs/?v=1"},
				{"/static/a%20b", 301, "", "", "./a%20b/"},
				{"/static", 301, "", "", "/static/"},
				{"/static/empty/", 404, "", "", ""},
				{"/static/empty/x/", 404, "", "", ""},
				{"/static/missing.txt", 404, "", "", ""},
				{"/static/css/site.css/", 404, "", "", ""},
				{"/static/docs/index.html", 200, "<h1>docs</h1>", "text/html; charset=utf-8", ""},
			}
			for _, tt := range tests {
				rec := do(t, r, "GET", tt.target)
				if rec.Code != tt.code {
					t.Errorf("GET %s: %d, want %d (Location %q)", tt.target, rec.Code, tt.code, rec.Header().Get("Location"))
					continue
				}
				if tt.body != "" && rec.Body.String() != tt.body {
					t.Errorf("GET %s: body %q", tt.target, rec.Body)
				}
				if tt.ctype != "" && rec.Header().Get("Content-Type") != tt.ctype {
					t.Errorf("GET %s: Content-Type %q", tt.target, rec.Header().Get("Content-Type"))
				}
				if rec.Header().Get("Location") != tt.location {
					t.Errorf("GET %s: Location %q, want %q", tt.target, rec.Header().Get("Location"), tt.location)
				}
				if tt.code == 200 {
					if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("ETag") == "" ||
						rec.Header().Get("Cache-Control") != "no-cache" || rec.Header().Get("Last-Modified") != "Mon, 06 May 2024 07:08:09 GMT" {
						t.Errorf("GET %s: headers %v", tt.target, rec.Header())
					}
				}
			}
		})
	}
}

func TestStaticConditionalAndRange(t *testing.T) {
	t.Parallel()
	root, _ := staticDirFS(t)
	for name, fsys := range map[string]fs.FS{"MapFS": staticMapFS(), "DirFS": os.DirFS(root)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := staticRouter(fsys, web.StaticConfig{})
			first := do(t, r, "GET", "/static/docs/guide.txt")
			etag := first.Header().Get("ETag")
			if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
				t.Fatalf("ETag %q", etag)
			}
			if again := do(t, r, "GET", "/static/docs/guide.txt").Header().Get("ETag"); again != etag {
				t.Errorf("ETag changed: %q then %q", etag, again)
			}
			// The ETag is a content hash: another router, another file system, same content.
			other := staticRouter(staticMapFS(), web.StaticConfig{})
			if e := do(t, other, "GET", "/static/docs/guide.txt").Header().Get("ETag"); e != etag {
				t.Errorf("ETag differs across file systems with the same content: %q %q", etag, e)
			}
			if e := do(t, r, "GET", "/static/css/site.css").Header().Get("ETag"); e == etag {
				t.Errorf("two files share the ETag %q", e)
			}
			tests := []struct {
				name  string
				hdr   []string
				code  int
				body  string
				check map[string]string
			}{
				{"If-None-Match", []string{"If-None-Match", etag}, 304, "", nil},
				{"If-None-Match list", []string{"If-None-Match", `"nope", ` + etag}, 304, "", nil},
				{"If-None-Match weak", []string{"If-None-Match", "W/" + etag}, 304, "", nil},
				{"If-None-Match star", []string{"If-None-Match", "*"}, 304, "", nil},
				{"If-None-Match other", []string{"If-None-Match", `"other"`}, 200, "0123456789abcdef", nil},
				{"If-Modified-Since same", []string{"If-Modified-Since", "Mon, 06 May 2024 07:08:09 GMT"}, 304, "", nil},
				{"If-Modified-Since later", []string{"If-Modified-Since", "Tue, 07 May 2024 00:00:00 GMT"}, 304, "", nil},
				{"If-Modified-Since earlier", []string{"If-Modified-Since", "Sun, 05 May 2024 00:00:00 GMT"}, 200, "0123456789abcdef", nil},
				{"Range", []string{"Range", "bytes=2-5"}, 206, "2345", map[string]string{"Content-Range": "bytes 2-5/16"}},
				{"Range suffix", []string{"Range", "bytes=-3"}, 206, "def", map[string]string{"Content-Range": "bytes 13-15/16"}},
				{"Range open", []string{"Range", "bytes=14-"}, 206, "ef", nil},
				{"Range past end", []string{"Range", "bytes=100-200"}, 416, "", map[string]string{"Content-Range": "bytes */16"}},
				{"Range garbage", []string{"Range", "bytes=z-y"}, 416, "", nil},
				{"If-Range matching", []string{"Range", "bytes=0-1", "If-Range", etag}, 206, "01", nil},
				{"If-Range stale", []string{"Range", "bytes=0-1", "If-Range", `"stale"`}, 200, "0123456789abcdef", nil},
				{"If-Match fails", []string{"If-Match", `"stale"`}, 412, "", nil},
			}
			for _, tt := range tests {
				rec := do(t, r, "GET", "/static/docs/guide.txt", tt.hdr...)
				if rec.Code != tt.code {
					t.Errorf("%s: %d, want %d", tt.name, rec.Code, tt.code)
					continue
				}
				if tt.body != "" && rec.Body.String() != tt.body {
					t.Errorf("%s: body %q, want %q", tt.name, rec.Body, tt.body)
				}
				for k, v := range tt.check {
					if got := rec.Header().Get(k); got != v {
						t.Errorf("%s: %s %q, want %q", tt.name, k, got, v)
					}
				}
			}
		})
	}
}

func TestStaticETagFollowsChanges(t *testing.T) {
	t.Parallel()
	root, _ := staticDirFS(t)
	r := staticRouter(os.DirFS(root), web.StaticConfig{})
	before := do(t, r, "GET", "/static/docs/guide.txt").Header().Get("ETag")
	p := filepath.Join(root, "docs", "guide.txt")
	if err := os.WriteFile(p, []byte("changed content!"), 0o644); err != nil { // same size
		t.Fatal(err)
	}
	later := staticTime.Add(time.Hour)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	rec := do(t, r, "GET", "/static/docs/guide.txt", "If-None-Match", before)
	if rec.Code != 200 || rec.Body.String() != "changed content!" || rec.Header().Get("ETag") == before {
		t.Errorf("after a change: %d %q ETag %q (was %q)", rec.Code, rec.Body, rec.Header().Get("ETag"), before)
	}
}

func TestStaticCacheControl(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cfg  web.StaticConfig
		want string
	}{
		{web.StaticConfig{}, "no-cache"},
		{web.StaticConfig{MaxAge: time.Hour}, "public, max-age=3600"},
		{web.StaticConfig{MaxAge: 365 * 24 * time.Hour, Immutable: true}, "public, max-age=31536000, immutable"},
		{web.StaticConfig{Immutable: true}, "no-cache"},
	}
	for _, tt := range tests {
		rec := do(t, staticRouter(staticMapFS(), tt.cfg), "GET", "/static/css/site.css")
		if got := rec.Header().Get("Cache-Control"); got != tt.want {
			t.Errorf("%+v: Cache-Control %q, want %q", tt.cfg, got, tt.want)
		}
	}
	// 404s are not cached like files.
	rec := do(t, staticRouter(staticMapFS(), web.StaticConfig{MaxAge: time.Hour}), "GET", "/static/nope")
	if rec.Code != 404 || rec.Header().Get("Cache-Control") == "public, max-age=3600" {
		t.Errorf("404: %d Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}

func TestStaticIndexOptions(t *testing.T) {
	t.Parallel()
	r := staticRouter(staticMapFS(), web.StaticConfig{Index: "-"})
	for _, target := range []string{"/static/", "/static/docs/", "/static/docs"} {
		if rec := do(t, r, "GET", target); rec.Code != 404 {
			t.Errorf("Index disabled: GET %s: %d", target, rec.Code)
		}
	}
	r = staticRouter(staticMapFS(), web.StaticConfig{Index: "guide.txt"})
	if rec := do(t, r, "GET", "/static/docs/"); rec.Code != 200 || rec.Body.String() != "0123456789abcdef" {
		t.Errorf("custom index: %d %q", rec.Code, rec.Body)
	}
}

func TestStaticHEAD(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(staticRouter(staticMapFS(), web.StaticConfig{}))
	defer srv.Close()
	res, err := srv.Client().Head(srv.URL + "/static/docs/guide.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || len(body) != 0 || res.ContentLength != 16 || res.Header.Get("ETag") == "" {
		t.Errorf("HEAD: %d %q length %d %v", res.StatusCode, body, res.ContentLength, res.Header)
	}
}

// TestStaticTraversal tries every way out of the root, through a real router and server
// (raw request lines, so no client cleans the path first).
func TestStaticTraversal(t *testing.T) {
	t.Parallel()
	root, secret := staticDirFS(t)
	r := web.NewRouter(web.Config{})
	r.Handle("GET /static/{path...}", web.Static(os.DirFS(root), web.StaticConfig{}))
	r.GET("/file/{name...}", func(c *web.Ctx) error { return c.File(os.DirFS(root), c.Param("name")) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	attacks := []string{
		"/static/../secret.txt",
		"/static/../../etc/passwd",
		"/static/..%2fsecret.txt",
		"/static/..%2Fsecret.txt",
		"/static/%2e%2e/secret.txt",
		"/static/%2e%2e%2fsecret.txt",
		"/static/.%2e/secret.txt",
		"/static/..%5csecret.txt",
		"/static/..\\secret.txt",
		"/static/docs/..%2f..%2fsecret.txt",
		"/static/%2fetc%2fpasswd",
		"/static//etc/passwd",
		"/static/%00",
		"/static/docs%00/guide.txt",
		"/static/..%00/secret.txt",
		"/static/" + strings.Repeat("..%2f", 20) + "etc/passwd",
		"/static/./../secret.txt",
		"/static/docs/../../secret.txt",
		"/file/..%2fsecret.txt",
		"/file/%2e%2e/secret.txt",
		"/file/%2Fsecret.txt",
		"/file/..%5Csecret.txt",
	}
	for _, target := range attacks {
		status, header, body := rawGet(t, srv.Listener.Addr().String(), target)
		if strings.Contains(body, "TOP SECRET") || strings.Contains(body, "root:") || strings.Contains(body, secret) {
			t.Errorf("GET %s escaped the root: %s", target, body)
		}
		switch status {
		case 400, 404:
		case 301:
			loc := header.Get("Location")
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.Contains(loc, "..") {
				t.Errorf("GET %s: redirect to %q", target, loc)
			}
		default:
			t.Errorf("GET %s: status %d", target, status)
		}
	}
}

// rawGet sends target verbatim on a new connection and returns the status, headers and body.
func rawGet(t *testing.T, addr, target string) (int, http.Header, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestStaticOddNamesAre404 checks that names the operating system rejects (a path under a
// file, an over-long name) are client errors, not server errors.
func TestStaticOddNamesAre404(t *testing.T) {
	t.Parallel()
	root, _ := staticDirFS(t)
	var logs logBuffer
	for name, fsys := range map[string]fs.FS{"MapFS": staticMapFS(), "DirFS": os.DirFS(root)} {
		r := web.NewRouter(web.Config{Logger: slogTo(&logs)})
		r.Handle("GET /static/{path...}", web.Static(fsys, web.StaticConfig{}))
		for _, target := range []string{
			"/static/docs/guide.txt/x",
			"/static/docs/guide.txt/x/",
			"/static/" + strings.Repeat("a", 300),
			"/static/" + strings.Repeat("a/", 3000) + "x",
			"/static/docs/index.html/",
		} {
			if rec := do(t, r, "GET", target); rec.Code != 404 {
				t.Errorf("%s: GET %.60s: %d", name, target, rec.Code)
			}
		}
	}
	if l := logs.String(); l != "" {
		t.Errorf("server errors logged: %.500s", l)
	}
}
