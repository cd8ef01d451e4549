package middleware

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	secret := NewCSRFSecret()
	other := NewCSRFSecret()
	good := CSRFToken(secret)
	form := func(vals url.Values) func() (*bytes.Reader, string) {
		return func() (*bytes.Reader, string) {
			return bytes.NewReader([]byte(vals.Encode())), "application/x-www-form-urlencoded"
		}
	}
	multi := func(tok string) func() (*bytes.Reader, string) {
		return func() (*bytes.Reader, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("csrf_token", tok)
			_ = mw.WriteField("title", "hello")
			mw.Close()
			return bytes.NewReader(buf.Bytes()), mw.FormDataContentType()
		}
	}
	cfg := CSRFConfig{
		Secret:         func(*http.Request) ([]byte, error) { return secret, nil },
		TrustedOrigins: []string{"https://admin.example.com"},
		Exempt:         []string{"POST /hooks/{name}"},
	}
	tests := []struct {
		name    string
		cfg     *CSRFConfig // default cfg
		method  string
		path    string
		headers map[string]string
		body    func() (*bytes.Reader, string)
		want    int
		check   string // the failed check, when want is 403
	}{
		{name: "GET passes", method: "GET", want: 200},
		{name: "HEAD passes", method: "HEAD", want: 200},
		{name: "OPTIONS passes even cross-site", method: "OPTIONS", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 200},
		{name: "form with token", method: "POST", body: form(url.Values{"csrf_token": {good}}), want: 200},
		{name: "multipart with token", method: "POST", body: multi(CSRFToken(secret)), want: 200},
		{name: "header token", method: "PUT", headers: map[string]string{"X-CSRF-Token": CSRFToken(secret)}, want: 200},
		{name: "same-origin browser with token", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "same-origin", "X-CSRF-Token": good}, want: 200},
		{name: "no token", method: "POST", body: form(url.Values{"title": {"x"}}), want: 403, check: "token"},
		{name: "no body", method: "DELETE", want: 403, check: "token"},
		{name: "token of another session", method: "POST", body: form(url.Values{"csrf_token": {CSRFToken(other)}}), want: 403, check: "token"},
		{name: "unmasked secret", method: "POST", headers: map[string]string{"X-CSRF-Token": string(secret)}, want: 403, check: "token"},
		{name: "garbage token", method: "POST", headers: map[string]string{"X-CSRF-Token": strings.Repeat("A", 86)}, want: 403, check: "token"},
		{name: "oversized token", method: "POST", headers: map[string]string{"X-CSRF-Token": strings.Repeat("\x00<script>", 1000)}, want: 403, check: "token"},
		{name: "token in query does not count", method: "POST", path: "/?csrf_token=" + url.QueryEscape(good), want: 403, check: "token"},
		{name: "cross-site form", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			body: form(url.Values{"csrf_token": {good}}), want: 403, check: "origin"},
		{name: "same-site is another origin", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "same-site"},
			body: form(url.Values{"csrf_token": {good}}), want: 403, check: "origin"},
		{name: "old browser, foreign Origin", method: "POST", headers: map[string]string{"Origin": "https://evil.example"},
			body: form(url.Values{"csrf_token": {good}}), want: 403, check: "origin"},
		{name: "trusted origin with token", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://admin.example.com"},
			body: form(url.Values{"csrf_token": {good}}), want: 200},
		{name: "trusted origin without token", method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://admin.example.com"},
			want: 403, check: "token"},
		{name: "bearer exempt", method: "POST", headers: map[string]string{"Authorization": "Bearer abc", "Sec-Fetch-Site": "cross-site"}, want: 200},
		{name: "bearer checked when asked", cfg: &CSRFConfig{CheckBearer: true, Secret: cfg.Secret}, method: "POST",
			headers: map[string]string{"Authorization": "Bearer abc"}, want: 403, check: "token"},
		{name: "basic auth not exempt", method: "POST", headers: map[string]string{"Authorization": "Basic YTpi"}, want: 403, check: "token"},
		{name: "exempt route", method: "POST", path: "/hooks/stripe", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 200},
		{name: "exempt pattern is exact", method: "POST", path: "/hooks/stripe/more", want: 403, check: "token"},
		{name: "exempt pattern needs a clean path", method: "POST", path: "/x/../hooks/stripe", want: 403, check: "token"},
		{name: "exempt pattern is per method", method: "PUT", path: "/hooks/stripe", want: 403, check: "token"},
		{name: "no secret function: origin check alone", cfg: &CSRFConfig{}, method: "POST", want: 200},
		{name: "no secret function, cross-site", cfg: &CSRFConfig{}, method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 403, check: "origin"},
		{name: "session without secret", cfg: &CSRFConfig{Secret: func(*http.Request) ([]byte, error) { return nil, nil }},
			method: "POST", headers: map[string]string{"X-CSRF-Token": good}, want: 403, check: "token"},
		{name: "script without cookies, JSON", cfg: &CSRFConfig{Secret: func(*http.Request) ([]byte, error) { return nil, nil }},
			method: "POST", body: func() (*bytes.Reader, string) { return bytes.NewReader([]byte(`{"a":1}`)), "application/json" }, want: 200},
		{name: "script without cookies, text/plain", cfg: &CSRFConfig{Secret: func(*http.Request) ([]byte, error) { return nil, nil }},
			method: "POST", body: func() (*bytes.Reader, string) { return bytes.NewReader([]byte(`{"a":1}`)), "text/plain" }, want: 403, check: "token"},
		{name: "script without cookies, JSON, cross-site", cfg: &CSRFConfig{Secret: func(*http.Request) ([]byte, error) { return nil, nil }},
			method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			body: func() (*bytes.Reader, string) { return bytes.NewReader([]byte(`{}`)), "application/json" }, want: 403, check: "origin"},
		{name: "session JSON without token", method: "POST",
			body: func() (*bytes.Reader, string) { return bytes.NewReader([]byte(`{}`)), "application/json" }, want: 403, check: "token"},
		{name: "session store down", cfg: &CSRFConfig{Secret: func(*http.Request) ([]byte, error) { return nil, errors.New("redis down") }},
			method: "POST", headers: map[string]string{"X-CSRF-Token": good}, want: 500},
		{name: "off", cfg: &CSRFConfig{Off: true}, method: "POST", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, want: 200},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				c := cfg
				if tt.cfg != nil {
					c = *tt.cfg
				}
				h := st.build(ok(), CSRF(c))
				path := tt.path
				if path == "" {
					path = "/"
				}
				var req *http.Request
				if tt.body != nil {
					body, ct := tt.body()
					req = httptest.NewRequest(tt.method, path, body)
					req.Header.Set("Content-Type", ct)
				} else {
					req = httptest.NewRequest(tt.method, path, nil)
				}
				req.Header.Set("Accept", "application/json")
				for k, v := range tt.headers {
					req.Header.Set(k, v)
				}
				rec := serve(h, req)
				if rec.Code != tt.want {
					t.Fatalf("status %d, want %d; body %s", rec.Code, tt.want, rec.Body)
				}
				if tt.check != "" && !strings.Contains(rec.Body.String(), "("+tt.check+" check)") {
					t.Errorf("body does not name the %s check: %s", tt.check, rec.Body)
				}
			})
		}
	}
}

