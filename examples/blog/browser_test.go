package main

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

// TestBlogInBrowser drives the blog in headless Chromium as a new reader would: sign up,
// write a post with an invalid form first (the errors are shown and the values kept),
// then a valid one, comment on it, and find it listed on the home page. A screenshot of
// each page goes to the test's temporary directory, and to $SINEW_BLOG_SCREENSHOTS when
// it is set.
func TestBlogInBrowser(t *testing.T) {
	br := testkit.NewBrowser(t, testkit.BrowserConfig{Width: 1100, ShotPrefix: "blog-", ShotDir: os.Getenv("SINEW_BLOG_SCREENSHOTS")})
	app := newTestApp(t)
	step, seen, shoot, value := br.Do, br.Seen, br.Shot, br.Value

	step("the empty blog",
		chromedp.Navigate(app.URL+"/"),
		seen("No posts yet"),
		shoot("empty"))

	step("sign up",
		chromedp.Click(chromedp.Search(`//header//a[normalize-space(.)="Sign up"]`)),
		chromedp.WaitVisible(chromedp.CSS("#password2")),
		chromedp.SendKeys(chromedp.CSS("#email"), "grace@example.com"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Grace Hopper"),
		chromedp.SendKeys(chromedp.CSS("#password"), "nanoseconds-and-cobol-1959"),
		chromedp.SendKeys(chromedp.CSS("#password2"), "nanoseconds-and-cobol-1959"),
		shoot("signup"),
		chromedp.Submit(chromedp.CSS("#password2")),
		seen("Welcome!"), seen("Grace Hopper"), seen("Write a post"))

	const body = "Today I wrote **my first post** in a browser.\n\n- it has a list\n- and Markdown"
	step("an invalid post first",
		chromedp.Click(chromedp.Search(`//header//a[normalize-space(.)="Write a post"]`)),
		chromedp.WaitVisible(chromedp.CSS("#id_title")),
		chromedp.SendKeys(chromedp.CSS("#id_title"), "Hello from Chromium"),
		chromedp.SetValue(chromedp.CSS("#id_body"), body),
		chromedp.SendKeys(chromedp.CSS("#id_tags"), "go, not/a tag"),
		chromedp.Click(chromedp.Search(`//form[contains(@class,"post-form")]//button`)),
		chromedp.WaitVisible(chromedp.CSS(`#id_tags[aria-invalid="true"]`)),
		seen("a tag has at most 30 letters"),
		shoot("post-invalid"))
	if got := value("#id_title"); got != "Hello from Chromium" {
		t.Errorf("title after the invalid submission: %q", got)
	}
	if got := value("#id_body"); got != body {
		t.Errorf("body after the invalid submission: %q", got)
	}
	if got := value("#id_tags"); got != "go, not/a tag" {
		t.Errorf("tags after the invalid submission: %q", got)
	}

	step("then a valid one",
		chromedp.SetValue(chromedp.CSS("#id_tags"), "Go, browsers"),
		chromedp.Click(chromedp.Search(`//form[contains(@class,"post-form")]//button`)),
		seen("Your post is published."), seen("my first post"), seen("#browsers"), seen("0 comments"),
		shoot("post"))

	step("comment on it",
		chromedp.WaitVisible(chromedp.CSS("#id_body")),
		chromedp.SendKeys(chromedp.CSS("#id_body"), "Commenting on my *own* post."),
		chromedp.Click(chromedp.Search(`//form[contains(@class,"comment-form")]//button`)),
		seen("Thanks for your comment."), seen("1 comment"), seen("Commenting on my own post."),
		shoot("comment"))

	step("listed on the home page",
		chromedp.Click(chromedp.CSS("header .brand")),
		seen("Latest posts"), seen("Hello from Chromium"), seen("by Grace Hopper"),
		shoot("home"))

	post, err := orm.Q[Post](app.Ctx()).Prefetch("Author", "Tags", "Comments").First()
	if err != nil {
		t.Fatal(err)
	}
	if post.Author.Email != "grace@example.com" || len(post.Tags) != 2 || len(post.Comments) != 1 || strings.ReplaceAll(post.Body, "\r\n", "\n") != body { // text areas send CRLF
		t.Errorf("stored: author %s, %d tags, %d comments, body %q", post.Author.Email, len(post.Tags), len(post.Comments), post.Body)
	}
	if n, err := orm.Q[Post](app.Ctx()).Count(); err != nil || n != 1 {
		t.Errorf("posts: %d, %v", n, err)
	}
	for _, name := range []string{"empty", "signup", "post-invalid", "post", "comment", "home"} {
		if st, err := os.Stat(br.ShotPath(name)); err != nil || st.Size() == 0 {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}
