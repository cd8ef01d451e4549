package web

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzRoutes is a route set dense in static, parameter and catch-all siblings.
var fuzzRoutes = []string{
	"/", "/users", "/users/", "/users/new", "/users/{id}", "/users/{id}/", "/users/{id}/posts/{post}",
	"/users/{uid}/files/{path...}", "/users/{id}/posts/latest", "/static/{path...}",
	"/a/{x}/b", "/a/{rest...}", "/a/b/c", "/a/b/{y}/d", "/a/bc", "/a/bcd/{z}",
	"/files/{name}", "/files/{name}/meta", "/café", "/docs/", "/{first}/x/{second}",
	"/x/{p}/y/{q}", "/x/{p}/{r}/z", "/ab", "/abc/{d}", "/{any}/", "/{one}", "/{k}/{v}/{w...}",
	"/deep/a/b/c/d/e", "/deep/{p1}/b/{p3}/d/{p5}", "/deep/{rest...}",
}

func fuzzRouter(tb testing.TB) *Router {
	tb.Helper()
	r := NewRouter(Config{})
	for _, p := range fuzzRoutes {
		pattern := p
		r.GET(p, func(c *Ctx) error {
			// Report the route and its decoded parameters through headers.
			c.Writer.Header().Set("X-Route", pattern)
			c.Writer.Header()["X-Params"] = append([]string(nil), c.params...)
			return c.NoContent(http.StatusOK)
		})
	}
	return r
}

// substitute puts values in place of the wildcards of a parsed pattern.
func substitute(p parsedPattern, values []string) string {
	var b strings.Builder
	i := 0
	for _, part := range p.parts {
		if part.kind == segStatic {
			b.WriteString(part.text)
			continue
		}
		b.WriteString(values[i])
		i++
	}
	return b.String()
}

// refMatch is a slow reference matcher: the route whose per-segment kinds (static < param <
// catch-all) are lexicographically smallest among the routes matching path.
func refMatch(routes []parsedPattern, p string) (best int, values []string) {
	best = -1
	var bestKinds []segKind
	segs := strings.Split(p[1:], "/")
	for i, rt := range routes {
		kinds, vals, ok := refMatchOne(rt, segs)
		if !ok {
			continue
		}
		if best < 0 || lessKinds(kinds, bestKinds) {
			best, bestKinds, values = i, kinds, vals
		}
	}
	return best, values
}

func refMatchOne(rt parsedPattern, segs []string) (kinds []segKind, vals []string, ok bool) {
	psegs := strings.Split(rt.path[1:], "/")
	for i, ps := range psegs {
		switch {
		case strings.HasSuffix(ps, "...}"):
			if i >= len(segs) {
				return nil, nil, false
			}
			kinds = append(kinds, segCatchAll)
			vals = append(vals, strings.Join(segs[i:], "/"))
			return kinds, vals, true
		case strings.HasPrefix(ps, "{"):
			if i >= len(segs) || segs[i] == "" {
				return nil, nil, false
			}
			kinds = append(kinds, segParam)
			vals = append(vals, segs[i])
		default:
			if i >= len(segs) || segs[i] != ps {
				return nil, nil, false
			}
			kinds = append(kinds, segStatic)
		}
	}
	return kinds, vals, len(psegs) == len(segs)
}

func lessKinds(a, b []segKind) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

