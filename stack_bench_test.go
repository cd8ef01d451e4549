package sinew_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/observe"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// nopWriter is an http.ResponseWriter that allocates nothing per request: its header map is
// cleared, not replaced, between requests, and written bytes are counted and dropped. With
// it the benchmarks below measure the framework, not httptest.ResponseRecorder.
type nopWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *nopWriter) Header() http.Header { return w.h }
func (w *nopWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *nopWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

// WriteString is there because net/http's response writer has it: without it,
// io.WriteString would copy the body into a new byte slice.
func (w *nopWriter) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(s)
	return len(s), nil
}

func (w *nopWriter) reset() {
	clear(w.h)
	w.status, w.n = 0, 0
}

// benchMessage is the TechEmpower JSON test's body.
type benchMessage struct {
	Message string `json:"message"`
}

// routes registers the two TechEmpower-style endpoints the stack benchmarks request.
func routes(r interface {
	GET(string, web.HandlerFunc) *web.Route
}) {
	r.GET("/plaintext", func(c *web.Ctx) error { return c.Text(http.StatusOK, "Hello, World!") })
	r.GET("/json", func(c *web.Ctx) error {
		return c.JSON(http.StatusOK, benchMessage{Message: "Hello, World!"})
	})
}

// stackRequests are the requests of the stack benchmarks: what a browser sends (it accepts
// compressed answers), so that every middleware runs its usual path.
func stackRequests() map[string]*http.Request {
	reqs := map[string]*http.Request{}
	for _, p := range []string{"plaintext", "json"} {
		req := httptest.NewRequest(http.MethodGet, "/"+p, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		req.Header.Set("Accept-Language", "en-GB,en;q=0.5")
		reqs[p] = req
	}
	return reqs
}

// serveBench runs h on req with a nopWriter and checks the answer once.
func serveBench(b *testing.B, h http.Handler, req *http.Request, wantBody int) {
	b.Helper()
	w := &nopWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	if w.status != http.StatusOK || w.n != wantBody {
		b.Fatalf("GET %s: status %d, %d body bytes; want 200, %d", req.URL.Path, w.status, w.n, wantBody)
	}
	b.ReportAllocs()
	start, n := cpuTime(b), 0
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}

// cpuTime returns the process's user and system CPU time. The benchmarks report it per
// request as cpu-ns/op: unlike ns/op it leaves out the time spent waiting for a CPU, which
// dominates on a loaded, shared machine (it includes the garbage collector's work).
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stackLayer is one of the App's default middleware, in the App's order (outermost first).
type stackLayer struct {
	name string
	mw   func(logger *slog.Logger) web.Middleware
}

// defaultLayers mirrors installMiddleware and installSessions with the prod defaults: the
// stack benchmarks add them one at a time to a bare router, so the difference between two
// consecutive rows is what one layer costs.
func defaultLayers(b *testing.B) []stackLayer {
	o, err := observe.New(observe.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = o.Shutdown(context.Background()) })
	mgr := session.New(&nullStore{}, session.Config{})
	return []stackLayer{
		{"requestid", func(*slog.Logger) web.Middleware { return middleware.RequestID(middleware.RequestIDConfig{}) }},
		{"realip", func(*slog.Logger) web.Middleware { return middleware.RealIP(middleware.RealIPConfig{}) }},
		{"observe", func(*slog.Logger) web.Middleware { return o.Middleware() }},
		{"accesslog", func(l *slog.Logger) web.Middleware {
			return middleware.AccessLog(middleware.AccessLogConfig{Logger: l})
		}},
		{"secureheaders", func(*slog.Logger) web.Middleware {
			return middleware.SecureHeaders(middleware.SecureHeadersConfig{})
		}},
		{"bodylimit", func(*slog.Logger) web.Middleware { return middleware.BodyLimit(middleware.BodyLimitConfig{}) }},
		{"timeout", func(*slog.Logger) web.Middleware { return middleware.Timeout(middleware.TimeoutConfig{}) }},
		{"compress", func(*slog.Logger) web.Middleware { return middleware.Compress(middleware.CompressConfig{}) }},
		{"session", func(*slog.Logger) web.Middleware { return mgr.Middleware }},
		{"csrf", func(*slog.Logger) web.Middleware {
			return middleware.CSRF(middleware.CSRFConfig{Secret: session.CSRFSecret})
		}},
	}
}

