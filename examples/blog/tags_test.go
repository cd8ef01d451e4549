package main

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTagNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		problem string // part of tagsProblem's message, "" when the list is valid
	}{
		{"", nil, ""},
		{" , ,", nil, ""},
		{"Go", []string{"go"}, ""},
		{"go, Go ,GO", []string{"go"}, ""},
		{"Big  Data, c++, C#, node.js", []string{"big-data", "c++", "c#", "node.js"}, ""},
		{"été, 日本語", []string{"été", "日本語"}, ""},
		{"a,b,c,d,e", []string{"a", "b", "c", "d", "e"}, ""},
		{"a,b,c,d,e,f", []string{"a", "b", "c", "d", "e", "f"}, "At most 5"},
		{"<script>", []string{"<script>"}, "letters, digits"},
		{"a/b", []string{"a/b"}, "letters, digits"},
		{strings.Repeat("é", 30), []string{strings.Repeat("é", 30)}, ""},
		{strings.Repeat("é", 31), []string{strings.Repeat("é", 31)}, "at most 30"},
	}
	for _, tt := range tests {
		if got := tagNames(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("tagNames(%q) = %q, want %q", tt.in, got, tt.want)
		}
		p := tagsProblem(tt.in)
		if (p == "") != (tt.problem == "") || !strings.Contains(p, tt.problem) {
			t.Errorf("tagsProblem(%q) = %q, want %q", tt.in, p, tt.problem)
		}
	}
}

// FuzzTagNames checks that a list the "tags" rule accepts gives at most 5 distinct,
// non-empty, lower-case tags of at most 30 runes without commas, spaces or markup, which
// are safe in /tags/{name} and stable when parsed again.
func FuzzTagNames(f *testing.F) {
	for _, s := range []string{"go, web", "Big Data", "a,,b", "<b>", "c++, c#", "\x00", "é,É", strings.Repeat("a,", 10)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		names := tagNames(list)
		if tagsProblem(list) != "" {
			return
		}
		if len(names) > 5 {
			t.Fatalf("%q: %d tags accepted", list, len(names))
		}
		for i, n := range names {
			if n == "" || utf8.RuneCountInString(n) > 30 || strings.ContainsAny(n, ", \t\n/<>\"'&%?") || slices.Contains(names[:i], n) {
				t.Fatalf("%q: tag %q accepted", list, n)
			}
		}
		if again := tagNames(strings.Join(names, ",")); !slices.Equal(again, names) {
			t.Fatalf("%q: %q parsed again gives %q", list, names, again)
		}
	})
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 301)
	tests := []struct{ body, want string }{
		{"", ""},
		{"One paragraph.", "One paragraph."},
		{"First.\r\n\r\nSecond.", "First. …"},
		{"  \n\nFirst after blank lines.\n\nSecond.", "First after blank lines. …"},
		{"line one\nline two", "line one\nline two"},
		{long, strings.Repeat("é", 300) + " …"},
	}
	for _, tt := range tests {
		if got := (&Post{Body: tt.body}).Excerpt(); got != tt.want {
			t.Errorf("Excerpt(%q) = %q, want %q", tt.body, got, tt.want)
		}
	}
}