func FuzzRouteMatch(f *testing.F) {
	for _, s := range []string{
		"/", "/users", "/users/new", "/users/1", "/users/1/", "/users/1/posts/2", "/users/1/posts/latest",
		"/users/1/files/", "/users/1/files/a/b", "/static/", "/a/1/b", "/a/1/c", "/a/b/c", "/a/b/x/d",
		"/a/bc", "/a/bcd/e", "/a/b", "/café", "/caf%C3%A9", "/users/a%2Fb", "/users/%2e%2e", "/x/1/y/z",
		"/x/1/w/z", "//", "/a//b", "/./a", "/../a", "/users/100%25", "/deep/a/b/c/d/e", "/deep/a/b/c/d/f",
		"/deep/1/b/3/d/5", "/deep/", "/%zz", "/a?b=c", "/a#frag", "/a b", "/\x00", "/users/é/posts/ü",
	} {
		f.Add(s)
	}
	r := fuzzRouter(f)
	var routes []parsedPattern
	statics := map[string]bool{}
	for _, p := range fuzzRoutes {
		pp, err := parsePattern(p)
		if err != nil {
			f.Fatal(err)
		}
		routes = append(routes, pp)
		if len(pp.names) == 0 {
			statics[p] = true
		}
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		// The tree against the reference matcher.
		var ps []string
		rt := r.lookup(http.MethodGet, p, &ps)
		want, wantVals := refMatch(routes, p)
		switch {
		case rt == nil && want >= 0:
			t.Fatalf("%q: no match, reference matches %s", p, fuzzRoutes[want])
		case rt != nil && want < 0:
			t.Fatalf("%q: matched %s, reference matches nothing", p, rt.Pattern)
		case rt != nil:
			if rt.Pattern != fuzzRoutes[want] {
				t.Fatalf("%q: matched %s, reference (static > param > catch-all) matches %s", p, rt.Pattern, fuzzRoutes[want])
			}
			if got := substitute(rt.parsed, ps); got != p {
				t.Fatalf("%q: %s with %q gives %q", p, rt.Pattern, ps, got)
			}
			if len(ps) != len(wantVals) {
				t.Fatalf("%q: values %q, reference %q", p, ps, wantVals)
			}
			for i := range ps {
				if ps[i] != wantVals[i] {
					t.Fatalf("%q: values %q, reference %q", p, ps, wantVals)
				}
			}
			if statics[p] && rt.Pattern != p {
				t.Fatalf("%q: the static route lost to %s", p, rt.Pattern)
			}
		}

		// The whole router, when p is a valid request target.
		u, err := url.ParseRequestURI(p)
		if err != nil || strings.ContainsAny(p, " \t\r\n") {
			return
		}
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL, req.RequestURI = u, p
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			route := rec.Header().Get("X-Route")
			pp, err := parsePattern(route)
			if err != nil {
				t.Fatalf("%q: bad route header %q", p, route)
			}
			// Decoded values in the pattern reproduce the decoded path.
			if got := substitute(pp, rec.Header()["X-Params"]); got != u.Path {
				t.Fatalf("%q: %s with %q gives %q, want the decoded path %q", p, route, rec.Header()["X-Params"], got, u.Path)
			}
		case http.StatusMovedPermanently:
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
				t.Fatalf("%q: redirect to %q", p, loc)
			}
			lu, err := url.ParseRequestURI(loc)
			if err != nil {
				t.Fatalf("%q: redirect to unparsable %q: %v", p, loc, err)
			}
			if lu.RawQuery != u.RawQuery {
				t.Fatalf("%q: redirect to %q lost the query %q", p, loc, u.RawQuery)
			}
			// The redirect target must not redirect to itself.
			req2 := httptest.NewRequest(http.MethodGet, "/", nil)
			req2.URL, req2.RequestURI = lu, loc
			rec2 := httptest.NewRecorder()
			r.ServeHTTP(rec2, req2)
			if rec2.Code == http.StatusMovedPermanently && rec2.Header().Get("Location") == loc {
				t.Fatalf("%q: redirect loop at %q", p, loc)
			}
		case http.StatusNotFound:
		default:
			t.Fatalf("%q: status %d", p, rec.Code)
		}
	})
}

