package middleware

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
)

// CORSConfig configures [CORS]. The zero value is the default, which allows no origin:
// cross-origin requests get no CORS headers and preflights are refused.
type CORSConfig struct {
	// AllowOrigins lists the origins allowed to read responses: exact origins
	// ("https://app.example.com", "http://localhost:5173"), subdomain wildcards
	// ("https://*.example.com", which does not match https://example.com itself), "null"
	// (sandboxed frames and file: pages; rarely what you want), or "*" for any origin,
	// which cannot be combined with AllowCredentials. Default: none.
	AllowOrigins []string
	// AllowOriginFunc decides for origins AllowOrigins does not list. It receives the
	// request and its Origin header as sent. Default: none.
	AllowOriginFunc func(r *http.Request, origin string) bool
	// AllowMethods lists the methods cross-origin requests may use.
	// Default: GET, HEAD, POST, PUT, PATCH, DELETE.
	AllowMethods []string
	// AllowHeaders lists the request headers cross-origin requests may send (matched
	// case-insensitively); "*" allows any header. Default: Accept, Accept-Language,
	// Authorization, Content-Language, Content-Type, X-CSRF-Token, X-Request-ID and
	// X-Requested-With.
	AllowHeaders []string
	// ExposeHeaders lists the response headers scripts may read beyond the safelisted
	// ones. Default: none.
	ExposeHeaders []string
	// AllowCredentials lets cross-origin requests carry cookies and HTTP authentication,
	// and their responses be read. Default: false.
	AllowCredentials bool
	// MaxAge is how long browsers may cache a preflight answer (whole seconds; browsers
	// cap it, Chromium at 2 hours). A negative MaxAge asks them not to cache it.
	// Default: not sent, so browsers cache it for 5 seconds.
	MaxAge time.Duration
}

