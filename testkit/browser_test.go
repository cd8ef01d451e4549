package testkit_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sinewdev/sinew/testkit"
)

// TestBrowser: the helpers wait across a form submission (a page replaced by the next),
// read values and write screenshots.
func TestBrowser(t *testing.T) {
	t.Parallel()
	br := testkit.NewBrowser(t, testkit.BrowserConfig{ShotPrefix: "tk-"})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Query().Get("q") != "" {
			w.Write([]byte(`<p>You searched: ` + r.URL.Query().Get("q") + `</p>`))
			return
		}
		w.Write([]byte(`<form><input id="q" name="q" value="it's"></form>`))
	}))
	defer srv.Close()
	if got := testkit.JSString("a'b\\c\n"); got != `'a\'b\\c\n'` {
		t.Errorf("JSString: %s", got)
	}
	br.Do("search",
		chromedp.Navigate(srv.URL+"/"),
		br.Seen(""),
		br.Shot("form"))
	if v := br.Value("#q"); v != "it's" {
		t.Errorf("value %q", v)
	}
	br.Do("submit",
		chromedp.SetValue(chromedp.CSS("#q"), "it's done"),
		chromedp.Submit(chromedp.CSS("#q")),
		br.At("q="), br.Seen("You searched: it's done"),
		br.Until("document.title === ''", "an untitled page"))
	if st, err := os.Stat(br.ShotPath("form")); err != nil || st.Size() == 0 {
		t.Errorf("screenshot: %v", err)
	}
}
