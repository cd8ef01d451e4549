package auth

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/members", "/members"},
		{"/posts?page=2&q=a%20b#top", "/posts?page=2&q=a%20b#top"},
		{"/a/../b", "/a/../b"},
		{"https://evil.example", "/"},
		{"http://evil.example/", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{`/\evil.example`, "/"},
		{`\\evil.example`, "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"data:text/html,<script>", "/"},
		{"evil.example", "/"},
		{"/\x00", "/"},
		{"/\x7f", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
		{"/ok%ZZ", "/"},
	}
	for _, tt := range tests {
		if got := SafeNext(tt.in); got != tt.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSafeNext checks that whatever SafeNext lets through is a same-site path for a
// browser: it resolves against the site to the site itself.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/a?b=c", "//x", `/\x`, "https://x", "/%2F%2Fx", "/\t/x", "/a#//x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://site.example/some/page")
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeNext(s)
		if got != "/" && got != s {
			t.Fatalf("SafeNext(%q) = %q: neither the input nor /", s, got)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("SafeNext(%q) = %q does not parse: %v", s, got, err)
		}
		if r := base.ResolveReference(u); r.Host != "site.example" || r.Scheme != "https" {
			t.Fatalf("SafeNext(%q) = %q leads to %s", s, got, r)
		}
		if strings.ContainsAny(got, "\\\t\r\n") || strings.HasPrefix(got, "//") {
			t.Fatalf("SafeNext(%q) = %q", s, got)
		}
	})
}
