package main

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
	"github.com/sinewdev/sinew/web"
)

// TestQueriesPerPage checks that the pages load their relations with Prefetch: the number
// of queries of a page does not grow with the number of posts, tags or comments on it
// (the N+1 pattern would add one query per row).
func TestQueriesPerPage(t *testing.T) {
	t.Parallel()
	counts := make(chan int, 1)
	app := newTestAppWith(t, func(app *sinew.App) error {
		// Count the queries each request makes, with the ORM's tracker.
		app.Use(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx, tracker := orm.WithTracker(r.Context())
				r = r.WithContext(ctx)
				web.CtxFrom(r).SetRequest(r)
				next.ServeHTTP(w, r)
				counts <- tracker.Queries()
			})
		})
		return setup(app)
	})
	queries := func(path string) int {
		t.Helper()
		app.Client().Get(path).ExpectStatus(200)
		return <-counts
	}

	u := newUser(t, app, "counted@example.com")
	post := func(title string, tags []string, comments int) string {
		p := &Post{Title: title, Body: "b", AuthorID: u.ID}
		if err := orm.Create(app.Ctx(), p); err != nil {
			t.Fatal(err)
		}
		if err := setTags(app.Ctx(), p, tags); err != nil {
			t.Fatal(err)
		}
		for i := range comments {
			if err := orm.Create(app.Ctx(), &Comment{Body: fmt.Sprint("comment ", i), PostID: p.ID, AuthorID: u.ID}); err != nil {
				t.Fatal(err)
			}
		}
		return fmt.Sprintf("/posts/%d", p.ID)
	}

	first := post("First", []string{"go"}, 1)
	home1, tag1, page1 := queries("/"), queries("/tags/go"), queries(first)
	for i := range 9 {
		post(fmt.Sprint("More ", i), []string{"go", "web", fmt.Sprint("t", i)}, 0)
	}
	busy := post("Busy", []string{"go", "sql"}, 12)
	if home10 := queries("/"); home10 != home1 {
		t.Errorf("home page: %d queries with 1 post, %d with 10", home1, home10)
	}
	if tag10 := queries("/tags/go"); tag10 != tag1 {
		t.Errorf("tag page: %d queries with 1 post, %d with 10", tag1, tag10)
	}
	if page12 := queries(busy); page12 != page1 {
		t.Errorf("post page: %d queries with 1 comment, %d with 12", page1, page12)
	}
	t.Logf("queries: home %d, tag page %d, post page %d", home1, tag1, page1)
}

// TestSameNewTagAtOnce publishes posts that introduce the same new tag from several
// clients at once: every post is published, and the tag exists once.
func TestSameNewTagAtOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	const writers = 6
	clients := make([]*testkit.Client, writers)
	for i := range clients {
		clients[i], _ = writer(t, app, fmt.Sprintf("w%d@example.com", i))
		clients[i].CSRFToken() // start the session before the race
	}
	statuses := make(chan int, writers)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			r := c.PostForm("/posts", url.Values{"title": {fmt.Sprint("Post ", i)}, "body": {"b"}, "tags": {"brand-new, go"}})
			statuses <- r.Status
		})
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("a post answered %d", s)
		}
	}
	if n, err := orm.Q[Tag](app.Ctx()).Filter("name", "brand-new").Count(); err != nil || n != 1 {
		t.Errorf("tags named brand-new: %d, %v", n, err)
	}
	app.Client().Get("/tags/brand-new").ExpectStatus(200).ExpectSelectorCount(".summary", writers)
}
