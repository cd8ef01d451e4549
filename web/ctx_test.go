package web_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew/web"
)

// serveCtx registers h for every method on /t/{id} of a fresh router and serves req.
func serveCtx(t *testing.T, cfg web.Config, req *http.Request, h web.HandlerFunc) *httptest.ResponseRecorder {
	t.Helper()
	r := web.NewRouter(cfg)
	r.Handle("/t/{id}", h)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func TestCtxAccessors(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("POST", "/t/a%20b?q=1&q=2&x=y", strings.NewReader("f=body&q=fromBody"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Thing", "thing")
	req.AddCookie(&http.Cookie{Name: "session", Value: "abc"})
	var checked bool
	rec := serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
		checks := []struct {
			name      string
			got, want any
		}{
			{"Method", c.Method(), "POST"},
			{"Path", c.Path(), "/t/a b"},
			{"RoutePattern", c.RoutePattern(), "/t/{id}"},
			{"Route", c.Route().Pattern, "/t/{id}"},
			{"Param", c.Param("id"), "a b"},
			{"Param unknown", c.Param("nope"), ""},
			{"Query", c.Query("q"), "1"},
			{"Query missing", c.Query("nope"), ""},
			{"QueryValues", fmt.Sprint(c.QueryValues()["q"]), "[1 2]"},
			{"FormValue body", c.FormValue("f"), "body"},
			{"FormValue body before query", c.FormValue("q"), "fromBody"},
			{"FormValue query", c.FormValue("x"), "y"},
			{"Header", c.Header("x-thing"), "thing"},
			{"Router", c.Router() != nil, true},
			{"RequestID empty", c.RequestID(), ""},
			{"User nil", c.User(), nil},
			{"Get missing", c.Get("k"), nil},
			{"Status before writing", c.Status(), 0},
			{"Written before writing", c.Written(), false},
			{"Secure over http", c.Secure(), false},
			{"Context", c.Context() == context.Context(c), true},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("%s = %#v, want %#v", ch.name, ch.got, ch.want)
			}
		}
		form, err := c.Form()
		if err != nil || form.Get("f") != "body" {
			t.Errorf("Form = %v, %v", form, err)
		}
		v, err := c.Cookie("session")
		if err != nil || v != "abc" {
			t.Errorf("Cookie = %q, %v", v, err)
		}
		if _, err := c.Cookie("nope"); !errors.Is(err, http.ErrNoCookie) {
			t.Errorf("missing cookie: %v", err)
		}
		c.Set("k", 42)
		c.Set("k2", "v")
		if c.Get("k") != 42 || c.Get("k2") != "v" {
			t.Errorf("Set/Get: %v %v", c.Get("k"), c.Get("k2"))
		}
		c.SetRequestID("rid-1")
		c.SetUser("ann")
		c.SetClientIP("203.0.113.9")
		c.SetSecure(true)
		if c.RequestID() != "rid-1" || c.User() != "ann" || c.ClientIP() != "203.0.113.9" || !c.Secure() {
			t.Errorf("setters: %q %v %q %v", c.RequestID(), c.User(), c.ClientIP(), c.Secure())
		}
		c.SetHeader("X-Out", "out")
		if err := c.Text(201, "hello"); err != nil {
			return err
		}
		if c.Status() != 201 || !c.Written() || c.BytesWritten() != 5 {
			t.Errorf("after Text: status %d written %v bytes %d", c.Status(), c.Written(), c.BytesWritten())
		}
		checked = true
		return nil
	})
	if !checked {
		t.Fatalf("handler did not run: %d %s", rec.Code, rec.Body)
	}
	if rec.Code != 201 || rec.Body.String() != "hello" || rec.Header().Get("X-Out") != "out" {
		t.Errorf("response %d %q %v", rec.Code, rec.Body, rec.Header())
	}
}

func TestCtxMalformedQuery(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("POST", "/t/1?a=1&bad=%zz&x=y", strings.NewReader("f=body"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
		// Query accessors skip the malformed pair, as net/http does; FormValue serves what
		// parsed; Form reports the problem.
		if c.QueryValues().Has("bad") || c.Query("a") != "1" || c.Query("x") != "y" {
			t.Errorf("QueryValues %v", c.QueryValues())
		}
		if c.FormValue("f") != "body" || c.FormValue("x") != "y" {
			t.Errorf("FormValue f=%q x=%q", c.FormValue("f"), c.FormValue("x"))
		}
		_, err := c.Form()
		return err
	})
	if rec.Code != 400 {
		t.Errorf("Form with a malformed query: %d", rec.Code)
	}
}

