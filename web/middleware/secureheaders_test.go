package middleware

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func TestSecureHeaders(t *testing.T) {
	t.Parallel()
	const (
		xcto = "X-Content-Type-Options"
		rp   = "Referrer-Policy"
		xfo  = "X-Frame-Options"
		csp  = "Content-Security-Policy"
		hsts = "Strict-Transport-Security"
		pp   = "Permissions-Policy"
		coop = "Cross-Origin-Opener-Policy"
	)
	tests := []struct {
		name    string
		cfg     SecureHeadersConfig
		tls     bool
		proxied bool // HTTPS as reported by a trusted proxy through RealIP
		handler http.HandlerFunc
		want    map[string]string // "" = absent
	}{
		{name: "defaults", want: map[string]string{xcto: "nosniff", rp: "strict-origin-when-cross-origin",
			xfo: "DENY", csp: DefaultContentSecurityPolicy, hsts: "", pp: DefaultPermissionsPolicy, coop: "same-origin"}},
		{name: "defaults over TLS", tls: true, want: map[string]string{hsts: "max-age=31536000", xfo: "DENY"}},
		{name: "omitted", cfg: SecureHeadersConfig{ContentTypeOptions: Omit, ReferrerPolicy: Omit, FrameOptions: Omit,
			ContentSecurityPolicy: Omit, PermissionsPolicy: Omit, CrossOriginOpenerPolicy: Omit, HSTSMaxAge: -1},
			tls: true, want: map[string]string{xcto: "", rp: "", xfo: "", csp: "", pp: "", coop: "", hsts: ""}},
		{name: "custom", cfg: SecureHeadersConfig{ReferrerPolicy: "no-referrer", FrameOptions: "SAMEORIGIN",
			ContentSecurityPolicy: "default-src 'self'", PermissionsPolicy: "camera=()", CrossOriginOpenerPolicy: "same-origin"},
			want: map[string]string{rp: "no-referrer", xfo: "SAMEORIGIN", csp: "default-src 'self'",
				pp: "camera=()", coop: "same-origin", xcto: "nosniff"}},
		{name: "HSTS over plain HTTP", cfg: SecureHeadersConfig{HSTSMaxAge: 24 * time.Hour},
			want: map[string]string{hsts: ""}},
		{name: "HSTS over TLS", cfg: SecureHeadersConfig{HSTSMaxAge: 24 * time.Hour, HSTSIncludeSubdomains: true},
			tls: true, want: map[string]string{hsts: "max-age=86400; includeSubDomains"}},
		{name: "HSTS behind a proxy", cfg: SecureHeadersConfig{HSTSMaxAge: 365 * 24 * time.Hour, HSTSPreload: true},
			proxied: true, want: map[string]string{hsts: "max-age=31536000; preload"}},
		// nosniff is set before the handler: a handler can delete it. The document-only
		// headers come after the handler in a Sinew router: a handler's value is kept
		// (Omit leaves one out, see TestSecureHeadersByContentType).
		{name: "handler overrides", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Del(xcto)
			w.Header().Set(rp, "same-origin")
			w.Header().Set(xfo, "SAMEORIGIN")
		}, want: map[string]string{xcto: "", rp: "same-origin", xfo: "SAMEORIGIN"}},
		{name: "handler changes a value in place", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header()[xcto][0] = "NOSNIFF"
		}, want: map[string]string{xcto: "NOSNIFF", rp: "strict-origin-when-cross-origin"}},
	}
	for _, st := range stacks() {
		for _, tt := range tests {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				handler := tt.handler
				if handler == nil {
					handler = func(http.ResponseWriter, *http.Request) {}
				}
				realIP := RealIP(RealIPConfig{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})
				h := st.build(handler, realIP, SecureHeaders(tt.cfg))
				for range 2 { // the second request must not see what the first handler did
					req := httptest.NewRequest("GET", "/", nil)
					if tt.tls {
						req.TLS = &tls.ConnectionState{}
					}
					if tt.proxied {
						req.RemoteAddr = "10.0.0.1:1234"
						req.Header.Set("X-Forwarded-Proto", "https")
					}
					rec := serve(h, req)
					for k, v := range tt.want {
						if got := rec.Header().Get(k); got != v {
							t.Errorf("%s = %q, want %q", k, got, v)
						}
					}
				}
			})
		}
	}
}

// TestSecureHeadersByContentType: inside a Sinew router the document-only headers go with
// documents (and with responses whose type is not set yet) and not with API answers;
// nosniff goes with everything. A plain net/http stack cannot see the
// response before its header goes out, so it keeps sending all of them.
func TestSecureHeadersByContentType(t *testing.T) {
	t.Parallel()
	docOnly := []string{"Content-Security-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy", "Referrer-Policy", "X-Frame-Options"}
	for _, tt := range []struct {
		name, ctype string
		write       string // "header", "body", "flush" or "" (nothing)
		doc         bool
	}{
		{"json", "application/json", "body", false},
		{"problem json", "application/problem+json; charset=utf-8", "header", false},
		{"plain text", "text/plain; charset=utf-8", "body", false},
		{"event stream", "text/event-stream", "flush", false},
		{"html", "text/html; charset=utf-8", "body", true},
		{"HTML in capitals", "TEXT/HTML", "header", true},
		{"xhtml", "application/xhtml+xml", "body", true},
		{"svg", "image/svg+xml", "body", true},
		{"no type: sniffed", "", "body", true},
		{"nothing written", "", "", true},
	} {
		for _, st := range stacks() {
			t.Run(st.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				h := st.build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if tt.ctype != "" {
						w.Header().Set("Content-Type", tt.ctype)
					}
					switch tt.write {
					case "header":
						w.WriteHeader(http.StatusUnprocessableEntity)
					case "body":
						_, _ = w.Write([]byte("<svg></svg>"))
					case "flush":
						w.(http.Flusher).Flush()
					}
				}), SecureHeaders(SecureHeadersConfig{}))
				rec := serve(h, httptest.NewRequest("GET", "/", nil))
				if rec.Header().Get("X-Content-Type-Options") == "" {
					t.Error("X-Content-Type-Options missing")
				}
				want := tt.doc || !st.sinew
				for _, k := range docOnly {
					if got := rec.Header().Get(k) != ""; got != want {
						t.Errorf("%s present = %v, want %v", k, got, want)
					}
				}
			})
		}
	}
	// A handler's own value for a document header is kept.
	r := stacks()[0].build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<p>hi</p>"))
	}), SecureHeaders(SecureHeadersConfig{}))
	if got := serve(r, httptest.NewRequest("GET", "/", nil)).Header().Get("Content-Security-Policy"); got != "default-src 'none'" {
		t.Errorf("handler's CSP replaced: %q", got)
	}
	// Omit as a handler's value leaves a document header out of that response only.
	r = stacks()[0].build(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/framed" {
			w.Header().Set("X-Frame-Options", Omit)
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<p>hi</p>"))
	}), SecureHeaders(SecureHeadersConfig{}))
	for path, want := range map[string][]string{"/framed": nil, "/other": {"DENY"}} {
		rec := serve(r, httptest.NewRequest("GET", path, nil))
		if got := rec.Header().Values("X-Frame-Options"); !slices.Equal(got, want) || rec.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: X-Frame-Options %q, want %q; CSP %q", path, got, want, rec.Header().Get("Content-Security-Policy"))
		}
	}
}
