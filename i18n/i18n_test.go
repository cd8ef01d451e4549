package i18n

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sinewdev/sinew/validate"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
	"golang.org/x/text/feature/plural"
)

// testBundle loads testdata/locales (en default, fr, ru, ja, ar, pt, pt-BR) or fails.
func testBundle(t testing.TB, cfg Config) *Bundle {
	t.Helper()
	b, err := New(os.DirFS("testdata/locales"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPluralRules(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	tests := []struct {
		locale string
		n      any
		form   plural.Form
		text   string
	}{
		{"en", 0, plural.Other, "0 apples"},
		{"en", 1, plural.One, "1 apple"},
		{"en", 2, plural.Other, "2 apples"},
		{"en", int64(21), plural.Other, "21 apples"},
		{"en", 1.5, plural.Other, "1.5 apples"},
		{"en", "1.0", plural.Other, "1.0 apples"}, // a visible fraction digit: not "one"
		{"en", -1, plural.One, "-1 apple"},
		{"en", 1234567, plural.Other, "1,234,567 apples"},
		{"fr", 0, plural.One, "0 pomme"}, // French: 0 and 1 are singular
		{"fr", 1, plural.One, "1 pomme"},
		{"fr", 1.5, plural.One, "1,5 pomme"},
		{"fr", 2, plural.Other, "2 pommes"},
		{"fr", 1000000, plural.Other, "1\u00a0000\u00a0000 pommes"},
		{"ru", 1, plural.One, "1 яблоко"},
		{"ru", 2, plural.Few, "2 яблока"},
		{"ru", 4, plural.Few, "4 яблока"},
		{"ru", 5, plural.Many, "5 яблок"},
		{"ru", 11, plural.Many, "11 яблок"},
		{"ru", 12, plural.Many, "12 яблок"},
		{"ru", 21, plural.One, "21 яблоко"},
		{"ru", 22, plural.Few, "22 яблока"},
		{"ru", 111, plural.Many, "111 яблок"},
		{"ru", 0, plural.Many, "0 яблок"},
		{"ru", 1.5, plural.Other, "1,5 яблока"},
		{"ja", 0, plural.Other, "りんご0個"},
		{"ja", 1, plural.Other, "りんご1個"},
		{"ja", 100, plural.Other, "りんご100個"},
		{"ar", 0, plural.Zero, "لا تفاحات"},
		{"ar", 1, plural.One, "تفاحة واحدة"},
		{"ar", 2, plural.Two, "تفاحتان"},
		{"ar", 3, plural.Few, "٣ تفاحات"},
		{"ar", 10, plural.Few, "١٠ تفاحات"},
		{"ar", 11, plural.Many, "١١ تفاحة"},
		{"ar", 99, plural.Many, "٩٩ تفاحة"},
		{"ar", 100, plural.Other, "١٠٠ تفاحة"},
		{"ar", 102, plural.Other, "١٠٢ تفاحة"},
		{"ar", 103, plural.Few, "١٠٣ تفاحات"},
		{"ar", uint(1), plural.One, "تفاحة واحدة"},
	}
	for _, tt := range tests {
		l := b.Locale(tt.locale)
		if got := l.PluralForm(tt.n); got != tt.form {
			t.Errorf("%s %v: form %s, want %s", tt.locale, tt.n, formNames[got], formNames[tt.form])
		}
		if got := l.T("apples", "count", tt.n); got != tt.text {
			t.Errorf("%s %v: %q, want %q", tt.locale, tt.n, got, tt.text)
		}
	}
}

func TestOperands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in             any
		i, v, w, f, tt int
		ok             bool
	}{
		{5, 5, 0, 0, 0, 0, true},
		{"1.50", 1, 2, 1, 50, 5, true},
		{1.25, 1, 2, 2, 25, 25, true},
		{"-3.0", 3, 1, 0, 0, 0, true},
		{uint64(1) << 63, int((uint64(1) << 63) % opMod), 0, 0, 0, 0, true},
		{"", 0, 0, 0, 0, 0, false},
		{"1.", 0, 0, 0, 0, 0, false},
		{"1e5", 0, 0, 0, 0, 0, false},
		{"abc", 0, 0, 0, 0, 0, false},
		{strings.Repeat("9", 500), 0, 0, 0, 0, 0, false},
		{nil, 0, 0, 0, 0, 0, false},
		{struct{}{}, 0, 0, 0, 0, 0, false},
	}
	for _, tt := range tests {
		op, ok := operands(tt.in)
		if ok != tt.ok || ok && (op.i != tt.i || op.v != tt.v || op.w != tt.w || op.f != tt.f || op.t != tt.tt) {
			t.Errorf("operands(%.20v) = %+v, %v", tt.in, op, ok)
		}
	}
}

func TestT(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	en, fr := b.Locale("en"), b.Locale("fr")
	when := time.Date(2026, 12, 6, 9, 5, 0, 0, time.UTC)
	tests := []struct {
		l    *Locale
		key  string
		args []any
		want string
	}{
		{en, "hello", []any{"name", "Ada"}, "Hello, Ada!"},
		{fr, "hello", []any{"name", "Ada"}, "Bonjour, Ada !"},
		{en, "hello", []any{map[string]any{"name": "Grace"}}, "Hello, Grace!"},
		{en, "hello", nil, "Hello, {name}!"},                 // a missing argument stays visible
		{en, "hello", []any{"name"}, "Hello, {name}!"},       // odd pairs: the lone name is ignored
		{en, "hello", []any{"name", "<b>&"}, "Hello, <b>&!"}, // escaping is the template's job
		{en, "braces", []any{"name", "x"}, "Use {name} for a placeholder, not x."},
		{en, "items", []any{"count", 0}, "No items"},
		{fr, "items", []any{"count", 0}, "Aucun article"},
		{fr, "items", []any{"count", 1}, "1 article"},
		{en, "items", nil, "{count} items"},
		{en, "items", []any{"count", "many"}, "many items"},
		{en, "nav.home", nil, "Home"},
		{fr, "nav.posts", nil, "Articles"},
		{en, "total", []any{"amount", 1234.5, "when", when}, "Total: 1,234.5 on Dec 6, 2026"},
		{fr, "total", []any{"amount", 1234.5, "when", when}, "Total : 1\u00a0234,5 le 6 déc. 2026"},
		{en, "total", []any{"amount", errors.New("n/a"), "when", &when}, "Total: n/a on Dec 6, 2026"},
		{fr, "only.en", nil, "Only in English"},     // falls back to the default
		{fr, "no.such.key", nil, "no.such.key"},     // nowhere: the key
		{nil, "hello", []any{"name", "x"}, "hello"}, // no locale (no middleware): the key
	}
	for _, tt := range tests {
		if got := tt.l.T(tt.key, tt.args...); got != tt.want {
			t.Errorf("%v T(%q, %v) = %q, want %q", tt.l, tt.key, tt.args, got, tt.want)
		}
	}
}

func TestFallbacksAndMissing(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var reported []string
	b := testBundle(t, Config{Dev: true, OnMissing: func(locale, key string) {
		mu.Lock()
		reported = append(reported, locale+":"+key)
		mu.Unlock()
	}})
	ptBR := b.Locale("pt-br")
	if ptBR.String() != "pt-BR" {
		t.Fatalf("Locale(pt-br) = %s", ptBR)
	}
	tests := []struct{ key, want string }{
		{"nav.home", "Página inicial"}, // its own
		{"hello", "Olá, {name}!"},      // from pt
		{"nav.posts", "Posts"},         // from en
		{"nope", "[missing: pt-BR.nope]"},
	}
	for _, tt := range tests {
		if got := ptBR.T(tt.key); got != tt.want {
			t.Errorf("pt-BR %s = %q, want %q", tt.key, got, tt.want)
		}
	}
	b.Locale("fr").T("only.en")
	b.Locale("en").T("nav.home")
	want := []MissingKey{{"fr", "only.en"}, {"pt-BR", "hello"}, {"pt-BR", "nav.posts"}, {"pt-BR", "nope"}}
	if got := b.Missing(); !slices.Equal(got, want) {
		t.Errorf("Missing() = %v, want %v", got, want)
	}
	mu.Lock()
	if len(reported) != 4 {
		t.Errorf("OnMissing calls: %v", reported)
	}
	mu.Unlock()
	// The record is bounded.
	for i := range 2 * maxMissing {
		b.Locale("ja").T("flood." + strings.Repeat("x", i%50) + string(rune('a'+i%26)) + time.Duration(i).String())
	}
	if n := len(b.Missing()); n != maxMissing {
		t.Errorf("%d missing keys recorded, want the bound %d", n, maxMissing)
	}
	if !ptBR.Has("nav.home") || ptBR.Has("hello") {
		t.Error("Has counts fallbacks")
	}
}

func TestLocaleLookup(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	tests := map[string]string{
		"fr": "fr", "FR": "fr", "fr-CA": "fr", "fr_CA": "fr", "pt-PT": "pt", "pt-BR": "pt-BR",
		"de": "en", "": "en", "zz-Latn-ZZ": "en", strings.Repeat("a", 100): "en", "ar-EG": "ar",
		"ja-JP": "ja", "x\x00y": "en",
	}
	for in, want := range tests {
		if got := b.Locale(in).String(); got != want {
			t.Errorf("Locale(%q) = %s, want %s", in, got, want)
		}
	}
	var names []string
	for _, l := range b.Locales() {
		names = append(names, l.String())
	}
	if want := []string{"en", "ar", "fr", "ja", "pt", "pt-BR", "ru"}; !slices.Equal(names, want) {
		t.Errorf("Locales() = %v, want %v", names, want)
	}
	if b.Locale("fr").Name() != "Français" || b.Locale("ja").Name() != "ja" {
		t.Errorf("Name: %s %s", b.Locale("fr").Name(), b.Locale("ja").Name())
	}
	if b.Default().String() != "en" || b.Locale("ar").Dir() != "rtl" || b.Locale("fr").Dir() != "ltr" {
		t.Error("Default or Dir")
	}
}

func TestNumbersAndDates(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	en, fr, ru := b.Locale("en"), b.Locale("fr"), b.Locale("ru")
	d := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC) // a Monday
	tests := []struct{ got, want string }{
		{en.Number(1234567.5), "1,234,567.5"},
		{fr.Number(1234567.5), "1\u00a0234\u00a0567,5"},
		{ru.Number(-1234), "-1\u00a0234"},
		{b.Locale("pt").Number(1234.25), "1.234,25"},
		{en.Number(0.125), "0.125"},
		{en.Number(1.0 / 3), "0.333333"},
		{en.Number("text"), "text"},
		{en.Date(d, "short"), "3/2/2026"},
		{en.Date(d, "long"), "March 2, 2026"},
		{en.Date(d, "full"), "Monday, March 2, 2026"},
		{en.Date(d, "time"), "14:05"},
		{fr.Date(d, "short"), "02/03/2026"},
		{fr.Date(d, "medium"), "2 mars 2026"},
		{fr.Date(d, "long"), "2 mars 2026"},
		{fr.Date(d, "full"), "lundi 2 mars 2026"},
		{fr.Date(d, "Mon 2 Jan"), "lundi 2 mars"}, // no short day names: the long ones
		{fr.Date(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), "medium"), "1 févr. 2026"},
		{fr.Date(d, "Month: January"), "Month: mars"}, // "Month" is no token
		{ru.Date(d, "long"), "March 2, 2026"},         // no catalogue formats: the default's
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fstest.MapFS
		cfg  Config
		want string
	}{
		{"empty", fstest.MapFS{}, Config{}, "no catalogue"},
		{"no default", fstest.MapFS{"fr.json": {Data: []byte(`{}`)}}, Config{}, "default locale en"},
		{"bad default", fstest.MapFS{"en.json": {Data: []byte(`{}`)}}, Config{Default: "e!"}, "Config.Default"},
		{"malformed json", fstest.MapFS{"en.json": {Data: []byte(`{"a": `)}}, Config{}, "en.json"},
		{"trailing data", fstest.MapFS{"en.json": {Data: []byte(`{} {}`)}}, Config{}, "after the JSON"},
		{"not an object", fstest.MapFS{"en.json": {Data: []byte(`[1]`)}}, Config{}, "en.json"},
		{"bad tag", fstest.MapFS{"en.json": {Data: []byte(`{}`)}, "english!.json": {Data: []byte(`{}`)}}, Config{}, "not a BCP 47"},
		{"unclosed brace", fstest.MapFS{"en.json": {Data: []byte(`{"a": "Hi {name"}`)}}, Config{}, `en.json: key "a": unclosed {`},
		{"stray brace", fstest.MapFS{"en.json": {Data: []byte(`{"a": "Hi }"}`)}}, Config{}, "unmatched }"},
		{"empty placeholder", fstest.MapFS{"en.json": {Data: []byte(`{"a": "Hi {}"}`)}}, Config{}, "placeholder {}"},
		{"bad placeholder", fstest.MapFS{"en.json": {Data: []byte(`{"a": "Hi {na me}"}`)}}, Config{}, "placeholder {na me}"},
		{"number value", fstest.MapFS{"en.json": {Data: []byte(`{"a": 3}`)}}, Config{}, "want a string"},
		{"bad plural form", fstest.MapFS{"en.json": {Data: []byte(`{"a": {"one": "x", "other": "x {"}}`)}}, Config{}, `key "a": form "other": unclosed {`},
		{"group with a number", fstest.MapFS{"en.json": {Data: []byte(`{"a": {"other": "x", "few": 3}}`)}}, Config{}, `key "a.few": want a string`},
		{"duplicate", fstest.MapFS{"en/a.json": {Data: []byte(`{"k": "x"}`)}, "en/b.json": {Data: []byte(`{"k": "y"}`)}}, Config{}, "also defined"},
		{"duplicate nested", fstest.MapFS{"en.json": {Data: []byte(`{"a.b": "x", "a": {"b": "y"}}`)}}, Config{}, "also defined"},
		{"two spellings", fstest.MapFS{"en.json": {Data: []byte(`{}`)}, "EN.json": {Data: []byte(`{}`)}}, Config{}, "two catalogues"},
		{"bad months", fstest.MapFS{"en.json": {Data: []byte(`{"@months": ["a"]}`)}}, Config{}, "12 names"},
		{"bad formats", fstest.MapFS{"en.json": {Data: []byte(`{"@formats": {"short": 1}}`)}}, Config{}, "Go time layout"},
		{"unknown special", fstest.MapFS{"en.json": {Data: []byte(`{"@colour": "red"}`)}}, Config{}, "unknown special"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.fsys, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := New(nil, Config{}); err == nil {
		t.Error("nil fs accepted")
	}
	// Hidden files and directories, other extensions and deeper files are not catalogues.
	b, err := New(fstest.MapFS{
		"en.json":            {Data: []byte(`{"a": "A"}`)},
		".git/x.json":        {Data: []byte(`not json`)},
		".draft.json":        {Data: []byte(`not json`)},
		"README.md":          {Data: []byte(`# locales`)},
		"fr/legacy/old.json": {Data: []byte(`not json`)},
		"fr/app.json":        {Data: []byte(`{"a": "Á"}`)},
	}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Locale("fr").T("a"); got != "Á" {
		t.Errorf("fr a = %q", got)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	var got []string
	for _, p := range b.Check() {
		if p.Locale == "ru" || p.Locale == "pt-BR" {
			got = append(got, p.String())
		}
	}
	want := []string{
		"pt-BR: apples: missing (falls back to en)",
		"pt-BR: braces: missing (falls back to en)",
		"pt-BR: extra: not in the default locale's catalogue (en)",
		"pt-BR: items: missing (falls back to en)",
		"pt-BR: nav.posts: missing (falls back to en)",
		"pt-BR: only.en: missing (falls back to en)",
		"pt-BR: total: missing (falls back to en)",
		"pt-BR: validate.max.string: missing (falls back to en)",
		"pt-BR: validate.max: missing (falls back to en)",
		"pt-BR: validate.required: missing (falls back to en)",
		"ru: braces: missing (falls back to en)",
		`ru: items: no "few" form, which ru uses`,
		`ru: items: no "many" form, which ru uses`,
		"ru: nav.posts: missing (falls back to en)",
		"ru: only.en: missing (falls back to en)",
		"ru: total: missing (falls back to en)",
		"ru: validate.max.string: missing (falls back to en)",
		"ru: validate.max: missing (falls back to en)",
		"ru: validate.required: missing (falls back to en)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check():\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	typo, err := New(fstest.MapFS{
		"en.json": {Data: []byte(`{"hi": "Hi {name}"}`)},
		"fr.json": {Data: []byte(`{"hi": "Salut {nom}"}`)},
	}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got := typo.Check(); len(got) != 1 || got[0].String() != "fr: hi: placeholder {nom} is not in the en message" {
		t.Errorf("Check() = %v", got)
	}
}

// newApp returns a router with the bundle's middleware and a handler that reports the
// locale, the request path the route saw and the localized path of /posts.
func newApp(t testing.TB, b *Bundle) *web.Router {
	t.Helper()
	r := web.NewRouter(web.Config{})
	r.Use(b.Middleware())
	h := func(c *web.Ctx) error {
		return c.Text(http.StatusOK, LocaleOf(c).String()+" "+c.Request.URL.Path+" "+Path(c, "/posts")+" "+T(c, "nav.home"))
	}
	r.GET("/", h)
	r.GET("/posts", h)
	r.GET("/files/{name}", func(c *web.Ctx) error { return c.Text(http.StatusOK, LocaleOf(c).String()+" "+c.Param("name")) })
	return r
}

func request(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestMiddlewarePrecedence(t *testing.T) {
	t.Parallel()
	r := newApp(t, testBundle(t, Config{URLPrefix: true}))
	tests := []struct {
		name, target string
		header       []string
		want         string
		setCookie    string
		vary         bool
	}{
		{"default", "/posts", nil, "en /posts /posts Home", "", true},
		{"accept-language", "/posts", []string{"Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8"}, "fr /posts /posts Accueil", "", true},
		{"accept-language weights", "/posts", []string{"Accept-Language", "en;q=0.1, ja;q=0.9"}, "ja /posts /posts ホーム", "", true},
		{"cookie beats header", "/posts", []string{"Accept-Language", "fr", "Cookie", "lang=ru"}, "ru /posts /posts Главная", "", true},
		{"query beats cookie", "/posts?lang=ja", []string{"Cookie", "lang=ru"}, "ja /posts /posts ホーム", "lang=ja", false},
		{"query matching the cookie sets nothing", "/posts?lang=ja", []string{"Cookie", "lang=ja"}, "ja /posts /posts ホーム", "", false},
		{"prefix beats query", "/fr/posts?lang=ja", []string{"Cookie", "lang=ru", "Accept-Language", "ar"}, "fr /posts /fr/posts Accueil", "", false},
		{"prefix root", "/fr", nil, "fr / /fr/posts Accueil", "", false},
		{"prefix root slash", "/pt-BR/", nil, "pt-BR / /pt-BR/posts Página inicial", "", false},
		{"prefix case", "/PT-br/posts", nil, "pt-BR /posts /pt-BR/posts Página inicial", "", false},
		{"prefix keeps escapes", "/ru/files/a%2Fb", nil, "ru a/b", "", false},
		{"not a locale", "/xx/posts", nil, "", "", true},
		{"unknown query", "/posts?lang=klingon", []string{"Accept-Language", "ar"}, "ar /posts /posts الرئيسية", "", true},
		{"hostile query", "/posts?lang=" + strings.Repeat("fr", 5000), nil, "en /posts /posts Home", "", true},
		{"nul query", "/posts?lang=fr%00", nil, "en /posts /posts Home", "", true},
		{"hostile cookie", "/posts", []string{"Cookie", "lang=" + strings.Repeat("x", 4000), "Accept-Language", "fr"}, "fr /posts /posts Accueil", "", true},
		{"malformed header", "/posts", []string{"Accept-Language", ";;;,,q=,fr;q=abc,=,ja;q=0.5"}, "ja /posts /posts ホーム", "", true},
		{"q=0 refuses", "/posts", []string{"Accept-Language", "fr;q=0, ru"}, "ru /posts /posts Главная", "", true},
		{"wildcard", "/posts", []string{"Accept-Language", "*"}, "en /posts /posts Home", "", true},
		{"oversized header", "/posts", []string{"Accept-Language", strings.Repeat("zz-ZZ;q=0.5, ", 20000) + "fr"}, "en /posts /posts Home", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := request(t, r, tt.target, tt.header...)
			if tt.want == "" {
				if w.Code != http.StatusNotFound {
					t.Fatalf("status %d, want 404", w.Code)
				}
				return
			}
			if w.Code != http.StatusOK || w.Body.String() != tt.want {
				t.Fatalf("%d %q, want %q", w.Code, w.Body, tt.want)
			}
			if got := w.Header().Get("Content-Language"); got != strings.Fields(tt.want)[0] {
				t.Errorf("Content-Language %q", got)
			}
			ck := w.Header().Get("Set-Cookie")
			if tt.setCookie == "" && ck != "" || tt.setCookie != "" && !strings.HasPrefix(ck, tt.setCookie+";") {
				t.Errorf("Set-Cookie %q, want %q", ck, tt.setCookie)
			}
			if ck != "" && (!strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") || !strings.Contains(ck, "Path=/")) {
				t.Errorf("cookie attributes: %q", ck)
			}
			if got := w.Header().Get("Vary") == "Accept-Language, Cookie"; got != tt.vary {
				t.Errorf("Vary %q", w.Header().Get("Vary"))
			}
		})
	}
}

func TestMiddlewareOptions(t *testing.T) {
	t.Parallel()
	// No prefix, no cookie, another query name.
	r := newApp(t, testBundle(t, Config{Cookie: "-", Query: "hl"}))
	tests := []struct {
		target string
		header []string
		want   string
	}{
		{"/posts?hl=fr", nil, "fr /posts /posts Accueil"},
		{"/posts?lang=fr", nil, "en /posts /posts Home"},
		{"/posts", []string{"Cookie", "lang=fr"}, "en /posts /posts Home"},
	}
	for _, tt := range tests {
		w := request(t, r, tt.target, tt.header...)
		if w.Body.String() != tt.want || w.Header().Get("Set-Cookie") != "" {
			t.Errorf("%s: %q (Set-Cookie %q), want %q", tt.target, w.Body, w.Header().Get("Set-Cookie"), tt.want)
		}
	}
	if w := request(t, r, "/fr/posts"); w.Code != http.StatusNotFound {
		t.Errorf("prefix without URLPrefix: %d", w.Code)
	}
	if w := request(t, r, "/posts"); w.Header().Get("Vary") != "Accept-Language" {
		t.Errorf("Vary %q", w.Header().Get("Vary"))
	}
	// Skipped requests get no locale and no headers.
	skip := newApp(t, testBundle(t, Config{URLPrefix: true, Skip: func(r *http.Request) bool {
		return strings.HasPrefix(r.URL.Path, "/files/")
	}}))
	if w := request(t, skip, "/files/x", "Accept-Language", "fr"); w.Body.String() != " x" || w.Header().Get("Vary") != "" || w.Header().Get("Content-Language") != "" {
		t.Errorf("skipped: %q %v", w.Body, w.Header())
	}
	if w := request(t, skip, "/fr/files/x"); w.Body.String() != "fr x" {
		t.Errorf("prefixed, not skipped: %q", w.Body)
	}
	// Plain net/http handlers behind the middleware see the locale too.
	b := testBundle(t, Config{})
	h := b.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(FromRequest(r).T("nav.home")))
	}))
	if w := request(t, h, "/?lang=ar"); w.Body.String() != "الرئيسية" {
		t.Errorf("net/http: %q", w.Body)
	}
}

