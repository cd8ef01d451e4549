package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestConduitFlow checks what the official collection does not: the feed follows follows,
// counts and flags are per reader, filters and pages select the right articles, a new title
// gives a new slug, and deleting an article takes its comments along.
func TestConduitFlow(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	ada, bob := c.register("ada"), c.register("bob")
	create := func(token, title, tags string) string {
		t.Helper()
		m := c.must(http.StatusCreated, "POST", "/api/articles", token,
			`{"article":{"title":"`+title+`","description":"d","body":"b","tagList":[`+tags+`]}}`)
		return m["article"].(map[string]any)["slug"].(string)
	}
	first := create(ada, "Hello, World!", `"zeta","alpha"," ",""`)
	create(ada, "Hello, World!", "")
	create(bob, "Bob's notes", `"alpha"`)
	if !strings.HasPrefix(first, "hello-world-") {
		t.Errorf("slug %q does not start with hello-world-", first)
	}
	article := func(token, slug string) map[string]any {
		t.Helper()
		return c.must(http.StatusOK, "GET", "/api/articles/"+slug, token, "")["article"].(map[string]any)
	}
	a := article("", first)
	if tags := a["tagList"].([]any); len(tags) != 2 || tags[0] != "alpha" || tags[1] != "zeta" {
		t.Errorf("tagList = %v, want [alpha zeta] (sorted, blanks dropped)", tags)
	}

	count := func(token, query string) float64 {
		t.Helper()
		return c.must(http.StatusOK, "GET", "/api/articles"+query, token, "")["articlesCount"].(float64)
	}
	for query, want := range map[string]float64{
		"": 3, "?tag=alpha": 2, "?tag=zeta": 1, "?tag=none": 0, "?author=ada": 2, "?author=bob": 1,
		"?author=nobody": 0, "?favorited=bob": 0, "?tag=alpha&author=bob": 1,
	} {
		if got := count("", query); got != want {
			t.Errorf("articlesCount for %q = %v, want %v", query, got, want)
		}
	}
	page := c.must(http.StatusOK, "GET", "/api/articles?limit=2&offset=2", "", "")
	if n := len(page["articles"].([]any)); n != 1 || page["articlesCount"] != 3.0 {
		t.Errorf("page 2 holds %d articles of %v, want 1 of 3", n, page["articlesCount"])
	}
	if _, has := page["articles"].([]any)[0].(map[string]any)["body"]; has {
		t.Error("lists carry the body")
	}

	// Favourites: counted for everyone, flagged for the reader.
	c.must(http.StatusOK, "POST", "/api/articles/"+first+"/favorite", bob, "")
	c.must(http.StatusOK, "POST", "/api/articles/"+first+"/favorite", bob, "") // twice: still one
	if a := article(bob, first); a["favoritesCount"] != 1.0 || a["favorited"] != true {
		t.Errorf("for bob: favoritesCount %v favorited %v, want 1 true", a["favoritesCount"], a["favorited"])
	}
	if a := article(ada, first); a["favoritesCount"] != 1.0 || a["favorited"] != false {
		t.Errorf("for ada: favoritesCount %v favorited %v, want 1 false", a["favoritesCount"], a["favorited"])
	}
	if got := count("", "?favorited=bob"); got != 1 {
		t.Errorf("favorited=bob counts %v, want 1", got)
	}

	// Follows and the feed.
	if got := count(bob, "/feed"); got != 0 {
		t.Errorf("bob's feed before following: %v articles", got)
	}
	c.must(http.StatusOK, "POST", "/api/profiles/ada/follow", bob, "")
	if got := count(bob, "/feed"); got != 2 {
		t.Errorf("bob's feed after following ada: %v articles, want 2", got)
	}
	if p := c.must(http.StatusOK, "GET", "/api/profiles/ada", bob, "")["profile"].(map[string]any); p["following"] != true {
		t.Errorf("ada's profile for bob: following = %v", p["following"])
	}
	if a := article(bob, first); a["author"].(map[string]any)["following"] != true {
		t.Error("the article's author is not followed for bob")
	}
	c.must(http.StatusOK, "DELETE", "/api/profiles/ada/follow", bob, "")
	if got := count(bob, "/feed"); got != 0 {
		t.Errorf("bob's feed after unfollowing: %v articles", got)
	}

	// A new title gives a new slug; the old one is gone.
	updated := c.must(http.StatusOK, "PUT", "/api/articles/"+first, ada, `{"article":{"title":"Goodbye"}}`)["article"].(map[string]any)
	slug := updated["slug"].(string)
	if !strings.HasPrefix(slug, "goodbye-") || updated["body"] != "b" {
		t.Errorf("after the update: slug %q body %v", slug, updated["body"])
	}
	c.must(http.StatusNotFound, "GET", "/api/articles/"+first, "", "")

	// Deleting the article deletes its comments and favourites.
	c.must(http.StatusOK, "POST", "/api/articles/"+slug+"/comments", bob, `{"comment":{"body":"bye"}}`)
	c.must(http.StatusNoContent, "DELETE", "/api/articles/"+slug, ada, "")
	c.must(http.StatusNotFound, "GET", "/api/articles/"+slug+"/comments", "", "")
	if got := count("", "?favorited=bob"); got != 0 {
		t.Errorf("favorited=bob counts %v after the delete", got)
	}

	// The user's own account: the token keeps working after an update.
	if u := c.must(http.StatusOK, "GET", "/api/user", "Bearer "+ada, "")["user"].(map[string]any); u["username"] != "ada" || u["token"] != ada {
		t.Errorf("GET /api/user with the Bearer scheme = %v", u)
	}
	me := c.must(http.StatusOK, "PUT", "/api/user", ada, `{"user":{"bio":"engines","image":"https://example.com/a.png","password":"Another-Horse-43"}}`)["user"].(map[string]any)
	if me["bio"] != "engines" || me["token"] != ada {
		t.Errorf("updated user = %v", me)
	}
	c.must(http.StatusOK, "POST", "/api/users/login", "", `{"user":{"email":"ADA@example.com","password":"Another-Horse-43"}}`)
	c.must(http.StatusUnauthorized, "POST", "/api/users/login", "", `{"user":{"email":"ada@example.com","password":"Correct-Horse-42"}}`)
}

