package web

import (
	"fmt"
	"strings"
)

// segKind is the kind of one part of a parsed route pattern.
type segKind uint8

const (
	segStatic   segKind = iota // literal text, possibly spanning several path segments
	segParam                   // {name}: one non-empty path segment
	segCatchAll                // {name...}: the rest of the path, possibly empty
)

// patternPart is one piece of a parsed pattern: a literal run or a wildcard.
type patternPart struct {
	kind segKind
	text string // the literal text, or the wildcard's name
}

// parsedPattern is a route pattern split into its method and path parts.
type parsedPattern struct {
	method string // "" when the pattern has no method
	path   string
	parts  []patternPart
	names  []string // wildcard names in order
}

// parsePattern parses a pattern in the syntax of Go's http.ServeMux: an optional method and a
// space, then a path whose segments are literals, {name} or, for the last one, {name...}.
// Patterns are exact: "/static/" matches only "/static/"; use "/static/{path...}" for a subtree.
func parsePattern(pattern string) (parsedPattern, error) {
	var p parsedPattern
	rest := pattern
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		p.method = rest[:i]
		rest = strings.TrimLeft(rest[i:], " \t")
		if !validMethod(p.method) {
			return p, fmt.Errorf("invalid method %q", p.method)
		}
	}
	if rest == "" {
		return p, fmt.Errorf("missing path")
	}
	if rest[0] != '/' {
		if strings.Contains(rest, "/") {
			return p, fmt.Errorf("host patterns are not supported; the path must start with '/'")
		}
		return p, fmt.Errorf("path must start with '/'")
	}
	if strings.ContainsAny(rest, " \t\r\n?#") {
		return p, fmt.Errorf("path contains a space, '?' or '#'")
	}
	p.path = rest
	seen := map[string]bool{}
	var lit strings.Builder
	segs := strings.Split(rest[1:], "/")
	lit.WriteByte('/')
	for i, seg := range segs {
		last := i == len(segs)-1
		if i > 0 {
			lit.WriteByte('/')
		}
		if !strings.ContainsAny(seg, "{}") {
			lit.WriteString(seg)
			continue
		}
		if seg[0] != '{' || seg[len(seg)-1] != '}' || strings.Count(seg, "{") != 1 || strings.Count(seg, "}") != 1 {
			return p, fmt.Errorf("segment %q: a wildcard must be a whole path segment, like {id}", seg)
		}
		name := seg[1 : len(seg)-1]
		kind := segParam
		if strings.HasSuffix(name, "...") {
			name = strings.TrimSuffix(name, "...")
			kind = segCatchAll
			if !last {
				return p, fmt.Errorf("segment %q: a {name...} wildcard must be the last segment", seg)
			}
		}
		if name == "$" {
			return p, fmt.Errorf("{$} is not needed: Sinew patterns are exact (\"/a/\" matches only \"/a/\"); use {name...} for a subtree")
		}
		if !validName(name) {
			return p, fmt.Errorf("segment %q: wildcard name %q is not a Go identifier", seg, name)
		}
		if seen[name] {
			return p, fmt.Errorf("wildcard name %q appears twice", name)
		}
		seen[name] = true
		if lit.Len() > 0 {
			p.parts = append(p.parts, patternPart{kind: segStatic, text: lit.String()})
			lit.Reset()
		}
		p.parts = append(p.parts, patternPart{kind: kind, text: name})
		p.names = append(p.names, name)
	}
	if lit.Len() > 0 {
		p.parts = append(p.parts, patternPart{kind: segStatic, text: lit.String()})
	}
	return p, nil
}

// shape returns the pattern with wildcard names erased: two routes with the same method and
// shape would match exactly the same requests.
func (p parsedPattern) shape() string {
	var b strings.Builder
	for _, part := range p.parts {
		switch part.kind {
		case segStatic:
			b.WriteString(part.text)
		case segParam:
			b.WriteString("{}")
		case segCatchAll:
			b.WriteString("{...}")
		}
	}
	return b.String()
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if c < 'A' || c > 'Z' {
			if c != '-' && c != '_' && (c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
