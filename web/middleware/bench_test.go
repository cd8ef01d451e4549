package middleware

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/web"
)

// benchStacks builds h behind mw in a Sinew router and in a plain stack.
func benchStacks(b *testing.B, h http.Handler, mw ...web.Middleware) map[string]http.Handler {
	b.Helper()
	out := map[string]http.Handler{}
	for _, st := range stacks() {
		out[st.name] = st.build(h, mw...)
	}
	return out
}

// nopWriter is a ResponseWriter that discards everything and reuses its header map, so
// benchmarks measure the middleware, not httptest.ResponseRecorder.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

func (w *nopWriter) reset() {
	for k := range w.h {
		delete(w.h, k)
	}
}

func runBench(b *testing.B, h http.Handler, req *http.Request) {
	b.Helper()
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
	}
}

var benchOrder = []string{"sinew", "plain"}

func BenchmarkRequestID(b *testing.B) {
	hs := benchStacks(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		RequestID(RequestIDConfig{}))
	for _, name := range benchOrder {
		b.Run(name, func(b *testing.B) { runBench(b, hs[name], httptest.NewRequest("GET", "/", nil)) })
	}
	b.Run("generate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = newRequestID()
		}
	})
}

func BenchmarkAccessLog(b *testing.B) {
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	hs := benchStacks(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		AccessLog(AccessLogConfig{Logger: logger}))
	req := httptest.NewRequest("GET", "/posts/42", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Benchmark/1.0")
	for _, name := range benchOrder {
		b.Run(name, func(b *testing.B) { runBench(b, hs[name], req) })
	}
	disabled := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	h := benchStacks(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		AccessLog(AccessLogConfig{Logger: disabled}))["sinew"]
	b.Run("sinew/level-off", func(b *testing.B) { runBench(b, h, req) })
}

func BenchmarkCompress(b *testing.B) {
	for _, size := range []int{512, 8 << 10, 64 << 10} {
		body := jsonBody(size)
		for _, enc := range []string{"gzip", "zstd"} {
			hs := benchStacks(b, writeWith("application/json", body), Compress(CompressConfig{}))
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", enc)
			for _, name := range benchOrder {
				b.Run(name+"/"+enc+"/"+strconv.Itoa(size), func(b *testing.B) {
					b.SetBytes(int64(len(body)))
					runBench(b, hs[name], req)
				})
			}
		}
	}
}

func BenchmarkRealIP(b *testing.B) {
	var hops []string
	for i := range 1000 {
		hops = append(hops, "198.51.100."+strconv.Itoa(i%250))
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, tc := range []struct{ name, xff, remote string }{
		{"untrusted-peer", "198.51.100.4", "203.0.113.1:1"},
		{"one-hop", "198.51.100.4", "10.0.0.1:1"},
		{"1000-hops", strings.Join(hops, ", "), "10.0.0.1:1"},
	} {
		hs := benchStacks(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
			RealIP(RealIPConfig{TrustedProxies: trusted}))
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", tc.xff)
		for _, name := range benchOrder {
			b.Run(name+"/"+tc.name, func(b *testing.B) { runBench(b, hs[name], req) })
		}
	}
}

func BenchmarkSecureHeaders(b *testing.B) {
	hs := benchStacks(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
		SecureHeaders(SecureHeadersConfig{}))
	for _, name := range benchOrder {
		b.Run(name, func(b *testing.B) { runBench(b, hs[name], httptest.NewRequest("GET", "/", nil)) })
	}
}

// BenchmarkBaseline measures each stack with a middleware that does nothing: subtract it
// from the other benchmarks to get a middleware's own cost.
func BenchmarkBaseline(b *testing.B) {
	nop := func(next http.Handler) http.Handler { return next }
	hs := benchStacks(b, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), nop)
	for _, name := range benchOrder {
		b.Run(name, func(b *testing.B) { runBench(b, hs[name], httptest.NewRequest("GET", "/", nil)) })
	}
}
