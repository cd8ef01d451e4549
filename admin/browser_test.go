package admin_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/testkit"
)

// TestAdminInBrowser drives the admin site in headless Chromium: log in, create an object
// with a validation error first, edit it, search, filter, sort, bulk-delete with
// confirmation, and read the history. A screenshot of each page goes to the test's
// temporary directory, and to $SINEW_ADMIN_SCREENSHOTS when it is set (docs/img uses them).
func TestAdminInBrowser(t *testing.T) {
	br := testkit.NewBrowser(t, testkit.BrowserConfig{ShotPrefix: "admin-", ShotDir: os.Getenv("SINEW_ADMIN_SCREENSHOTS")})
	s := startSite(t, articleOptions())
	s.user(t, "root@example.com", true, true)
	author := Author{Name: "Ada Lovelace"}
	if err := orm.Create(s.ctx(t), &author); err != nil {
		t.Fatal(err)
	}
	step, seen, at, until, shoot := br.Do, br.Seen, br.At, br.Until, br.Shot
	ctx := br.Context()

	step("log in through the auth flow",
		chromedp.Navigate(s.base+"/admin/"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "root@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
		seen("Dashboard"), seen("Your recent actions"),
		shoot("dashboard"))

	step("an invalid form first",
		chromedp.Navigate(s.base+"/admin/article/add/"),
		chromedp.WaitVisible(chromedp.CSS("#id_title")),
		chromedp.SendKeys(chromedp.CSS("#id_body"), "A body the user typed and must not lose."),
		chromedp.Click(chromedp.CSS(`button[name="_save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#id_title[aria-invalid="true"]`)),
		seen("This field is required"),
		shoot("add-invalid"))
	body, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#id_body")))
	if err != nil || !strings.Contains(body, "must not lose") {
		t.Errorf("body after the invalid submission: %q", body)
	}

	step("then a valid one",
		chromedp.SendKeys(chromedp.CSS("#id_title"), "Written in a browser"),
		chromedp.SetValue(chromedp.CSS("#id_status"), "draft"),
		chromedp.SetValue(chromedp.CSS("#id_author_id"), itoa(author.ID)),
		chromedp.Click(chromedp.CSS(`button[name="_save"]`)),
		seen("Added article"), seen("Written in a browser"),
		shoot("list"))

	step("edit it",
		chromedp.Click(chromedp.Search(`//table[contains(@class,"rows")]//a[contains(., "Written in a browser")]`)),
		until("document.readyState === 'complete' && !!document.querySelector('#id_title')", "the edit page"),
		chromedp.SetValue(chromedp.CSS("#id_title"), "Edited in a browser"),
		chromedp.Click(chromedp.CSS(`button[name="_continue"]`)),
		seen("Changed article"),
		shoot("edit"))

	step("search, filter and sort",
		chromedp.Navigate(s.base+"/admin/article/"),
		chromedp.SendKeys(chromedp.CSS("#q"), "edited"),
		chromedp.Submit(chromedp.CSS("#q")),
		at("q=edited"), seen("Edited in a browser"),
		chromedp.Click(chromedp.Search(`//aside//a[normalize-space(.)="Yes"]`)),
		at("f_published=1"), seen("No articles match"),
		chromedp.Navigate(s.base+"/admin/article/"),
		chromedp.Click(chromedp.Search(`//th/a[starts-with(normalize-space(.),"Title")]`)),
		at("o=title"), seen("Edited in a browser"),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`)))

	step("the history of the object",
		chromedp.Click(chromedp.Search(`//table[contains(@class,"rows")]//a[contains(., "Edited in a browser")]`)),
		until("document.readyState === 'complete' && !!document.querySelector('#id_title')", "the edit page"),
		chromedp.Click(chromedp.Search(`//a[normalize-space(.)="History"]`)),
		at("/history/"), seen("Written in a browser"), seen("Edited in a browser"), seen("root@example.com"),
		shoot("history"))

	step("bulk delete with confirmation",
		chromedp.Navigate(s.base+"/admin/article/"),
		chromedp.Click(chromedp.CSS(`[data-select-all]`)),
		chromedp.SetValue(chromedp.CSS("#action"), "delete_selected"),
		chromedp.Click(chromedp.Search(`//div[contains(@class,"actions")]/button`)),
		seen("Are you sure"),
		shoot("delete"),
		chromedp.Click(chromedp.CSS(`button.danger`)),
		seen("Deleted 1 article"), seen("No articles match"))

	if n, err := orm.Q[Article](s.ctx(t)).Count(); err != nil || n != 0 {
		t.Errorf("articles left: %d, %v", n, err)
	}

	// With more authors than a select should list, the key input gets a search box.
	seedAuthors(t, s, 501)
	step("pick an author by searching",
		chromedp.Navigate(s.base+"/admin/article/add/"),
		until("!!document.querySelector('#id_author_id + input[type=search]')", "the search box"),
		chromedp.SendKeys(chromedp.CSS("#id_author_id + input[type=search]"), "author 0007"),
		until("[...document.querySelectorAll('.lookup li')].some(li => li.textContent.startsWith('Author 0007'))", "the search results"),
		chromedp.Click(chromedp.Search(`//ul[contains(@class,"lookup")]/li[starts-with(., "Author 0007")]`)),
		chromedp.SendKeys(chromedp.CSS("#id_title"), "Picked by search"),
		chromedp.SetValue(chromedp.CSS("#id_status"), "live"),
		shoot("picker"),
		chromedp.Click(chromedp.CSS(`button[name="_save"]`)),
		seen("Added article"))
	got, err := orm.Q[Article](s.ctx(t)).Prefetch("Author").First()
	if err != nil || got.Author == nil || got.Author.Name != "Author 0007" {
		t.Errorf("the picked author: %+v, %v", got, err)
	}
}