func TestCtxClientIPAndSecure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		remote string
		tls    bool
		ip     string
	}{
		{"192.0.2.1:1234", false, "192.0.2.1"},
		{"[::1]:8080", false, "::1"},
		{"[2001:db8::7]:443", true, "2001:db8::7"},
		{"[fe80::1%eth0]:80", false, "fe80::1%eth0"},
		{"192.0.2.1", false, "192.0.2.1"},
		{"::1", false, "::1"},
		{"[::1]", false, "::1"},
		{"", false, ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/t/1", nil)
		req.RemoteAddr = tt.remote
		if tt.tls {
			req.TLS = &tls.ConnectionState{}
		}
		rec := serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
			return c.Text(200, fmt.Sprintf("%s|%v", c.ClientIP(), c.Secure()))
		})
		if want := fmt.Sprintf("%s|%v", tt.ip, tt.tls); rec.Body.String() != want {
			t.Errorf("RemoteAddr %q tls=%v: %q, want %q", tt.remote, tt.tls, rec.Body, want)
		}
	}
	// A proxy's word (set by the real IP middleware) overrides the connection.
	req := httptest.NewRequest("GET", "/t/1", nil)
	req.TLS = &tls.ConnectionState{}
	rec := serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
		c.SetSecure(false)
		return c.Text(200, fmt.Sprint(c.Secure()))
	})
	if rec.Body.String() != "false" {
		t.Errorf("SetSecure(false) over TLS: %q", rec.Body)
	}
}

func TestCtxSetCookie(t *testing.T) {
	t.Parallel()
	rec := serveCtx(t, web.Config{}, httptest.NewRequest("GET", "/t/1", nil), func(c *web.Ctx) error {
		c.SetCookie(&http.Cookie{Name: "a", Value: "1"})
		c.SetCookie(&http.Cookie{Name: "b", Value: "2", SameSite: http.SameSiteStrictMode, HttpOnly: true})
		return c.NoContent(204)
	})
	got := rec.Header().Values("Set-Cookie")
	if len(got) != 2 || got[0] != "a=1; SameSite=Lax" || got[1] != "b=2; HttpOnly; SameSite=Strict" {
		t.Errorf("Set-Cookie %q", got)
	}
}

func TestCtxLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	serveCtx(t, web.Config{Logger: logger}, httptest.NewRequest("GET", "/t/1", nil), func(c *web.Ctx) error {
		c.Logger().Info("before")
		c.SetRequestID("rid-7")
		c.Logger().Info("after")
		return nil
	})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || strings.Contains(lines[0], "request_id") || !strings.Contains(lines[1], "request_id=rid-7") {
		t.Errorf("log %q", lines)
	}
}