func TestNegotiateCache(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	for i := range 2 * maxAcceptCache {
		b.Negotiate("fr;q=0." + strings.Repeat("9", i%3+1) + ", x-" + time.Duration(i).String())
	}
	b.acceptMu.Lock()
	n := len(b.acceptCache)
	b.acceptMu.Unlock()
	if n > maxAcceptCache {
		t.Errorf("cache grew to %d", n)
	}
	if b.Negotiate("fr") != b.Locale("fr") || b.Negotiate("fr") != b.Locale("fr") {
		t.Error("cached answer differs")
	}
}

func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "fr", "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5", "en;q=1.0000", ";;,,", "q=0.5",
		"zh-Hant-TW", "x-private", "i-klingon", "en-US-u-ca-buddhist", "de;q=-1", "ar;q=1e-3", "\xff\xfe"} {
		f.Add(s)
	}
	b := testBundle(f, Config{})
	f.Fuzz(func(t *testing.T, h string) {
		l := b.Negotiate(h)
		if l == nil || !slices.Contains(b.locales, l) {
			t.Fatalf("Negotiate(%q) = %v", h, l)
		}
		for _, tag := range parseAcceptLanguage(h) {
			_ = tag.String()
		}
	})
}

func FuzzParseText(f *testing.F) {
	for _, s := range []string{"", "Hello", "Hi {name}!", "{{x}}", "{a}{b}", "{", "}", "{{", "}}}", "{ a }", "{a.b_c}"} {
		f.Add(s)
	}
	b := testBundle(f, Config{})
	en := b.Default()
	f.Fuzz(func(t *testing.T, s string) {
		txt, err := parseText(s)
		if err != nil {
			return
		}
		out := en.render(&message{text: txt}, []any{"name", "N", "count", 3})
		if !strings.ContainsAny(s, "{}") && out != s {
			t.Fatalf("text without braces changed: %q → %q", s, out)
		}
	})
}

