package web

import (
	"fmt"
	"net/url"
	"strings"
)

// URL returns the path of the route named name, with args (formatted with fmt.Sprint and
// escaped) in place of its wildcards, in order. A {name...} wildcard keeps its slashes:
//
//	r.GET("/posts/{id}", show).Name("post")
//	r.URL("post", 42) // "/posts/42"
func (r *Router) URL(name string, args ...any) (string, error) {
	rt, ok := r.names[name]
	if !ok {
		return "", fmt.Errorf("web: no route named %q", name)
	}
	p := rt.parsed
	if len(args) != len(p.names) {
		return "", fmt.Errorf("web: route %q (%s) takes %d arguments, got %d", name, rt.Pattern, len(p.names), len(args))
	}
	var b strings.Builder
	i := 0
	for _, part := range p.parts {
		switch part.kind {
		case segStatic:
			b.WriteString((&url.URL{Path: part.text}).EscapedPath())
		case segParam:
			v := fmt.Sprint(args[i])
			if v == "" {
				return "", fmt.Errorf("web: route %q: argument %q is empty", name, p.names[i])
			}
			b.WriteString(url.PathEscape(v))
			i++
		case segCatchAll:
			segs := strings.Split(fmt.Sprint(args[i]), "/")
			for j, s := range segs {
				if j > 0 {
					b.WriteByte('/')
				}
				b.WriteString(url.PathEscape(s))
			}
			i++
		}
	}
	return b.String(), nil
}