func TestCtxResponses(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"hello.txt": {Data: []byte("hello file"), ModTime: time.Unix(1700000000, 0)}}
	tests := []struct {
		name    string
		h       web.HandlerFunc
		code    int
		ctype   string
		body    string
		headers map[string]string
	}{
		{"JSON", func(c *web.Ctx) error { return c.JSON(201, map[string]any{"a": 1, "h": "<b>&"}) },
			201, "application/json", `{"a":1,"h":"\u003cb\u003e\u0026"}` + "\n", nil},
		{"JSON nil", func(c *web.Ctx) error { return c.JSON(200, nil) }, 200, "application/json", "null\n", nil},
		{"Text", func(c *web.Ctx) error { return c.Text(202, "plain <b>") }, 202, "text/plain; charset=utf-8", "plain <b>", nil},
		{"HTML", func(c *web.Ctx) error { return c.HTML(200, "<b>hi</b>") }, 200, "text/html; charset=utf-8", "<b>hi</b>", nil},
		{"Blob", func(c *web.Ctx) error { return c.Blob(200, "image/png", []byte{0x89, 'P'}) }, 200, "image/png", "\x89P", nil},
		{"Stream", func(c *web.Ctx) error { return c.Stream(200, "text/event-stream", strings.NewReader("data: 1\n\n")) },
			200, "text/event-stream", "data: 1\n\n", nil},
		{"NoContent", func(c *web.Ctx) error { return c.NoContent(204) }, 204, "", "", nil},
		{"Redirect", func(c *web.Ctx) error { return c.Redirect(303, "/done?x=1") }, 303, "", "", map[string]string{"Location": "/done?x=1"}},
		{"Redirect relative", func(c *web.Ctx) error { return c.Redirect(302, "other") }, 302, "", "", map[string]string{"Location": "/t/other"}},
		{"File", func(c *web.Ctx) error { return c.File(fsys, "hello.txt") }, 200, "text/plain; charset=utf-8", "hello file",
			map[string]string{"Last-Modified": "Tue, 14 Nov 2023 22:13:20 GMT", "Content-Length": "10"}},
		{"File missing", func(c *web.Ctx) error { return c.File(fsys, "nope.txt") }, 404, "application/problem+json", "", nil},
		{"File traversal", func(c *web.Ctx) error { return c.File(fsys, "../hello.txt") }, 404, "application/problem+json", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := serveCtx(t, web.Config{}, httptest.NewRequest("GET", "/t/1", nil), tt.h)
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); tt.ctype != "" && ct != tt.ctype {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if tt.body != "" && rec.Body.String() != tt.body {
				t.Errorf("body %q, want %q", rec.Body, tt.body)
			}
			for k, v := range tt.headers {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestCtxResponseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		h    func(c *web.Ctx) error
		want string
	}{
		{"JSON unencodable", func(c *web.Ctx) error { return c.JSON(200, make(chan int)) }, "encoding JSON"},
		{"Redirect bad status", func(c *web.Ctx) error { return c.Redirect(200, "/x") }, "not a 3xx"},
		{"Render without renderer", func(c *web.Ctx) error { return c.Render(200, "x.html", nil) }, "no Renderer"},
		{"Stream read error", func(c *web.Ctx) error {
			return c.Stream(200, "text/plain", io.MultiReader(strings.NewReader("a"), errReader{}))
		}, "streaming response"},
	}
	for _, tt := range tests {
		var got error
		rec := serveCtx(t, web.Config{}, httptest.NewRequest("GET", "/t/1", nil), func(c *web.Ctx) error {
			got = tt.h(c)
			return nil
		})
		if got == nil || !strings.Contains(got.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q (status %d)", tt.name, got, tt.want, rec.Code)
		}
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// flushRecorder counts flushes.
type flushRecorder struct {
	*httptest.ResponseRecorder
	flushes int
}

func (f *flushRecorder) Flush() { f.flushes++; f.ResponseRecorder.Flush() }

func TestCtxStreamFlushes(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	pr, pw := io.Pipe()
	r.GET("/s", func(c *web.Ctx) error { return c.Stream(200, "text/plain", pr) })
	go func() {
		for i := range 3 {
			fmt.Fprintf(pw, "chunk %d\n", i)
		}
		pw.Close()
	}()
	rec := &flushRecorder{ResponseRecorder: httptest.NewRecorder()}
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/s", nil))
	if rec.Body.String() != "chunk 0\nchunk 1\nchunk 2\n" || rec.flushes < 3 {
		t.Errorf("body %q after %d flushes", rec.Body, rec.flushes)
	}
}

type testRenderer struct{}

func (testRenderer) Render(c *web.Ctx, w io.Writer, name string, data any) error {
	if name == "broken.html" {
		io.WriteString(w, "<p>half a page")
		return errors.New("template: broken.html: boom")
	}
	fmt.Fprintf(w, "<h1>%s %v</h1>", name, data)
	return nil
}

func TestCtxRender(t *testing.T) {
	t.Parallel()
	cfg := quiet()
	cfg.Renderer = testRenderer{}
	rec := serveCtx(t, cfg, httptest.NewRequest("GET", "/t/1", nil), func(c *web.Ctx) error {
		return c.Render(200, "home.html", 7)
	})
	if rec.Code != 200 || rec.Body.String() != "<h1>home.html 7</h1>" || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("Render: %d %q", rec.Code, rec.Body)
	}
	req := httptest.NewRequest("GET", "/t/1", nil)
	req.Header.Set("Accept", "text/html")
	rec = serveCtx(t, cfg, req, func(c *web.Ctx) error { return c.Render(200, "broken.html", nil) })
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "half a page") || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("broken template: %d %q", rec.Code, rec.Body)
	}
}

