package main

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

// newTestApp returns the blog, set up as main sets it up, on a private in-memory SQLite
// database with the migrations applied (SINEW_TEST_DB=postgres or mysql runs the same
// tests on those servers), served on a local port until the test ends.
func newTestApp(t *testing.T) *testkit.App {
	t.Helper()
	return newTestAppWith(t, setup)
}

// newTestAppWith is newTestApp with a setup function of the test's own (one that wraps
// setup).
func newTestAppWith(t *testing.T, setup func(*sinew.App) error) *testkit.App {
	t.Helper()
	return testkit.NewWithConfig(t, testkit.Config{Database: testkit.FromEnv}, setup)
}

// newUser saves an active user (without a password: clients log in with LoginAs).
func newUser(t *testing.T, app *testkit.App, email string, mods ...func(*auth.User)) *auth.User {
	t.Helper()
	u := &auth.User{Email: email, Name: strings.Split(email, "@")[0], IsActive: true}
	for _, m := range mods {
		m(u)
	}
	if err := orm.Create(app.Ctx(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// writer returns a client logged in as a new user.
func writer(t *testing.T, app *testkit.App, email string) (*testkit.Client, *auth.User) {
	t.Helper()
	u := newUser(t, app, email)
	c := app.Client()
	c.LoginAs(u)
	return c, u
}

// countPosts returns the number of stored posts.
func countPosts(t *testing.T, app *testkit.App) int64 {
	t.Helper()
	n, err := orm.Q[Post](app.Ctx()).Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// expectValue checks the value attribute of the first element matching selector (testkit's
// selectors cannot quote a value with a comma).
func expectValue(t *testing.T, r *testkit.Response, selector, want string) {
	t.Helper()
	nodes := r.Find(selector)
	if len(nodes) == 0 {
		t.Errorf("no %s", selector)
		return
	}
	if got := testkit.Attr(nodes[0], "value"); got != want {
		t.Errorf("%s: value %q, want %q", selector, got, want)
	}
}

func TestVisitor(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.Client()
	c.Header.Set("Accept", "text/html") // a browser: RequireLogin redirects it to the login page
	c.Get("/").ExpectStatus(200).
		ExpectText("h1", "Latest posts").
		ExpectText(".empty", "No posts yet").
		ExpectSelector(`link[rel=stylesheet][href^="/static/blog."]`).
		ExpectSelector(`a[href="/auth/signup"]`)
	css := c.Get("/").Find(`link[rel=stylesheet]`)
	href := testkit.Attr(css[0], "href")
	if href == "/static/blog.css" {
		t.Errorf("stylesheet not fingerprinted: %s", href)
	}
	c.Get(href).ExpectStatus(200).ExpectHeader("Cache-Control", "public, max-age=31536000, immutable")

	// Writing needs a login; the login page sends the visitor back.
	c.Get("/posts/new").ExpectStatus(303).ExpectRedirect("/auth/login?next=%2Fposts%2Fnew")
	r := c.PostForm("/posts", url.Values{"title": {"T"}, "body": {"B"}})
	if r.Status < 300 || r.Status >= 500 || r.Status == http.StatusOK {
		t.Errorf("POST /posts without a login: %d", r.Status)
	}
	c.Get("/auth/signup").ExpectStatus(200).
		ExpectSelector(`link[rel=stylesheet][href="/static/blog.css"]`). // the blog's look on auth pages
		ExpectText("header .brand", "Sinew blog")
	if countPosts(t, app) != 0 {
		t.Error("a visitor stored a post")
	}
}

func TestWriteEditAndComment(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c, u := writer(t, app, "ada@example.com")

	form := c.Get("/posts/new").ExpectStatus(200).
		ExpectSelector(`#id_title[required][maxlength="200"]`).
		ExpectSelector(`textarea#id_body[required]`)

	// Invalid first: no title, a bad tag. The errors are shown, the values kept.
	r := form.Submit("form.post-form", url.Values{"title": {""}, "body": {"Kept **body**"}, "tags": {"go, bad tag!"}})
	r.ExpectStatus(422).
		ExpectSelector(`#id_title[aria-invalid="true"]`).
		ExpectText("#id_title-error", "required").
		ExpectText("#id_tags-error", "letters, digits").
		ExpectText("textarea#id_body", "Kept **body**")
	expectValue(t, r, "#id_tags", "go, bad tag!")
	if countPosts(t, app) != 0 {
		t.Fatal("an invalid post was stored")
	}

	// Then valid: stored with its tags (lower-cased, without duplicates), shown with a flash.
	r = r.Submit("form.post-form", url.Values{"title": {"Hello, Sinew"}, "body": {"Some **bold** text."}, "tags": {"Go, web,  go , Big Data"}})
	r.ExpectStatus(303)
	page := r.Follow().ExpectStatus(200).
		ExpectText("h1", "Hello, Sinew").
		ExpectText(".flash", "published").
		ExpectText(".post .body strong", "bold").
		ExpectSelectorCount(".post .tags li", 3).
		ExpectText(".post .tags", "#big-data").
		ExpectSelector(`a[href$="/edit"]`)
	post, err := orm.Q[Post](app.Ctx()).Prefetch("Tags").First()
	if err != nil {
		t.Fatal(err)
	}
	if post.AuthorID != u.ID || len(post.Tags) != 3 {
		t.Fatalf("stored post: author %d, tags %v", post.AuthorID, post.Tags)
	}

	// Comment: an empty one first, then a real one.
	page.Submit("form.comment-form", url.Values{"body": {"  "}}).ExpectStatus(422).
		ExpectText("#id_body-error", "required").ExpectText("h1", "Hello, Sinew")
	r = page.Submit("form.comment-form", url.Values{"body": {"Nice *post*."}})
	r.ExpectStatus(303)
	r.Follow().ExpectText(".comments h2", "1 comment").ExpectText(".comment .body em", "post").ExpectText(".comment .meta", "ada")

	// Edit: the form is filled, the tags change (go is unlinked, sql created).
	edit := c.Get(fmt.Sprintf("/posts/%d/edit", post.ID)).ExpectStatus(200).
		ExpectSelector(`#id_title`)
	expectValue(t, edit, "#id_title", "Hello, Sinew")
	expectValue(t, edit, "#id_tags", "go, web, big-data")
	edit.Submit("form.post-form", url.Values{"title": {"Hello again"}, "tags": {"web, SQL"}}).ExpectStatus(303).
		Follow().ExpectText("h1", "Hello again").ExpectText(".flash", "saved").ExpectSelectorCount(".post .tags li", 2)
	c.Get("/tags/go").ExpectStatus(200).ExpectText(".empty", "No posts")
	c.Get("/tags/sql").ExpectStatus(200).ExpectText("h1", "#sql").ExpectText(".summary h2", "Hello again")
	c.Get("/tags/SQL").ExpectStatus(200).ExpectText(".summary h2", "Hello again")
	c.Get("/tags/nothing").ExpectStatus(404)

	// Listed on the home page, by its author.
	c.Get("/").ExpectText(".summary h2", "Hello again").ExpectText(".summary .meta", "ada")

	// Deleted from its edit page, with its comments and tag links.
	c.Get(fmt.Sprintf("/posts/%d/edit", post.ID)).Submit("form.delete-form", nil).ExpectStatus(303).ExpectRedirect("/").
		Follow().ExpectText(".flash", "“Hello again” is deleted.").ExpectText(".empty", "No posts yet")
	c.Get(fmt.Sprintf("/posts/%d", post.ID)).ExpectStatus(404)
	if n, err := orm.Q[Comment](app.Ctx()).Count(); err != nil || n != 0 {
		t.Errorf("comments left: %d, %v", n, err)
	}
	c.Get("/tags/web").ExpectStatus(200).ExpectText(".empty", "No posts")
}

func TestOnlyTheAuthorEdits(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	author := newUser(t, app, "author@example.com")
	post := &Post{Title: "Mine", Body: "text", AuthorID: author.ID}
	if err := orm.Create(app.Ctx(), post); err != nil {
		t.Fatal(err)
	}
	other, _ := writer(t, app, "other@example.com")
	path := fmt.Sprintf("/posts/%d", post.ID)
	other.Get(path).ExpectStatus(200).ExpectNotContains(path + "/edit")
	other.Get(path + "/edit").ExpectStatus(403)
	other.PostForm(path, url.Values{"title": {"Stolen"}, "body": {"x"}}).ExpectStatus(403)
	other.PostForm(path+"/delete", nil).ExpectStatus(403)

	root := app.Client()
	root.LoginAs(newUser(t, app, "root@example.com", func(u *auth.User) { u.IsSuperuser, u.IsStaff = true, true }))
	root.Get(path + "/edit").ExpectStatus(200)

	got, err := orm.Q[Post](app.Ctx()).Get(post.ID)
	if err != nil || got.Title != "Mine" {
		t.Errorf("post after another user's POST: %+v, %v", got, err)
	}
	other.Get("/posts/999999/edit").ExpectStatus(404)
}

func TestPagination(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	u := newUser(t, app, "prolific@example.com")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 23; i++ {
		p := &Post{Title: fmt.Sprintf("Post %02d", i), Body: "b", AuthorID: u.ID}
		p.CreatedAt = start.Add(time.Duration(i) * time.Hour)
		if err := orm.Create(app.Ctx(), p); err != nil {
			t.Fatal(err)
		}
	}
	c := app.Client()
	tests := []struct {
		query       string
		status      int
		count       int
		first, page string
	}{
		{"", 200, 10, "Post 23", "Page 1 of 3"},
		{"?page=2", 200, 10, "Post 13", "Page 2 of 3"},
		{"?page=3", 200, 3, "Post 03", "Page 3 of 3"},
		{"?page=4", 404, 0, "", ""},
		{"?page=0", 400, 0, "", ""},
		{"?page=-1", 400, 0, "", ""},
		{"?page=abc", 400, 0, "", ""},
		{"?page=1e3", 400, 0, "", ""},
		{"?page=99999999999999999999999", 400, 0, "", ""},
		{"?page=" + strings.Repeat("9", 5000), 400, 0, "", ""},
	}
	for _, tt := range tests {
		r := c.Get("/" + tt.query).ExpectStatus(tt.status)
		if tt.status != 200 {
			continue
		}
		r.ExpectSelectorCount(".summary", tt.count).ExpectText(".summary h2", tt.first).ExpectText(".pager", tt.page)
	}
	c.Get("/?page=2").ExpectSelector(`a[rel=prev][href="?page=1"]`).ExpectSelector(`a[rel=next][href="?page=3"]`)
}

// rssDoc is what a feed reader reads of the feed.
type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Self struct { // before Link, which would take atom:link too
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Title         string `xml:"title"`
		Link          string `xml:"link"`
		Description   string `xml:"description"`
		LastBuildDate string `xml:"lastBuildDate"`
		Items         []struct {
			Title       string   `xml:"title"`
			Link        string   `xml:"link"`
			GUID        string   `xml:"guid"`
			PubDate     string   `xml:"pubDate"`
			Category    []string `xml:"category"`
			Description string   `xml:"description"`
		} `xml:"item"`
	} `xml:"channel"`
}

func TestFeed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c, _ := writer(t, app, "feed@example.com")
	c.PostForm("/posts", url.Values{"title": {"Ampersands & <angles> \x01"}, "body": {"# Heading\n\n<script>alert(1)</script>\n\nSome *em*."}, "tags": {"go"}}).ExpectStatus(303)
	c.PostForm("/posts", url.Values{"title": {"Second"}, "body": {"two"}}).ExpectStatus(303)

	r := app.Client().Get("/feed.xml").ExpectStatus(200).ExpectHeader("Content-Type", "application/rss+xml; charset=utf-8")
	var doc rssDoc
	if err := xml.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("the feed is not XML: %v\n%s", err, r.Body)
	}
	if doc.Version != "2.0" || doc.Channel.Title != "Sinew blog" || !strings.HasPrefix(doc.Channel.Link, "http://127.0.0.1:") || doc.Channel.Description == "" {
		t.Errorf("channel: %+v", doc)
	}
	if doc.Channel.Self.Href != app.URL+"/feed.xml" || doc.Channel.Self.Rel != "self" {
		t.Errorf("atom:link: %+v", doc.Channel.Self)
	}
	if len(doc.Channel.Items) != 2 {
		t.Fatalf("items: %d", len(doc.Channel.Items))
	}
	second, first := doc.Channel.Items[0], doc.Channel.Items[1]
	if second.Title != "Second" {
		t.Errorf("newest first: %q", second.Title)
	}
	if first.Title != "Ampersands & <angles> \uFFFD" {
		t.Errorf("title: %q", first.Title)
	}
	if !strings.HasPrefix(first.Link, app.URL+"/posts/") || first.GUID != first.Link {
		t.Errorf("link %q, guid %q", first.Link, first.GUID)
	}
	pub, err := time.Parse(time.RFC1123Z, first.PubDate)
	if err != nil {
		t.Errorf("pubDate: %v", err)
	}
	if built, err := time.Parse(time.RFC1123Z, doc.Channel.LastBuildDate); err != nil || built.Before(pub) {
		t.Errorf("lastBuildDate %q (%v), before the first post's %q", doc.Channel.LastBuildDate, err, first.PubDate)
	}
	if len(first.Category) != 1 || first.Category[0] != "go" {
		t.Errorf("categories: %v", first.Category)
	}
	// The description is the HTML of the body, escaped in the XML; raw HTML is dropped.
	if !strings.Contains(first.Description, "<h1>Heading</h1>") || !strings.Contains(first.Description, "<em>em</em>") || strings.Contains(first.Description, "<script") {
		t.Errorf("description: %q", first.Description)
	}
	if strings.Contains(string(r.Body), "<h1>") || !strings.Contains(string(r.Body), `xmlns:atom="http://www.w3.org/2005/Atom"`) || !strings.Contains(string(r.Body), `rel="self"`) {
		t.Errorf("raw feed:\n%s", r.Body)
	}
}

func TestAdmin(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	c := app.Client()
	c.LoginAs(newUser(t, app, "root@example.com", func(u *auth.User) { u.IsSuperuser, u.IsStaff = true, true }))
	c.Get("/admin/").ExpectStatus(200).ExpectContains("Posts", "Comments", "Tags", "Users")
	author := newUser(t, app, "a@example.com")
	post := &Post{Title: "<b>Admin</b> post", Body: "x", AuthorID: author.ID}
	if err := orm.Create(app.Ctx(), post); err != nil {
		t.Fatal(err)
	}
	c.Get("/admin/post/").ExpectStatus(200).ExpectContains("&lt;b&gt;Admin&lt;/b&gt; post").ExpectNotContains("<b>Admin</b>")
	c.Get(fmt.Sprintf("/admin/post/%d/", post.ID)).ExpectStatus(200).ExpectSelector("#id_title")

	// A signed-up user who is not staff gets no admin.
	reader, _ := writer(t, app, "reader@example.com")
	reader.Get("/admin/").ExpectStatus(403)
}
