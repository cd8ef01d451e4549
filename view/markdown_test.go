package view

import (
	"html"
	"io"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// markdownPayloads are stored-XSS attempts through markdown.
var markdownPayloads = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">x</a>`,
	`[click](javascript:alert(1))`,
	`[click](JaVaScRiPt:alert(1))`,
	`[click]( javascript:alert(1) )`,
	`[click](<java	script:alert(1)>)`,
	`[click](&#106;avascript:alert(1))`,
	`[click](&#x6A;avascript&colon;alert(1))`,
	`[click](vbscript:msgbox(1))`,
	`[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`[click](file:///etc/passwd)`,
	"[ref]\n\n[ref]: javascript:alert(1)",
	`<javascript:alert(1)>`,
	`![x](javascript:alert(1))`,
	`![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)`,
	`![x" onerror="alert(1)](https://example.com/a.png)`,
	`[x](https://example.com/"onmouseover="alert(1))`,
	`[x](https://example.com "title\" onmouseover=\"alert(1)")`,
	"<div onclick=alert(1)>\n\nhi\n\n</div>",
	"```html\n<script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	`<iframe src="https://evil.example"></iframe>`,
	`<svg><script>alert(1)</script></svg>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	"<!-- --><script>alert(1)</script>",
	`www.example.com/<script>alert(1)</script>`,
	"| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
	"- [x] <img src=x onerror=alert(1)>",
	`{onclick=alert(1)}`,
	"# heading {#id onclick=alert(1)}",
}

var (
	tagRE  = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attrRE = regexp.MustCompile(`\s*([^\s=/>]+)(?:="([^"]*)")?`)
)

// allowedMarkdownTags are the elements goldmark emits for CommonMark and GitHub's
// extensions.
var allowedMarkdownTags = map[string]bool{
	"p": true, "a": true, "img": true, "em": true, "strong": true, "code": true, "pre": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "ul": true, "ol": true,
	"li": true, "blockquote": true, "hr": true, "br": true, "del": true, "input": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
}

var allowedMarkdownAttrs = map[string]bool{
	"href": true, "src": true, "alt": true, "title": true, "start": true, "class": true,
	"checked": true, "disabled": true, "type": true, "align": true,
}

// checkSafeHTML fails if out, the HTML of untrusted markdown, has an element, an
// attribute or a URL that could run script. It reads the HTML with its own small
// tokenizer, independent of the code under test.
func checkSafeHTML(t *testing.T, src, out string) {
	t.Helper()
	noComments := regexp.MustCompile(`(?s)<!--.*?-->`).ReplaceAllString(out, "")
	for _, m := range tagRE.FindAllStringSubmatch(noComments, -1) {
		tag := strings.ToLower(m[2])
		if !allowedMarkdownTags[tag] {
			t.Fatalf("markdown %q produced the element <%s>:\n%s", src, tag, out)
		}
		for _, a := range attrRE.FindAllStringSubmatch(m[3], -1) {
			name := strings.ToLower(a[1])
			if !allowedMarkdownAttrs[name] {
				t.Fatalf("markdown %q produced the attribute %s on <%s>:\n%s", src, name, tag, out)
			}
			if name == "href" || name == "src" {
				u := strings.ToLower(html.UnescapeString(a[2]))
				u = strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, u)
				for _, bad := range []string{"javascript:", "vbscript:", "data:", "file:"} {
					if strings.HasPrefix(u, bad) {
						t.Fatalf("markdown %q produced %s=%q:\n%s", src, name, a[2], out)
					}
				}
			}
		}
	}
	// What is not a well-formed tag must not contain a raw '<' starting an element.
	rest := tagRE.ReplaceAllString(noComments, "")
	if i := strings.IndexByte(rest, '<'); i >= 0 {
		t.Fatalf("markdown %q left a raw '<' outside the tags (%q):\n%s", src, rest[i:min(len(rest), i+20)], out)
	}
}

func TestMarkdownXSS(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(`{{markdown .}}`)}}, Config{})
	for _, p := range markdownPayloads {
		out := renderString(t, e, "t.html", p)
		checkSafeHTML(t, p, out)
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Errorf("markdown %q produced a script element:\n%s", p, out)
		}
	}
}

