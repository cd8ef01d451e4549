package view

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sinewdev/sinew/web"
)

// xssPayloads are stored values an attacker might have saved (a post title, a user name).
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	`x onclick=alert(1)`,
	`javascript:alert(1)`,
	` JaVaScRiPt:alert(document.cookie)`,
	"java\tscript:alert(1)",
	`data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
	`vbscript:msgbox(1)`,
	`</script><script>alert(1)</script>`,
	`";alert(1);//`,
	`';alert(1);//`,
	`\";alert(1);//`,
	"\u2028alert(1)\u2029",
	"`${alert(1)}`",
	`red;background:url(javascript:alert(1))`,
	`expression(alert(1))`,
	`</style><script>alert(1)</script>`,
	`<!--<script>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`{{.}}`,
	`%3Cscript%3E`,
}

// xssPage puts the same value in every context html/template distinguishes.
const xssPage = `<p id="text">[[{{.}}]]</p>
<p title="[[{{.}}]]">quoted</p>
<p title=[[{{.}}]]>unquoted</p>
<a href="{{.}}">href</a>
<a href="/search?q={{.}}">query</a>
<img src="{{.}}">
<script>var v = {{.}};</script>
<script>var s = "[[{{.}}]]";</script>
<button onclick="go({{.}})">click</button>
<style>p { color: {{.}}; }</style>
<p style="color: {{.}}">styled</p>
<textarea>[[{{.}}]]</textarea>
<a href="{{url "post" .}}">route</a>
<link href="{{static .}}">
`

func extract(t *testing.T, re, out string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no match for %s in:\n%s", re, out)
	}
	return m[1]
}

// TestXSS renders stored payloads in text, attribute, URL, JavaScript and CSS contexts and
// checks that each comes back inert: escaped so that it reads as the same data, or
// replaced by html/template's ZgotmplZ where no escaping can make it safe.
func TestXSS(t *testing.T) {
	t.Parallel()
	e := newEngine(t, fstest.MapFS{"xss.html": {Data: []byte(xssPage)}}, Config{})
	for _, p := range xssPayloads {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			r := newSiteRouter(t, e, func(c *web.Ctx) error { return c.Render(http.StatusOK, "xss.html", p) })
			w := get(t, r, "/page")
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			out := w.Body.String()

			// Text, quoted attributes and RCDATA: escaped, and the same text once unescaped.
			for _, re := range []string{`<p id="text">\[\[(.*?)\]\]</p>`, `<p title="\[\[(.*?)\]\]">quoted`, `<textarea>\[\[(.*?)\]\]</textarea>`} {
				v := extract(t, re, out)
				if strings.ContainsAny(v, `<>"'`) {
					t.Errorf("%s: unescaped markup %q", re, v)
				}
				if html.UnescapeString(v) != p {
					t.Errorf("%s: %q does not read back as the payload", re, v)
				}
			}
			// Unquoted attribute: nothing that could end the value or start another attribute.
			v := extract(t, `<p title=\[\[(.*?)\]\]>unquoted`, out)
			if strings.ContainsAny(v, " \t\n\f\r\"'<>=`") { // what ends an unquoted value in HTML
				t.Errorf("unquoted attribute: %q can break out", v)
			}
			if html.UnescapeString(v) != p {
				t.Errorf("unquoted attribute: %q does not read back as the payload", v)
			}
			// URLs: never a script-running scheme, never a quote.
			for _, re := range []string{`<a href="([^"]*)">href`, `<img src="([^"]*)">`, `<a href="([^"]*)">route`, `<link href="([^"]*)">`} {
				v := extract(t, re, out)
				if strings.ContainsAny(v, `<>"'`) {
					t.Errorf("%s: unescaped markup %q", re, v)
				}
				scheme := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, html.UnescapeString(v)))
				for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.HasPrefix(scheme, bad) {
						t.Errorf("%s: dangerous URL %q", re, v)
					}
				}
			}
			q := extract(t, `<a href="/search\?q=([^"]*)">query`, out)
			if got, err := url.QueryUnescape(html.UnescapeString(q)); err != nil || got != p {
				t.Errorf("query: %q reads back as %q (%v)", q, got, err)
			}
			// JavaScript value: a string literal holding exactly the payload.
			js := extract(t, `<script>var v = (.*?);</script>`, out)
			var s string
			if err := json.Unmarshal([]byte(js), &s); err != nil || s != p {
				t.Errorf("script value %s is not the payload as a string literal (%v)", js, err)
			}
			if strings.Contains(js, "<") {
				t.Errorf("script value %s contains '<'", js)
			}
			// JavaScript string: no quote or markup that could end it.
			jss := extract(t, `var s = "\[\[(.*?)\]\]";`, out)
			if strings.ContainsAny(jss, "\"'<>\n\u2028\u2029`") {
				t.Errorf("script string %q can break out", jss)
			}
			if got, err := strconv.Unquote(`"` + strings.ReplaceAll(jss, `\/`, `/`) + `"`); err != nil || got != p {
				t.Errorf("script string %q reads back as %q (%v)", jss, got, err)
			}
			// Event handler attribute: a string literal too, after HTML unescaping.
			h := html.UnescapeString(extract(t, `onclick="go\((.*?)\)">click`, out))
			if err := json.Unmarshal([]byte(h), &s); err != nil || s != p {
				t.Errorf("onclick argument %s is not the payload as a string literal (%v)", h, err)
			}
			// CSS: a plain value or ZgotmplZ, nothing that ends the declaration or calls a function.
			for _, re := range []string{`p \{ color: (.*?); \}`, `style="color: ([^"]*)"`} {
				v := extract(t, re, out)
				if v != "ZgotmplZ" && strings.ContainsAny(html.UnescapeString(v), `;:(){}<>"'\`) {
					t.Errorf("%s: unsafe CSS value %q", re, v)
				}
			}
			// And no script element other than the two of the template.
			if n := strings.Count(strings.ToLower(out), "<script"); n != 2 {
				t.Errorf("%d script elements in:\n%s", n, out)
			}
		})
	}
}
