package router

import (
	"errors"
	"slices"
	"testing"
)

func TestRouteSets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		routes []Route
		want   int
		static int // routes without parameters
	}{
		{"GitHub", GitHubAPI(), 203, 36},
		{"Static", StaticRoutes(), 157, 157},
		{"Parse", ParseAPI(), 26, 10},
		{"GPlus", GPlusAPI(), 13, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if len(tt.routes) != tt.want {
				t.Errorf("%d routes, want %d", len(tt.routes), tt.want)
			}
			seen := make(map[Route]bool)
			static := 0
			for _, rt := range tt.routes {
				if err := rt.Validate(); err != nil {
					t.Error(err)
				}
				if seen[rt] {
					t.Errorf("duplicate route %s", rt)
				}
				seen[rt] = true
				if len(rt.Params()) == 0 {
					static++
				}
			}
			if static != tt.static {
				t.Errorf("%d static routes, want %d", static, tt.static)
			}
		})
	}
}

func TestRouteConversions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		route   Route
		params  []string
		request string
		brace   string
		mux     string
	}{
		{Route{"GET", "/"}, nil, "/", "/", "/{$}"},
		{Route{"GET", "/articles/wiki/"}, nil, "/articles/wiki/", "/articles/wiki/", "/articles/wiki/{$}"},
		{Route{"GET", "/user/repos"}, nil, "/user/repos", "/user/repos", "/user/repos"},
		{Route{"GET", "/user/:name"}, []string{"name"}, "/user/vname", "/user/{name}", "/user/{name}"},
		{
			Route{"DELETE", "/applications/:client_id/tokens/:access_token"},
			[]string{"client_id", "access_token"},
			"/applications/vclient_id/tokens/vaccess_token",
			"/applications/{client_id}/tokens/{access_token}",
			"/applications/{client_id}/tokens/{access_token}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.route.String(), func(t *testing.T) {
			t.Parallel()
			if got := tt.route.Params(); !slices.Equal(got, tt.params) {
				t.Errorf("Params() = %q, want %q", got, tt.params)
			}
			if got := tt.route.RequestPath(); got != tt.request {
				t.Errorf("RequestPath() = %q, want %q", got, tt.request)
			}
			if got := tt.route.BracePath(); got != tt.brace {
				t.Errorf("BracePath() = %q, want %q", got, tt.brace)
			}
			if got := serveMuxPath(tt.route); got != tt.mux {
				t.Errorf("serveMuxPath() = %q, want %q", got, tt.mux)
			}
		})
	}
}

func TestRouteValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		route Route
		ok    bool
	}{
		{Route{"GET", "/"}, true},
		{Route{"PATCH", "/a/:b_1/c"}, true},
		{Route{"", "/"}, false},
		{Route{"get", "/"}, false},
		{Route{"GET", ""}, false},
		{Route{"GET", "a/b"}, false},
		{Route{"GET", "/:"}, false},
		{Route{"GET", "/:9"}, false},
		{Route{"GET", "/a:b"}, false},
		{Route{"GET", "/:a:b"}, false},
		{Route{"GET", "/*path"}, false},
		{Route{"GET", "/{id}"}, false},
		{Route{"GET", "/:é"}, false},
	}
	for _, tt := range tests {
		err := tt.route.Validate()
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadRoute)) {
			t.Errorf("Validate(%q) = %v, want ok=%v", tt.route, err, tt.ok)
		}
	}
}

func TestParamRoute(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		path string
	}{
		{-3, "/user/:name"},
		{1, "/user/:name"},
		{2, "/:a/:b"},
		{5, "/:a/:b/:c/:d/:e"},
		{26, "/:a/:b/:c/:d/:e/:f/:g/:h/:i/:j/:k/:l/:m/:n/:o/:p/:q/:r/:s/:t/:u/:v/:w/:x/:y/:z"},
		{99, "/:a/:b/:c/:d/:e/:f/:g/:h/:i/:j/:k/:l/:m/:n/:o/:p/:q/:r/:s/:t/:u/:v/:w/:x/:y/:z"},
	}
	for _, tt := range tests {
		if got := ParamRoute(tt.n); got != (Route{"GET", tt.path}) {
			t.Errorf("ParamRoute(%d) = %s, want GET %s", tt.n, got, tt.path)
		}
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	rt := Route{"GET", "/repos/:owner/:repo"}
	if got, want := Identity(rt, ParamValue), "GET /repos/:owner/:repo owner=vowner repo=vrepo"; got != want {
		t.Errorf("Identity = %q, want %q", got, want)
	}
	if got, want := Identity(Route{"GET", "/"}, ParamValue), "GET /"; got != want {
		t.Errorf("Identity = %q, want %q", got, want)
	}
}