// CORS answers cross-origin requests from the allowed origins (see [CORSConfig]).
//
// A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by the
// middleware itself and never reaches the router or the handler: 204 with the
// Access-Control-Allow-* headers when the origin, the method and every requested header
// are allowed, 403 Forbidden (through the router's error handler in a Sinew router)
// saying which one is not, otherwise. Register CORS with [web.Router.Use] so that it runs
// before routing. Other requests go on to the handler; those from an allowed origin get
// Access-Control-Allow-Origin (the origin itself, or "*" when any origin is allowed
// without credentials), Access-Control-Allow-Credentials and
// Access-Control-Expose-Headers. Responses get Vary: Origin whenever the answer depends on
// the origin. Requests from origins that are not allowed are not refused (same-origin
// requests carry an Origin header too): they simply get no CORS headers, so browsers keep
// their responses from foreign scripts.
//
// CORS panics if the configuration is invalid: a malformed origin pattern, or "*" with
// AllowCredentials.
func CORS(cfg CORSConfig) web.Middleware {
	m := newCORS(cfg)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			origin := r.Header.Get("Origin")
			preflight := r.Method == http.MethodOptions && origin != "" &&
				r.Header.Get("Access-Control-Request-Method") != ""
			if preflight {
				m.preflight(w, r, origin)
				return
			}
			if !m.anyStar {
				addVary(h, "Origin")
			}
			if origin != "" {
				if allow, ok := m.allowed(r, origin); ok {
					h.Set("Access-Control-Allow-Origin", allow)
					if m.credentials {
						h.Set("Access-Control-Allow-Credentials", "true")
					}
					if m.expose != "" {
						h.Set("Access-Control-Expose-Headers", m.expose)
					}
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

type cors struct {
	exact       map[string]bool // lowercased "scheme://host[:port]", or "null"
	wildcards   []originPattern
	anyStar     bool // "*" listed: any origin, answered with "*", never depending on Origin
	fn          func(*http.Request, string) bool
	methods     []string
	methodsList string
	headers     map[string]bool // lowercased
	anyHeader   bool
	expose      string
	credentials bool
	maxAge      string
}

// originPattern is a parsed "scheme://*.suffix[:port]" entry.
type originPattern struct {
	scheme, suffix, port string // suffix starts with a dot
}

func newCORS(cfg CORSConfig) *cors {
	m := &cors{exact: map[string]bool{}, fn: cfg.AllowOriginFunc, credentials: cfg.AllowCredentials}
	for _, o := range cfg.AllowOrigins {
		o = strings.TrimSpace(o)
		switch {
		case o == "*":
			if cfg.AllowCredentials {
				panic(`middleware: CORS: AllowOrigins "*" cannot be combined with AllowCredentials; list the origins`)
			}
			m.anyStar = true
		case strings.EqualFold(o, "null"):
			m.exact["null"] = true
		default:
			scheme, host, port, ok := splitOrigin(o, true)
			if !ok {
				panic(fmt.Sprintf("middleware: CORS: bad origin %q: want scheme://host[:port] "+
					"with no path or trailing slash, or scheme://*.domain", o))
			}
			if strings.HasPrefix(host, "*.") {
				m.wildcards = append(m.wildcards, originPattern{scheme, host[1:], port})
			} else {
				m.exact[joinOrigin(scheme, host, port)] = true
			}
		}
	}
	m.methods = cfg.AllowMethods
	if len(m.methods) == 0 {
		m.methods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
			http.MethodPatch, http.MethodDelete}
	}
	m.methodsList = strings.Join(m.methods, ", ")
	headers := cfg.AllowHeaders
	if len(headers) == 0 {
		headers = []string{"Accept", "Accept-Language", "Authorization", "Content-Language",
			"Content-Type", "X-CSRF-Token", "X-Request-ID", "X-Requested-With"}
	}
	m.headers = map[string]bool{}
	for _, h := range headers {
		h = strings.TrimSpace(h)
		if h == "*" {
			m.anyHeader = true
			continue
		}
		m.headers[strings.ToLower(h)] = true
	}
	m.expose = strings.Join(cfg.ExposeHeaders, ", ")
	switch {
	case cfg.MaxAge < 0:
		m.maxAge = "0"
	case cfg.MaxAge > 0:
		m.maxAge = strconv.FormatInt(int64(cfg.MaxAge/time.Second), 10)
	}
	return m
}

// allowed reports whether origin may read responses and what Access-Control-Allow-Origin
// says to it.
func (m *cors) allowed(r *http.Request, origin string) (string, bool) {
	if m.anyStar {
		return "*", true
	}
	if origin == "null" {
		if m.exact["null"] || (m.fn != nil && m.fn(r, origin)) {
			return origin, true
		}
		return "", false
	}
	scheme, host, port, ok := splitOrigin(origin, false)
	if !ok {
		return "", false // malformed: never echoed back
	}
	if len(m.exact) > 0 {
		key := origin // browsers send origins in lowercase: no allocation then
		if hasUpper(origin) {
			key = strings.ToLower(origin)
		}
		if m.exact[key] {
			return origin, true
		}
	}
	for _, p := range m.wildcards {
		if scheme == p.scheme && port == p.port && len(host) > len(p.suffix) &&
			strings.HasSuffix(host, p.suffix) {
			return origin, true
		}
	}
	if m.fn != nil && m.fn(r, origin) {
		return origin, true
	}
	return "", false
}

// preflight answers an OPTIONS preflight request.
func (m *cors) preflight(w http.ResponseWriter, r *http.Request, origin string) {
	h := w.Header()
	addVary(h, "Origin")
	addVary(h, "Access-Control-Request-Method")
	addVary(h, "Access-Control-Request-Headers")
	allow, ok := m.allowed(r, origin)
	if !ok {
		fail(w, r, web.Error(http.StatusForbidden, "CORS preflight refused: origin not allowed"))
		return
	}
	method := r.Header.Get("Access-Control-Request-Method")
	if !m.methodAllowed(method) {
		fail(w, r, web.Errorf(http.StatusForbidden,
			"CORS preflight refused: method %s not allowed", sanitizeToken(method)))
		return
	}
	requested := r.Header.Values("Access-Control-Request-Headers")
	for _, line := range requested {
		for line != "" {
			var name string
			name, line, _ = strings.Cut(line, ",")
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if !validToken(name) {
				fail(w, r, web.Error(http.StatusForbidden,
					"CORS preflight refused: malformed Access-Control-Request-Headers"))
				return
			}
			if !m.anyHeader && !m.headers[strings.ToLower(name)] {
				fail(w, r, web.Errorf(http.StatusForbidden,
					"CORS preflight refused: header %s not allowed", name))
				return
			}
		}
	}
	h.Set("Access-Control-Allow-Origin", allow)
	if m.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", m.methodsList)
	if len(requested) > 0 {
		// Every requested header was checked above: echoing them is exact, and unlike
		// "*" it also covers Authorization and credentialed requests.
		h.Set("Access-Control-Allow-Headers", strings.Join(requested, ", "))
	}
	if m.maxAge != "" {
		h.Set("Access-Control-Max-Age", m.maxAge)
	}
	w.WriteHeader(http.StatusNoContent)
}

// methodAllowed reports whether a preflight may ask for method. The CORS-safelisted
// methods GET, HEAD and POST are always allowed, as browsers assume.
func (m *cors) methodAllowed(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
		return true
	}
	for _, x := range m.methods {
		if x == method {
			return true
		}
	}
	return false
}

// splitOrigin parses a serialized origin, "scheme://host[:port]", lowercasing scheme and
// host. The scheme is letters, digits, + - . and starts with a letter; the host is a DNS
// name (letters, digits, - and dots; with pattern, a leading "*." too) or a bracketed IPv6
// address; the port is 1 to 5 digits. Anything else (paths, userinfo, spaces, a trailing
// slash, over 300 bytes) does not parse.
func splitOrigin(s string, pattern bool) (scheme, host, port string, ok bool) {
	if len(s) > 300 {
		return "", "", "", false
	}
	scheme, rest, found := strings.Cut(s, "://")
	if !found || scheme == "" || rest == "" {
		return "", "", "", false
	}
	for i := 0; i < len(scheme); i++ {
		c := scheme[i] | 0x20
		letter := 'a' <= c && c <= 'z'
		if !letter && (i == 0 || !('0' <= scheme[i] && scheme[i] <= '9' ||
			scheme[i] == '+' || scheme[i] == '-' || scheme[i] == '.')) {
			return "", "", "", false
		}
	}
	host = rest
	if rest[0] == '[' {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", "", "", false
		}
		host, rest = rest[:end+1], rest[end+1:]
		for i := 1; i < len(host)-1; i++ {
			c := host[i] | 0x20
			if !('0' <= host[i] && host[i] <= '9' || 'a' <= c && c <= 'f' || host[i] == ':' ||
				host[i] == '.') {
				return "", "", "", false
			}
		}
		if rest != "" {
			if rest[0] != ':' {
				return "", "", "", false
			}
			port = rest[1:]
			if port == "" {
				return "", "", "", false
			}
		}
	} else {
		if i := strings.IndexByte(rest, ':'); i >= 0 {
			host, port = rest[:i], rest[i+1:]
			if port == "" {
				return "", "", "", false
			}
		}
		h := host
		if pattern && strings.HasPrefix(h, "*.") {
			h = h[2:]
		}
		if h == "" || h[0] == '.' || h[len(h)-1] == '.' || strings.Contains(h, "..") {
			return "", "", "", false
		}
		for i := 0; i < len(h); i++ {
			c := h[i] | 0x20
			if !('a' <= c && c <= 'z' || '0' <= h[i] && h[i] <= '9' || h[i] == '-' || h[i] == '.') {
				return "", "", "", false
			}
		}
	}
	if len(port) > 5 {
		return "", "", "", false
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return "", "", "", false
		}
	}
	return strings.ToLower(scheme), strings.ToLower(host), port, true
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

func joinOrigin(scheme, host, port string) string {
	if port == "" {
		return scheme + "://" + host
	}
	return scheme + "://" + host + ":" + port
}

// validToken reports whether s is an HTTP token (RFC 9110), as header names are.
func validToken(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

// sanitizeToken returns s if it is a token, else a placeholder: client input is echoed in
// error messages only when harmless.
func sanitizeToken(s string) string {
	if validToken(s) {
		return s
	}
	return "(malformed)"
}