type signup struct {
	Name  string `json:"name" validate:"required,max=5"`
	Email string `json:"email" validate:"required,email"`
	Age   int    `json:"age" validate:"max=3"`
}

func TestValidation(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	in := signup{Name: "Bartholomew", Age: 200}
	fr := validate.New(validate.Config{Message: b.Locale("fr").FieldMessage})
	err := fr.Struct(context.Background(), &in)
	var errs validate.Errors
	if !errors.As(err, &errs) || len(errs) != 3 {
		t.Fatalf("error %v", err)
	}
	want := []string{
		"5 caractères au plus.",  // fr validate.max.string, plural
		"email est obligatoire.", // fr validate.required with {field}
		"At most 3.",             // fr lacks validate.max: the default's
	}
	for i, fe := range errs {
		if fe.Message != want[i] {
			t.Errorf("%s: %q, want %q", fe.Path, fe.Message, want[i])
		}
	}
	// No catalogue message: validate's English.
	ja := validate.New(validate.Config{Message: b.Locale("ja").FieldMessage})
	if err := ja.Var(context.Background(), "x", "email"); err == nil || !strings.Contains(err.Error(), "e-mail") {
		t.Errorf("ja email: %v", err)
	}

	// Localize: one Validator, the request's language.
	v := validate.New(validate.Config{})
	r := web.NewRouter(web.Config{})
	r.Use(b.Middleware())
	r.GET("/", func(c *web.Ctx) error {
		err := Localize(c, v.Struct(c, &signup{Name: "x", Email: "a@b.example"}))
		if err != nil {
			return err
		}
		err = Localize(c, v.Struct(c, &signup{}))
		var errs validate.Errors
		if !errors.As(err, &errs) {
			return err
		}
		return c.Text(http.StatusOK, errs[0].Message+" | "+errs[1].Message)
	})
	if w := request(t, r, "/?lang=fr"); w.Body.String() != "name est obligatoire. | email est obligatoire." {
		t.Errorf("Localize fr: %q", w.Body)
	}
	if w := request(t, r, "/?lang=ja"); w.Body.String() != "name is required. | email is required." {
		t.Errorf("Localize ja: %q", w.Body)
	}
	if Localize(nil, nil) != nil {
		t.Error("Localize(nil, nil)")
	}
	if (*Locale)(nil).FieldMessage(&validate.FieldError{Code: "required"}) != "" {
		t.Error("nil locale")
	}
}

