package main

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestLivePage adds a post through the live page's form and sees it arrive on an event
// stream subscribed to the page's channel; bad titles are refused and publish nothing.
func TestLivePage(t *testing.T) {
	t.Parallel()
	s := startShowcase(t)
	v := s.visitor(t)
	page := v.do("GET", "/live", nil)
	if page.StatusCode != http.StatusOK || !strings.Contains(page.body, "Live posts") || !strings.Contains(page.body, "/realtime/client.js") {
		t.Fatalf("GET /live: %d\n%s", page.StatusCode, page.body)
	}
	if js := v.do("GET", "/live/live.js", nil); js.StatusCode != http.StatusOK || !strings.Contains(js.body, "SinewRealtime") {
		t.Fatalf("GET /live/live.js: %d", js.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/realtime/events?channel=showcase.posts", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("event stream: %d", res.StatusCode)
	}
	events := make(chan string, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- d
			}
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-ctx.Done():
			t.Fatal("no event")
		}
		return ""
	}
	if e := next(); !strings.Contains(e, "sinew:subscribed") {
		t.Fatalf("first event %s", e)
	}

	tok := v.csrf("/live")
	for _, title := range []string{"", "   ", strings.Repeat("t", 201)} {
		if a := v.do("POST", "/live/posts", url.Values{"title": {title}, "csrf_token": {tok}}); a.StatusCode != http.StatusBadRequest {
			t.Errorf("title %q: %d", title, a.StatusCode)
		}
	}
	if a := v.do("POST", "/live/posts", url.Values{"title": {"Hello <live>"}}); a.StatusCode != http.StatusForbidden {
		t.Errorf("without a CSRF token: %d", a.StatusCode)
	}
	if a := v.do("POST", "/live/posts", url.Values{"title": {"Hello <live>"}, "csrf_token": {tok}}); a.StatusCode != http.StatusCreated {
		t.Fatalf("add: %d %s", a.StatusCode, a.body)
	}
	if e := next(); !strings.Contains(e, `"event":"created"`) || !strings.Contains(e, `"title":"Hello \u003clive\u003e"`) {
		t.Fatalf("event %s", e)
	}
	if again := v.do("GET", "/live", nil); !strings.Contains(again.body, "Hello &lt;live&gt;") {
		t.Fatal("the new post is not in the list")
	}
}