// nullStore is a session store that is never reached: the benchmarked requests do not use
// their session.
type nullStore struct{ session.Store }

// BenchmarkStack measures a plaintext and a JSON GET through a bare web.Router, through
// the same router with the App's default middleware added one at a time (the rows are
// cumulative: "+compress" has every layer above it too), and through a started prod App
// without and with a database (which turns sessions on), and at log level warn. See
// docs/benchmarks.md, "Default middleware cost".
func BenchmarkStack(b *testing.B) {
	reqs := stackRequests()
	bodies := map[string]int{"plaintext": len("Hello, World!"), "json": len(`{"message":"Hello, World!"}`) + 1}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil)) // the prod format, discarded
	for _, test := range []string{"plaintext", "json"} {
		b.Run(test, func(b *testing.B) {
			req, body := reqs[test], bodies[test]
			b.Run("bare", func(b *testing.B) {
				r := web.NewRouter(web.Config{Logger: logger})
				routes(r)
				serveBench(b, r, req, body)
			})
			layers := defaultLayers(b)
			for n := range layers {
				b.Run("+"+layers[n].name, func(b *testing.B) {
					r := web.NewRouter(web.Config{Logger: logger})
					for _, l := range layers[:n+1] {
						r.Use(l.mw(logger))
					}
					routes(r)
					serveBench(b, r, req, body)
				})
			}
			for _, app := range []struct {
				name, db string
				level    slog.Level
			}{
				{"app", "", slog.LevelInfo},
				{"app+db", "sqlite::memory:", slog.LevelInfo},
				{"app-warn", "", slog.LevelWarn},                   // SINEW_LOG_LEVEL=warn: no access log line for a 200
				{"app+db-warn", "sqlite::memory:", slog.LevelWarn}, // as bench/run runs the TechEmpower app
			} {
				b.Run(app.name, func(b *testing.B) {
					a := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40),
						Stderr: io.Discard, LogFormat: "json", LogLevel: app.level, DatabaseURL: app.db})
					routes(a)
					if err := a.Start(context.Background()); err != nil {
						b.Fatal(err)
					}
					defer a.Stop(context.Background())
					serveBench(b, a, req, body)
				})
			}
		})
	}
}

// TestAppAllocs keeps the default middleware's allocations per request from creeping back:
// a plaintext GET through the started prod App, without a database and with one (which
// turns sessions and CSRF on), against a bare router. Allocation counts are deterministic, unlike timings.
func TestAppAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts do not hold under the race detector")
	}
	reqs := stackRequests()
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	bare := web.NewRouter(web.Config{Logger: logger})
	routes(bare)
	a := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40),
		Stderr: io.Discard, LogFormat: "json"})
	routes(a)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	adb := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvProd, SecretKey: strings.Repeat("k", 40),
		Stderr: io.Discard, LogFormat: "json", DatabaseURL: "sqlite::memory:"})
	routes(adb)
	if err := adb.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer adb.Stop(context.Background())
	for _, tt := range []struct {
		name string
		h    http.Handler
		max  float64
	}{
		// bare: the Content-Type value. app: the request context (and the request copy
		// carrying it), the request ID, the security headers' values, the access log's
		// attributes past slog's five inline ones, the compression writer.
		{"bare", bare, 1},
		{"app", a, 7},
		// app+db: sessions and CSRF on; a request that never touches its session allocates
		// nothing for it.
		{"app+db", adb, 7},
	} {
		w := &nopWriter{h: http.Header{}}
		got := testing.AllocsPerRun(200, func() {
			w.reset()
			tt.h.ServeHTTP(w, reqs["plaintext"])
		})
		if w.status != http.StatusOK {
			t.Fatalf("%s: status %d", tt.name, w.status)
		}
		if got > tt.max {
			t.Errorf("%s: %v allocations per plaintext GET, want at most %v", tt.name, got, tt.max)
		}
	}
}
