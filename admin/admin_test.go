package admin_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/admin"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/migrate"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

type Author struct {
	orm.Model
	Name     string `orm:"size=100" validate:"required"`
	Articles []Article
}

type Article struct {
	orm.Model
	Title     string `orm:"size=200" validate:"required,max=200"`
	Body      string `orm:"text"`
	Status    string `orm:"size=10,default=draft,choices=draft:Draft|live:Live"`
	Published bool
	AuthorID  int64 `orm:"fk=Author,ondelete=cascade"`
	Author    *Author
	Tags      []Tag `orm:"m2m=article_tags"`
}

type Tag struct {
	orm.Model
	Name string `orm:"size=50,unique"`
}

// site is a running app with the admin mounted, and its users.
type site struct {
	app  *sinew.App
	base string
}

const password = "an unusual admin passphrase"

func startSite(t *testing.T, opts admin.Options[Article]) *site {
	t.Helper()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{})
	app.Models(Author{}, Tag{}, Article{})
	reg := orm.NewRegistry()
	if err := reg.Register(Author{}, Tag{}, Article{}); err != nil {
		t.Fatal(err)
	}
	f, err := migrate.Make(nil, reg.Models(), migrate.MakeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	app.Migrations([]migrate.Migration{f.Migration})
	s := admin.New(app, admin.Config{})
	admin.Register(s, admin.Options[Author]{Search: []string{"Name"},
		Inlines: []admin.Inline{{Relation: "Articles", Fields: []string{"Title", "Status"}, Extra: 2}}})
	admin.Register(s, admin.Options[Tag]{})
	admin.Register(s, opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	st := &site{app: app, base: "http://" + ln.Addr().String()}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(st.base + "/healthz")
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app does not answer: %v", err)
		}
	}
	if err := auth.SyncPermissions(st.ctx(t), app.Registry()); err != nil {
		t.Fatal(err)
	}
	return st
}

func (s *site) ctx(t *testing.T) context.Context { return orm.WithDB(t.Context(), s.app.DB()) }

// user stores an account with the given flags and permissions (codenames).
func (s *site) user(t *testing.T, email string, staff, super bool, perms ...string) *auth.User {
	t.Helper()
	u, err := auth.NewUser(email, password, auth.PasswordConfig{})
	if err != nil {
		t.Fatal(err)
	}
	u.IsStaff, u.IsSuperuser = staff, super
	ctx := s.ctx(t)
	if err := orm.Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, code := range perms {
		p, err := orm.Q[auth.Permission](ctx).Filter("codename", code).First()
		if err != nil {
			t.Fatalf("permission %s: %v", code, err)
		}
		if err := orm.Link(ctx, u, "Permissions", p); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
}

func (s *site) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.base, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	loc    string
	body   string
	header http.Header
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, loc: res.Header.Get("Location"), body: string(data), header: res.Header}
}

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token loads path and returns its form's CSRF token.
func (b *browser) token(path string) string {
	b.t.Helper()
	p := b.do("GET", path, nil)
	m := tokenRE.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("GET %s: %d, no CSRF field:\n%s", path, p.status, p.body)
	}
	return html.UnescapeString(m[1])
}

// post submits a form from the page at from, with its CSRF token.
func (b *browser) post(from, to string, form url.Values) page {
	b.t.Helper()
	form.Set("csrf_token", b.token(from))
	return b.do("POST", to, form)
}

func (b *browser) login(email string) {
	b.t.Helper()
	p := b.post("/auth/login", "/auth/login", url.Values{"email": {email}, "password": {password}})
	if p.status != http.StatusSeeOther && p.status != http.StatusFound {
		b.t.Fatalf("login %s: %d\n%s", email, p.status, p.body)
	}
}

func articleOptions() admin.Options[Article] {
	return admin.Options[Article]{
		List:     []string{"Title", "Status", "Published", "Author.Name", "words"},
		Computed: map[string]admin.Column[Article]{"words": {Label: "Words", Value: func(a *Article) any { return len(strings.Fields(a.Body)) }}},
		Search:   []string{"Title", "Body"},
		Filters:  []string{"Published", "Status", "AuthorID", "CreatedAt"},
		ReadOnly: []string{"CreatedAt"},
		Actions: []admin.Action[Article]{{Name: "publish", Label: "Publish selected", Run: func(c *web.Ctx, objs []*Article) (string, error) {
			for _, a := range objs {
				a.Published = true
				if err := orm.Save(c, a); err != nil {
					return "", err
				}
			}
			return "Published.", nil
		}}},
	}
}

