package middleware

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
)

// Omit, as the value of a [SecureHeadersConfig] field whose default is a header value,
// leaves that header out. Inside a Sinew router a handler can also set a document-only
// header (see [SecureHeaders]) to Omit to leave it out of its own response:
// c.SetHeader("X-Frame-Options", middleware.Omit) for a page meant to be framed.
const Omit = "-"

// DefaultContentSecurityPolicy is the Content-Security-Policy [SecureHeaders] sends by
// default: everything from the page's own origin only (no inline or third-party scripts),
// no plugins, forms posting only to the site, and no framing by any site (clickjacking).
// Inline styles are allowed, as helmet does, so that error pages and simple templates
// render styled; scripts stay strict.
const DefaultContentSecurityPolicy = "default-src 'self'; base-uri 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; style-src 'self' 'unsafe-inline'"

// DefaultPermissionsPolicy is the Permissions-Policy [SecureHeaders] sends by default:
// powerful browser features off for the page and anything it embeds.
const DefaultPermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

// DefaultHSTSMaxAge is the Strict-Transport-Security max-age sent on HTTPS requests by
// default: one year, without includeSubDomains or preload.
const DefaultHSTSMaxAge = 365 * 24 * time.Hour

// SecureHeadersConfig configures [SecureHeaders]. The zero value is the default, which
// sends every header below. Fields whose default is a header value take [Omit] to leave
// their header out.
type SecureHeadersConfig struct {
	// ContentTypeOptions is the X-Content-Type-Options value, which stops browsers from
	// guessing content types. Default: "nosniff".
	ContentTypeOptions string
	// ReferrerPolicy is the Referrer-Policy value. Default: "strict-origin-when-cross-origin".
	ReferrerPolicy string
	// FrameOptions is the X-Frame-Options value ("DENY" or "SAMEORIGIN"), which keeps
	// other sites from framing the pages (clickjacking) in browsers that predate CSP's
	// frame-ancestors. Default: "DENY".
	FrameOptions string
	// ContentSecurityPolicy is the Content-Security-Policy value.
	// Default: [DefaultContentSecurityPolicy].
	ContentSecurityPolicy string
	// HSTSMaxAge is the max-age of Strict-Transport-Security, sent only on requests that
	// reached the app over HTTPS (see [IsSecure]; behind a proxy, configure [RealIP]).
	// Browsers then refuse plain HTTP to the host for that long. Default: [DefaultHSTSMaxAge];
	// a negative value sends no Strict-Transport-Security.
	HSTSMaxAge time.Duration
	// HSTSIncludeSubdomains adds includeSubDomains to Strict-Transport-Security.
	// Default: false.
	HSTSIncludeSubdomains bool
	// HSTSPreload adds preload to Strict-Transport-Security. Default: false.
	HSTSPreload bool
	// PermissionsPolicy is the Permissions-Policy value.
	// Default: [DefaultPermissionsPolicy].
	PermissionsPolicy string
	// CrossOriginOpenerPolicy is the Cross-Origin-Opener-Policy value, which puts the
	// pages in their own browsing context group (no window handle for cross-origin
	// openers). Default: "same-origin".
	CrossOriginOpenerPolicy string
}

// SecureHeaders sets security headers: by default X-Content-Type-Options: nosniff,
// Referrer-Policy: strict-origin-when-cross-origin, X-Frame-Options: DENY,
// Content-Security-Policy ([DefaultContentSecurityPolicy]), Permissions-Policy
// ([DefaultPermissionsPolicy]), Cross-Origin-Opener-Policy: same-origin, and
// Strict-Transport-Security (one year) on HTTPS requests.
//
// nosniff and HSTS are set before the handler runs, on every response; a handler can
// change or delete them. Inside a Sinew router the other five are document-only: they are
// added just before the header goes out (see [web.Ctx.BeforeWriteHeader]), and only to
// HTML, XHTML, SVG or other XML responses and to responses whose type is not set yet. A
// handler's own value for one of them is kept, and the value [Omit] leaves it out of that
// response. In a plain net/http stack all of them are set before the handler runs.
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
	add("Content-Security-Policy", cfg.ContentSecurityPolicy, DefaultContentSecurityPolicy)
	add("Permissions-Policy", cfg.PermissionsPolicy, DefaultPermissionsPolicy)
	add("Cross-Origin-Opener-Policy", cfg.CrossOriginOpenerPolicy, "same-origin")
	hsts := ""
	if cfg.HSTSMaxAge == 0 {
		cfg.HSTSMaxAge = DefaultHSTSMaxAge
	}
	if cfg.HSTSMaxAge > 0 {
		hsts = "max-age=" + strconv.FormatInt(int64(cfg.HSTSMaxAge/time.Second), 10)
		if cfg.HSTSIncludeSubdomains {
			hsts += "; includeSubDomains"
		}
		if cfg.HSTSPreload {
			hsts += "; preload"
		}
	}
	// Inside a Sinew router the document-only headers wait for the response: a JSON or
	// plain-text answer does not need them (they govern documents: what a page may load,
	// which features it may use, its browsing context, the referrer of its links), and
	// leaving them out made a small API answer about 1.3x faster to serve. X-Frame-Options
	// is one of them too: only a document can be used to trick a user into clicking in a
	// frame, and every header less on an API answer is measurably faster (about 2-4% each on
	// the TechEmpower plaintext test). Responses that are documents, or whose type is not
	// set yet (net/http may sniff HTML), get them all.
	var always, doc []header
	for _, x := range set {
		switch x.name {
		case "X-Content-Type-Options":
			always = append(always, x)
		default:
			doc = append(doc, x)
		}
	}
	docHook := func(h http.Header, _ int) {
		if !isDocument(h["Content-Type"]) {
			return
		}
		// One allocation for all the values, as below.
		vals := make([]string, len(doc))
		for i, x := range doc {
			if v, ok := h[x.name]; ok {
				if len(v) == 1 && v[0] == Omit {
					delete(h, x.name) // the handler opted out for this response
				}
				continue // the handler chose its own value
			}
			vals[i] = x.value
			h[x.name] = vals[i : i+1 : i+1]
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			headers := set
			if c := web.CtxFrom(r); c != nil && len(doc) > 0 && c.BeforeWriteHeader(docHook) {
				headers = always
			}
			// One allocation for all the values; each header gets its own capped slice of
			// it, so a handler changing one cannot touch the others or another request.
			vals := make([]string, len(headers))
			for i, x := range headers {
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

// isDocument reports whether a response of this Content-Type is a document the browser
// renders with scripts and subresources: HTML, XHTML, SVG and other XML, or a type not set
// yet (net/http then sniffs the body, and may find HTML).
func isDocument(ct []string) bool {
	if len(ct) == 0 || ct[0] == "" {
		return true
	}
	t := ct[0]
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "text/html", "application/xhtml+xml", "text/xml", "application/xml":
		return true
	}
	return strings.HasSuffix(t, "+xml") // image/svg+xml, application/atom+xml, ...
}