func FuzzCleanPath(f *testing.F) {
	for _, s := range []string{"", "/", "//", "/a/b", "/a/b/", "a/b", "/a/./b", "/a/../b", "/../..", "/a/..",
		"/a/.", "/a/./", "//evil.com", "/..//evil.com", "/a//b//", "/...", "/.a/..b/", ".", "..", "/a/b/../../../c/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := cleanPath(p)
		switch {
		case !strings.HasPrefix(c, "/"):
			t.Fatalf("cleanPath(%q) = %q: no leading slash", p, c)
		case strings.HasPrefix(c, "//"):
			t.Fatalf("cleanPath(%q) = %q: scheme-relative", p, c)
		case strings.Contains(c, "//"), strings.Contains(c, "/./"), strings.Contains(c, "/../"),
			strings.HasSuffix(c, "/."), strings.HasSuffix(c, "/.."):
			t.Fatalf("cleanPath(%q) = %q: not clean", p, c)
		case !isClean(c):
			t.Fatalf("isClean(cleanPath(%q) = %q) is false", p, c)
		case cleanPath(c) != c:
			t.Fatalf("cleanPath is not idempotent: %q → %q → %q", p, c, cleanPath(c))
		}
		trailing := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") || p == "." || p == ".."
		if c != "/" && strings.HasSuffix(c, "/") != trailing {
			t.Fatalf("cleanPath(%q) = %q: trailing slash not kept", p, c)
		}
		if want := path.Clean("/" + p); strings.TrimSuffix(c, "/") != strings.TrimSuffix(want, "/") {
			t.Fatalf("cleanPath(%q) = %q, path.Clean gives %q", p, c, want)
		}
		if strings.HasPrefix(p, "/") && isClean(p) && c != p {
			t.Fatalf("clean %q changed to %q", p, c)
		}
	})
}

func FuzzPattern(f *testing.F) {
	for _, s := range []string{"/", "GET /", "GET /a/{b}", "/a/{b...}", "POST /a/{b}/{c...}", "/{$}", "/{a",
		"/a}", "/{a}{b}", "/{a}/{a}", "/{a...}/b", "get /", "host/a", "GET  /a", "\t/a", "/{}", "/{...}",
		"/a b", "PROPFIND /x", "/{é}", "/{_}", "/{a1}", "/{1a}", "GET\t/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		p, err := parsePattern(pattern)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: empty error", pattern)
			}
			return
		}
		if p.method != "" && !validMethod(p.method) {
			t.Fatalf("%q: accepted method %q", pattern, p.method)
		}
		if !strings.HasPrefix(p.path, "/") {
			t.Fatalf("%q: accepted path %q", pattern, p.path)
		}
		// The parts spell the path again.
		var b strings.Builder
		seen := map[string]bool{}
		for i, part := range p.parts {
			switch part.kind {
			case segStatic:
				if strings.ContainsAny(part.text, "{}") {
					t.Fatalf("%q: static part %q holds a brace", pattern, part.text)
				}
				b.WriteString(part.text)
			case segParam, segCatchAll:
				if !validName(part.text) || seen[part.text] {
					t.Fatalf("%q: wildcard name %q", pattern, part.text)
				}
				seen[part.text] = true
				if i == 0 || !strings.HasSuffix(p.parts[i-1].text, "/") {
					t.Fatalf("%q: wildcard %q does not start a segment", pattern, part.text)
				}
				if part.kind == segCatchAll {
					if i != len(p.parts)-1 {
						t.Fatalf("%q: catch-all %q is not last", pattern, part.text)
					}
					b.WriteString("{" + part.text + "...}")
				} else {
					if i+1 < len(p.parts) && !strings.HasPrefix(p.parts[i+1].text, "/") {
						t.Fatalf("%q: wildcard %q does not end a segment", pattern, part.text)
					}
					b.WriteString("{" + part.text + "}")
				}
			}
		}
		if b.String() != p.path {
			t.Fatalf("%q: parts spell %q, path is %q", pattern, b.String(), p.path)
		}
		// One registration on a fresh router never conflicts, and the route serves its URL.
		r := NewRouter(Config{})
		r.Handle(pattern, func(c *Ctx) error { return nil }).Name("r")
		args := make([]any, len(p.names))
		for i := range args {
			args[i] = "v"
		}
		u, err := r.URL("r", args...)
		if err != nil {
			t.Fatalf("%q: URL: %v", pattern, err)
		}
		pu, err := url.ParseRequestURI(u)
		if err != nil {
			t.Fatalf("%q: URL %q does not parse: %v", pattern, u, err)
		}
		if m := routingPath(pu); r.lookup(methodOr(p.method), m, new([]string)) == nil {
			t.Fatalf("%q: its URL %q (match form %q) does not route to it", pattern, u, m)
		}
	})
}