func TestCtxMultipartForm(t *testing.T) {
	t.Parallel()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("title", "hello")
	mw.WriteField("tags", "a")
	mw.WriteField("tags", "b")
	fw, _ := mw.CreateFormFile("upload", "x.txt")
	fw.Write([]byte("file data"))
	mw.Close()
	req := httptest.NewRequest("POST", "/t/1?title=fromQuery", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec := serveCtx(t, web.Config{MaxMultipartMemory: 1 << 10}, req, func(c *web.Ctx) error {
		form, err := c.Form()
		if err != nil {
			return err
		}
		f, _, err := c.Request.FormFile("upload")
		if err != nil {
			return err
		}
		data, _ := io.ReadAll(f)
		return c.Text(200, fmt.Sprintf("%s %v %s", c.FormValue("title"), form["tags"], data))
	})
	if rec.Body.String() != "hello [a b] file data" {
		t.Errorf("%d %q", rec.Code, rec.Body)
	}
}

func TestCtxFormErrorIsSticky(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.POST("/f", func(c *web.Ctx) error {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 10)
		if v := c.FormValue("a"); v != "" {
			t.Errorf("FormValue on an oversized body = %q", v)
		}
		_, err := c.Form() // the second call must still report the problem
		return err
	})
	req := httptest.NewRequest("POST", "/f", strings.NewReader("a="+strings.Repeat("x", 100)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Code != 413 {
		t.Errorf("status %d %s, want 413", rec.Code, rec.Body)
	}
}

func TestCtxBody(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("PUT", "/t/1", strings.NewReader("raw bytes"))
	rec := serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
		b, err := c.Body()
		if err != nil {
			return err
		}
		return c.Blob(200, "application/octet-stream", b)
	})
	if rec.Body.String() != "raw bytes" {
		t.Errorf("Body: %q", rec.Body)
	}
	req = httptest.NewRequest("PUT", "/t/1", strings.NewReader(strings.Repeat("x", 100)))
	req.Header.Set("Accept", "application/json")
	rec = serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 10)
		_, err := c.Body()
		return err
	})
	if rec.Code != 413 {
		t.Errorf("oversized Body: %d", rec.Code)
	}
}

type ctxKeyT string

func TestCtxIsAContext(t *testing.T) {
	t.Parallel()
	const rk, mk = ctxKeyT("router"), ctxKeyT("middleware")
	addValue := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if v := req.Context().Value(rk); v != "db" {
				t.Errorf("middleware: r.Context().Value(router key) = %v", v)
			}
			next.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), mk, "mw")))
		})
	}
	report := func(c *web.Ctx) error {
		return c.Text(200, fmt.Sprintf("%v %v %v %v", c.Value(rk), c.Value(mk), c.Request.Context().Value(rk), c.Err()))
	}
	std := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, "%v %v %v", req.Context().Value(rk), req.Context().Value(mk), web.CtxFrom(req).Value(rk))
	})
	r := web.NewRouter(web.Config{})
	r.SetValue(rk, "old")
	r.SetValue(rk, "db") // replaces
	r.GET("/plain", func(c *web.Ctx) error {
		return c.Text(200, fmt.Sprintf("%v %v", c.Value(rk), c.Value(ctxKeyT("none"))))
	})
	r.With(addValue).GET("/group", report)
	r.With(addValue).HandleHTTP("GET /std", std)
	r.HandleHTTP("GET /std-plain", std)
	g := web.NewRouter(web.Config{})
	g.SetValue(rk, "db")
	g.Use(addValue)
	g.GET("/global", report)

	for _, tt := range []struct {
		h      http.Handler
		target string
		want   string
	}{
		{r, "/plain", "db <nil>"},
		{r, "/group", "db mw db <nil>"},
		{r, "/std", "db mw db"},
		{r, "/std-plain", "db <nil> db"},
		{g, "/global", "db mw db <nil>"},
	} {
		if rec := do(t, tt.h, "GET", tt.target); rec.Body.String() != tt.want {
			t.Errorf("GET %s: %d %q, want %q", tt.target, rec.Code, rec.Body, tt.want)
		}
	}
}

func TestCtxFollowsRequestCancellation(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	req := httptest.NewRequest("GET", "/t/1", nil).WithContext(ctx)
	rec := serveCtx(t, web.Config{}, req, func(c *web.Ctx) error {
		dl, ok := c.Deadline()
		if !ok || time.Until(dl) < 59*time.Minute {
			t.Errorf("Deadline %v %v", dl, ok)
		}
		if c.Err() != nil {
			t.Errorf("Err before cancel: %v", c.Err())
		}
		cancel()
		select {
		case <-c.Done():
		case <-time.After(time.Second):
			t.Error("Done not closed")
		}
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("Err after cancel: %v", c.Err())
		}
		return c.NoContent(204)
	})
	if rec.Code != 204 {
		t.Errorf("status %d", rec.Code)
	}
}

