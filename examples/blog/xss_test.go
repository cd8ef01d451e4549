package main

import (
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/testkit"
)

// payloads are stored XSS attempts, written into posts, comments and the author's name.
var payloads = []string{
	`<script>alert("title")</script>`,
	`"><img src=x onerror=alert(1)>`,
	`javascript:alert(1)`,
	`</textarea><svg onload=alert(1)>`,
	`{{.}} <style>body{background:url("javascript:alert(1)")}</style>`,
}

// markdownPayloads are Markdown bodies that try to smuggle HTML, scripts or script URLs
// through the markdown helper.
var markdownPayloads = []string{
	"<script>alert('body')</script>",
	"<img src=x onerror=alert(1)>",
	"[click](javascript:alert(1))",
	"[click](JaVaScRiPt:alert(1))",
	"[click](\tjavascript:alert(1))",
	"![img](javascript:alert(1))",
	"<a href=\"javascript:alert(1)\">raw</a>",
	"[ref]\n\n[ref]: javascript:alert(1)",
	"<iframe src=\"https://evil.example\"></iframe>",
	"[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"<div style=\"background:url(javascript:alert(1))\">x</div>",
	"`<script>in code</script>`",
}

// TestStoredXSS stores hostile text in every field the blog shows (post titles and bodies,
// comments, tags, user names) and checks that every page renders it inert: no script
// element, no event handler attribute, no script URL, no style element or attribute, on
// the home page, the post page, the tag page, the edit form and the feed.
func TestStoredXSS(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := newUser(t, app, "mallory@example.com", func(u *auth.User) { u.Name = `<script>alert("name")</script>` })
	c := app.Client()
	c.LoginAs(u)

	var posts []string
	for i, p := range payloads {
		body := markdownPayloads[i%len(markdownPayloads)] + "\n\n" + p
		r := c.PostForm("/posts", url.Values{"title": {p}, "body": {body}, "tags": {"xss"}}).ExpectStatus(303)
		posts = append(posts, r.Header.Get("Location"))
	}
	for i, m := range markdownPayloads {
		c.PostForm(posts[i%len(posts)]+"/comments", url.Values{"body": {m}}).ExpectStatus(303)
	}

	pages := []string{"/", "/tags/xss"}
	for _, p := range posts {
		pages = append(pages, p, p+"/edit")
	}
	for _, path := range pages {
		r := c.Get(path).ExpectStatus(200)
		checkInert(t, path, r.HTML())
		r.ExpectNotContains("<script>alert", "<img src=x", "<svg", "<iframe")
	}
	// Every payload is on the pages as text.
	home := c.Get("/").String()
	for _, p := range payloads {
		if !strings.Contains(home, htmlText(p)) {
			t.Errorf("the home page does not show %q as text", p)
		}
	}

	// The feed's descriptions are HTML for feed readers: inert too.
	var doc rssDoc
	if err := xml.Unmarshal(c.Get("/feed.xml").ExpectStatus(200).Body, &doc); err != nil {
		t.Fatal(err)
	}
	for _, item := range doc.Channel.Items {
		root, err := html.Parse(strings.NewReader(item.Description))
		if err != nil {
			t.Fatal(err)
		}
		checkInert(t, "feed item "+item.Link, root)
	}
}

// htmlText is how html/template escapes s in text.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;").Replace(s)
}

// checkInert walks a page and reports anything that could run a script.
func checkInert(t *testing.T, page string, root *html.Node) {
	t.Helper()
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "svg", "style", "img":
				t.Errorf("%s: a <%s> element: %s", page, n.Data, testkit.TextOfRaw(n))
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				switch {
				case strings.HasPrefix(a.Key, "on"):
					t.Errorf("%s: <%s %s=%q>", page, n.Data, a.Key, a.Val)
				case a.Key == "style":
					t.Errorf("%s: <%s style=%q>", page, n.Data, a.Val)
				case (a.Key == "href" || a.Key == "src" || a.Key == "action") &&
					(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:")):
					t.Errorf("%s: <%s %s=%q>", page, n.Data, a.Key, a.Val)
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	walk(root)
}
