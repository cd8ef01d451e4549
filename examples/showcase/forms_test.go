package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sinewdev/sinew"
)

func TestFormsDemo(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	app := sinew.NewWithConfig(sinew.Config{Env: sinew.EnvTest, Stderr: io.Discard, DataDir: dataDir})
	if err := setup(app); err != nil {
		t.Fatal(err)
	}
	if err := app.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Stop(context.Background()) })
	srv := httptest.NewServer(app)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	uploads := filepath.Join(dataDir, "uploads")
	stored := func() int {
		entries, _ := os.ReadDir(uploads)
		return len(entries)
	}

	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	post := func(fields map[string]string, file []byte) (*http.Response, string) {
		t.Helper()
		_, page := get("/forms")
		m := tokenRE.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no CSRF token in the form")
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf_token", html.UnescapeString(m[1]))
		for k, v := range fields {
			for _, one := range strings.Split(v, "\x1f") {
				mw.WriteField(k, one)
			}
		}
		if file != nil {
			w, _ := mw.CreateFormFile("avatar", "me.png")
			w.Write(file)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/forms", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", srv.URL)
		req.Header.Set("Accept", "text/html")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	png := func(n int) []byte {
		b := bytes.Repeat([]byte{1}, n)
		copy(b, "\x89PNG\r\n\x1a\n")
		return b
	}
	valid := map[string]string{
		"name": "Ada", "email": "new@example.com", "password": "correct horse", "bio": "Hello", "age": "36",
		"rating": "4.5", "newsletter": "true", "country": "jp", "plan": "free", "topics": "go\x1fweb",
		"birthday": "1815-12-10", "meeting": "2026-12-24T18:30", "source": "showcase", "terms": "true",
	}
	with := func(changes map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range valid {
			out[k] = v
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}

	// The page shows every widget.
	resp, page := get("/forms")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /forms: %d", resp.StatusCode)
	}
	for _, want := range []string{`type="text"`, `type="email"`, `type="password"`, `type="url"`, "<textarea", `type="number"`,
		`type="checkbox"`, `<select id="id_country"`, `type="radio"`, `name="topics" size="4" multiple`, `type="date"`, `type="datetime-local"`,
		`type="file"`, `type="hidden" id="id_source"`, `enctype="multipart/form-data"`, `aria-describedby="id_name-help"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	if css := regexp.MustCompile(`href="(/static/forms[^"]*\.css)"`).FindStringSubmatch(page); css == nil {
		t.Error("the form page does not link its stylesheet")
	} else if resp, _ := get(css[1]); resp.StatusCode != 200 {
		t.Errorf("GET %s: %d", css[1], resp.StatusCode)
	}
	if _, home := get("/"); !strings.Contains(home, `href="/forms"`) {
		t.Error("the home page does not link the forms demo")
	}

	// An invalid submission: 422, errors by their fields, values kept, nothing stored.
	resp, body := post(with(map[string]string{"name": "<script>alert(1)</script>", "email": "ada@example.com", "age": "abc", "plan": "team", "website": ""}), png(1000))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid submission: %d %.300s", resp.StatusCode, body)
	}
	for _, want := range []string{"Enter a whole number.", `value="abc"`, "Author with this E-mail already exists.", "&lt;script&gt;alert(1)&lt;/script&gt;", `aria-invalid="true"`} {
		if !strings.Contains(body, want) {
			t.Errorf("invalid submission lacks %q", want)
		}
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "correct horse") {
		t.Error("the page echoes a script or the password")
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d files stored for an invalid form", n)
	}
	// The check across fields runs once the fields pass.
	resp, body = post(with(map[string]string{"plan": "team"}), nil)
	if resp.StatusCode != 422 || !strings.Contains(body, "The Team plan needs a web site.") {
		t.Fatalf("cross-field check: %d", resp.StatusCode)
	}

	// A file over its limit and a 10 MB text value: errors on the form, nothing stored.
	resp, body = post(valid, png(3<<20))
	if resp.StatusCode != 422 || !strings.Contains(body, "The file is too large (at most 2 MiB).") {
		t.Fatalf("file over the limit: %d", resp.StatusCode)
	}
	resp, body = post(with(map[string]string{"bio": strings.Repeat("x", 10_000_000)}), nil)
	if resp.StatusCode != 422 || !strings.Contains(body, "This value is too long") || len(body) > 100_000 {
		t.Fatalf("10 MB text value: %d, %d bytes", resp.StatusCode, len(body))
	}
	// A body over the app's limit (10 MiB) is refused with 413 before the handler.
	resp, _ = post(valid, png(11<<20))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over the limit: %d, want 413", resp.StatusCode)
	}
	if n := stored(); n != 0 {
		t.Fatalf("%d files stored for invalid forms", n)
	}

	// A valid submission shows the bound values and stores the upload.
	resp, body = post(valid, png(5000))
	if resp.StatusCode != 200 || !strings.Contains(body, "Form received") {
		t.Fatalf("valid submission: %d %.500s", resp.StatusCode, body)
	}
	for _, want := range []string{"<dd>Ada</dd>", "13 characters (not shown)", "<dd>4.5</dd>", "go, web", "1815-12-10", "2026-12-24 18:30 UTC", "5000 bytes of image/png"} {
		if !strings.Contains(body, want) {
			t.Errorf("result page lacks %q", want)
		}
	}
	link := regexp.MustCompile(`href="(/forms/uploads/[0-9a-f]{32}\.png)"`).FindStringSubmatch(body)
	if link == nil || stored() != 1 {
		t.Fatalf("no stored upload (%d files)", stored())
	}
	resp, img := get(link[1])
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || len(img) != 5000 {
		t.Fatalf("GET %s: %d %s %d bytes", link[1], resp.StatusCode, resp.Header.Get("Content-Type"), len(img))
	}
	for _, bad := range []string{"/forms/uploads/..%2F..%2Fapp.db", "/forms/uploads/secret_key", "/forms/uploads/" + strings.Repeat("0", 32) + ".png"} {
		if resp, _ := get(bad); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", bad, resp.StatusCode)
		}
	}
}
