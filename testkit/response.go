package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Response is a whole response of the app, with assertions. The Expect methods report a
// failure with t.Errorf (the test goes on, so one run shows every mismatch) and return the
// response, so they chain; the methods returning values stop the test when they cannot.
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Header holds the response headers.
	Header http.Header
	// Body is the whole body.
	Body []byte
	// Request is the request that was sent.
	Request *http.Request

	t   testing.TB
	c   *Client
	doc *html.Node
}

// String returns the body as a string.
func (r *Response) String() string { return string(r.Body) }

// what names the request in messages, with an excerpt of the body.
func (r *Response) what() string {
	body := string(r.Body)
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	return fmt.Sprintf("%s %s answered %d:\n%s", r.Request.Method, r.Request.URL.RequestURI(), r.Status, body)
}

// ExpectStatus checks the status code.
func (r *Response) ExpectStatus(code int) *Response {
	r.t.Helper()
	if r.Status != code {
		r.t.Errorf("want status %d; %s", code, r.what())
	}
	return r
}

// ExpectRedirect checks that the response redirects (3xx) to the path or URL to.
func (r *Response) ExpectRedirect(to string) *Response {
	r.t.Helper()
	loc := r.Header.Get("Location")
	if r.Status < 300 || r.Status > 399 || loc != to {
		r.t.Errorf("want a redirect to %q, got Location %q; %s", to, loc, r.what())
	}
	return r
}

// ExpectHeader checks that header name has the value want.
func (r *Response) ExpectHeader(name, want string) *Response {
	r.t.Helper()
	if got := r.Header.Get(name); got != want {
		r.t.Errorf("want header %s %q, got %q; %s", name, want, got, r.what())
	}
	return r
}

// ExpectContains checks that the body contains each of the strings.
func (r *Response) ExpectContains(subs ...string) *Response {
	r.t.Helper()
	for _, s := range subs {
		if !bytes.Contains(r.Body, []byte(s)) {
			r.t.Errorf("want the body to contain %q; %s", s, r.what())
		}
	}
	return r
}

// ExpectNotContains checks that the body contains none of the strings.
func (r *Response) ExpectNotContains(subs ...string) *Response {
	r.t.Helper()
	for _, s := range subs {
		if bytes.Contains(r.Body, []byte(s)) {
			r.t.Errorf("want the body not to contain %q; %s", s, r.what())
		}
	}
	return r
}

// Follow sends GET to the response's Location with the same client and returns the answer.
func (r *Response) Follow() *Response {
	r.t.Helper()
	loc := r.Header.Get("Location")
	if loc == "" {
		r.t.Fatalf("testkit: Follow: no Location; %s", r.what())
	}
	u, err := r.Request.URL.Parse(loc)
	if err != nil {
		r.t.Fatalf("testkit: Follow: Location %q: %v", loc, err)
	}
	return r.c.Get(u.RequestURI())
}

// JSON decodes the body into v, stopping the test when it is not JSON of v's shape.
func (r *Response) JSON(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("testkit: decoding JSON into %T: %v; %s", v, err, r.what())
	}
}

// ExpectJSON checks that the body is the JSON document want (a string, []byte or a value
// to encode), comparing values, not text: key order and spacing do not matter.
func (r *Response) ExpectJSON(want any) *Response {
	r.t.Helper()
	w, err := normalize(want)
	if err != nil {
		r.t.Fatalf("testkit: ExpectJSON: the expected value: %v", err)
	}
	var got any
	if err := json.Unmarshal(r.Body, &got); err != nil {
		r.t.Errorf("want JSON, the body is not (%v); %s", err, r.what())
		return r
	}
	if !reflect.DeepEqual(got, w) {
		wb, _ := json.Marshal(w)
		r.t.Errorf("want JSON %s; %s", wb, r.what())
	}
	return r
}

// ExpectJSONPath checks the value at a dotted path of the JSON body: "title",
// "items.0.author.name" (numbers index arrays). want is compared as JSON: 3, "3" and 3.0
// differ only as JSON does (3 and 3.0 are equal; 3 and "3" are not).
func (r *Response) ExpectJSONPath(path string, want any) *Response {
	r.t.Helper()
	got, err := r.JSONPath(path)
	if err != nil {
		r.t.Errorf("%v; %s", err, r.what())
		return r
	}
	w, err := normalize(want)
	if err != nil {
		r.t.Fatalf("testkit: ExpectJSONPath: the expected value: %v", err)
	}
	if s, ok := want.(string); ok {
		w = s // a string is a JSON string here, not a document
	}
	if !reflect.DeepEqual(got, w) {
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(w)
		r.t.Errorf("JSON at %q is %s, want %s; %s", path, gb, wb, r.what())
	}
	return r
}

// JSONPath returns the value at a dotted path of the JSON body (see ExpectJSONPath), as
// encoding/json decodes it into an any: float64, string, bool, nil, []any, map[string]any.
func (r *Response) JSONPath(path string) (any, error) {
	var cur any
	if err := json.Unmarshal(r.Body, &cur); err != nil {
		return nil, fmt.Errorf("the body is not JSON: %v", err)
	}
	if path == "" {
		return cur, nil
	}
	for i, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, fmt.Errorf("JSON path %q: no key %q", path, strings.Join(strings.Split(path, ".")[:i+1], "."))
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(v) {
				return nil, fmt.Errorf("JSON path %q: index %q out of an array of %d", path, part, len(v))
			}
			cur = v[n]
		default:
			return nil, fmt.Errorf("JSON path %q: %q is not in an object or array", path, part)
		}
	}
	return cur, nil
}

