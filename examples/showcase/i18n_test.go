package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestI18nDemo(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	tests := []struct {
		name, target string
		header       []string
		contains     []string
	}{
		{"english by default", "/i18n", nil, []string{`<html lang="en" dir="ltr">`, "Hello, visitor!", "You have no new messages.",
			"You have 1 new message.", "You have 21 new messages.", "1,234,567.891", "Internationalisation"}},
		{"french by prefix", "/fr/i18n", nil, []string{`<html lang="fr" dir="ltr">`, "Bonjour, visiteur !", "aucun nouveau message", "Vous avez 1 nouveau message.",
			"Vous avez 2 nouveaux messages.", "1\u00a0234\u00a0567,891", `action="/fr/i18n"`}},
		{"arabic by header", "/i18n", []string{"Accept-Language", "ar-EG,ar;q=0.9"}, []string{`<html lang="ar" dir="rtl">`, "مرحبا، زائر!",
			"لديك رسالتان جديدتان.", "لديك ١١ رسالة جديدة.", "The locale comes from the URL prefix"}}, // a key Arabic lacks: English
		{"french validation", "/fr/i18n?check=1&name=" + strings.Repeat("x", 30) + "&age=200", nil,
			[]string{"20 caractères au plus.", "Doit valoir au plus 150."}},
		{"arabic falls back", "/ar/i18n?check=1&age=-1", nil, []string{"هذا الحقل مطلوب.", "Must be at least 0."}},
		{"valid", "/i18n?check=1&name=Ada&age=36", nil, []string{"All good, Ada.", "Hello, Ada!"}},
		{"escaped", "/i18n?check=1&name=%3Cscript%3E", nil, []string{"Hello, &lt;script&gt;!"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest("GET", tt.target, nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			w := httptest.NewRecorder()
			app.ServeHTTP(w, req)
			body, _ := io.ReadAll(w.Body)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, body)
			}
			for _, want := range tt.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf("no %q in:\n%s", want, body)
				}
			}
			if strings.Contains(string(body), "<script>") {
				t.Error("unescaped input")
			}
		})
	}
	// The language switcher's ?lang= sets the cookie, which later requests follow.
	w := httptest.NewRecorder()
	app.ServeHTTP(w, httptest.NewRequest("GET", "/i18n?lang=fr", nil))
	ck := w.Result().Cookies()
	if len(ck) != 1 || ck[0].Value != "fr" {
		t.Fatalf("cookies %v", ck)
	}
	req := httptest.NewRequest("GET", "/i18n", nil)
	req.AddCookie(ck[0])
	w = httptest.NewRecorder()
	app.ServeHTTP(w, req)
	if !strings.Contains(w.Body.String(), `lang="fr"`) {
		t.Error("the cookie is not followed")
	}
	// Static assets are not localized: no Vary on Cookie.
	w = httptest.NewRecorder()
	app.ServeHTTP(w, httptest.NewRequest("GET", "/static/site.css", nil))
	if w.Code != http.StatusOK || strings.Contains(w.Header().Get("Vary"), "Cookie") || w.Header().Get("Content-Language") != "" {
		t.Errorf("static: %d, Vary %q", w.Code, w.Header().Get("Vary"))
	}
}