func BenchmarkT(b *testing.B) {
	bundle := testBundle(b, Config{})
	fr := bundle.Locale("fr")
	b.Run("simple", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fr.T("nav.home")
		}
	})
	b.Run("placeholder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fr.T("hello", "name", "Ada")
		}
	})
	b.Run("plural", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fr.T("apples", "count", 1234)
		}
	})
}

// BenchmarkMiddleware measures the locale middleware on a request negotiated from
// Accept-Language (cached), against the same router without it (the peer).
func BenchmarkMiddleware(b *testing.B) {
	bundle := testBundle(b, Config{})
	ok := func(c *web.Ctx) error { return nil }
	plain := web.NewRouter(web.Config{})
	plain.Use(func(next http.Handler) http.Handler { return next })
	plain.GET("/", ok)
	with := web.NewRouter(web.Config{})
	with.Use(bundle.Middleware())
	with.GET("/", ok)
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Language", "fr-CH, fr;q=0.9, en;q=0.8")
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{{"without", plain}, {"i18n", with}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
	b.Run("uncached_negotiate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bundle.match(parseAcceptLanguage("fr-CH, fr;q=0.9, en;q=0.8"))
		}
	})
}

// TestSharedHeaderValues checks that handlers adding to Vary and Content-Language do not
// write into the values the middleware shares between responses.
func TestSharedHeaderValues(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{})
	r := web.NewRouter(web.Config{})
	r.Use(b.Middleware())
	r.GET("/", func(c *web.Ctx) error {
		c.Writer.Header().Add("Vary", "Accept-Encoding")
		c.Writer.Header().Add("Content-Language", "x-extra")
		return c.Text(http.StatusOK, "ok")
	})
	for range 3 {
		w := request(t, r, "/", "Accept-Language", "fr")
		if got := w.Header().Values("Vary"); !slices.Equal(got, []string{"Accept-Language, Cookie", "Accept-Encoding"}) {
			t.Fatalf("Vary %q", got)
		}
		if got := w.Header().Values("Content-Language"); !slices.Equal(got, []string{"fr", "x-extra"}) {
			t.Fatalf("Content-Language %q", got)
		}
	}
	if !slices.Equal(b.vary, []string{"Accept-Language, Cookie"}) || !slices.Equal(b.Locale("fr").contentLanguage, []string{"fr"}) {
		t.Fatal("shared values changed")
	}
	// A Vary set before the middleware is kept.
	h := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Vary", "Origin")
			next.ServeHTTP(w, r)
		})
	}(b.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	if got := request(t, h, "/").Header().Values("Vary"); !slices.Equal(got, []string{"Origin", "Accept-Language, Cookie"}) {
		t.Fatalf("Vary %q", got)
	}
}

