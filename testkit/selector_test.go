package testkit

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const selectorDoc = `<html><body>
<div id="main" class="box wide"><p class="lead">One</p>
  <ul><li class="x">a</li><li class="x y"><a href="/posts/2" data-k="v w">b</a></li></ul>
</div>
<p>Two</p>
<form method="post"><input name="q" value="1" disabled><input type="radio" name="r" value="a"><input type="radio" name="r" value="b" checked>
<select name="s" multiple><option selected>One</option><option value="2" selected>Two</option><option value="3">3</option></select></form>
</body></html>`

func TestSelector(t *testing.T) {
	t.Parallel()
	doc, err := html.Parse(strings.NewReader(selectorDoc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sel  string
		want int
	}{
		{"p", 2},
		{"div p", 1},
		{"body > p", 1},
		{"body > div > p.lead", 1},
		{"div > li", 0},
		{"div li", 2},
		{"li.x", 2},
		{"li.x.y", 1},
		{"#main", 1},
		{"div#main.box.wide", 1},
		{"*", 18},
		{"a[href]", 1},
		{"a[href='/posts/2']", 1},
		{`a[href="/posts/2"]`, 1},
		{"a[href^=/posts/]", 1},
		{"a[href$=2]", 1},
		{"a[href*=sts]", 1},
		{"a[data-k='v w']", 1},
		{"a[href=/nope]", 0},
		{"p, li", 4},
		{"  ul   li  ", 2},
		{"P", 2},
	}
	for _, tt := range tests {
		sel, err := parseSelector(tt.sel)
		if err != nil {
			t.Errorf("%q: %v", tt.sel, err)
			continue
		}
		if got := len(sel.all(doc)); got != tt.want {
			t.Errorf("%q matched %d, want %d", tt.sel, got, tt.want)
		}
	}
	forms := (&selector{parts: []compound{{tag: "form"}}}).all(doc)
	if got := FormValues(forms[0]).Encode(); got != "r=b&s=One&s=2" {
		t.Errorf("form values %q", got)
	}
}

func TestSelectorErrors(t *testing.T) {
	t.Parallel()
	for _, sel := range []string{"", " ", ">", "a >", "> a", "a > > b", "#", ".", "a[", "a[]", "a[=x]", "a:hover", "a!", strings.Repeat("a ", 600), ","} {
		if _, err := parseSelector(sel); err == nil {
			t.Errorf("%q: no error", sel)
		}
	}
}

func FuzzSelector(f *testing.F) {
	for _, s := range []string{"div p", "a[href^='/x']", "ul > li.x#y", "p, li", "[", "a[b=']']", "*"} {
		f.Add(s)
	}
	doc, err := html.Parse(strings.NewReader(selectorDoc))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := parseSelector(s)
		if err != nil {
			return
		}
		_ = sel.all(doc) // must not panic
	})
}
