package web

import "strings"

// isClean reports whether p (starting with '/') has no empty, "." or ".." segments, apart
// from a trailing slash.
func isClean(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		rest := p[i+1:]
		switch {
		case strings.HasPrefix(rest, "/"):
			return false
		case rest == "." || strings.HasPrefix(rest, "./"):
			return false
		case rest == ".." || strings.HasPrefix(rest, "../"):
			return false
		}
	}
	return true
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
