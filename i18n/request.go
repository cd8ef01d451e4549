package i18n

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sinewdev/sinew/web"
	"golang.org/x/text/language"
)

const (
	// maxTagLen bounds the language tags worth parsing: real ones are far shorter.
	maxTagLen = 35
	// maxAcceptElems is how many Accept-Language elements are read; the rest is ignored.
	maxAcceptElems = 16
	// maxAcceptCache bounds the cache of Accept-Language matches, and maxAcceptCached the
	// length of a header worth caching.
	maxAcceptCache  = 512
	maxAcceptCached = 200
)

// ctxKey is the key of the locale in a request's Ctx values and context.
const ctxKey = "sinew/i18n.locale"

type contextKey struct{}

// Middleware returns the middleware that picks each request's locale and stores it for
// [LocaleOf], [T] and the template helpers. Install it with app.Use (it must run before
// routing when [Config.URLPrefix] is on, to strip the prefix). The locale comes from, in
// order: the URL prefix (/fr/...), the query parameter (?lang=fr, which also sets the
// cookie), the cookie, the Accept-Language header, and the default locale. Values that
// name no locale of the bundle, malformed or oversized, are ignored. The response gets
// Content-Language, and Vary: Accept-Language, Cookie when the headers decided.
func (b *Bundle) Middleware() web.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if b.cfg.Skip != nil && b.cfg.Skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			st, r := b.resolve(w, r)
			if st.prefix != "" {
				w = &prefixWriter{ResponseWriter: w, prefix: st.prefix}
			}
			// Shared, full slices: a later Add copies instead of writing into them.
			w.Header()["Content-Language"] = st.loc.contentLanguage
			if c := web.CtxFrom(r); c != nil {
				c.Set(ctxKey, st)
			} else {
				r = r.WithContext(context.WithValue(r.Context(), contextKey{}, st))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// resolve picks the locale of r, returning r with the URL prefix stripped.
func (b *Bundle) resolve(w http.ResponseWriter, r *http.Request) (*state, *http.Request) {
	if b.cfg.URLPrefix {
		if l, seg, rest, ok := b.fromPath(r.URL.Path); ok {
			r2 := *r
			u := *r.URL
			u.Path = rest
			if u.RawPath != "" {
				// The segment holds no escapes when it names a locale; if the raw path
				// spells it otherwise, let net/url derive the raw path again.
				rawRest, ok := strings.CutPrefix(u.RawPath, "/"+seg)
				switch {
				case ok && rawRest == "":
					u.RawPath = ""
				case ok && rawRest[0] == '/':
					u.RawPath = rawRest
				default:
					u.RawPath = ""
				}
			}
			r2.URL = &u
			return l.prefix, &r2
		}
	}
	if q := b.cfg.Query; q != "-" && strings.Contains(r.URL.RawQuery, q+"=") {
		if l := b.lookup(r.URL.Query().Get(q)); l != nil {
			if b.cfg.Cookie != "-" {
				if ck, err := r.Cookie(b.cfg.Cookie); err != nil || ck.Value != l.name {
					secure := r.TLS != nil
					if c := web.CtxFrom(r); c != nil {
						secure = c.Secure()
					}
					http.SetCookie(w, &http.Cookie{Name: b.cfg.Cookie, Value: l.name, Path: "/",
						MaxAge: int((365 * 24 * time.Hour).Seconds()), HttpOnly: true, Secure: secure,
						SameSite: http.SameSiteLaxMode})
				}
			}
			return l.noPrefix, r
		}
	}
	if h := w.Header(); h["Vary"] == nil {
		h["Vary"] = b.vary
	} else {
		h["Vary"] = append(h["Vary"], b.vary[0])
	}
	if b.cfg.Cookie != "-" {
		if ck, err := r.Cookie(b.cfg.Cookie); err == nil {
			if l := b.lookup(ck.Value); l != nil {
				return l.noPrefix, r
			}
		}
	}
	return b.Negotiate(r.Header.Get("Accept-Language")).noPrefix, r
}

// fromPath returns the locale named by p's first segment, the segment, and p without it
// ("/fr/posts" gives fr, "fr", "/posts"; "/fr" gives "/").
func (b *Bundle) fromPath(p string) (l *Locale, seg, rest string, ok bool) {
	if len(p) < 2 || p[0] != '/' {
		return nil, "", "", false
	}
	seg, rest = p[1:], "/"
	if i := strings.IndexByte(seg, '/'); i >= 0 {
		seg, rest = seg[:i], seg[i:]
	}
	if l = b.lookup(seg); l == nil {
		return nil, "", "", false
	}
	return l, seg, rest, true
}

// Negotiate returns the bundle's locale that best serves an Accept-Language header value
// ("fr-CH, fr;q=0.9, en;q=0.8"), by the CLDR matching of golang.org/x/text/language, or
// the default locale. Malformed elements are skipped, only the first 16 elements are
// read, and results are cached for short headers (up to 512 distinct values).
func (b *Bundle) Negotiate(header string) *Locale {
	if header == "" {
		return b.def
	}
	cacheable := len(header) <= maxAcceptCached
	if cacheable {
		b.acceptMu.Lock()
		l, ok := b.acceptCache[header]
		b.acceptMu.Unlock()
		if ok {
			return l
		}
	}
	l := b.match(parseAcceptLanguage(header))
	if l == nil {
		l = b.def
	}
	if cacheable {
		b.acceptMu.Lock()
		if len(b.acceptCache) < maxAcceptCache {
			b.acceptCache[header] = l
		}
		b.acceptMu.Unlock()
	}
	return l
}

// match returns the best locale for tags in preference order, or nil for no match.
func (b *Bundle) match(tags []language.Tag) *Locale {
	if len(tags) == 0 {
		return nil
	}
	_, i, conf := b.matcher.Match(tags...)
	if conf == language.No || i < 0 || i >= len(b.locales) {
		return nil
	}
	return b.locales[i]
}

// parseAcceptLanguage reads an Accept-Language value into tags by decreasing weight,
// skipping malformed elements, wildcards and q=0, and reading at most maxAcceptElems.
func parseAcceptLanguage(h string) []language.Tag {
	type weighted struct {
		tag language.Tag
		q   int
	}
	var list []weighted
	for n := 0; h != "" && n < maxAcceptElems; n++ {
		var elem string
		if i := strings.IndexByte(h, ','); i >= 0 {
			elem, h = h[:i], h[i+1:]
		} else {
			elem, h = h, ""
		}
		name, params, _ := strings.Cut(elem, ";")
		name = strings.TrimSpace(name)
		if name == "" || name == "*" || len(name) > maxTagLen {
			continue
		}
		q, ok := qvalue(params)
		if !ok || q == 0 {
			continue
		}
		t, err := language.Parse(name)
		if err != nil {
			continue
		}
		list = append(list, weighted{t, q})
	}
	slices.SortStableFunc(list, func(x, y weighted) int { return y.q - x.q })
	tags := make([]language.Tag, len(list))
	for i, w := range list {
		tags[i] = w.tag
	}
	return tags
}

// qvalue reads the weight of an element's parameters ("q=0.8"), in thousandths.
func qvalue(params string) (int, bool) {
	params = strings.TrimSpace(params)
	if params == "" {
		return 1000, true
	}
	name, val, ok := strings.Cut(params, "=")
	if !ok || strings.TrimSpace(name) != "q" && strings.TrimSpace(name) != "Q" {
		return 0, false
	}
	val = strings.TrimSpace(val)
	if val == "" || len(val) > 5 {
		return 0, false
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil || f < 0 || f > 1 || val[0] == '+' || val[0] == '-' {
		return 0, false
	}
	return int(f*1000 + 0.5), true
}

// stateOf returns what the middleware stored on the request, or nil.
func stateOf(c *web.Ctx) *state {
	if c == nil {
		return nil
	}
	if st, ok := c.Get(ctxKey).(*state); ok {
		return st
	}
	if c.Request != nil {
		if st, ok := c.Request.Context().Value(contextKey{}).(*state); ok {
			return st
		}
	}
	return nil
}

// LocaleOf returns the request's locale as chosen by [Bundle.Middleware], or nil when the
// middleware did not run (whose T returns keys unchanged).
func LocaleOf(c *web.Ctx) *Locale {
	if st := stateOf(c); st != nil {
		return st.loc
	}
	return nil
}

// FromRequest returns the locale of a request handled by plain net/http handlers behind
// [Bundle.Middleware], or nil.
func FromRequest(r *http.Request) *Locale {
	if c := web.CtxFrom(r); c != nil {
		if l := LocaleOf(c); l != nil {
			return l
		}
	}
	if st, ok := r.Context().Value(contextKey{}).(*state); ok {
		return st.loc
	}
	return nil
}

// T translates key for the request's locale: i18n.T(c, "cart.items", "count", n). See
// [Locale.T]. Without the middleware it returns key.
func T(c *web.Ctx, key string, args ...any) string {
	return LocaleOf(c).T(key, args...)
}

// Path returns p (an absolute path such as "/posts") under the request's URL prefix:
// "/fr/posts" when the request came in as /fr/..., else p unchanged.
func Path(c *web.Ctx, p string) string {
	if st := stateOf(c); st != nil && st.prefix != "" {
		if p == "/" {
			return st.prefix + "/"
		}
		return st.prefix + p
	}
	return p
}

// prefixWriter puts the locale's URL prefix back into the Location of redirects answered
// to a prefixed request: the router's clean-path and trailing-slash redirects, and the
// handlers' own, are computed from the stripped path ("/posts/" → "/posts") and would
// otherwise leave the language ("/fr/posts/" → "/posts").
type prefixWriter struct {
	http.ResponseWriter
	prefix  string
	written bool
}

func (w *prefixWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		if code >= 300 && code < 400 {
			h := w.ResponseWriter.Header()
			if loc := h.Get("Location"); needsPrefix(loc, w.prefix) {
				h.Set("Location", w.prefix+loc)
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *prefixWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client, when the underlying writer can.
func (w *prefixWriter) Flush() {
	w.written = true
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *prefixWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// needsPrefix reports whether a Location is a path on this site ("/posts", not
// "//host/x", "https://…" or "./x") that does not already carry the prefix.
func needsPrefix(loc, prefix string) bool {
	if loc == "" || loc[0] != '/' || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
		return false
	}
	rest, ok := strings.CutPrefix(loc, prefix)
	return !ok || rest != "" && rest[0] != '/' && rest[0] != '?' && rest[0] != '#'
}
