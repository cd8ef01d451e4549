package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// do serves one request through h, the way a real server would parse its request line, and
// returns the recorded response. hdr holds header name/value pairs.
func do(t testing.TB, h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	return doBody(t, h, method, target, nil, hdr...)
}

// doBody is do with a request body.
func doBody(t testing.TB, h http.Handler, method, target string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	if len(hdr)%2 != 0 {
		t.Fatalf("odd header list %q", hdr)
	}
	for i := 0; i < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var wildcardRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)(\.\.\.)?\}`)

// wildcardNames returns the wildcard names of a route pattern, in order.
func wildcardNames(pattern string) []string {
	var names []string
	for _, m := range wildcardRE.FindAllStringSubmatch(pattern, -1) {
		names = append(names, m[1])
	}
	return names
}

// echo returns a handler that answers "METHOD PATTERN name=value ..." for the route pattern
// it is registered with, so tests can see which route matched and what it captured.
func echo(pattern string) web.HandlerFunc {
	names := wildcardNames(pattern)
	return func(c *web.Ctx) error {
		var b strings.Builder
		b.WriteString(c.Method() + " " + c.RoutePattern())
		for _, n := range names {
			fmt.Fprintf(&b, " %s=%s", n, c.Param(n))
		}
		return c.Text(http.StatusOK, b.String())
	}
}

// handleAll registers every pattern on r with an echo handler.
func handleAll(r *web.Router, patterns ...string) {
	for _, p := range patterns {
		_, path, _ := strings.Cut(p, " ")
		if !strings.HasPrefix(p, "/") && path != "" {
			r.Handle(p, echo(path))
		} else {
			r.Handle(p, echo(p))
		}
	}
}

// panicMessage runs fn and returns what it panicked with, failing the test if it did not.
func panicMessage(t *testing.T, fn func()) (msg string) {
	t.Helper()
	defer func() {
		rec := recover()
		if rec == nil {
			t.Fatalf("no panic")
		}
		msg = fmt.Sprint(rec)
	}()
	fn()
	return ""
}

// quiet returns a router config whose logger discards everything, for tests that provoke 5xx.
func quiet() web.Config {
	return web.Config{Logger: discardLogger()}
}

// noopWriter is a reusable ResponseWriter that discards everything, for allocation tests.
type noopWriter struct{ h http.Header }

func (w *noopWriter) Header() http.Header         { return w.h }
func (w *noopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *noopWriter) WriteHeader(int)             {}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func slogTo(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
