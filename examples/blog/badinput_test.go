package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

// TestBadInput sends malformed, oversized and hostile submissions to the blog's forms and
// URLs: each gets a clear 4xx (a form shown again with its error, or a status of its own),
// nothing is stored, and the app keeps serving.
func TestBadInput(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c, u := writer(t, app, "fuzzy@example.com")
	post := &Post{Title: "Target", Body: "b", AuthorID: u.ID}
	if err := orm.Create(app.Ctx(), post); err != nil {
		t.Fatal(err)
	}
	postPath := fmt.Sprintf("/posts/%d", post.ID)
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	const urlencoded = "application/x-www-form-urlencoded"
	tests := []struct {
		name, method, path, body, contentType string
		status                                int
		contains                              string // on the page answered, when set
	}{
		{"10 MB title", "POST", "/posts", "body=b&title=" + strings.Repeat("a", 10<<20), urlencoded, 413, ""},
		{"2 MB title", "POST", "/posts", "body=b&title=" + strings.Repeat("a", 2<<20), urlencoded, 422, "too long"},
		{"title over 200", "POST", "/posts", form("title", strings.Repeat("é", 201), "body", "b"), urlencoded, 422, "at most 200"},
		{"body over 20000", "POST", "/posts", form("title", "t", "body", strings.Repeat("x", 20001)), urlencoded, 422, "at most 20000"},
		{"10 MB comment", "POST", postPath + "/comments", "body=" + strings.Repeat("<", 10<<20), urlencoded, 413, ""},
		{"comment over 5000", "POST", postPath + "/comments", form("body", strings.Repeat("x", 5001)), urlencoded, 422, "at most 5000"},
		{"six tags", "POST", "/posts", form("title", "t", "body", "b", "tags", "a,b,c,d,e,f"), urlencoded, 422, "At most 5 tags"},
		{"hostile tag", "POST", "/posts", form("title", "t", "body", "b", "tags", `go, <script>alert(1)</script>`), urlencoded, 422, "a tag has at most 30"},
		{"long tag", "POST", "/posts", form("title", "t", "body", "b", "tags", strings.Repeat("t", 31)), urlencoded, 422, "a tag has at most 30"},
		{"invalid UTF-8", "POST", "/posts", "title=%FF%FE&body=b", urlencoded, 422, ""},
		{"bad escape", "POST", "/posts", "title=%zz&body=b", urlencoded, 422, "could not be read (bad URL encoding)"},
		{"JSON instead of a form", "POST", "/posts", `{"title":"t","body":"b"}`, "application/json", 415, ""},
		{"multipart without boundary", "POST", "/posts", "--x\r\n", "multipart/form-data", 422, "could not be read (no multipart boundary)"},
		{"truncated multipart", "POST", "/posts", "--x\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nabc", "multipart/form-data; boundary=x", 422, "could not be read (malformed multipart body)"},
		{"a file where text is expected", "POST", "/posts", "--x\r\nContent-Disposition: form-data; name=\"title\"; filename=\"t.txt\"\r\nContent-Type: text/plain\r\n\r\nabc\r\n--x\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nb\r\n--x--\r\n", "multipart/form-data; boundary=x", 422, "This field is required"},
		{"comment on a missing post", "POST", "/posts/999999/comments", form("body", "hi"), urlencoded, 404, ""},
		{"comment on a post that is not a number", "POST", "/posts/abc/comments", form("body", "hi"), urlencoded, 400, "is not an integer"},
		{"edit of a missing post", "POST", "/posts/999999", form("title", "t", "body", "b"), urlencoded, 404, ""},
		{"post id not a number", "GET", "/posts/abc", "", "", 400, "is not an integer"},
		{"post id overflowing", "GET", "/posts/99999999999999999999999", "", "", 400, "is not an integer"},
		{"negative post id", "GET", "/posts/-1", "", "", 404, ""},
		{"tag with an encoded slash", "GET", "/tags/a%2Fb", "", "", 404, ""},
		{"huge tag", "GET", "/tags/" + strings.Repeat("x", 4000), "", "", 404, ""},
	}
	for _, tt := range tests {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		}
		r := c.Request(tt.method, tt.path, body, tt.contentType)
		if r.Status != tt.status {
			t.Errorf("%s: %s %s answered %d, want %d:\n%.600s", tt.name, tt.method, tt.path, r.Status, tt.status, errorsOf(r))
		} else if tt.contains != "" && !strings.Contains(r.String(), tt.contains) {
			t.Errorf("%s: the page does not say %q:\n%.600s", tt.name, tt.contains, errorsOf(r))
		}
	}
	n, err := orm.Q[Post](app.Ctx()).Count()
	if err != nil || n != 1 {
		t.Errorf("posts after bad input: %d, %v", n, err)
	}
	if n, err := orm.Q[Comment](app.Ctx()).Count(); err != nil || n != 0 {
		t.Errorf("comments after bad input: %d, %v", n, err)
	}
	if got, err := orm.Q[Post](app.Ctx()).Get(post.ID); err != nil || got.Title != "Target" {
		t.Errorf("the post after bad edits: %+v, %v", got, err)
	}

	// Forged requests: no CSRF token, a token of another session.
	forger := app.Client()
	forger.NoCSRF = true
	forger.LoginAs(u)
	forger.PostForm("/posts", url.Values{"title": {"forged"}, "body": {"b"}}).ExpectStatus(http.StatusForbidden)
	req := forger.NewRequest("POST", "/posts", strings.NewReader("title=forged&body=b"))
	req.Header.Set("Content-Type", urlencoded)
	req.Header.Set("X-CSRF-Token", app.Client().CSRFToken())
	forger.Do(req).ExpectStatus(http.StatusForbidden)
	if n := countPosts(t, app); n != 1 {
		t.Errorf("posts after forged requests: %d", n)
	}

	// Still serving.
	c.Get("/").ExpectStatus(200).ExpectText(".summary h2", "Target")
}

// errorsOf returns the error messages of a page (the form's error lists), or its whole
// body when it has none.
func errorsOf(r *testkit.Response) string {
	var msgs []string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		for _, n := range r.Find(".errors, .error") {
			msgs = append(msgs, testkit.TextOf(n))
		}
	}
	if len(msgs) == 0 {
		return r.String()
	}
	return strings.Join(msgs, "\n")
}
