package middleware

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"

	"github.com/sinewdev/sinew/web"
)

// CSRFSecretSize is the size in bytes of the per-session secret behind CSRF tokens.
const CSRFSecretSize = 32

// ErrCSRF is matched (errors.Is) by every [CSRFError].
var ErrCSRF = errors.New("CSRF check failed")

// CSRFError is the answer of [CSRF] to a request it refuses: 403, with a message naming the
// check that failed and why, so that a developer (or a user with a stale page) knows what
// to do.
type CSRFError struct {
	// Check is "origin" (the browser says the request comes from another site) or "token"
	// (the request carries no valid CSRF token for its session).
	Check string
	// Reason is the explanation shown to the client.
	Reason string
}

// Error returns the explanation.
func (e *CSRFError) Error() string {
	return "CSRF check failed (" + e.Check + " check): " + e.Reason
}

// StatusCode returns 403.
func (e *CSRFError) StatusCode() int { return http.StatusForbidden }

// Is reports whether target is ErrCSRF.
func (e *CSRFError) Is(target error) bool { return target == ErrCSRF }

// CSRFConfig configures [CSRF]. The zero value is the default: both checks on, with the
// token check only when Secret is set.
type CSRFConfig struct {
	// Off turns the protection off: every request passes. The App sets it from SINEW_CSRF=off.
	// Default false.
	Off bool
	// TrustedOrigins are origins ("https://admin.example.com", scheme://host[:port]) whose
	// cross-origin requests pass the origin check. They still need a valid token. Default
	// none.
	TrustedOrigins []string
	// Exempt lists net/http.ServeMux patterns ("POST /webhooks/{provider}", "/hooks/")
	// of requests that skip both checks: webhooks signed by their sender, for instance.
	// Default none.
	Exempt []string
	// Secret returns the request's per-session secret (CSRFSecretSize random bytes) that
	// submitted tokens must match, or nil when the session has none. The session package
	// provides it (session.CSRFSecret). Default nil: the token check is off and only the
	// origin check applies.
	Secret func(r *http.Request) ([]byte, error)
	// FieldName is the form field carrying the token. Default "csrf_token".
	FieldName string
	// HeaderName is the request header carrying the token, for scripts. Default
	// "X-CSRF-Token".
	HeaderName string
	// CheckBearer applies the checks to requests carrying an `Authorization: Bearer`
	// header too. Default false: such requests are exempt, since browsers never attach
	// that header by themselves (a cross-site page cannot make a browser send it without
	// a CORS preflight), so they are not forgeable the way cookie-authenticated requests
	// are. The token authentication must then never fall back to the session: package
	// auth answers 401 to a bad bearer token and ignores the session cookie.
	CheckBearer bool
}

// exemptHandler marks the patterns of CSRFConfig.Exempt in the matching ServeMux.
type exemptHandler struct{}

