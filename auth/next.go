package auth

import (
	"net/url"
	"strings"
)

// maxNext bounds the length of a redirect target.
const maxNext = 2048

// SafeNext returns next when it is a safe place to send the user after a login: a
// relative path on this site ("/posts?page=2"). Anything else gives "/": absolute URLs
// ("https://evil.example"), scheme-relative ones ("//evil.example"), paths that browsers
// turn into those ("/\evil.example", "/\t/evil.example"), other schemes
// ("javascript:..."), control characters and targets over 2 KiB.
func SafeNext(next string) string {
	if next == "" || len(next) > maxNext || next[0] != '/' {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		// Backslashes are slashes to browsers; control characters and spaces are stripped
		// or mangled by them ("/\t/evil" is "//evil").
		if b := next[i]; b <= ' ' || b == 0x7f || b == '\\' {
			return "/"
		}
	}
	if strings.HasPrefix(next, "//") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	// A path whose decoded form starts with two slashes or a backslash is refused too,
	// for servers and proxies that decode before redirecting.
	if p, err := url.PathUnescape(u.EscapedPath()); err != nil || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return next
}
