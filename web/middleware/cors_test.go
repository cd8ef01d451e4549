package middleware

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sinewdev/sinew/web"
)

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	base := CORSConfig{
		AllowOrigins:  []string{"https://app.example.com", "https://*.example.org", "http://localhost:5173"},
		ExposeHeaders: []string{"X-Total"},
		MaxAge:        10 * time.Minute,
	}
	creds := base
	creds.AllowCredentials = true
	star := CORSConfig{AllowOrigins: []string{"*"}, AllowHeaders: []string{"*"}}
	withNull := CORSConfig{AllowOrigins: []string{"null"}}
	withFunc := CORSConfig{AllowOriginFunc: func(r *http.Request, origin string) bool {
		return strings.HasSuffix(origin, ".tenant.test")
	}}
	tests := []struct {
		name      string
		cfg       CORSConfig
		origin    string
		method    string
		headers   string
		wantCode  int
		wantAllow string            // Access-Control-Allow-Origin
		want      map[string]string // more headers
	}{
		{name: "allowed", cfg: base, origin: "https://app.example.com", method: "PUT", headers: "Content-Type, X-Request-ID",
			wantCode: 204, wantAllow: "https://app.example.com", want: map[string]string{
				"Access-Control-Allow-Methods":     "GET, HEAD, POST, PUT, PATCH, DELETE",
				"Access-Control-Allow-Headers":     "Content-Type, X-Request-ID",
				"Access-Control-Max-Age":           "600",
				"Access-Control-Allow-Credentials": "",
			}},
		{name: "credentials", cfg: creds, origin: "https://app.example.com", method: "DELETE", wantCode: 204,
			wantAllow: "https://app.example.com", want: map[string]string{"Access-Control-Allow-Credentials": "true"}},
		{name: "port", cfg: base, origin: "http://localhost:5173", method: "GET", wantCode: 204, wantAllow: "http://localhost:5173"},
		{name: "wrong port", cfg: base, origin: "http://localhost:5174", method: "GET", wantCode: 403},
		{name: "wrong scheme", cfg: base, origin: "http://app.example.com", method: "GET", wantCode: 403},
		{name: "wildcard subdomain", cfg: base, origin: "https://a.b.example.org", method: "POST", wantCode: 204,
			wantAllow: "https://a.b.example.org"},
		{name: "wildcard is not the apex", cfg: base, origin: "https://example.org", method: "POST", wantCode: 403},
		{name: "suffix trick", cfg: base, origin: "https://evilexample.org", method: "POST", wantCode: 403},
		{name: "suffix trick 2", cfg: base, origin: "https://example.org.evil.example", method: "POST", wantCode: 403},
		{name: "evil origin", cfg: base, origin: "https://evil.example", method: "GET", wantCode: 403},
		{name: "null origin", cfg: base, origin: "null", method: "GET", wantCode: 403},
		{name: "null listed", cfg: withNull, origin: "null", method: "GET", wantCode: 204, wantAllow: "null"},
		{name: "origin with path", cfg: base, origin: "https://app.example.com/x", method: "GET", wantCode: 403},
		{name: "origin with userinfo", cfg: base, origin: "https://u@app.example.com", method: "GET", wantCode: 403},
		{name: "garbage origin", cfg: base, origin: "\x00\xff<script>", method: "GET", wantCode: 403},
		{name: "huge origin", cfg: base, origin: "https://" + strings.Repeat("a.", 5000) + "example.org", method: "GET", wantCode: 403},
		{name: "uppercase origin", cfg: base, origin: "HTTPS://APP.Example.COM", method: "GET", wantCode: 204,
			wantAllow: "HTTPS://APP.Example.COM"},
		{name: "method not allowed", cfg: base, origin: "https://app.example.com", method: "PURGE", wantCode: 403},
		{name: "method malformed", cfg: base, origin: "https://app.example.com", method: "GE T\n", wantCode: 403},
		{name: "simple method always allowed", cfg: CORSConfig{AllowOrigins: []string{"https://a.test"}, AllowMethods: []string{"PUT"}},
			origin: "https://a.test", method: "POST", wantCode: 204, wantAllow: "https://a.test"},
		{name: "header not allowed", cfg: base, origin: "https://app.example.com", method: "GET", headers: "X-Secret", wantCode: 403},
		{name: "header malformed", cfg: base, origin: "https://app.example.com", method: "GET", headers: "Content-Type, bad header", wantCode: 403},
		{name: "star", cfg: star, origin: "https://anyone.test", method: "PATCH", headers: "X-Anything, Authorization",
			wantCode: 204, wantAllow: "*", want: map[string]string{"Access-Control-Allow-Headers": "X-Anything, Authorization"}},
		{name: "star null", cfg: star, origin: "null", method: "GET", wantCode: 204, wantAllow: "*"},
		{name: "func allows", cfg: withFunc, origin: "https://acme.tenant.test", method: "GET", wantCode: 204,
			wantAllow: "https://acme.tenant.test"},
		{name: "func refuses", cfg: withFunc, origin: "https://acme.other.test", method: "GET", wantCode: 403},
		{name: "default config refuses", origin: "https://app.example.com", method: "GET", wantCode: 403},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				called := false
				h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true }),
					CORS(tt.cfg))
				req := httptest.NewRequest("OPTIONS", "/api/items", nil)
				req.Header.Set("Origin", tt.origin)
				req.Header.Set("Access-Control-Request-Method", tt.method)
				if tt.headers != "" {
					req.Header.Set("Access-Control-Request-Headers", tt.headers)
				}
				rec := serve(h, req)
				if called {
					t.Error("the preflight reached the handler")
				}
				if rec.Code != tt.wantCode {
					t.Errorf("status %d, want %d (body %q)", rec.Code, tt.wantCode, rec.Body.String())
				}
				if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
					t.Errorf("Allow-Origin %q, want %q", got, tt.wantAllow)
				}
				for k, v := range tt.want {
					if got := rec.Header().Get(k); got != v {
						t.Errorf("%s = %q, want %q", k, got, v)
					}
				}
				vary := strings.Join(rec.Header().Values("Vary"), ", ")
				if !strings.Contains(vary, "Origin") || !strings.Contains(vary, "Access-Control-Request-Method") {
					t.Errorf("Vary %q", vary)
				}
			})
		}
	}
}