// TestCSRFPages checks the 403 answers: problem+json for API clients, an HTML page for
// browsers, both explaining the failure, with hostile header values escaped.
func TestCSRFPages(t *testing.T) {
	t.Parallel()
	h := stacks()[0].build(ok(), CSRF(CSRFConfig{Secret: func(*http.Request) ([]byte, error) { return NewCSRFSecret(), nil }}))

	req := httptest.NewRequest("POST", "/", nil)
	req.Header.Set("Accept", "application/json")
	rec := serve(h, req)
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("not problem+json (%v): %s %s", err, rec.Header().Get("Content-Type"), rec.Body)
	}
	if p.Status != 403 || !strings.Contains(p.Detail, "no CSRF token") {
		t.Errorf("problem = %+v", p)
	}

	req = httptest.NewRequest("POST", "/", nil)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Origin", `https://evil.example/"><script>alert(1)</script>`)
	rec = serve(h, req)
	body := rec.Body.String()
	if rec.Code != 403 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, type %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !strings.Contains(body, "origin check") || strings.Contains(body, "<script>alert") {
		t.Errorf("HTML page does not explain, or echoes the header unescaped: %s", body)
	}
}

func TestCSRFToken(t *testing.T) {
	t.Parallel()
	secret := NewCSRFSecret()
	a, b := CSRFToken(secret), CSRFToken(secret)
	if a == b {
		t.Error("two renders gave the same token: the pad is not random")
	}
	if !CSRFTokenMatches(secret, a) || !CSRFTokenMatches(secret, b) {
		t.Error("tokens do not match their secret")
	}
	if CSRFTokenMatches(nil, a) || CSRFTokenMatches(secret, "") || CSRFTokenMatches(secret, a[:len(a)-1]) || CSRFTokenMatches(secret, a+"A") {
		t.Error("malformed input matched")
	}
}

func TestCSRFBadConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []CSRFConfig{{TrustedOrigins: []string{"not an origin"}}, {Exempt: []string{"BAD PATTERN WITH SPACES"}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%+v did not panic", cfg)
				}
			}()
			CSRF(cfg)
		}()
	}
}

func FuzzCSRFTokenMatches(f *testing.F) {
	secret := NewCSRFSecret()
	f.Add(CSRFToken(secret))
	f.Add("")
	f.Add(strings.Repeat("A", 86))
	f.Add("\x00\xff")
	f.Fuzz(func(t *testing.T, tok string) {
		if CSRFTokenMatches(secret, tok) {
			// Only a token built from the secret matches: check that it decodes to one.
			if len(tok) != 86 {
				t.Fatalf("token of length %d matched", len(tok))
			}
		}
	})
}