func TestLoginRequired(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	anon := s.browser(t)
	if p := anon.do("GET", "/admin/", nil); p.status != http.StatusSeeOther || p.loc != "/auth/login?next=%2Fadmin%2F" {
		t.Errorf("anonymous dashboard: %d %q", p.status, p.loc)
	}
	if p := anon.do("GET", "/admin/article/?q=x", nil); !strings.HasPrefix(p.loc, "/auth/login?next=") {
		t.Errorf("anonymous list: %d %q", p.status, p.loc)
	}
	s.user(t, "member@example.com", false, false)
	member := s.browser(t)
	member.login("member@example.com")
	if p := member.do("GET", "/admin/", nil); p.status != http.StatusForbidden {
		t.Errorf("a user who is not staff: %d, want 403", p.status)
	}
}

var rowRE = regexp.MustCompile(`name="ids" value="(\d+)"`)

func TestCreateEditSearchFilterDelete(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	b := s.browser(t)
	b.login("root@example.com")

	// An author to point to.
	if p := b.post("/admin/author/add/", "/admin/author/add/", url.Values{"name": {"Ada"}}); p.status != http.StatusSeeOther {
		t.Fatalf("add author: %d\n%s", p.status, p.body)
	}
	author, err := orm.Q[Author](s.ctx(t)).First()
	if err != nil {
		t.Fatal(err)
	}
	aid := itoa(author.ID)

	// An invalid form first: errors shown, values kept, nothing stored.
	p := b.post("/admin/article/add/", "/admin/article/add/", url.Values{"title": {""}, "body": {"kept body text"}, "status": {"draft"}, "author_id": {aid}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "This field is required") || !strings.Contains(p.body, "kept body text") {
		t.Fatalf("invalid add: %d\n%s", p.status, p.body)
	}
	if n, _ := orm.Q[Article](s.ctx(t)).Count(); n != 0 {
		t.Fatalf("an invalid form stored %d rows", n)
	}
	// Then a valid one, and a second with "save and add another".
	p = b.post("/admin/article/add/", "/admin/article/add/", url.Values{"title": {"Hello admin"}, "body": {"one two three"}, "status": {"live"}, "published": {"on"}, "author_id": {aid}})
	if p.status != http.StatusSeeOther || p.loc != "/admin/article/" {
		t.Fatalf("valid add: %d %q\n%s", p.status, p.loc, p.body)
	}
	p = b.post("/admin/article/add/", "/admin/article/add/", url.Values{"title": {"Second draft"}, "status": {"draft"}, "author_id": {aid}, "_addanother": {"1"}})
	if p.status != http.StatusSeeOther || p.loc != "/admin/article/add/" {
		t.Fatalf("save and add another: %d %q", p.status, p.loc)
	}

	// The list shows both, with the related author and the computed column.
	p = b.do("GET", "/admin/article/", nil)
	if p.status != 200 || !strings.Contains(p.body, "Hello admin") || !strings.Contains(p.body, "Second draft") ||
		!strings.Contains(p.body, "Ada") || !strings.Contains(p.body, "<td>3</td>") {
		t.Fatalf("list: %d\n%s", p.status, p.body)
	}
	// Search, filters and sorting.
	for _, tc := range []struct{ query, want, not string }{
		{"q=hello", "Hello admin", "Second draft"},
		{"q=THREE", "Hello admin", "Second draft"},
		{"f_published=0", "Second draft", "Hello admin"},
		{"f_status=live", "Hello admin", "Second draft"},
		{"f_author_id=" + aid + "&f_created_at=today", "Second draft", ""},
	} {
		p := b.do("GET", "/admin/article/?"+tc.query, nil)
		if p.status != 200 || !strings.Contains(p.body, tc.want) || tc.not != "" && strings.Contains(p.body, tc.not) {
			t.Errorf("?%s: %d, want %q without %q", tc.query, p.status, tc.want, tc.not)
		}
	}
	asc := b.do("GET", "/admin/article/?o=title", nil).body
	desc := b.do("GET", "/admin/article/?o=-title", nil).body
	if strings.Index(asc, "Hello admin") > strings.Index(asc, "Second draft") || strings.Index(desc, "Hello admin") < strings.Index(desc, "Second draft") {
		t.Error("sorting by title does not order the rows")
	}

	// Edit: the change is recorded in the history with old and new values.
	first, err := orm.Q[Article](s.ctx(t)).Filter("title", "Hello admin").First()
	if err != nil {
		t.Fatal(err)
	}
	edit := "/admin/article/" + itoa(first.ID) + "/"
	p = b.post(edit, edit, url.Values{"title": {"Hello, edited"}, "body": {"one two three"}, "status": {"live"}, "published": {"on"}, "author_id": {aid}, "_continue": {"1"}})
	if p.status != http.StatusSeeOther || p.loc != edit {
		t.Fatalf("edit: %d %q\n%s", p.status, p.loc, p.body)
	}
	hist := b.do("GET", edit+"history/", nil)
	if !strings.Contains(hist.body, "Hello admin") || !strings.Contains(hist.body, "Hello, edited") || !strings.Contains(hist.body, "root@example.com") {
		t.Errorf("history:\n%s", hist.body)
	}

	// A bulk action, then bulk delete with a confirmation page.
	ids := rowRE.FindAllStringSubmatch(b.do("GET", "/admin/article/", nil).body, -1)
	if len(ids) != 2 {
		t.Fatalf("rows: %v", ids)
	}
	form := url.Values{"action": {"publish"}, "ids": {ids[0][1], ids[1][1]}}
	if p := b.post("/admin/article/", "/admin/article/", form); p.status != http.StatusSeeOther {
		t.Fatalf("publish action: %d\n%s", p.status, p.body)
	}
	if n, _ := orm.Q[Article](s.ctx(t)).Filter("published", true).Count(); n != 2 {
		t.Errorf("after publish: %d published", n)
	}
	form = url.Values{"action": {"delete_selected"}, "ids": {ids[0][1], ids[1][1]}}
	p = b.post("/admin/article/", "/admin/article/", form)
	if p.status != 200 || !strings.Contains(p.body, "Are you sure") {
		t.Fatalf("delete confirmation: %d\n%s", p.status, p.body)
	}
	if n, _ := orm.Q[Article](s.ctx(t)).Count(); n != 2 {
		t.Fatal("the confirmation page deleted rows")
	}
	form.Set("confirm", "yes")
	if p := b.post("/admin/article/", "/admin/article/", form); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", p.status, p.body)
	}
	if n, _ := orm.Q[Article](s.ctx(t)).Count(); n != 0 {
		t.Errorf("after delete: %d rows", n)
	}
	dash := b.do("GET", "/admin/", nil)
	if dash.status != 200 || strings.Count(dash.body, `class="action delete"`) != 2 || !strings.Contains(dash.body, "Authors") {
		t.Errorf("dashboard: %d\n%s", dash.status, dash.body)
	}
}

