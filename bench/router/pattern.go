package router

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadRoute is returned (wrapped) for a route that no adapter can register:
// an empty or unknown method, a path that does not start with "/", or a
// parameter that is not a whole segment with a name made of letters, digits
// and underscores.
var ErrBadRoute = errors.New("router: bad route")

// Validate reports whether the route can be registered by every adapter. The
// error wraps ErrBadRoute and names the route.
func (r Route) Validate() error {
	switch r.Method {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
	default:
		return fmt.Errorf("%w: %s %s: unknown method", ErrBadRoute, r.Method, r.Path)
	}
	if !strings.HasPrefix(r.Path, "/") {
		return fmt.Errorf("%w: %s %s: path must start with /", ErrBadRoute, r.Method, r.Path)
	}
	for seg := range strings.SplitSeq(r.Path[1:], "/") {
		if strings.ContainsAny(seg, "{}*") {
			return fmt.Errorf("%w: %s %s: segment %q: braces and catch-alls are not supported", ErrBadRoute, r.Method, r.Path, seg)
		}
		name, ok := strings.CutPrefix(seg, ":")
		if !ok {
			if strings.Contains(seg, ":") {
				return fmt.Errorf("%w: %s %s: segment %q: a parameter must be a whole segment", ErrBadRoute, r.Method, r.Path, seg)
			}
			continue
		}
		if !validName(name) {
			return fmt.Errorf("%w: %s %s: parameter name %q must be letters, digits and underscores, not starting with a digit", ErrBadRoute, r.Method, r.Path, name)
		}
	}
	return nil
}

// validName reports whether name is a non-empty identifier of ASCII letters,
// digits and underscores, the parameter names every router accepts.
func validName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Params returns the names of the route's parameters in path order.
func (r Route) Params() []string {
	var names []string
	for seg := range strings.SplitSeq(r.Path, "/") {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			names = append(names, name)
		}
	}
	return names
}

// ParamValue is the value that RequestPath puts in the segment of the
// parameter called name: the name prefixed with "v", so that every parameter
// of a route gets a distinct value a router cannot confuse with another.
func ParamValue(name string) string { return "v" + name }

// RequestPath returns a concrete path that the route matches, with each
// parameter segment replaced by ParamValue of its name.
func (r Route) RequestPath() string {
	segs := strings.Split(r.Path, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			segs[i] = ParamValue(name)
		}
	}
	return strings.Join(segs, "/")
}

// BracePath returns the path in the brace syntax of chi, Go's ServeMux and
// Sinew: each ":name" segment becomes "{name}".
func (r Route) BracePath() string {
	segs := strings.Split(r.Path, "/")
	for i, seg := range segs {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			segs[i] = "{" + name + "}"
		}
	}
	return strings.Join(segs, "/")
}

// String returns the route as "METHOD path".
func (r Route) String() string { return r.Method + " " + r.Path }
