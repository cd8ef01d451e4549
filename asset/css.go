package asset

import (
	"bytes"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// cssRef finds the references of a stylesheet: url(...) with or without quotes, and
// @import with a bare string. Group 1 or 2 holds the reference. RE2 keeps it linear on
// any input.
var cssRef = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^'"()\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')`)

// rewriteCSS replaces, in the stylesheet name, each reference to another asset by its
// fingerprinted name. resolve is given the referenced file's logical name and returns its
// fingerprinted name, or false when there is no such asset; such references (and
// absolute URLs, data: URIs, fragments and paths outside the prefix) are left as they are.
func rewriteCSS(name string, body []byte, prefix string, resolve func(ref string) (string, bool, error)) ([]byte, error) {
	matches := cssRef.FindAllSubmatchIndex(body, -1)
	if matches == nil {
		return body, nil
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(matches)*12)
	last := 0
	for _, m := range matches {
		start, end := -1, -1
		for g := 1; g <= 5; g++ {
			if m[2*g] >= 0 {
				start, end = m[2*g], m[2*g+1]
				break
			}
		}
		if start < 0 || start == end {
			continue
		}
		ref := string(body[start:end])
		repl, err := rewriteRef(name, ref, prefix, resolve)
		if err != nil {
			return nil, err
		}
		if repl == ref {
			continue
		}
		out.Write(body[last:start])
		out.WriteString(repl)
		last = end
	}
	if last == 0 {
		return body, nil
	}
	out.Write(body[last:])
	return out.Bytes(), nil
}

// rewriteRef returns ref with its file name fingerprinted, or ref unchanged.
func rewriteRef(name, ref, prefix string, resolve func(string) (string, bool, error)) (string, error) {
	p, suffix := ref, ""
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p, suffix = p[:i], p[i:]
	}
	if p == "" || strings.HasPrefix(p, "//") {
		return ref, nil
	}
	if i := strings.IndexAny(p, ":/"); i >= 0 && p[i] == ':' { // a scheme: data:, https:, ...
		return ref, nil
	}
	decoded, err := url.PathUnescape(p)
	if err != nil {
		return ref, nil
	}
	var logical string
	if strings.HasPrefix(decoded, "/") {
		if !strings.HasPrefix(decoded, prefix) {
			return ref, nil
		}
		logical = strings.TrimPrefix(decoded, prefix)
	} else {
		logical = path.Join(path.Dir(name), decoded)
	}
	if !fs.ValidPath(logical) || logical == "." || strings.ContainsAny(logical, "\\\x00") {
		return ref, nil
	}
	hashed, ok, err := resolve(logical)
	if err != nil || !ok {
		return ref, err
	}
	// The fingerprinted file sits beside the original, so only the last element of the
	// reference changes: insert the hash the way fingerprint did, in the text as written
	// (escapes included).
	hash := hashOf(logical, hashed)
	slash := strings.LastIndexByte(p, '/')
	base := p[slash+1:]
	return p[:slash+1] + fingerprint(base, hash) + suffix, nil
}

// hashOf extracts the hash that fingerprint inserted into name to make hashed.
func hashOf(name, hashed string) string {
	slash := strings.LastIndexByte(name, '/')
	dot := strings.LastIndexByte(name, '.')
	if dot <= slash+1 {
		return hashed[len(name)+1:]
	}
	return hashed[dot+1 : len(hashed)-len(name)+dot]
}