func TestManyToMany(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	ctx := s.ctx(t)
	author := Author{Name: "Ada"}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	tags := []Tag{{Name: "go"}, {Name: "sql"}, {Name: "web"}}
	for i := range tags {
		if err := orm.Create(ctx, &tags[i]); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	b.login("root@example.com")
	if p := b.do("GET", "/admin/article/add/", nil); !strings.Contains(p.body, `name="m2m_tags" multiple`) || !strings.Contains(p.body, ">sql</option>") {
		t.Fatalf("the add page has no tag picker:\n%s", p.body)
	}
	base := url.Values{"title": {"Tagged"}, "status": {"draft"}, "author_id": {itoa(author.ID)}}
	form := url.Values{}
	for k, v := range base {
		form[k] = v
	}
	form["m2m_tags"] = []string{itoa(tags[0].ID), itoa(tags[1].ID)}
	if p := b.post("/admin/article/add/", "/admin/article/add/", form); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", p.status, p.body)
	}
	art, err := orm.Q[Article](ctx).Prefetch("Tags").First()
	if err != nil || len(art.Tags) != 2 {
		t.Fatalf("links after add: %+v, %v", art, err)
	}
	edit := "/admin/article/" + itoa(art.ID) + "/"
	form["m2m_tags"] = []string{itoa(tags[2].ID)}
	if p := b.post(edit, edit, form); p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.status, p.body)
	}
	art, _ = orm.Q[Article](ctx).Prefetch("Tags").Get(art.ID)
	if len(art.Tags) != 1 || art.Tags[0].Name != "web" {
		t.Errorf("links after edit: %+v", art.Tags)
	}
	if h := b.do("GET", edit+"history/", nil); !strings.Contains(h.body, "go, sql") || !strings.Contains(h.body, "web") {
		t.Errorf("the history does not show the tags change:\n%s", h.body)
	}
	// A forged value is an error on the form, and nothing changes.
	form["m2m_tags"] = []string{"999999"}
	if p := b.post(edit, edit, form); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "select valid tags") {
		t.Errorf("forged tag: %d", p.status)
	}
	art, _ = orm.Q[Article](ctx).Prefetch("Tags").Get(art.ID)
	if len(art.Tags) != 1 {
		t.Errorf("links after a forged form: %+v", art.Tags)
	}
}