func TestCORSActualRequests(t *testing.T) {
	t.Parallel()
	cfg := CORSConfig{AllowOrigins: []string{"https://app.example.com"}, AllowCredentials: true,
		ExposeHeaders: []string{"X-Total", "X-Page"}}
	tests := []struct {
		name      string
		cfg       CORSConfig
		method    string
		origin    string
		wantAllow string
		wantCreds string
		wantVary  bool
	}{
		{"allowed", cfg, "GET", "https://app.example.com", "https://app.example.com", "true", true},
		{"not allowed", cfg, "POST", "https://evil.example", "", "", true},
		{"null", cfg, "GET", "null", "", "", true},
		{"no origin", cfg, "GET", "", "", "", true},
		{"plain OPTIONS", cfg, "OPTIONS", "https://app.example.com", "https://app.example.com", "true", true},
		{"star", CORSConfig{AllowOrigins: []string{"*"}}, "GET", "https://x.test", "*", "", false},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				h := st.build(ok(), CORS(tt.cfg))
				req := httptest.NewRequest(tt.method, "/", nil)
				if tt.origin != "" {
					req.Header.Set("Origin", tt.origin)
				}
				rec := serve(h, req)
				if tt.method == "GET" && rec.Body.String() != "ok" {
					t.Errorf("handler not reached: %d %q", rec.Code, rec.Body.String())
				}
				if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
					t.Errorf("Allow-Origin %q, want %q", got, tt.wantAllow)
				}
				if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != tt.wantCreds {
					t.Errorf("Allow-Credentials %q, want %q", got, tt.wantCreds)
				}
				wantExpose := ""
				if tt.wantAllow != "" && len(tt.cfg.ExposeHeaders) > 0 {
					wantExpose = "X-Total, X-Page"
				}
				if got := rec.Header().Get("Access-Control-Expose-Headers"); got != wantExpose {
					t.Errorf("Expose-Headers %q, want %q", got, wantExpose)
				}
				if got := rec.Header().Get("Vary") == "Origin"; got != tt.wantVary {
					t.Errorf("Vary %q", rec.Header().Values("Vary"))
				}
			})
		}
	}
}