// routingPath is the path dispatch matches routes against.
func routingPath(u *url.URL) string {
	if u.RawPath != "" {
		return matchPath(u.EscapedPath())
	}
	return u.Path
}

func methodOr(m string) string {
	if m == "" {
		return http.MethodGet
	}
	return m
}

// bindAll has a field of every type Bind supports, from every source.
type bindAll struct {
	S   string         `form:"s" query:"qs" header:"X-S"`
	B   bool           `form:"b"`
	I   int            `form:"i" query:"qi"`
	I8  int8           `form:"i8"`
	I16 int16          `form:"i16"`
	I32 int32          `form:"i32"`
	I64 int64          `form:"i64" header:"X-I64"`
	U   uint           `form:"u"`
	U8  uint8          `form:"u8"`
	U16 uint16         `form:"u16"`
	U32 uint32         `form:"u32"`
	U64 uint64         `form:"u64"`
	F32 float32        `form:"f32"`
	F64 float64        `form:"f64"`
	T   time.Time      `form:"t"`
	D   time.Duration  `form:"d"`
	P   *int           `form:"p"`
	PP  **string       `form:"pp"`
	PT  *time.Time     `form:"pt"`
	SS  []string       `form:"ss"`
	SI  []int          `form:"si"`
	SP  []*float64     `form:"sp"`
	IP  netip.Addr     `form:"ip"`
	PIP *netip.Addr    `form:"pip"`
	SIP []netip.Addr   `form:"sip"`
	BS  []byte         `form:"bs"`
	ID  string         `path:"id"`
	M   map[string]int `json:"m"`
}

var bindAllFields = []string{"s", "b", "i", "i8", "i16", "i32", "i64", "u", "u8", "u16", "u32", "u64", "f32",
	"f64", "t", "d", "p", "pp", "pt", "ss", "si", "sp", "ip", "pip", "sip", "bs"}