// TestPrefixRedirects checks that redirects answered to a prefixed request stay under the
// prefix: the router's clean-path and trailing-slash redirects and the handlers' own.
func TestPrefixRedirects(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{URLPrefix: true})
	r := newApp(t, b)
	r.GET("/go", func(c *web.Ctx) error { return c.Redirect(http.StatusSeeOther, c.Query("to")) })
	tests := []struct{ target, want string }{
		{"/fr/posts/", "/fr/posts"},
		{"/fr//posts", "/fr/posts"},
		{"/fr/x/../posts", "/fr/posts"},
		{"/fr/go?to=/posts%3Fpage%3D2", "/fr/posts?page=2"},
		{"/fr/go?to=/fr/posts", "/fr/posts"}, // already prefixed
		{"/fr/go?to=/fr", "/fr"},             // the prefix itself
		{"/fr/go?to=/french", "/fr/french"},  // another path that starts alike
		{"/fr/go?to=https://example.com/", "https://example.com/"},
		{"/fr/go?to=//example.com/", "//example.com/"},
		{"/fr/go?to=./here", "/fr/here"}, // net/http resolves it against the stripped path
		{"/posts/", "/posts"},            // no prefix: nothing changes
		{"/go?to=/posts", "/posts"},
	}
	for _, tt := range tests {
		w := request(t, r, tt.target)
		if w.Code < 300 || w.Code >= 400 || w.Header().Get("Location") != tt.want {
			t.Errorf("%s: %d Location %q, want %q", tt.target, w.Code, w.Header().Get("Location"), tt.want)
		}
	}
	// Streaming handlers can still flush through the wrapper.
	r.GET("/stream", func(c *web.Ctx) error {
		c.Writer.Write([]byte("a"))
		return http.NewResponseController(c.Writer).Flush()
	})
	if w := request(t, r, "/fr/stream"); w.Code != http.StatusOK || !w.Flushed || w.Body.String() != "a" {
		t.Errorf("flush: %d %v %q", w.Code, w.Flushed, w.Body)
	}
}