func TestCORSRefusalThroughErrorPath(t *testing.T) {
	t.Parallel()
	r := web.NewRouter(web.Config{Logger: discardLogger()})
	r.Use(CORS(CORSConfig{AllowOrigins: []string{"https://app.example.com"}}))
	r.GET("/", func(c *web.Ctx) error { return nil })
	req := httptest.NewRequest("OPTIONS", "/", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Accept", "application/json")
	rec := serve(r, req)
	var p web.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	if rec.Code != 403 || p.Status != 403 || !strings.Contains(p.Detail, "origin not allowed") {
		t.Errorf("status %d, problem %+v", rec.Code, p)
	}
}

func TestCORSBadConfigPanics(t *testing.T) {
	t.Parallel()
	for _, cfg := range []CORSConfig{
		{AllowOrigins: []string{"*"}, AllowCredentials: true},
		{AllowOrigins: []string{"https://app.example.com/"}},
		{AllowOrigins: []string{"app.example.com"}},
		{AllowOrigins: []string{"https://*"}},
		{AllowOrigins: []string{"https://*."}},
		{AllowOrigins: []string{"https://a.*.example.com"}},
		{AllowOrigins: []string{"https://example.com:http"}},
		{AllowOrigins: []string{"https://exa mple.com"}},
	} {
		if msg := mustPanic(t, func() { CORS(cfg) }); !strings.HasPrefix(msg, "middleware: CORS:") {
			t.Errorf("%+v: panic %q", cfg, msg)
		}
	}
}

func TestSplitOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string // want: "scheme host port", or "" for refused
	}{
		{"https://example.com", "https example.com "},
		{"HTTP://Example.COM:8080", "http example.com 8080"},
		{"https://[2001:db8::1]:443", "https [2001:db8::1] 443"},
		{"https://[2001:db8::1]", "https [2001:db8::1] "},
		{"chrome-extension://abcdef", "chrome-extension abcdef "},
		{"https://xn--bcher-kva.example", "https xn--bcher-kva.example "},
		{"https://example.com/", ""},
		{"https://example.com:", ""},
		{"https://example.com:123456", ""},
		{"https://:80", ""},
		{"https://", ""},
		{"://example.com", ""},
		{"1https://example.com", ""},
		{"https://exam_ple.com", ""},
		{"https://example..com", ""},
		{"https://.example.com", ""},
		{"https://[2001:db8::1", ""},
		{"https://[2001:db8::1]x", ""},
		{"https://[fe80::1%25eth0]", ""},
		{"https://bücher.example", ""},
		{"null", ""},
	}
	for _, tt := range tests {
		s, h, p, ok := splitOrigin(tt.in, false)
		got := ""
		if ok {
			got = s + " " + h + " " + p
		}
		if got != tt.want {
			t.Errorf("splitOrigin(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCORSOrigin(f *testing.F) {
	f.Add("https://a.example.org", "GET", "Content-Type")
	f.Add("null", "PUT", "X-A, , X-B")
	f.Add("https://[::1]:8080", "\x00", "\xff")
	h := CORS(CORSConfig{AllowOrigins: []string{"https://*.example.org", "https://app.test:8443"},
		AllowCredentials: true})(ok())
	f.Fuzz(func(t *testing.T, origin, method, headers string) {
		if s, host, _, ok := splitOrigin(origin, false); ok {
			if s == "" || host == "" || strings.ContainsAny(host, "/@?# ") {
				t.Fatalf("splitOrigin(%q) accepted host %q", origin, host)
			}
		}
		for _, m := range []string{"OPTIONS", "GET"} {
			req := httptest.NewRequest("GET", "/", nil)
			req.Method = m
			req.Header["Origin"] = []string{origin}
			req.Header["Access-Control-Request-Method"] = []string{method}
			req.Header["Access-Control-Request-Headers"] = []string{headers}
			rec := serve(h, req)
			allow := rec.Header().Get("Access-Control-Allow-Origin")
			if allow == "" {
				continue
			}
			if allow != origin {
				t.Fatalf("Allow-Origin %q for origin %q", allow, origin)
			}
			low := strings.ToLower(origin)
			if !strings.HasSuffix(low, ".example.org") && low != "https://app.test:8443" {
				t.Fatalf("origin %q allowed", origin)
			}
		}
	})
}
