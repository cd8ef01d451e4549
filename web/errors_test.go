package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sinewdev/sinew/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// statusErr is a domain error that knows its HTTP status, like the ORM's.
type statusErr struct {
	code int
	msg  string
}

func (e statusErr) Error() string   { return e.msg }
func (e statusErr) StatusCode() int { return e.code }

func TestStatusOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 200},
		{"HTTPError", web.Error(404, "no post"), 404},
		{"Errorf", web.Errorf(409, "post %d exists", 3), 409},
		{"wrapped HTTPError", fmt.Errorf("loading: %w", web.Error(422, "bad")), 422},
		{"StatusCode error", statusErr{409, "duplicate"}, 409},
		{"wrapped StatusCode error", fmt.Errorf("save: %w", statusErr{404, "orm: not found"}), 404},
		{"joined", errors.Join(errors.New("a"), statusErr{403, "forbidden"}), 403},
		{"StatusCode out of range", statusErr{200, "ok?"}, 500},
		{"StatusCode 600", statusErr{600, "?"}, 500},
		{"HTTPError zero code", &web.HTTPError{}, 500},
		{"MaxBytesError", &http.MaxBytesError{Limit: 10}, 413},
		{"wrapped MaxBytesError", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 10}), 413},
		{"deadline", context.DeadlineExceeded, 503},
		{"wrapped deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), 503},
		{"canceled", context.Canceled, 500},
		{"plain", errors.New("disk full"), 500},
		{"panic", &web.PanicError{Value: "x", Err: errors.New("x")}, 500},
		{"ErrNotFound", web.ErrNotFound, 404},
		{"ErrMethodNotAllowed", web.ErrMethodNotAllowed, 405},
	}
	for _, tt := range tests {
		if got := web.StatusOf(tt.err); got != tt.want {
			t.Errorf("%s: StatusOf = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestHTTPErrorText(t *testing.T) {
	t.Parallel()
	if s := web.Error(404, "").Error(); s != "404 Not Found" {
		t.Errorf("%q", s)
	}
	e := &web.HTTPError{Code: 400, Message: "bad", Err: errors.New("cause")}
	if s := e.Error(); s != "400 bad: cause" || e.StatusCode() != 400 || !errors.Is(e, e.Err) {
		t.Errorf("%q", s)
	}
	pe := &web.PanicError{Value: 42, Err: errors.New("42")}
	if pe.Error() != "panic: 42" || errors.Unwrap(pe) != pe.Err {
		t.Errorf("%q", pe.Error())
	}
}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// errorRouter serves GET /e/{id} with a handler returning err (or panicking with it when it
// is a panicValue), behind middleware that sets the request ID "rid-1".
func errorRouter(debug bool, logs *logBuffer, h web.HandlerFunc) *web.Router {
	r := web.NewRouter(web.Config{Debug: debug, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			web.CtxFrom(req).SetRequestID("rid-1")
			next.ServeHTTP(w, req)
		})
	})
	r.Handle("/e/{id}", h)
	return r
}

func fail(err error) web.HandlerFunc { return func(c *web.Ctx) error { return err } }

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) web.Problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, body %s", ct, rec.Body)
	}
	var p web.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return p
}

func TestProblemJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want web.Problem
	}{
		{"intended", web.Error(404, "no such post"),
			web.Problem{Type: "about:blank", Title: "Not Found", Status: 404, Detail: "no such post", Instance: "/e/1", RequestID: "rid-1"}},
		{"no message", web.Error(409, ""),
			web.Problem{Type: "about:blank", Title: "Conflict", Status: 409, Instance: "/e/1", RequestID: "rid-1"}},
		{"status text message is not repeated", web.Error(409, "Conflict"),
			web.Problem{Type: "about:blank", Title: "Conflict", Status: 409, Instance: "/e/1", RequestID: "rid-1"}},
		{"fields", &web.HTTPError{Code: 422, Message: "invalid input", Fields: []web.FieldError{
			{Location: "body.title", Message: "is required", Code: "required"}}},
			web.Problem{Type: "about:blank", Title: "Unprocessable Entity", Status: 422, Detail: "invalid input", Instance: "/e/1",
				RequestID: "rid-1", Errors: []web.FieldError{{Location: "body.title", Message: "is required", Code: "required"}}}},
		{"plain error hides its message", errors.New("pq: password authentication failed for user root"),
			web.Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, Instance: "/e/1", RequestID: "rid-1"}},
		{"StatusCode error", statusErr{409, "email already taken"},
			web.Problem{Type: "about:blank", Title: "Conflict", Status: 409, Detail: "email already taken", Instance: "/e/1", RequestID: "rid-1"}},
		{"wrapped StatusCode error shows only its own message", fmt.Errorf("INSERT INTO users (secret_column) failed: %w", statusErr{409, "email already taken"}),
			web.Problem{Type: "about:blank", Title: "Conflict", Status: 409, Detail: "email already taken", Instance: "/e/1", RequestID: "rid-1"}},
		{"intended 503 keeps its message", web.Error(503, "down for maintenance until 10:00"),
			web.Problem{Type: "about:blank", Title: "Service Unavailable", Status: 503, Detail: "down for maintenance until 10:00", Instance: "/e/1", RequestID: "rid-1"}},
		{"HTTPError cause is never shown", &web.HTTPError{Code: 400, Message: "bad", Err: errors.New("internal detail")},
			web.Problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "bad", Instance: "/e/1", RequestID: "rid-1"}},
		{"too large", fmt.Errorf("reading: %w", &http.MaxBytesError{Limit: 5}),
			web.Problem{Type: "about:blank", Title: "Request Entity Too Large", Status: 413, Detail: "request body too large", Instance: "/e/1", RequestID: "rid-1"}},
		{"deadline", fmt.Errorf("slow query: %w", context.DeadlineExceeded),
			web.Problem{Type: "about:blank", Title: "Service Unavailable", Status: 503, Instance: "/e/1", RequestID: "rid-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs logBuffer
			rec := do(t, errorRouter(false, &logs, fail(tt.err)), "GET", "/e/1?x=1", "Accept", "application/json")
			if rec.Code != tt.want.Status {
				t.Fatalf("status %d, want %d", rec.Code, tt.want.Status)
			}
			got := decodeProblem(t, rec)
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tt.want)
			if string(gj) != string(wj) {
				t.Fatalf("problem\n%s\nwant\n%s", gj, wj)
			}
			if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("headers %v", rec.Header())
			}
			logged := logs.String()
			if tt.want.Status >= 500 {
				if !strings.Contains(logged, `"request_id":"rid-1"`) || !strings.Contains(logged, tt.err.Error()) ||
					!strings.Contains(logged, `"route":"/e/{id}"`) {
					t.Errorf("5xx not logged with its cause and request ID: %s", logged)
				}
			} else if logged != "" {
				t.Errorf("4xx logged: %s", logged)
			}
		})
	}
}

func TestErrorFormats(t *testing.T) {
	t.Parallel()
	tests := []struct {
		accept, ctype string
		json          bool
	}{
		{"application/json", "", true},
		{"application/problem+json", "", true},
		{"application/vnd.api+json", "", true},
		{"application/json;q=0.9, text/html;q=0.8", "", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", false},
		{"application/xhtml+xml", "", false},
		{"text/html, application/json", "", false},
		{"", "", true},
		{"*/*", "", true},
		{"*/*", "application/json", true},
		{"image/webp,*/*", "", false},
		{"text/plain", "application/json; charset=utf-8", true},
	}
	for _, tt := range tests {
		req := httptest.NewRequest("GET", "/", nil)
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		if tt.ctype != "" {
			req.Header.Set("Content-Type", tt.ctype)
		}
		if got := web.WantsJSON(req); got != tt.json {
			t.Errorf("Accept %q Content-Type %q: WantsJSON %v", tt.accept, tt.ctype, got)
		}
	}
}

func TestHTMLErrorPage(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	secret := errors.New("pq: connection to 10.0.0.5 refused <script>")
	r := errorRouter(false, &logs, fail(fmt.Errorf("loading post: %w", secret)))
	rec := do(t, r, "GET", "/e/1", "Accept", "text/html", "Authorization", "Bearer tok")
	body := rec.Body.String()
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, leak := range []string{"10.0.0.5", "loading post", "pq:", "Bearer", "goroutine", "debug mode"} {
		if strings.Contains(body, leak) {
			t.Errorf("the page shows %q:\n%s", leak, body)
		}
	}
	if !strings.Contains(body, "500") || !strings.Contains(body, "Internal Server Error") || !strings.Contains(body, "rid-1") {
		t.Errorf("page lacks status or request ID:\n%s", body)
	}
	// HEAD gets the status and no body.
	rec = do(t, r, "HEAD", "/e/1", "Accept", "text/html")
	if rec.Code != 500 || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d %q", rec.Code, rec.Body)
	}
}

