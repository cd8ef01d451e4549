package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sinewdev/sinew/orm"
)

const chromium = "/usr/bin/chromium"

// TestBlogInBrowser drives the blog in headless Chromium as a new reader would: sign up,
// write a post with an invalid form first (the errors are shown and the values kept),
// then a valid one, comment on it, and find it listed on the home page. A screenshot of
// each page goes to the test's temporary directory, and to $SINEW_BLOG_SCREENSHOTS when
// it is set.
func TestBlogInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("SINEW_TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is missing (apt-get install chromium)", chromium)
		}
		t.Skipf("%s is missing: apt-get install chromium to run the browser test", chromium)
	}
	app := newTestApp(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1100, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelTimeout()

	shots := []string{t.TempDir()}
	if dir := os.Getenv("SINEW_BLOG_SCREENSHOTS"); dir != "" {
		shots = append(shots, dir)
	}
	shoot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.CaptureScreenshot()(ctx, tg)
			if err != nil {
				return err
			}
			for _, dir := range shots {
				if err := os.WriteFile(filepath.Join(dir, "blog-"+name+".png"), png, 0o644); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// until polls a JavaScript condition. Evaluation fails while a page is being replaced
	// by the next (a form was submitted), so errors are retried like a false answer.
	until := func(expr, what string) chromedp.Action[chromedp.Void] {
		check := chromedp.Evaluate[bool](expr)
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			deadline := time.Now().Add(15 * time.Second)
			for {
				ok, err := check(ctx, tg)
				if err == nil && ok {
					return nil
				}
				if time.Now().After(deadline) {
					return fmt.Errorf("the page never showed %s (last error: %v)", what, err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	// seen waits until the page's text contains want.
	seen := func(want string) chromedp.Action[chromedp.Void] {
		return until("!!document.body && document.readyState === 'complete' && document.body.innerText.includes("+jsString(want)+")", want)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
			t.Fatalf("%s: %v\npage text:\n%.2000s", what, err, body)
		}
	}
	value := func(selector string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(selector)))
		if err != nil {
			t.Fatalf("value of %s: %v", selector, err)
		}
		return v
	}

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
		if st, err := os.Stat(filepath.Join(shots[0], "blog-"+name+".png")); err != nil || st.Size() == 0 {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`).Replace(s) + "'"
}