// normalize turns want into what encoding/json makes of its encoding.
func normalize(want any) (any, error) {
	var b []byte
	switch w := want.(type) {
	case string:
		b = []byte(w)
	case []byte:
		b = w
	case json.RawMessage:
		b = w
	default:
		var err error
		if b, err = json.Marshal(w); err != nil {
			return nil, err
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		if s, ok := want.(string); ok {
			return s, nil // a plain string, for ExpectJSONPath
		}
		return nil, err
	}
	return v, nil
}

// HTML returns the parsed body, stopping the test when it cannot be parsed.
func (r *Response) HTML() *html.Node {
	r.t.Helper()
	if r.doc == nil {
		doc, err := html.Parse(bytes.NewReader(r.Body))
		if err != nil {
			r.t.Fatalf("testkit: parsing HTML: %v; %s", err, r.what())
		}
		r.doc = doc
	}
	return r.doc
}

// Find returns the elements matching a simple CSS selector, in document order: compound
// selectors of a tag, #id, .class and [attr], [attr=value], [attr^=value], [attr*=value]
// parts, joined by spaces (descendants) or > (children), and selector lists separated by
// commas. A selector it cannot parse stops the test.
func (r *Response) Find(selector string) []*html.Node {
	r.t.Helper()
	sel, err := parseSelector(selector)
	if err != nil {
		r.t.Fatalf("testkit: %v", err)
	}
	return sel.all(r.HTML())
}

// ExpectSelector checks that at least one element matches selector (see Find).
func (r *Response) ExpectSelector(selector string) *Response {
	r.t.Helper()
	if len(r.Find(selector)) == 0 {
		r.t.Errorf("want an element matching %q; %s", selector, r.what())
	}
	return r
}

// ExpectSelectorCount checks that exactly n elements match selector (see Find).
func (r *Response) ExpectSelectorCount(selector string, n int) *Response {
	r.t.Helper()
	if got := len(r.Find(selector)); got != n {
		r.t.Errorf("want %d elements matching %q, found %d; %s", n, selector, got, r.what())
	}
	return r
}

// Text returns the text of the first element matching selector, with runs of white space
// collapsed to one space and trimmed; it stops the test when nothing matches.
func (r *Response) Text(selector string) string {
	r.t.Helper()
	found := r.Find(selector)
	if len(found) == 0 {
		r.t.Fatalf("testkit: no element matches %q; %s", selector, r.what())
	}
	return TextOf(found[0])
}

// ExpectText checks that the text of some element matching selector contains want.
func (r *Response) ExpectText(selector, want string) *Response {
	r.t.Helper()
	found := r.Find(selector)
	var texts []string
	for _, n := range found {
		s := TextOf(n)
		if strings.Contains(s, want) {
			return r
		}
		texts = append(texts, s)
	}
	r.t.Errorf("want an element matching %q with text %q, found %q; %s", selector, want, texts, r.what())
	return r
}

// TextOf returns the text inside n with runs of white space collapsed and trimmed.
func TextOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Attr returns the value of n's attribute name, "" when it has none.
func Attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// Submit fills the first form matching selector with the values it already holds (hidden
// fields such as csrf_token included, checked boxes, selected options, text areas), replaces
// them with values, and sends it the way a browser would (its method and action, URL-encoded).
func (r *Response) Submit(selector string, values url.Values) *Response {
	r.t.Helper()
	forms := r.Find(selector)
	if len(forms) == 0 || forms[0].Data != "form" {
		r.t.Fatalf("testkit: Submit: no form matches %q; %s", selector, r.what())
	}
	f := forms[0]
	data := FormValues(f)
	for k, vs := range values {
		data[k] = vs
	}
	action := Attr(f, "action")
	u, err := r.Request.URL.Parse(action)
	if err != nil {
		r.t.Fatalf("testkit: Submit: action %q: %v", action, err)
	}
	method := strings.ToUpper(Attr(f, "method"))
	if method == "" {
		method = http.MethodGet
	}
	if method == http.MethodGet {
		u.RawQuery = data.Encode()
		return r.c.Get(u.RequestURI())
	}
	return r.c.PostForm(u.RequestURI(), data)
}

// FormValues returns the values a browser would submit for the form element f, before any
// typing: named inputs (checked ones for checkboxes and radios), text areas and selected
// options.
func FormValues(f *html.Node) url.Values {
	v := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := Attr(n, "name")
			_, disabled := attrOK(n, "disabled")
			if name != "" && !disabled {
				switch n.Data {
				case "input":
					switch strings.ToLower(Attr(n, "type")) {
					case "checkbox", "radio":
						if _, ok := attrOK(n, "checked"); ok {
							val, has := attrOK(n, "value")
							if !has {
								val = "on"
							}
							v.Add(name, val)
						}
					case "submit", "button", "image", "reset", "file":
					default:
						v.Add(name, Attr(n, "value"))
					}
				case "textarea":
					v.Add(name, strings.TrimPrefix(TextOfRaw(n), "\n"))
				case "select":
					for _, o := range (&selector{parts: []compound{{tag: "option"}}}).all(n) {
						if _, ok := attrOK(o, "selected"); ok {
							val, has := attrOK(o, "value")
							if !has {
								val = TextOf(o)
							}
							v.Add(name, val)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(f)
	return v
}

// TextOfRaw returns the text inside n as it is.
func TextOfRaw(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func attrOK(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}