func TestMarkdownRendering(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(`{{markdown .}}`)}}, Config{})
	tests := []struct{ src, want string }{
		{"**bold** and _em_", "<p><strong>bold</strong> and <em>em</em></p>\n"},
		{"[docs](https://example.com/a?b=1&c=2)", `<p><a href="https://example.com/a?b=1&amp;c=2">docs</a></p>` + "\n"},
		{"[rel](/posts/1#top)", `<p><a href="/posts/1#top">rel</a></p>` + "\n"},
		{"[mail](mailto:ada@example.com)", `<p><a href="mailto:ada@example.com">mail</a></p>` + "\n"},
		{"[bad](javascript:alert(1)) end", "<p>bad end</p>\n"},
		{"[**bold bad**](vbscript:x)", "<p><strong>bold bad</strong></p>\n"},
		{"![alt](/img/a.png)", `<p><img src="/img/a.png" alt="alt"></p>` + "\n"},
		{"![alt text](javascript:alert(1))", "<p>alt text</p>\n"},
		{"![tel](tel:123)", "<p>tel</p>\n"},
		{"<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n"},
		{"<https://example.com>", `<p><a href="https://example.com">https://example.com</a></p>` + "\n"},
		{"visit www.example.com now", `<p>visit <a href="http://www.example.com">www.example.com</a> now</p>` + "\n"},
		{"write to ada@example.com", `<p>write to <a href="mailto:ada@example.com">ada@example.com</a></p>` + "\n"},
		{"~~gone~~", "<p><del>gone</del></p>\n"},
		{"- [x] done", "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n</ul>\n"},
		{"| a |\n|---|\n| 1 |", "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n"},
		{"<b>raw</b>", "<p><!-- raw HTML omitted -->raw<!-- raw HTML omitted --></p>\n"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := renderString(t, e, "t.html", tt.src); got != tt.want {
			t.Errorf("markdown %q:\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestMarkdownTooLarge(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(`{{markdown .}}`)}}, Config{MaxMarkdownBytes: 10})
	if got := renderString(t, e, "t.html", "0123456789"); got != "<p>0123456789</p>\n" {
		t.Errorf("at the limit: %q", got)
	}
	err := e.Render(nil, &strings.Builder{}, "t.html", "0123456789x")
	if err == nil || !strings.Contains(err.Error(), "markdown: text of 11 bytes is over the 10-byte limit") {
		t.Errorf("over the limit: %v", err)
	}
}

func TestAllowedURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url   string
		image bool
		want  bool
	}{
		{"https://example.com", false, true},
		{"HTTP://EXAMPLE.COM", false, true},
		{"/relative/path", false, true},
		{"relative", false, true},
		{"#fragment", false, true},
		{"?q=1", false, true},
		{"./a:b", false, true},
		{"mailto:a@b.c", false, true},
		{"mailto:a@b.c", true, false},
		{"tel:+1", false, true},
		{"javascript:alert(1)", false, false},
		{" \x01javascript:alert(1)", false, false},
		{"java\tscript:alert(1)", false, false},
		{"java\nscript:alert(1)", false, false},
		{"JAVASCRIPT:alert(1)", false, false},
		{"vbscript:x", false, false},
		{"data:text/html,x", false, false},
		{"data:image/png;base64,AAAA", true, false},
		{"file:///etc/passwd", false, false},
		{"ftp://example.com", false, false},
		{"java\\script:x", false, false},
		{"", false, true},
	}
	for _, tt := range tests {
		if got := allowedURL(tt.url, tt.image); got != tt.want {
			t.Errorf("allowedURL(%q, image=%v) = %v, want %v", tt.url, tt.image, got, tt.want)
		}
	}
}

// FuzzMarkdown renders arbitrary text as markdown and checks that the HTML can never run
// script.
func FuzzMarkdown(f *testing.F) {
	for _, p := range markdownPayloads {
		f.Add(p)
	}
	f.Add("# Title\n\n- [link](https://example.com)\n- ![img](/a.png)\n\n> quote `code`")
	e, err := New(fstest.MapFS{"t.html": {Data: []byte(`{{markdown .}}`)}}, Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var b strings.Builder
		if err := e.Render(nil, &b, "t.html", src); err != nil {
			t.Fatalf("markdown %q: %v", src, err)
		}
		checkSafeHTML(t, src, b.String())
	})
}

// TestMarkdownPathological checks that input on which markdown parsers take quadratic time
// is shown as escaped text, while ordinary nesting and links are still parsed.
func TestMarkdownPathological(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"t.html": {Data: []byte(`{{markdown .}}`)}}, Config{})
	tests := []struct {
		name     string
		src      string
		fallback bool
	}{
		{"nested quotes", strings.Repeat("> ", 40) + "<x>", true},
		{"nested dashes", strings.Repeat("- ", 40) + "<x>", true},
		{"nested stars", strings.Repeat("* ", 40) + "x", true},
		{"nested numbers", strings.Repeat("1. ", 40) + "x", true},
		{"mixed nesting", strings.Repeat("> 1) - ", 12) + "x", true},
		{"unclosed links", strings.Repeat("[a](", 200), true},
		{"brackets", strings.Repeat("[", 200), true},
		{"spaced brackets", strings.Repeat("[ ", 600), false},
		{"link definitions", strings.Repeat("[x]: /y\n", 600), true},
		{"shallow nesting", "> - a\n>   - b\n>     > c\n", false},
		{"thirty-two levels", strings.Repeat("> ", 32) + "x", false},
		{"many links", strings.Repeat("[a](/b) ", 1000), false},
		{"adjacent links", strings.Repeat("[a](/b)", 50), false},
		{"some definitions", strings.Repeat("[x]: /y\n", 10) + "[x]", false},
		{"dashes in prose", "a - b - c - d " + strings.Repeat("- ", 100), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := pathological(tt.src); got != tt.fallback {
				t.Fatalf("pathological = %v, want %v", got, tt.fallback)
			}
			out := renderString(t, e, "t.html", tt.src)
			checkSafeHTML(t, tt.src, out)
			if want := "<p>" + html.EscapeString(tt.src) + "</p>\n"; tt.fallback && out != want {
				t.Errorf("got %q, want the escaped text", out[:min(len(out), 200)])
			}
		})
	}
}

// BenchmarkMarkdownHostile measures the markdown helper on hostile input at the default
// size limit; each case must stay in milliseconds.
func BenchmarkMarkdownHostile(b *testing.B) {
	e := newEngine(b, fstest.MapFS{"t.html": {Data: []byte(`{{markdown .}}`)}}, Config{})
	limit := e.cfg.MaxMarkdownBytes
	for _, unit := range []string{"> ", "- ", "[a](", "[", "[x]: y\n", "*a", "~~a", "_a ", "<a", "prose with [a link](/x) and *emphasis*\n"} {
		src := strings.Repeat(unit, limit/len(unit))
		b.Run(strings.TrimSpace(unit), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if err := e.Render(nil, io.Discard, "t.html", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
