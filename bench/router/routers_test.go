package router

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// routeSets returns every route set the benchmarks serve, by name.
func routeSets() []struct {
	name   string
	routes []Route
} {
	return []struct {
		name   string
		routes []Route
	}{
		{"GitHub", GitHubAPI()},
		{"Static", StaticRoutes()},
		{"Parse", ParseAPI()},
		{"GPlus", GPlusAPI()},
		{"Param1", []Route{ParamRoute(1)}},
		{"Param5", []Route{ParamRoute(5)}},
		{"Param20", []Route{ParamRoute(20)}},
	}
}

// serve sends one request for path to h and returns the recorded response.
func serve(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// TestRoutersAnswerEveryRoute checks that every router runs the handler of
// every route of every set, with the parameter values of the request: no
// router may win a benchmark by not matching.
func TestRoutersAnswerEveryRoute(t *testing.T) {
	t.Parallel()
	for _, rtr := range Routers() {
		for _, set := range routeSets() {
			t.Run(rtr.Name+"/"+set.name, func(t *testing.T) {
				t.Parallel()
				h := load(t, rtr, set.routes, Identify)
				for _, rt := range set.routes {
					rec := serve(h, rt.Method, rt.RequestPath())
					want := Identity(rt, ParamValue)
					if rec.Code != http.StatusOK || rec.Body.String() != want {
						t.Errorf("%s %s: got %d %q, want 200 %q", rt.Method, rt.RequestPath(), rec.Code, rec.Body.String(), want)
					}
				}
			})
		}
	}
}

// TestRoutersModes checks what the Noop and WriteParam handlers write.
func TestRoutersModes(t *testing.T) {
	t.Parallel()
	routes := GitHubAPI()
	for _, rtr := range Routers() {
		t.Run(rtr.Name, func(t *testing.T) {
			t.Parallel()
			noop := load(t, rtr, routes, Noop)
			write := load(t, rtr, routes, WriteParam)
			for _, rt := range routes {
				if rec := serve(noop, rt.Method, rt.RequestPath()); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
					t.Errorf("Noop %s: got %d %q, want 200 and no body", rt, rec.Code, rec.Body.String())
				}
				want := ""
				if name := firstParam(rt); name != "" {
					want = ParamValue(name)
				}
				if rec := serve(write, rt.Method, rt.RequestPath()); rec.Code != http.StatusOK || rec.Body.String() != want {
					t.Errorf("WriteParam %s: got %d %q, want 200 %q", rt, rec.Code, rec.Body.String(), want)
				}
			}
		})
	}
}

// TestRoutersRejectUnknown checks that no adapter matches everything: paths
// outside the set are not found and a registered path with an unregistered
// method is not served by a handler.
func TestRoutersRejectUnknown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path string
	}{
		{"GET", "/nope"},
		{"GET", "/repos/a/b/c/d/e/f/g"},
		{"GET", "/user/repos/extra"},
		{"POST", "/events"},
		{"DELETE", "/user/repos"},
	}
	for _, rtr := range Routers() {
		t.Run(rtr.Name, func(t *testing.T) {
			t.Parallel()
			h := load(t, rtr, GitHubAPI(), Identify)
			for _, tt := range tests {
				rec := serve(h, tt.method, tt.path)
				if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
					t.Errorf("%s %s: got %d %q, want 404 or 405", tt.method, tt.path, rec.Code, rec.Body.String())
				}
			}
		})
	}
}

// TestRoutersRefuseBadRoutes checks that a route no adapter can register is
// an error naming it, not a panic.
func TestRoutersRefuseBadRoutes(t *testing.T) {
	t.Parallel()
	bad := []Route{
		{"GET", "user"},
		{"BREW", "/coffee"},
		{"GET", "/files/*path"},
		{"GET", "/a/{b}"},
		{"GET", "/a/x:b"},
		{"GET", "/a/:"},
		{"GET", "/a/:1b"},
		{"GET", "/a/:b-c"},
	}
	for _, rtr := range Routers() {
		for _, rt := range bad {
			_, err := rtr.Load([]Route{rt}, Noop)
			if !errors.Is(err, ErrBadRoute) || !strings.Contains(err.Error(), rt.Path) {
				t.Errorf("%s: Load(%s) error = %v, want ErrBadRoute naming the path", rtr.Name, rt, err)
			}
		}
	}
}

// TestRoutersReportConflicts checks that a router panicking on a route it
// refuses comes back as an error naming the route.
func TestRoutersReportConflicts(t *testing.T) {
	t.Parallel()
	dup := []Route{{"GET", "/a/:b"}, {"GET", "/a/:b"}}
	for _, rtr := range Routers() {
		if rtr.Name == "Chi" || rtr.Name == "Echo" {
			continue // both replace the handler of a duplicate route silently
		}
		if _, err := rtr.Load(dup, Noop); err == nil || !strings.Contains(err.Error(), "/a/:b") {
			t.Errorf("%s: Load of a duplicate route error = %v, want one naming GET /a/:b", rtr.Name, err)
		}
	}
}

// TestRouterVersions checks that each adapter's Version is the one pinned
// in go.mod.
func TestRouterVersions(t *testing.T) {
	t.Parallel()
	mod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, rtr := range Routers() {
		if rtr.Module == "std" || rtr.Module == "github.com/sinewdev/sinew" {
			continue
		}
		if !strings.Contains(string(mod), "\t"+rtr.Module+" "+rtr.Version+"\n") {
			t.Errorf("%s: go.mod does not require %s %s", rtr.Name, rtr.Module, rtr.Version)
		}
	}
}
