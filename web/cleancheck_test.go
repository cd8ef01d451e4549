package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// cleanCheckRoutes mixes routes whose literal parts are clean with routes whose literal
// parts are not (reachable only with DisableCleanPathRedirect) and dotted names.
var cleanCheckRoutes = []string{
	"/", "/a//b", "/x/./y", "/up/../{p}", "/.well-known/{file}", "/.../{x}", "/..a/{x}/.b",
	"/t/{x}/", "/t/{x}/{y}", "/files/{path...}", "/{one}", "/{k}/{v}/{rest...}", "/e//{rest...}",
	"/d/{x}/./{rest...}",
}

// TestMatchCleanAgreesWithIsClean checks that looking at the wildcard values of a match gives
// exactly the answer of isClean on the whole path, for every route and value combination.
func TestMatchCleanAgreesWithIsClean(t *testing.T) {
	t.Parallel()
	paramValues := []string{"a", ".", "..", "...", ".a", "a.", "..a", "%2e", "é"}
	restValues := []string{"", "a", "a/", ".", "..", "./", "../", "/", "a//b", "a/./b", "a/../b", "a/.", "a/..",
		"...", ".a/b", "a/.b/", "//", "a/b/c/"}
	for _, pattern := range cleanCheckRoutes {
		p, err := parsePattern(pattern)
		if err != nil {
			t.Fatal(err)
		}
		rt := &Route{parsed: p, cleanStatics: staticsClean(p),
			catchAll: p.parts[len(p.parts)-1].kind == segCatchAll}
		nparams := len(p.names)
		if rt.catchAll {
			nparams--
		}
		// Every combination of parameter values, times every catch-all value.
		combos := [][]string{nil}
		for range nparams {
			var next [][]string
			for _, c := range combos {
				for _, v := range paramValues {
					next = append(next, append(append([]string(nil), c...), v))
				}
			}
			combos = next
		}
		if rt.catchAll {
			var next [][]string
			for _, c := range combos {
				for _, v := range restValues {
					next = append(next, append(append([]string(nil), c...), v))
				}
			}
			combos = next
		}
		for _, vals := range combos {
			path := substitute(p, vals)
			if got, want := rt.matchClean(vals), isClean(path); got != want {
				t.Errorf("%s with %q (%q): matchClean %v, isClean %v", pattern, vals, path, got, want)
			}
		}
	}
}

func TestSegmentsClean(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "a", "/", "a/", "a//", ".", "..", "./", "../", ".a", "..a", "a/.",
		"a/..", "a/./", "a/../", "a/.b", "...", "a/b/c", "//a"} {
		if got, want := segmentsClean(v), isClean("/"+v); got != want {
			t.Errorf("segmentsClean(%q) = %v, isClean(%q) = %v", v, got, "/"+v, want)
		}
	}
}

// FuzzCleanRedirect serves paths through a router and checks that the clean path redirect
// happens exactly when the routed path is not clean, whether or not a route matches it,
// and goes to a clean path.
func FuzzCleanRedirect(f *testing.F) {
	for _, s := range []string{"/", "/a//b", "/a/b", "/x/./y", "/x/y", "/up/../v", "/.well-known/f",
		"/.well-known/.", "/.../x", "/..a/x/.b", "/t/./", "/t/../", "/t/a/..", "/files/a/../b",
		"/files/", "/files//", "/files/%2e%2e/x", "/a/b/c/..", "/e//x", "/d/a/./b", "//", "/./",
		"/../", "/%2F/..", "/t/a%2F../b", "/a/./b?q=1", "/..", "/."} {
		f.Add(s)
	}
	r := NewRouter(Config{})
	for _, p := range cleanCheckRoutes {
		r.GET(p, func(c *Ctx) error { return c.NoContent(http.StatusOK) })
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		u, err := url.ParseRequestURI(p)
		if err != nil || strings.ContainsAny(p, " \t\r\n") || u.Path == "" {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL, req.RequestURI = u, p
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		path := routingPath(u)
		if isClean(path) {
			if rec.Code == http.StatusMovedPermanently {
				// Only the trailing slash redirect may apply.
				loc, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
				if strings.TrimSuffix(loc, "/") != strings.TrimSuffix(u.EscapedPath(), "/") {
					t.Fatalf("%q (clean) redirected to %q", p, loc)
				}
			}
			return
		}
		if rec.Code != http.StatusMovedPermanently {
			t.Fatalf("%q (routed as %q, not clean): status %d, want a redirect", p, path, rec.Code)
		}
		lu, err := url.ParseRequestURI(rec.Header().Get("Location"))
		if err != nil {
			t.Fatalf("%q: redirect to unparsable %q: %v", p, rec.Header().Get("Location"), err)
		}
		if !isClean(routingPath(lu)) {
			t.Fatalf("%q: redirect to %q, not clean", p, rec.Header().Get("Location"))
		}
	})
}
