package main

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var tokenRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func TestMailDemo(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	srv := httptest.NewServer(app)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	get := func() string {
		t.Helper()
		resp, err := client.Get(srv.URL + "/mail")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET /mail: %d %s", resp.StatusCode, b)
		}
		return string(b)
	}
	post := func(to, subject string) (*http.Response, string) {
		t.Helper()
		m := tokenRE.FindStringSubmatch(get())
		if m == nil {
			t.Fatal("no CSRF token in the form")
		}
		req, _ := http.NewRequest("POST", srv.URL+"/mail", strings.NewReader(url.Values{
			"csrf_token": {html.UnescapeString(m[1])}, "to": {to}, "subject": {subject}, "body": {"<b>hi</b>"},
		}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", srv.URL)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	if body := get(); !strings.Contains(body, "No messages yet") {
		t.Fatalf("fresh page: %.300s", body)
	}
	resp, body := post("grace@example.com", "First ✓")
	if resp.StatusCode != 200 || !strings.Contains(body, "First ✓") || !strings.Contains(body, "grace@example.com") {
		t.Fatalf("after sending: %d %.500s", resp.StatusCode, body)
	}
	if strings.Contains(body, "<b>hi</b>") {
		t.Fatal("the message body is shown unescaped")
	}
	if sent := app.SentMail(); len(sent) != 1 || sent[0].Message.HTML != "<p>&lt;b&gt;hi&lt;/b&gt;</p>" {
		t.Fatalf("SentMail = %+v", sent)
	}
	// Header injection is refused with 422 and nothing is sent.
	resp, body = post("grace@example.com\r\nBcc: everyone@example.com", "x")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "header injection") {
		t.Fatalf("injection: %d %.300s", resp.StatusCode, body)
	}
	resp, _ = post("grace@example.com", "Hi\nBcc: everyone@example.com")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("subject injection: %d", resp.StatusCode)
	}
	if n := len(app.SentMail()); n != 1 {
		t.Fatalf("%d messages after hostile posts, want 1", n)
	}
	// Five posts a minute per client: the fourth and fifth pass, the sixth gets 429.
	for i := 4; i <= 6; i++ {
		resp, _ = post("grace@example.com", "again")
		want := http.StatusOK
		if i == 6 {
			want = http.StatusTooManyRequests
		}
		if resp.StatusCode != want {
			t.Fatalf("post %d: %d, want %d", i, resp.StatusCode, want)
		}
	}
	if resp.Header.Get("Retry-After") == "" || resp.Header.Get("RateLimit-Limit") != "5" {
		t.Fatalf("429 headers: %v", resp.Header)
	}
}