func FuzzBind(f *testing.F) {
	for _, s := range []string{"", "1", "-1", "on", "yes", "NaN", "Inf", "-Inf", "1e400", "0x10", "1_000",
		"9223372036854775808", "-9223372036854775809", "18446744073709551616", "2006-01-02", "2006-01-02T15:04:05Z",
		"1h30m", "999999999999h", "::1", "256.0.0.1", "'; DROP TABLE users; --", "<script>alert(1)</script>",
		"\x00", "\xff\xfe", "%zz", "a=b&c", strings.Repeat("9", 400)} {
		f.Add(s, "s=x&i=1")
	}
	var handled error
	r := NewRouter(Config{ErrorHandler: func(c *Ctx, err error) { handled = err }})
	r.POST("/bind/{id...}", func(c *Ctx) error {
		var v bindAll
		return c.Bind(&v)
	})
	r.GET("/bind/{id...}", func(c *Ctx) error {
		var v bindAll
		if err := c.BindQuery(&v); err != nil {
			return err
		}
		return c.BindForm(&v)
	})
	f.Fuzz(func(t *testing.T, value, raw string) {
		// The value in every field, as a form body, a query string and a header.
		form := url.Values{}
		for _, name := range bindAllFields {
			form.Set(name, value)
		}
		form.Add("ss", value)
		form.Add("si", value)
		body := form.Encode()
		for _, tc := range []struct {
			method, target, ctype, body string
		}{
			{"POST", "/bind/" + url.PathEscape(value) + "?" + form.Encode(), "application/x-www-form-urlencoded", body},
			{"POST", "/bind/x?" + raw, "application/x-www-form-urlencoded", raw},
			{"POST", "/bind/x", "application/json", raw},
			{"POST", "/bind/x", "application/json", `{"S":` + quoteJSON(value) + `}`},
			{"POST", "/bind/x", "application/json", `{"I":` + value + `}`},
			{"POST", "/bind/x", "application/json", `{"m":{` + quoteJSON(value) + `:"x"}}`},
			{"POST", "/bind/x", "application/json", `{` + quoteJSON(value) + `:1}`},
			{"POST", "/bind/x", value, value},
			{"POST", "/bind/x", "multipart/form-data; boundary=XX", raw},
			{"POST", "/bind/x", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"i\"\r\n" + value + "\r\n\r\n" + value + "\r\n--XX--\r\n"},
			{"POST", "/bind/x", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f32\"\r\n\r\n" + value + "\r\n--XX--\r\n"},
			{"GET", "/bind/x?" + body, "", ""},
			{"GET", "/bind/x?" + raw, "", ""},
		} {
			u, err := url.ParseRequestURI(tc.target)
			if err != nil {
				continue
			}
			req := httptest.NewRequest(tc.method, "/", strings.NewReader(tc.body))
			req.URL, req.RequestURI = u, tc.target
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			if validHeaderValue(value) {
				req.Header.Set("X-S", value)
				req.Header.Set("X-I64", value)
			}
			handled = nil
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if handled == nil {
				continue
			}
			var pe *PanicError
			if errors.As(handled, &pe) {
				t.Fatalf("%s %.200q %.200q: panic: %v\n%s", tc.method, tc.target, tc.body, pe.Value, pe.Stack)
			}
			code := StatusOf(handled)
			if code != http.StatusBadRequest && code != http.StatusUnsupportedMediaType {
				t.Fatalf("%s %.200q %.200q: status %d for %.300v", tc.method, tc.target, tc.body, code, handled)
			}
			var he *HTTPError
			if !errors.As(handled, &he) {
				t.Fatalf("%s %.200q: %T is not an *HTTPError", tc.method, tc.target, handled)
			}
			// Bounded, whatever the input: quoted values are cut to 40 bytes (up to 160
			// characters once non-UTF-8 bytes are escaped as \xNN), error texts to 100.
			for _, fe := range he.Fields {
				if len(fe.Message) > 400 || len(fe.Location) > 200 {
					t.Fatalf("%s %.200q: field error too long: %.300q", tc.method, tc.target, fe)
				}
			}
			if len(he.Message) > 400 {
				t.Fatalf("%s %.200q: message too long: %.300q", tc.method, tc.target, he.Message)
			}
		}
	})
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteRune(c)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// TestRouteOrderIndependence registers fuzzRoutes in many orders and checks every router
// against the reference matcher on paths built from the routes themselves.
func TestRouteOrderIndependence(t *testing.T) {
	t.Parallel()
	var routes []parsedPattern
	for _, p := range fuzzRoutes {
		pp, err := parsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		routes = append(routes, pp)
	}
	// Probe paths: every route with every value from a small alphabet in its wildcards.
	values := []string{"v", "new", "b", "x", "latest", "y", "z", "meta", "c", "a/b", "", "bc"}
	var probes []string
	for _, pp := range routes {
		for _, v := range values {
			vals := make([]string, len(pp.names))
			for i := range vals {
				vals[i] = v
			}
			probes = append(probes, substitute(pp, vals), substitute(pp, vals)+"/", substitute(pp, vals)+"/x")
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for perm := range 40 {
		order := slices.Clone(fuzzRoutes)
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		r := NewRouter(Config{})
		for _, p := range order {
			r.GET(p, func(c *Ctx) error { return nil })
		}
		for _, p := range probes {
			var ps []string
			rt := r.lookup(http.MethodGet, p, &ps)
			want, wantVals := refMatch(routes, p)
			got := ""
			if rt != nil {
				got = rt.Pattern
			}
			wantPattern := ""
			if want >= 0 {
				wantPattern = fuzzRoutes[want]
			}
			if got != wantPattern || !slices.Equal(ps, wantVals) && !(len(ps) == 0 && len(wantVals) == 0) {
				t.Fatalf("order %d %q: %q matched %q %q, reference %q %q", perm, order, p, got, ps, wantPattern, wantVals)
			}
		}
	}
}