func (exemptHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

// CSRF protects unsafe requests (any method but GET, HEAD, OPTIONS and TRACE) against
// cross-site request forgery with two checks, in order:
//
//  1. origin: net/http's CrossOriginProtection refuses requests that the browser marks as
//     coming from another origin (Sec-Fetch-Site, or an Origin header that does not match
//     the Host), unless the origin is trusted;
//  2. token: the request must carry, in the form field csrf_token or the X-CSRF-Token
//     header, a token made from its session's secret (see [CSRFToken]), compared in
//     constant time. Tokens are masked with a fresh random pad every time they are
//     rendered, so compressed pages do not leak the secret (BREACH).
//
// A refused request gets a [CSRFError] (403) through the router's error handler:
// problem+json for API clients, an HTML page for browsers, both naming the failed check.
// Requests matching CSRFConfig.Exempt and, unless CheckBearer is set, requests with an
// `Authorization: Bearer` header skip both checks. CSRF panics on an invalid trusted
// origin (a programming error).
func CSRF(cfg CSRFConfig) web.Middleware {
	if cfg.Off {
		return func(next http.Handler) http.Handler { return next }
	}
	if cfg.FieldName == "" {
		cfg.FieldName = "csrf_token"
	}
	if cfg.HeaderName == "" {
		cfg.HeaderName = "X-CSRF-Token"
	}
	cop := http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			panic(fmt.Sprintf("middleware: CSRF trusted origin %q: %v", o, err))
		}
	}
	var exempt *http.ServeMux
	if len(cfg.Exempt) > 0 {
		exempt = http.NewServeMux()
		for _, p := range cfg.Exempt {
			exempt.Handle(p, exemptHandler{}) // panics on a bad pattern, naming it
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
				next.ServeHTTP(w, r)
				return
			}
			if !cfg.CheckBearer && HasBearer(r) {
				next.ServeHTTP(w, r)
				return
			}
			if exempt != nil {
				// Only a real match: ServeMux answers unclean paths with a redirect
				// handler, which must not count as one.
				if h, _ := exempt.Handler(r); h == (exemptHandler{}) {
					next.ServeHTTP(w, r)
					return
				}
			}
			if err := cop.Check(r); err != nil {
				csrfFail(w, r, &CSRFError{Check: "origin", Reason: originReason(r)})
				return
			}
			if cfg.Secret != nil {
				if err := checkToken(r, &cfg); err != nil {
					csrfFail(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// csrfFail answers a refused request: through the router's error handler in a Sinew
// stack, as plain text naming the failed check in others.
func csrfFail(w http.ResponseWriter, r *http.Request, err error) {
	var ce *CSRFError
	if web.CtxFrom(r) == nil && errors.As(err, &ce) {
		http.Error(w, ce.Error(), http.StatusForbidden)
		return
	}
	fail(w, r, err)
}

// HasBearer reports whether r carries an `Authorization: Bearer` header (with a token or,
// malformed, without one).
func HasBearer(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	return len(a) >= 6 && strings.EqualFold(a[:6], "bearer") && (len(a) == 6 || a[6] == ' ')
}

// checkToken runs the token check of CSRF.
// simpleBody reports a request whose body a cross-site HTML form (or a fetch without a
// CORS preflight) can send: no body, or one of the three "simple" content types.
func simpleBody(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "", "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}

func checkToken(r *http.Request, cfg *CSRFConfig) error {
	secret, err := cfg.Secret(r)
	if err != nil {
		return fmt.Errorf("middleware: reading the CSRF secret: %w", err)
	}
	if len(secret) == 0 && !simpleBody(r) {
		// No session secret and a body a cross-site page cannot send without a CORS
		// preflight (JSON, say): a script without cookies, which has no ambient
		// credentials to abuse, and the origin check has passed.
		return nil
	}
	if len(secret) == 0 {
		return &CSRFError{Check: "token", Reason: "this session has no CSRF token: the form was not " +
			"served by this site, the session expired, or the browser refuses cookies. " +
			"Reload the page and try again."}
	}
	tok := r.Header.Get(cfg.HeaderName)
	if tok == "" {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data" {
			var err error
			if ct == "multipart/form-data" {
				err = r.ParseMultipartForm(32 << 20)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return err // 413
				}
				return &CSRFError{Check: "token", Reason: "the form could not be read to find its CSRF token"}
			}
			tok = r.PostFormValue(cfg.FieldName)
		}
	}
	if tok == "" {
		return &CSRFError{Check: "token", Reason: "the request carries no CSRF token: forms need " +
			"the hidden field " + cfg.FieldName + " (the csrfField template helper), scripts the " +
			cfg.HeaderName + " header."}
	}
	if !CSRFTokenMatches(secret, tok) {
		return &CSRFError{Check: "token", Reason: "the CSRF token does not match this session " +
			"(the page is older than the current login, or the token was tampered with). " +
			"Reload the page and try again."}
	}
	return nil
}

// originReason explains why CrossOriginProtection refused r.
func originReason(r *http.Request) string {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" {
		return fmt.Sprintf("the browser reports a request from another site (Sec-Fetch-Site: %s); "+
			"forms must be submitted from this site's own pages", clip(s))
	}
	return fmt.Sprintf("the request's Origin (%s) does not match its host (%s); "+
		"forms must be submitted from this site's own pages", clip(r.Header.Get("Origin")), clip(r.Host))
}

// clip bounds an echoed header value and keeps only printable characters.
func clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
}

// NewCSRFSecret returns a new random per-session CSRF secret.
func NewCSRFSecret() []byte {
	b := make([]byte, CSRFSecretSize)
	_, _ = rand.Read(b)
	return b
}

// CSRFToken returns a token for secret to put in a page: a fresh random pad followed by
// the secret XORed with it, base64url-encoded, so that the token differs on every render
// while every one of them matches the secret.
func CSRFToken(secret []byte) string {
	b := make([]byte, 2*len(secret))
	pad := b[:len(secret)]
	_, _ = rand.Read(pad)
	for i, x := range secret {
		b[len(secret)+i] = x ^ pad[i]
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSRFTokenMatches reports, in constant time for a well-formed token, whether tok was made
// from secret by CSRFToken.
func CSRFTokenMatches(secret []byte, tok string) bool {
	if len(secret) == 0 || len(tok) != base64.RawURLEncoding.EncodedLen(2*len(secret)) {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	if err != nil || len(b) != 2*len(secret) {
		return false
	}
	pad, masked := b[:len(secret)], b[len(secret):]
	for i := range masked {
		masked[i] ^= pad[i]
	}
	return subtle.ConstantTimeCompare(masked, secret) == 1
}