func TestErrorGoldenFiles(t *testing.T) {
	t.Parallel()
	err := &web.HTTPError{Code: 422, Message: "invalid <input>", Fields: []web.FieldError{
		{Location: "body.title", Message: "is required", Code: "required"},
		{Location: "query.limit", Message: `expected an integer, got "<script>"`, Code: "type"},
	}}
	var logs logBuffer
	r := errorRouter(false, &logs, fail(err))
	rec := do(t, r, "GET", "/e/1", "Accept", "text/html")
	golden(t, "error_page.golden.html", rec.Body.Bytes())
	rec = do(t, r, "GET", "/e/1", "Accept", "application/json")
	var indented bytes.Buffer
	if err := json.Indent(&indented, rec.Body.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	golden(t, "problem.golden.json", indented.Bytes())
	rec = do(t, r, "GET", "/nope", "Accept", "text/html")
	golden(t, "not_found.golden.html", rec.Body.Bytes())
}

func TestDebugErrorPage(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	r := errorRouter(true, &logs, func(c *web.Ctx) error {
		if c.Param("id") == "panic" {
			var m map[string]int
			m["boom"]++ // a nil-map panic, deep in "user code"
		}
		return fmt.Errorf("loading post %s: %w", c.Param("id"), errors.New("pq: relation \"posts\" does not exist"))
	})
	rec := do(t, r, "GET", "/e/42?draft=1", "Accept", "text/html", "Authorization", "Bearer s3cret",
		"Cookie", "session=s3cret", "Proxy-Authorization", "Basic s3cret", "X-Csrf-Token", "s3cret", "X-Custom", "visible")
	body := rec.Body.String()
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	for _, want := range []string{"debug mode", "loading post 42", "*errors.errorString: pq: relation &#34;posts&#34; does not exist",
		"*fmt.wrapError", "/e/42?draft=1", "/e/{id}", "param id", "42", "X-Custom", "visible", "[redacted]", "Request ID: rid-1"} {
		if !strings.Contains(body, want) {
			t.Errorf("debug page lacks %q", want)
		}
	}
	if strings.Contains(body, "s3cret") {
		t.Errorf("debug page shows a secret header:\n%s", body)
	}
	rec = do(t, r, "GET", "/e/panic", "Accept", "text/html")
	body = rec.Body.String()
	if rec.Code != 500 || !strings.Contains(body, "assignment to entry in nil map") || !strings.Contains(body, "Stack") ||
		!strings.Contains(body, "errors_test.go") {
		t.Errorf("panic debug page: %d\n%s", rec.Code, body)
	}
	// API clients get the chain in "debug" for 5xx only.
	rec = do(t, r, "GET", "/e/42", "Accept", "application/json")
	if p := decodeProblem(t, rec); !strings.Contains(p.Debug, "loading post 42") {
		t.Errorf("debug problem %+v", p)
	}
	r4 := errorRouter(true, &logs, fail(web.Error(404, "nope")))
	if p := decodeProblem(t, do(t, r4, "GET", "/e/1", "Accept", "application/json")); p.Debug != "" {
		t.Errorf("4xx debug field %q", p.Debug)
	}
}

func TestPanicsRecover(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	r := errorRouter(false, &logs, func(c *web.Ctx) error {
		switch c.Param("id") {
		case "string":
			panic("boom")
		case "error":
			panic(fmt.Errorf("wrapped: %w", web.Error(409, "conflict from panic")))
		case "nil-deref":
			var p *struct{ X int }
			return c.Text(200, fmt.Sprint(p.X))
		}
		return c.Text(200, "fine")
	})
	for _, id := range []string{"string", "error", "nil-deref"} {
		for range 3 {
			rec := do(t, r, "GET", "/e/"+id, "Accept", "application/json")
			want := 500
			if id == "error" {
				want = 409 // a panic with an error keeps its status
			}
			if rec.Code != want {
				t.Errorf("panic %s: %d %s", id, rec.Code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "boom") || strings.Contains(rec.Body.String(), "goroutine") {
				t.Errorf("panic %s: body shows internals: %s", id, rec.Body)
			}
			// The next request on the same router succeeds.
			if rec := do(t, r, "GET", "/e/ok"); rec.Code != 200 || rec.Body.String() != "fine" {
				t.Errorf("after panic %s: %d %q", id, rec.Code, rec.Body)
			}
		}
	}
	if l := logs.String(); !strings.Contains(l, "panic: boom") || !strings.Contains(l, `"stack":"goroutine`) {
		t.Errorf("panic not logged with its stack: %.500s", l)
	}
}

func TestPanicInMiddlewareRecovers(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(quiet())
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Query().Has("panic") {
				panic("middleware boom")
			}
			next.ServeHTTP(w, req)
		})
	})
	g := r.Group("/g")
	g.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Query().Has("gpanic") {
				panic("group boom")
			}
			next.ServeHTTP(w, req)
		})
	})
	g.GET("/x", func(c *web.Ctx) error { return c.Text(200, "ok") })
	for _, target := range []string{"/g/x?panic", "/g/x?gpanic", "/nope?panic"} {
		if rec := do(t, r, "GET", target); rec.Code != 500 {
			t.Errorf("%s: %d", target, rec.Code)
		}
		if rec := do(t, r, "GET", "/g/x"); rec.Code != 200 {
			t.Errorf("after %s: %d", target, rec.Code)
		}
	}
}