// TestCrossOrigin checks that a front-end served from another origin can call the API: CORS
// answers its preflight, and its token-authenticated writes are not taken for CSRF.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	token := c.register("ada")
	pre := httptest.NewRequest(http.MethodOptions, "/api/articles", nil)
	pre.Header.Set("Origin", "https://front.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	rec := httptest.NewRecorder()
	c.app.ServeHTTP(rec, pre)
	if rec.Code >= 300 || rec.Header().Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("preflight = %d %v", rec.Code, rec.Header())
	}
	req := httptest.NewRequest(http.MethodPost, "/api/articles", strings.NewReader(`{"article":{"title":"t","description":"d","body":"b"}}`))
	req.Header.Set("Origin", "https://front.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Token "+token)
	rec = httptest.NewRecorder()
	c.app.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated || rec.Header().Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("cross-origin POST = %d %s %v", rec.Code, rec.Body, rec.Header())
	}
}

// FuzzSlugify checks that any title gives a slug that fits its column and is safe in a URL
// path segment: letters, digits and dashes, valid UTF-8, never empty of its suffix.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"How to train your dragon", "", "  ", "日本語のタイトル", "a/b?c#d", strings.Repeat("é", 300), "\xff\xfe", "--x--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := slugify(title)
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 255 || !strings.Contains(s, "-") {
			t.Fatalf("slugify(%q) = %q", title, s)
		}
		for _, r := range s {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("slugify(%q) = %q holds %q", title, s, r)
			}
		}
	})
}

// TestLoginLimit checks the brute-force limit: ten login attempts per account in 15
// minutes, then 429 even with the right password, while other accounts still log in.
func TestLoginLimit(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	c.register("ada")
	c.register("bob")
	for range 10 {
		c.must(http.StatusUnauthorized, "POST", "/api/users/login", "", `{"user":{"email":"ada@example.com","password":"guess-guess-guess"}}`)
	}
	m := c.must(http.StatusTooManyRequests, "POST", "/api/users/login", "", `{"user":{"email":"Ada@Example.com","password":"Correct-Horse-42"}}`)
	errorMessages(t, m)
	c.must(http.StatusOK, "POST", "/api/users/login", "", `{"user":{"email":"bob@example.com","password":"Correct-Horse-42"}}`)
}