func TestTemplateFuncs(t *testing.T) {
	t.Parallel()
	b := testBundle(t, Config{URLPrefix: true})
	pages := fstest.MapFS{
		"page.html": {Data: []byte(`<html lang="{{lang}}" dir="{{langDir}}">{{t "hello" "name" .Name}}|{{t "apples" "count" .N}}|` +
			`{{localNumber 1234.5}}|{{localDate .When "long"}}|{{localePath "/posts"}}|{{localeURL "post" 7}}|` +
			`{{range $i, $l := locales}}{{if $i}},{{end}}{{$l}}{{end}}|{{t "hello" (dict "name" "Map")}}</html>`)},
		"bad_key.html":    {Data: []byte(`{{t 3}}`)},
		"no_key.html":     {Data: []byte(`{{t}}`)},
		"odd.html":        {Data: []byte(`{{t "hello" "name"}}`)},
		"bad_number.html": {Data: []byte(`{{localNumber "x"}}`)},
		"bad_date.html":   {Data: []byte(`{{localDate "x" "long"}}`)},
		"bad_style.html":  {Data: []byte(`{{localDate .When 3}}`)},
		"zero_date.html":  {Data: []byte(`[{{localDate .Zero "long"}}]`)},
		"bad_route.html":  {Data: []byte(`{{localeURL "nope"}}`)},
	}
	e, err := view.New(pages, view.Config{RequestFuncs: b.TemplateFuncs()})
	if err != nil {
		t.Fatal(err)
	}
	r := web.NewRouter(web.Config{Renderer: e})
	r.Use(b.Middleware())
	r.GET("/posts/{id}", func(c *web.Ctx) error { return nil }).Name("post")
	r.GET("/{page}", func(c *web.Ctx) error {
		return c.Render(http.StatusOK, c.Param("page")+".html", map[string]any{
			"Name": "<Ada>", "N": 3, "When": time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), "Zero": time.Time{}})
	})
	w := request(t, r, "/ru/page")
	want := `<html lang="ru" dir="ltr">Привет, &lt;Ada&gt;!|3 яблока|1 234,5|March 2, 2026|/ru/posts|/ru/posts/7|en,ar,fr,ja,pt,pt-BR,ru|Привет, Map!</html>`
	if w.Code != http.StatusOK || w.Body.String() != want {
		t.Errorf("%d\n%s\nwant\n%s", w.Code, w.Body, want)
	}
	if w := request(t, r, "/zero_date"); w.Body.String() != "[]" {
		t.Errorf("zero date: %q", w.Body)
	}
	for _, page := range []string{"bad_key", "no_key", "odd", "bad_number", "bad_date", "bad_style", "bad_route"} {
		if w := request(t, r, "/"+page); w.Code != http.StatusInternalServerError {
			t.Errorf("%s: status %d", page, w.Code)
		}
	}
	// Outside a request: the default locale.
	var buf strings.Builder
	if err := e.Render(nil, &buf, "page.html", map[string]any{"Name": "x", "N": 1, "When": time.Time{}}); err == nil {
		t.Error("localeURL outside a request rendered")
	}
	buf.Reset()
	if err := e.Render(nil, &buf, "odd.html", nil); err == nil {
		t.Error("odd arguments accepted")
	}
}
