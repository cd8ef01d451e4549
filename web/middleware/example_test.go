package middleware_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
	"github.com/sinewdev/sinew/web/middleware"
)

// A Sinew router with the usual global stack.
func Example() {
	r := web.NewRouter(web.Config{})
	r.Use(
		middleware.RequestID(middleware.RequestIDConfig{Generate: func() string { return "req-1" }}),
		middleware.RealIP(middleware.RealIPConfig{
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		}),
		middleware.SecureHeaders(middleware.SecureHeadersConfig{}),
		middleware.BodyLimit(middleware.BodyLimitConfig{Limit: 1 << 20}),
		middleware.Timeout(middleware.TimeoutConfig{Timeout: 5 * time.Second}),
		middleware.Compress(middleware.CompressConfig{}),
	)
	r.GET("/whoami", func(c *web.Ctx) error {
		return c.Text(http.StatusOK, c.ClientIP()+" "+c.RequestID())
	})

	req := httptest.NewRequest("GET", "/whoami", nil)
	req.RemoteAddr = "10.0.0.2:5555"                            // the load balancer
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 198.51.100.23") // forged, then real
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	fmt.Println(rec.Body.String())
	fmt.Println(rec.Header().Get("X-Content-Type-Options"))
	// Output:
	// 198.51.100.23 req-1
	// nosniff
}

// In a plain net/http stack the request ID travels in the request's context.
func ExampleRequestID() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "id:", middleware.RequestIDFrom(r.Context()))
	})
	h := middleware.RequestID(middleware.RequestIDConfig{TrustIncoming: true})(mux)

	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("X-Request-ID", "from-the-proxy-42")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Print(rec.Body.String())
	fmt.Println(rec.Header().Get("X-Request-ID"))
	// Output:
	// id: from-the-proxy-42
	// from-the-proxy-42
}

func ExampleAccessLog() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{} // vary from run to run
			}
			return a
		},
	}))
	r := web.NewRouter(web.Config{})
	r.Use(middleware.AccessLog(middleware.AccessLogConfig{Logger: logger}))
	r.GET("/posts/{id}", func(c *web.Ctx) error { return c.Text(http.StatusOK, "post "+c.Param("id")) })

	req := httptest.NewRequest("GET", "/posts/42", nil)
	req.RemoteAddr = "192.0.2.1:1234"
	r.ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// {"level":"INFO","msg":"request","method":"GET","path":"/posts/42","route":"/posts/{id}","status":200,"bytes":7,"ip":"192.0.2.1"}
}

func ExampleNewDevHandler() {
	logger := slog.New(middleware.NewDevHandler(os.Stdout, middleware.DevHandlerConfig{
		Color:      middleware.ColorNever,
		TimeFormat: "-", // a constant, for the example's output
	}))
	logger.Warn("request", "method", "GET", "path", "/missing", "status", 404, "duration", 1500*time.Microsecond)
	// Output:
	// - WRN request method=GET path=/missing status=404 duration=1.5ms
}

// Compress picks zstd or gzip from Accept-Encoding and leaves small bodies alone.
func ExampleCompress() {
	h := middleware.Compress(middleware.CompressConfig{})(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"items":[`+strings.Repeat(`"abcdefgh",`, 200)+`"z"]}`)
		}))
	for _, accept := range []string{"gzip, zstd", "gzip;q=1, zstd;q=0.5", "br"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if enc := rec.Header().Get("Content-Encoding"); enc != "" {
			fmt.Printf("%-20s -> %s, under 100 bytes: %v\n", accept, enc, rec.Body.Len() < 100)
		} else {
			fmt.Printf("%-20s -> sent as is, %d bytes\n", accept, rec.Body.Len())
		}
	}
	// Output:
	// gzip, zstd           -> zstd, under 100 bytes: true
	// gzip;q=1, zstd;q=0.5 -> gzip, under 100 bytes: true
	// br                   -> sent as is, 2215 bytes
}

func ExampleCORS() {
	cors := middleware.CORS(middleware.CORSConfig{
		AllowOrigins:     []string{"https://app.example.com", "https://*.preview.example.com"},
		AllowCredentials: true,
		MaxAge:           time.Hour,
	})
	h := cors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, origin := range []string{"https://pr-7.preview.example.com", "https://evil.example"} {
		req := httptest.NewRequest("OPTIONS", "/api/posts", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "PUT")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("Access-Control-Allow-Origin"))
	}
	// Output:
	// 204 https://pr-7.preview.example.com
	// 403
}

// Behind a load balancer, trust only its network: the client's own X-Forwarded-For entries
// are skipped, and X-Forwarded-Proto marks the request as HTTPS.
func ExampleRealIP() {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.RemoteAddr, middleware.IsSecure(r))
	})
	h := middleware.RealIP(middleware.RealIPConfig{
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
	})(mux)
	for _, remote := range []string{"10.1.2.3:40000", "203.0.113.9:40000"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", "1.2.3.4, 198.51.100.7")
		req.Header.Set("X-Forwarded-Proto", "https")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	// Output:
	// 198.51.100.7:0 true
	// 203.0.113.9:40000 false
}

// A request whose declared body is over the limit is refused before it is read.
func ExampleBodyLimit() {
	h := middleware.BodyLimit(middleware.BodyLimitConfig{Limit: 8})(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	req := httptest.NewRequest("POST", "/", strings.NewReader("more than eight bytes"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, strings.TrimSpace(rec.Body.String()))
	// Output:
	// 413 request body larger than 8 bytes
}
