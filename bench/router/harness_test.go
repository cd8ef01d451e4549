package router

import (
	"net/http"
	"testing"
	"time"
)

// load registers routes on the router with handlers of the given mode,
// failing the test or benchmark if the router refuses one.
func load(tb testing.TB, rtr Router, routes []Route, mode Mode) http.Handler {
	tb.Helper()
	h, err := rtr.Load(routes, mode)
	if err != nil {
		tb.Fatalf("load %s: %v", rtr.Name, err)
	}
	return h
}

// newRequests builds one request per route, for the route's RequestPath, the
// way a server would hand it to a handler (RequestURI set).
func newRequests(tb testing.TB, routes []Route) []*http.Request {
	tb.Helper()
	reqs := make([]*http.Request, len(routes))
	for i, rt := range routes {
		p := rt.RequestPath()
		r, err := http.NewRequest(rt.Method, p, nil)
		if err != nil {
			tb.Fatalf("request for %s: %v", rt, err)
		}
		r.RequestURI = p
		reqs[i] = r
	}
	return reqs
}

// checkServed serves every request once, untimed, and fails if a router did
// not run the route's handler: an error status, or a body other than what a
// handler of the mode writes. It keeps a router from winning a benchmark by
// answering 404 quickly.
func checkServed(tb testing.TB, h http.Handler, w *DiscardWriter, routes []Route, reqs []*http.Request, mode Mode) {
	tb.Helper()
	for i, r := range reqs {
		w.Reset()
		h.ServeHTTP(w, r)
		var want int64
		if mode == WriteParam {
			if name := firstParam(routes[i]); name != "" {
				want = int64(len(ParamValue(name)))
			}
		}
		if s := w.Status(); (s != 0 && s != http.StatusOK) || w.Written() != want {
			tb.Fatalf("%s: status %d, %d bytes written; want 200 and %d bytes", routes[i], s, w.Written(), want)
		}
	}
	w.Reset()
}

// benchRoutes measures serving every route of the set once per iteration
// with no-op handlers.
func benchRoutes(b *testing.B, rtr Router, routes []Route) {
	h := load(b, rtr, routes, Noop)
	reqs := newRequests(b, routes)
	w := NewDiscardWriter()
	checkServed(b, h, w, routes, reqs, Noop)
	b.ReportAllocs()
	cpu := startCPU(b)
	for b.Loop() {
		for _, r := range reqs {
			h.ServeHTTP(w, r)
		}
	}
	cpu.report(b)
}

// benchRoute measures serving one route, target, from a router loaded with
// the whole set, with handlers of the given mode.
func benchRoute(b *testing.B, rtr Router, routes []Route, target Route, mode Mode) {
	h := load(b, rtr, routes, mode)
	reqs := newRequests(b, []Route{target})
	w := NewDiscardWriter()
	checkServed(b, h, w, []Route{target}, reqs, mode)
	r := reqs[0]
	b.ReportAllocs()
	cpu := startCPU(b)
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
	cpu.report(b)
}

// cpuClock measures the process CPU time a benchmark loop uses.
type cpuClock struct {
	start time.Duration
	ok    bool
}

// startCPU reads the process CPU time before a benchmark loop.
func startCPU(b *testing.B) cpuClock {
	b.Helper()
	start, ok := CPUTime()
	return cpuClock{start, ok}
}

// report adds the CPU time per iteration as the "cpu-ns/op" metric, which
// unlike ns/op does not count the time the benchmark waited for a CPU while
// other processes ran.
func (c cpuClock) report(b *testing.B) {
	b.Helper()
	end, ok := CPUTime()
	if !c.ok || !ok || b.N == 0 {
		return
	}
	b.ReportMetric(float64(end-c.start)/float64(b.N), "cpu-ns/op")
}

// The benchmarks of one router, named as in the classic benchmark.

func benchGitHubAll(b *testing.B, rtr Router) { benchRoutes(b, rtr, GitHubAPI()) }
func benchGitHubStatic(b *testing.B, rtr Router) {
	benchRoute(b, rtr, GitHubAPI(), Route{"GET", "/user/repos"}, Noop)
}
func benchGitHubParam(b *testing.B, rtr Router) {
	benchRoute(b, rtr, GitHubAPI(), Route{"GET", "/repos/:owner/:repo/issues/:number"}, Noop)
}
func benchStaticAll(b *testing.B, rtr Router) { benchRoutes(b, rtr, StaticRoutes()) }
func benchParseAll(b *testing.B, rtr Router)  { benchRoutes(b, rtr, ParseAPI()) }
func benchGPlusAll(b *testing.B, rtr Router)  { benchRoutes(b, rtr, GPlusAPI()) }
func benchParam(b *testing.B, rtr Router, n int) {
	rt := ParamRoute(n)
	benchRoute(b, rtr, []Route{rt}, rt, Noop)
}
func benchParamWrite(b *testing.B, rtr Router) {
	rt := ParamRoute(1)
	benchRoute(b, rtr, []Route{rt}, rt, WriteParam)
}