func TestErrAbortHandlerRepanics(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(quiet())
	r.GET("/abort", func(c *web.Ctx) error { panic(http.ErrAbortHandler) })
	r.GET("/ok", func(c *web.Ctx) error { return c.Text(200, "ok") })
	func() {
		defer func() {
			if rec := recover(); rec != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", rec)
			}
		}()
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/abort", nil))
	}()
	if rec := do(t, r, "GET", "/ok"); rec.Code != 200 {
		t.Errorf("after abort: %d", rec.Code)
	}
	// Through a real server the connection is dropped, and the server keeps serving.
	srv := httptest.NewServer(r)
	defer srv.Close()
	srv.Config.ErrorLog = nil
	if _, err := srv.Client().Get(srv.URL + "/abort"); err == nil {
		t.Error("aborted request got a response")
	}
	res, err := srv.Client().Get(srv.URL + "/ok")
	if err != nil || res.StatusCode != 200 {
		t.Errorf("after abort: %v %v", res, err)
	} else {
		res.Body.Close()
	}
}

func TestErrorAfterResponseStarted(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	r := errorRouter(false, &logs, func(c *web.Ctx) error {
		c.Text(201, "partial")
		switch c.Param("id") {
		case "panic":
			panic("late boom")
		case "4xx":
			return web.Error(400, "late client error")
		}
		return errors.New("late failure")
	})
	for _, id := range []string{"err", "panic", "4xx"} {
		rec := do(t, r, "GET", "/e/"+id, "Accept", "application/json")
		if rec.Code != 201 || rec.Body.String() != "partial" {
			t.Errorf("%s: %d %q: the error handler wrote after the response started", id, rec.Code, rec.Body)
		}
	}
	if l := logs.String(); !strings.Contains(l, "late failure") || !strings.Contains(l, "late boom") ||
		!strings.Contains(l, "late client error") || !strings.Contains(l, `"response_started":true`) {
		t.Errorf("late errors not logged: %s", l)
	}
}

func TestClientGoneIsNotAnError(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	ctx, cancel := context.WithCancel(context.Background())
	r := errorRouter(false, &logs, func(c *web.Ctx) error {
		cancel()
		return fmt.Errorf("query: %w", c.Err())
	})
	req := httptest.NewRequest("GET", "/e/1", nil).WithContext(ctx)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	if rec.Body.Len() != 0 {
		t.Errorf("answered a gone client: %d %q", rec.Code, rec.Body)
	}
}

func TestCustomErrorHandler(t *testing.T) {
	t.Parallel()
	var got []string
	r := web.NewRouter(web.Config{ErrorHandler: func(c *web.Ctx, err error) {
		got = append(got, fmt.Sprintf("%d %v", web.StatusOf(err), err))
		c.Text(web.StatusOf(err), "custom")
	}})
	r.GET("/e", fail(errors.New("x")))
	r.GET("/p", func(c *web.Ctx) error { panic("y") })
	for _, target := range []string{"/e", "/p", "/nope"} {
		if rec := do(t, r, "GET", target); rec.Body.String() != "custom" {
			t.Errorf("%s: %d %q", target, rec.Code, rec.Body)
		}
	}
	want := []string{"500 x", "500 panic: y", "404 404 Not Found"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("handler saw %q, want %q", got, want)
	}
}

func TestCtxFail(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{})
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("X-Block") != "" {
				web.CtxFrom(req).Fail(web.Error(429, "slow down"))
				return
			}
			next.ServeHTTP(w, req)
		})
	})
	r.GET("/x", func(c *web.Ctx) error { return c.Text(200, "ok") })
	rec := do(t, r, "GET", "/x", "X-Block", "1", "Accept", "application/json")
	if p := decodeProblem(t, rec); rec.Code != 429 || p.Detail != "slow down" {
		t.Errorf("%d %+v", rec.Code, p)
	}
}