func TestSearchModes(t *testing.T) {
	t.Parallel()
	opts := articleOptions()
	opts.Search = []string{"^Title", "=Body"}
	s := startSite(t, opts)
	s.user(t, "root@example.com", true, true)
	ctx := s.ctx(t)
	author := Author{Name: "Ada"}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	for _, a := range []Article{{Title: "Go generics", Body: "exact body"}, {Title: "About Go", Body: "other"}} {
		a.Status, a.AuthorID = "draft", author.ID
		if err := orm.Create(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	b.login("root@example.com")
	for _, tc := range []struct{ q, want, not string }{
		{"Go", "Go generics", "About Go"},          // starts with, as typed
		{"go", "No articles match", "Go generics"}, // case matters for ^
		{"exact body", "Go generics", "About Go"},  // = matches the whole value
		{"exact", "No articles match", "Go generics"},
	} {
		p := b.do("GET", "/admin/article/?q="+url.QueryEscape(tc.q), nil)
		if !strings.Contains(p.body, tc.want) || strings.Contains(p.body, tc.not) {
			t.Errorf("q=%q: want %q without %q", tc.q, tc.want, tc.not)
		}
	}
}

// TestInlines: an author's articles edited on the author's page: change one, delete one,
// add one, in one submission and one transaction, recorded in the author's history.
func TestInlines(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	ctx := s.ctx(t)
	author := Author{Name: "Ada"}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	arts := []Article{{Title: "first", Status: "draft", AuthorID: author.ID}, {Title: "second", Status: "draft", AuthorID: author.ID}}
	for i := range arts {
		if err := orm.Create(ctx, &arts[i]); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	b.login("root@example.com")
	edit := "/admin/author/" + itoa(author.ID) + "/"
	p := b.do("GET", edit, nil)
	if !strings.Contains(p.body, `name="Articles-TOTAL" value="4"`) || !strings.Contains(p.body, `name="Articles-0-title"`) ||
		!strings.Contains(p.body, `value="first"`) || !strings.Contains(p.body, `name="Articles-1-DELETE"`) {
		t.Fatalf("edit page without the inline rows:\n%s", p.body)
	}
	form := url.Values{"name": {"Ada"}, "Articles-TOTAL": {"4"},
		"Articles-0-id": {itoa(arts[0].ID)}, "Articles-0-title": {"first, edited"}, "Articles-0-status": {"live"},
		"Articles-1-id": {itoa(arts[1].ID)}, "Articles-1-title": {"second"}, "Articles-1-status": {"draft"}, "Articles-1-DELETE": {"1"},
		"Articles-2-title": {"third"}, "Articles-2-status": {"draft"},
		"Articles-3-title": {""}, "Articles-3-status": {""},
	}
	// A touched new row with an error first: 422, nothing changes.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("Articles-2-title", "")
	bad.Set("Articles-2-status", "live")
	if p := b.post(edit, edit, bad); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "This field is required") {
		t.Fatalf("invalid inline row: %d\n%s", p.status, p.body)
	}
	if n, _ := orm.Q[Article](ctx).Count(); n != 2 {
		t.Fatalf("an invalid submission changed the articles: %d", n)
	}
	if p := b.post(edit, edit, form); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", p.status, p.body)
	}
	got, err := orm.Q[Article](ctx).OrderBy("id").All()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Title != "first, edited" || got[0].Status != "live" || got[1].Title != "third" || got[1].AuthorID != author.ID {
		t.Errorf("articles after the save: %+v", got)
	}
	h := b.do("GET", edit+"history/", nil)
	for _, want := range []string{"first, edited", "second", "(deleted)", "third"} {
		if !strings.Contains(h.body, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	// Forged rows are refused: another author's article, or too many rows.
	other := Author{Name: "Other"}
	if err := orm.Create(ctx, &other); err != nil {
		t.Fatal(err)
	}
	foreign := Article{Title: "not yours", Status: "draft", AuthorID: other.ID}
	if err := orm.Create(ctx, &foreign); err != nil {
		t.Fatal(err)
	}
	for _, forged := range []url.Values{
		{"name": {"Ada"}, "Articles-TOTAL": {"1"}, "Articles-0-id": {itoa(foreign.ID)}, "Articles-0-title": {"stolen"}, "Articles-0-status": {"draft"}},
		{"name": {"Ada"}, "Articles-TOTAL": {"100000"}},
		{"name": {"Ada"}, "Articles-TOTAL": {"-1"}},
	} {
		if p := b.post(edit, edit, forged); p.status != http.StatusBadRequest {
			t.Errorf("forged inline %v: %d, want 400", forged.Get("Articles-TOTAL"), p.status)
		}
	}
	if f, _ := orm.Q[Article](ctx).Get(foreign.ID); f.Title != "not yours" {
		t.Errorf("another author's article was changed: %q", f.Title)
	}
}

// TestKeyLookup: a foreign key to a table too big to list gets a key input, a search box
// configured by the page, and answers from the lookup endpoint.
func TestKeyLookup(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	seedAuthors(t, s, 501)
	b := s.browser(t)
	b.login("root@example.com")
	p := b.do("GET", "/admin/article/add/", nil)
	if !strings.Contains(p.body, `<script type="application/json" id="admin-lookups">{"id_author_id":"/admin/author/lookup"}</script>`) {
		t.Fatalf("no lookup configuration on the add page:\n%s", p.body)
	}
	p = b.do("GET", "/admin/author/lookup?q=author+0042", nil)
	if p.status != 200 || !strings.Contains(p.body, `"label":"Author 0042"`) || strings.Count(p.body, `"id"`) != 1 {
		t.Errorf("lookup: %d %s", p.status, p.body)
	}
	if p := b.do("GET", "/admin/author/lookup?q="+strings.Repeat("%", 5000), nil); p.status != 200 {
		t.Errorf("hostile lookup: %d", p.status)
	}
}

// seedAuthors stores n authors named "Author 0000"...
func seedAuthors(t *testing.T, s *site, n int) {
	t.Helper()
	rows := make([]Author, n)
	for i := range rows {
		rows[i].Name = fmt.Sprintf("Author %04d", i)
	}
	if err := orm.CreateMany(s.ctx(t), rows); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteListsRelatedRows(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	ctx := s.ctx(t)
	author := Author{Name: "Grace"}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"a", "b", "c"} {
		if err := orm.Create(ctx, &Article{Title: title, Status: "draft", AuthorID: author.ID}); err != nil {
			t.Fatal(err)
		}
	}
	b := s.browser(t)
	b.login("root@example.com")
	path := "/admin/author/" + itoa(author.ID) + "/delete/"
	p := b.do("GET", path, nil)
	if p.status != 200 || !strings.Contains(p.body, "3 articles will be deleted with it") {
		t.Fatalf("delete page: %d\n%s", p.status, p.body)
	}
	if p := b.post(path, path, url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d\n%s", p.status, p.body)
	}
	if n, _ := orm.Q[Article](ctx).Count(); n != 0 {
		t.Errorf("%d articles left after the cascade", n)
	}
}

// TestPermissions: every page and action checks the model permission on the server.
func TestPermissions(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	ctx := s.ctx(t)
	author := Author{Name: "Linus"}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	art := Article{Title: "Kept", Status: "draft", AuthorID: author.ID}
	if err := orm.Create(ctx, &art); err != nil {
		t.Fatal(err)
	}
	s.user(t, "viewer@example.com", true, false, "view_article")
	s.user(t, "nobody@example.com", true, false)
	viewer := s.browser(t)
	viewer.login("viewer@example.com")
	id := itoa(art.ID)
	edit := "/admin/article/" + id + "/"
	tok := viewer.token(edit)
	for _, tc := range []struct {
		method, path string
		form         url.Values
		want         int
	}{
		{"GET", "/admin/article/", nil, 200},
		{"GET", edit, nil, 200},
		{"GET", edit + "history/", nil, 200},
		{"GET", "/admin/article/export.csv", nil, 200},
		{"POST", edit, url.Values{"title": {"Changed"}, "status": {"draft"}, "author_id": {itoa(author.ID)}}, 403},
		{"GET", "/admin/article/add/", nil, 403},
		{"POST", "/admin/article/add/", url.Values{"title": {"New"}, "status": {"draft"}, "author_id": {itoa(author.ID)}}, 403},
		{"GET", edit + "delete/", nil, 403},
		{"POST", edit + "delete/", url.Values{}, 403},
		{"POST", "/admin/article/", url.Values{"action": {"delete_selected"}, "ids": {id}, "confirm": {"yes"}}, 403},
		{"POST", "/admin/article/", url.Values{"action": {"publish"}, "ids": {id}}, 403},
		{"GET", "/admin/author/", nil, 403},
	} {
		if tc.form != nil {
			tc.form.Set("csrf_token", tok)
		}
		if p := viewer.do(tc.method, tc.path, tc.form); p.status != tc.want {
			t.Errorf("viewer %s %s: %d, want %d", tc.method, tc.path, p.status, tc.want)
		}
	}
	p := viewer.do("GET", edit, nil)
	if !strings.Contains(p.body, "<fieldset disabled>") || strings.Contains(p.body, `name="_save"`) {
		t.Error("a viewer's edit page must be read-only")
	}
	if got, _ := orm.Q[Article](ctx).Get(art.ID); got.Title != "Kept" {
		t.Errorf("the viewer changed the article: %q", got.Title)
	}
	nobody := s.browser(t)
	nobody.login("nobody@example.com")
	if p := nobody.do("GET", "/admin/article/", nil); p.status != 403 {
		t.Errorf("staff without permissions: list %d, want 403", p.status)
	}
	if p := nobody.do("GET", "/admin/", nil); p.status != 200 || strings.Contains(p.body, "/admin/article/") {
		t.Errorf("staff without permissions must see an empty dashboard: %d", p.status)
	}
}

func TestCSRFAndHostileInput(t *testing.T) {
	t.Parallel()
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	ctx := s.ctx(t)
	xss := `<script>alert("x")</script>`
	author := Author{Name: xss}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	if err := orm.Create(ctx, &Article{Title: "=HYPERLINK(\"http://evil\")", Body: xss, Status: "draft", AuthorID: author.ID}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("root@example.com")

	// A POST without the token is refused and changes nothing.
	if p := b.do("POST", "/admin/author/add/", url.Values{"name": {"Mallory"}}); p.status != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d, want 403", p.status)
	}
	if n, _ := orm.Q[Author](ctx).Count(); n != 1 {
		t.Errorf("%d authors after a forged POST", n)
	}
	// Stored XSS comes back escaped in list cells, search, filters and history.
	p := b.post("/admin/author/"+itoa(author.ID)+"/", "/admin/author/"+itoa(author.ID)+"/", url.Values{"name": {xss + "!"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", p.status, p.body)
	}
	for _, path := range []string{
		"/admin/article/", "/admin/author/?q=" + url.QueryEscape(xss), "/admin/article/?f_author_id=" + itoa(author.ID),
		"/admin/author/" + itoa(author.ID) + "/history/", "/admin/", "/admin/author/" + itoa(author.ID) + "/delete/",
	} {
		p := b.do("GET", path, nil)
		if p.status != 200 || strings.Contains(p.body, "<script>alert") {
			t.Errorf("GET %s: %d, unescaped payload or error", path, p.status)
		}
	}
	// Malformed and hostile parameters: ignored or a clear 4xx, never a 500.
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/admin/article/?p=-5", 200}, {"/admin/article/?p=abc", 200}, {"/admin/article/?p=99999999999999999999", 200},
		{"/admin/article/?o=password_hash", 200}, {"/admin/article/?o=title;drop", 200},
		{"/admin/article/?f_published=maybe", 200}, {"/admin/article/?f_author_id=abc", 400},
		{"/admin/article/?q=" + strings.Repeat("x", 20000), 200},
		{"/admin/article/abc/", 404}, {"/admin/article/999999/", 404}, {"/admin/article/" + strings.Repeat("9", 200) + "/", 404},
		{"/admin/nosuchmodel/", 404}, {"/admin/article/999/history/", 404},
	} {
		if p := b.do("GET", tc.path, nil); p.status != tc.want {
			t.Errorf("GET %.80s: %d, want %d", tc.path, p.status, tc.want)
		}
	}
	tok := b.token("/admin/article/")
	for _, form := range []url.Values{
		{"action": {"bogus"}, "ids": {"1"}},
		{"action": {"delete_selected"}, "ids": {"abc"}},
		{"action": {"delete_selected"}, "ids": strings.Split(strings.Repeat("1,", 1001), ",")},
	} {
		form.Set("csrf_token", tok)
		if p := b.do("POST", "/admin/article/", form); p.status != 400 {
			t.Errorf("bulk %v: %d, want 400", form.Get("action"), p.status)
		}
	}
	// CSV export defuses formulas.
	csv := b.do("GET", "/admin/article/export.csv", nil)
	if csv.status != 200 || !strings.Contains(csv.body, `'=HYPERLINK`) || csv.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("export: %d %q\n%s", csv.status, csv.header.Get("Content-Type"), csv.body)
	}
}

func TestBadOptionsStopStart(t *testing.T) {
	t.Parallel()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard})
	auth.Register(app, auth.Config{})
	app.Models(Author{}, Tag{}, Article{})
	s := admin.New(app, admin.Config{Accent: "red;}body{display:none"})
	admin.Register(s, admin.Options[Article]{List: []string{"Nope"}, Search: []string{"Published"}, Filters: []string{"Body"}})
	err := app.Start(context.Background())
	if err == nil {
		app.Stop(context.Background())
		t.Fatal("bad options must stop start-up")
	}
	for _, want := range []string{`no field "Nope"`, "Published is not a text field", "Body: filters take", "Config.Accent"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestPermitHookOnEveryObjectPage: an object the Permit hook hides is refused on its edit,
// history and delete pages alike.
func TestPermitHookOnEveryObjectPage(t *testing.T) {
	t.Parallel()
	opts := articleOptions()
	opts.Permit = func(c *web.Ctx, action string, a *Article) bool { return a == nil || a.Title != "secret" }
	s := startSite(t, opts)
	s.user(t, "root@example.com", true, true)
	ctx := s.ctx(t)
	author := Author{Name: "Ada"}
	if err := orm.Create(ctx, &author); err != nil {
		t.Fatal(err)
	}
	art := Article{Title: "secret", Status: "draft", AuthorID: author.ID}
	if err := orm.Create(ctx, &art); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	b.login("root@example.com")
	base := "/admin/article/" + itoa(art.ID) + "/"
	for _, path := range []string{base, base + "history/", base + "delete/"} {
		if p := b.do("GET", path, nil); p.status != http.StatusForbidden {
			t.Errorf("GET %s: %d, want 403", path, p.status)
		}
	}
}
