package web

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
)

// checkTree verifies the invariants lookup relies on below n and returns the number of routes
// there: indices name the first byte of each child, children are ordered by their route
// counts, and the counts are right.
func checkTree(t *testing.T, n *node, path string) int {
	t.Helper()
	if len(n.indices) != len(n.children) {
		t.Fatalf("%q: %d indices for %d children", path, len(n.indices), len(n.children))
	}
	count := 0
	if n.route != nil {
		count++
	}
	if n.catchAll != nil {
		count++
	}
	if n.wild != (n.param != nil || n.catchAll != nil) {
		t.Fatalf("%q: wild is %v", path, n.wild)
	}
	for i, c := range n.children {
		if c.prefix == "" || c.prefix[0] != n.indices[i] {
			t.Fatalf("%q: child %d has prefix %q, index %q", path, i, c.prefix, n.indices[i])
		}
		if i > 0 && c.routes > n.children[i-1].routes {
			t.Fatalf("%q: child %q (%d routes) after %q (%d routes)", path, c.prefix, c.routes,
				n.children[i-1].prefix, n.children[i-1].routes)
		}
		got := checkTree(t, c, path+c.prefix)
		if got != c.routes {
			t.Fatalf("%q: counts %d routes, has %d", path+c.prefix, c.routes, got)
		}
		count += got
	}
	if n.param != nil {
		count += checkTree(t, n.param, path+"{}")
	}
	return count
}

func TestTreeInvariants(t *testing.T) {
	t.Parallel()
	patterns := append(slices.Clone(fuzzRoutes), cleanCheckRoutes...)
	patterns = append(patterns, "/users/{id}/posts/{post}/comments", "/usage", "/u", "/userinfo",
		"/users/{id}/followers", "/users/{id}/following", "/users/{id}/posts/{post}/likes/{like}")
	rng := rand.New(rand.NewPCG(3, 4))
	for perm := range 30 {
		order := slices.Clone(patterns)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		r := NewRouter(Config{})
		seen := map[string]bool{}
		var kept []string
		for _, p := range order {
			pp, err := parsePattern(p)
			if err != nil {
				t.Fatal(err)
			}
			if seen[pp.shape()] {
				continue // the same requests as an earlier pattern
			}
			seen[pp.shape()] = true
			kept = append(kept, p)
			r.GET(p, func(*Ctx) error { return nil })
		}
		want := len(kept)
		if got := checkTree(t, r.trees[0], ""); got != want {
			t.Fatalf("order %d: the tree holds %d routes, %d registered", perm, got, want)
		}
		// Every pattern still finds itself, whatever the order of siblings.
		for _, p := range kept {
			pp, err := parsePattern(p)
			if err != nil {
				t.Fatal(err)
			}
			vals := make([]string, len(pp.names))
			for i := range vals {
				vals[i] = "v"
			}
			var ps []string
			if rt := r.lookup(http.MethodGet, substitute(pp, vals), &ps); rt == nil {
				t.Fatalf("order %d: %s does not match %q", perm, p, substitute(pp, vals))
			}
		}
	}
}