// TestCtxDetach starts work that outlives the request from handlers behind middleware that
// adds context values, pushes other requests through the same router, then checks the
// detached contexts still answer their own request's values and are not cancelled.
func TestCtxDetach(t *testing.T) {
	t.Parallel()
	const rk, mk = ctxKeyT("router"), ctxKeyT("middleware")
	for _, global := range []bool{false, true} {
		t.Run(fmt.Sprintf("global=%v", global), func(t *testing.T) {
			t.Parallel()
			r := web.NewRouter(web.Config{})
			r.SetValue(rk, "db")
			addValue := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					v := req.URL.Query().Get("v")
					next.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), mk, v)))
				})
			}
			g := r.With()
			if global {
				r.Use(addValue)
			} else {
				g = r.With(addValue)
			}
			var (
				mu       sync.Mutex
				detached = map[string]context.Context{}
			)
			g.GET("/d", func(c *web.Ctx) error {
				mu.Lock()
				detached[c.Query("v")] = c.Detach()
				mu.Unlock()
				return c.NoContent(204)
			})
			for i := range 50 {
				ctx, cancel := context.WithCancel(context.Background())
				req := httptest.NewRequest("GET", "/d?v=first"+fmt.Sprint(i), nil).WithContext(ctx)
				r.ServeHTTP(httptest.NewRecorder(), req)
				cancel() // the request is over
			}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := range 500 {
						r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", fmt.Sprintf("/d?v=other%d-%d", w, i), nil))
					}
				})
			}
			wg.Wait()
			for i := range 50 {
				v := "first" + fmt.Sprint(i)
				d := detached[v]
				if d.Err() != nil {
					t.Fatalf("%s: detached context cancelled: %v", v, d.Err())
				}
				if got := d.Value(mk); got != v {
					t.Fatalf("%s: detached middleware value %v", v, got)
				}
				if got := d.Value(rk); got != "db" {
					t.Fatalf("%s: detached router value %v", v, got)
				}
				if got := d.Value(ctxKeyT("none")); got != nil {
					t.Fatalf("%s: detached unknown value %v", v, got)
				}
			}
		})
	}
}

func TestCtxFromOutsideRouter(t *testing.T) {
	t.Parallel()
	if c := web.CtxFrom(httptest.NewRequest("GET", "/", nil)); c != nil {
		t.Errorf("CtxFrom of a plain request = %v", c)
	}
}

func TestResponseWriterWrapper(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.GET("/rf", func(c *web.Ctx) error {
		// io.Copy uses ReadFrom; WriteString and Flush go through the wrapper.
		if _, err := io.Copy(c.Writer, strings.NewReader("abc")); err != nil {
			return err
		}
		io.WriteString(c.Writer, "def")
		if err := http.NewResponseController(c.Writer).Flush(); err != nil {
			return err
		}
		c.Writer.WriteHeader(500) // superfluous: ignored
		if c.Status() != 200 || c.BytesWritten() != 6 {
			t.Errorf("status %d bytes %d", c.Status(), c.BytesWritten())
		}
		return nil
	})
	r.GET("/early", func(c *web.Ctx) error {
		c.Writer.WriteHeader(http.StatusEarlyHints) // informational: the final status follows
		if c.Written() {
			t.Error("103 counted as the final status")
		}
		return c.Text(200, "ok")
	})
	r.GET("/hijack", func(c *web.Ctx) error {
		_, _, err := http.NewResponseController(c.Writer).Hijack()
		return c.Text(200, fmt.Sprint(err != nil))
	})
	if rec := do(t, r, "GET", "/rf"); rec.Code != 200 || rec.Body.String() != "abcdef" || !rec.Flushed {
		t.Errorf("/rf: %d %q flushed=%v", rec.Code, rec.Body, rec.Flushed)
	}
	// httptest.ResponseRecorder takes a 1xx for the final status: use a real server.
	srv := httptest.NewServer(r)
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL + "/early")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("/early: %d %q", res.StatusCode, body)
	}
	// httptest.ResponseRecorder cannot be hijacked: the error comes back, no panic.
	if rec := do(t, r, "GET", "/hijack"); rec.Body.String() != "true" {
		t.Errorf("/hijack: %d %q", rec.Code, rec.Body)
	}
}
