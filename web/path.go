package web

import "strings"

// isClean reports whether p (starting with '/') has no empty, "." or ".." segments, apart
// from a trailing slash.
func isClean(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && !segmentClean(p[i+1:]) {
			return false
		}
	}
	return true
}

// segmentClean reports whether rest, the text after a '/', starts with a segment that is
// not empty, "." or "..". An empty rest (a trailing slash) is clean.
func segmentClean(rest string) bool {
	if rest == "" {
		return true
	}
	switch rest[0] {
	case '/':
		return false
	case '.':
		if len(rest) == 1 || rest[1] == '/' {
			return false
		}
		if rest[1] == '.' && (len(rest) == 2 || rest[2] == '/') {
			return false
		}
	}
	return true
}

// staticsClean reports whether the literal parts of p are clean: whether some request path
// it matches can be clean. A parameter stands for one segment other than "." and "..", a
// catch-all for nothing (the pattern's slash before it then ends the path).
func staticsClean(p parsedPattern) bool {
	var b strings.Builder
	for _, part := range p.parts {
		switch part.kind {
		case segStatic:
			b.WriteString(part.text)
		case segParam:
			b.WriteByte('x')
		}
	}
	return isClean(b.String())
}

// matchClean reports whether the path rt matched with the wildcard values ps is clean,
// exactly as isClean would for the whole path, but looking only at the values: the path is
// rt's literal parts (clean or not, known at registration) with the values in between. A
// parameter value is one segment; a catch-all value follows a slash.
func (rt *Route) matchClean(ps []string) bool {
	if !rt.cleanStatics {
		return false
	}
	if rt.catchAll {
		last := len(ps) - 1
		return segmentsClean(ps[last]) && dotFree(ps[:last])
	}
	return dotFree(ps)
}

// dotFree reports whether none of the parameter values ps is "." or "..".
func dotFree(ps []string) bool {
	for _, v := range ps {
		if len(v) <= 2 && v[0] == '.' && v[len(v)-1] == '.' {
			return false
		}
	}
	return true
}

// segmentsClean reports whether v, the text after a '/', has no empty, "." or ".."
// segments apart from an empty last one: isClean("/" + v) without the concatenation.
func segmentsClean(v string) bool {
	for {
		if !segmentClean(v) {
			return false
		}
		i := strings.IndexByte(v, '/')
		if i < 0 {
			return true
		}
		v = v[i+1:]
	}
}

// cleanPath returns the canonical form of the URL path p: it starts with '/', has no empty,
// "." or ".." segments (".." at the root stays at the root), and keeps a trailing slash
// when p had one. Unlike path.Clean it keeps "/a/" as "/a/".
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	trailing := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	var b strings.Builder
	b.Grow(len(p) + 1)
	for _, s := range out {
		b.WriteByte('/')
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return "/"
	}
	if trailing {
		b.WriteByte('/')
	}
	return b.String()
}

// matchPath turns an escaped path (URL.RawPath, set only when the path has escapes the
// default encoding would not produce, such as %2F) into the form routes are matched against:
// every escape is decoded except %2F and %25, so an encoded slash stays inside its segment
// and a parameter value can be decoded exactly afterwards.
func matchPath(raw string) string {
	if !strings.Contains(raw, "%") {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' && i+2 < len(raw) {
			h, l := unhex(raw[i+1]), unhex(raw[i+2])
			if h >= 0 && l >= 0 {
				v := byte(h<<4 | l)
				if v != '/' && v != '%' {
					b.WriteByte(v)
					i += 2
					continue
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unescapeParams decodes the %2F and %25 escapes matchPath kept in parameter values.
func unescapeParams(ps []string) {
	for i, v := range ps {
		if !strings.Contains(v, "%") {
			continue
		}
		var b strings.Builder
		for j := 0; j < len(v); j++ {
			if v[j] == '%' && j+2 < len(v) {
				switch v[j+1 : j+3] {
				case "2F", "2f":
					b.WriteByte('/')
					j += 2
					continue
				case "25":
					b.WriteByte('%')
					j += 2
					continue
				}
			}
			b.WriteByte(v[j])
		}
		ps[i] = b.String()
	}
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c - 'a' + 10)
	case 'A' <= c && c <= 'F':
		return int(c - 'A' + 10)
	}
	return -1
}
