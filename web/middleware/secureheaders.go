package middleware

import (
	"net/http"
	"strconv"
	"time"

	"github.com/sinewdev/sinew/web"
)

// Omit, as the value of a [SecureHeadersConfig] field whose default is a header value,
// leaves that header out.
const Omit = "-"

// SecureHeadersConfig configures [SecureHeaders]. The zero value is the default. Fields
// whose default is a value take [Omit] to leave their header out; fields whose default is
// empty send nothing unless set.
type SecureHeadersConfig struct {
	// ContentTypeOptions is the X-Content-Type-Options value, which stops browsers from
	// guessing content types. Default: "nosniff".
	ContentTypeOptions string
	// ReferrerPolicy is the Referrer-Policy value. Default: "strict-origin-when-cross-origin".
	ReferrerPolicy string
	// FrameOptions is the X-Frame-Options value ("DENY" or "SAMEORIGIN"), which keeps
	// other sites from framing the pages (clickjacking). Default: "DENY".
	FrameOptions string
	// ContentSecurityPolicy is the Content-Security-Policy value. Default: not sent.
	ContentSecurityPolicy string
	// HSTSMaxAge, when positive, sends Strict-Transport-Security with that max-age (whole
	// seconds) on requests that reached the app over HTTPS (see [IsSecure]; behind a
	// proxy, configure [RealIP]). Browsers then refuse plain HTTP to the host for that
	// long: start small. Default: not sent.
	HSTSMaxAge time.Duration
	// HSTSIncludeSubdomains adds includeSubDomains to Strict-Transport-Security.
	// Default: false.
	HSTSIncludeSubdomains bool
	// HSTSPreload adds preload to Strict-Transport-Security. Default: false.
	HSTSPreload bool
	// PermissionsPolicy is the Permissions-Policy value
	// ("camera=(), microphone=(), geolocation=()"). Default: not sent.
	PermissionsPolicy string
	// CrossOriginOpenerPolicy is the Cross-Origin-Opener-Policy value ("same-origin").
	// Default: not sent.
	CrossOriginOpenerPolicy string
}

// SecureHeaders sets security headers on every response: by default
// X-Content-Type-Options: nosniff, Referrer-Policy: strict-origin-when-cross-origin and
// X-Frame-Options: DENY, plus whichever of Content-Security-Policy,
// Strict-Transport-Security (HTTPS requests only), Permissions-Policy and
// Cross-Origin-Opener-Policy are configured. The headers are set before the handler runs,
// so a handler can change or delete one for its own response (a page meant to be framed,
// say).
func SecureHeaders(cfg SecureHeadersConfig) web.Middleware {
	type header struct{ name, value string }
	var set []header
	add := func(name, value, def string) {
		if value == "" {
			value = def
		}
		if value != "" && value != Omit {
			set = append(set, header{name, value})
		}
	}
	add("X-Content-Type-Options", cfg.ContentTypeOptions, "nosniff")
	add("Referrer-Policy", cfg.ReferrerPolicy, "strict-origin-when-cross-origin")
	add("X-Frame-Options", cfg.FrameOptions, "DENY")
	add("Content-Security-Policy", cfg.ContentSecurityPolicy, "")
	add("Permissions-Policy", cfg.PermissionsPolicy, "")
	add("Cross-Origin-Opener-Policy", cfg.CrossOriginOpenerPolicy, "")
	hsts := ""
	if cfg.HSTSMaxAge > 0 {
		hsts = "max-age=" + strconv.FormatInt(int64(cfg.HSTSMaxAge/time.Second), 10)
		if cfg.HSTSIncludeSubdomains {
			hsts += "; includeSubDomains"
		}
		if cfg.HSTSPreload {
			hsts += "; preload"
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			// One allocation for all the values; each header gets its own capped slice of
			// it, so a handler changing one cannot touch the others or another request.
			vals := make([]string, len(set))
			for i, x := range set {
				vals[i] = x.value
				h[x.name] = vals[i : i+1 : i+1]
			}
			if hsts != "" && IsSecure(r) {
				h["Strict-Transport-Security"] = []string{hsts}
			}
			next.ServeHTTP(w, r)
		})
	}
}
