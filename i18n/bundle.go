package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	xmessage "golang.org/x/text/message"
)

// Config configures a [Bundle]. The zero value is the default.
type Config struct {
	// Default is the locale used when nothing better matches, and the last fallback for a
	// missing key; it must have a catalogue. Default: "en".
	Default string
	// Cookie is the name of the cookie that remembers a visitor's choice; the middleware
	// reads it, and sets it when the locale comes from the query parameter. "-" turns the
	// cookie off. Default: "lang".
	Cookie string
	// Query is the name of the query parameter that selects a locale (?lang=fr). "-" turns
	// it off. Default: "lang".
	Query string
	// URLPrefix makes the middleware take the locale from the first segment of the path
	// (/fr/posts) and strip it before routing, so that /fr/posts is served by the /posts
	// route; the prefix wins over every other source. Default: off.
	URLPrefix bool
	// Dev makes a key that no catalogue has render as "[missing: fr.key]" instead of the
	// key itself, so that it stands out on the page. Default: off.
	Dev bool
	// Skip tells the middleware to leave a request alone (no locale, no headers), for
	// responses that do not depend on the language, such as static assets: Vary: Cookie
	// would spoil their caching. Default: none is skipped.
	Skip func(r *http.Request) bool
	// OnMissing is called for every lookup of a key that the locale's own catalogue lacks
	// (the text then comes from a fallback, or is the key). Use it to log in development.
	// Missing keys are also recorded, see [Bundle.Missing]. Default: none.
	OnMissing func(locale, key string)
}

// maxMissing bounds the missing keys a Bundle records.
const maxMissing = 1000

// Bundle holds the message catalogues of every locale, compiled at start-up. It is safe
// for concurrent use.
type Bundle struct {
	cfg     Config
	locales []*Locale          // the default first, then sorted by tag
	byName  map[string]*Locale // lower-cased tag → locale
	tags    []language.Tag
	matcher language.Matcher
	def     *Locale
	vary    []string // the Vary header the middleware adds when it negotiates, len == cap

	acceptMu    sync.Mutex
	acceptCache map[string]*Locale // Accept-Language header → match; bounded

	missMu  sync.Mutex
	missing map[[2]string]struct{}
}

// Locale is one language of a Bundle: its messages (with fallbacks merged in), its plural
// rules and its number and date formats. Get it from [LocaleOf] in a handler, or from
// [Bundle.Locale].
type Locale struct {
	b       *Bundle
	tag     language.Tag
	name    string              // the tag as the catalogue file named it: "fr", "pt-BR"
	msgs    map[string]*message // own messages and, marked in own, the fallbacks'
	own     map[string]bool     // keys the locale's own catalogue defines
	printer *xmessage.Printer
	formats formats
	rtl     bool
	// contentLanguage is the Content-Language header value, len == cap.
	contentLanguage []string
	prefix          *state // request state when the locale came from the URL prefix
	noPrefix        *state // otherwise
}

// state is what the middleware stores on a request: precomputed, so storing allocates
// nothing of its own.
type state struct {
	loc    *Locale
	prefix string // "/fr" when the locale came from the URL prefix, else ""
}

// New reads the catalogues of fsys: one JSON file per locale named by its BCP 47 tag
// ("en.json", "fr.json", "pt-BR.json"), or a directory per locale whose JSON files are
// merged ("fr/app.json", "fr/validate.json"). See the package documentation for the file
// format. It returns an error naming the file and key for malformed JSON, a malformed
// message, a tag that is not BCP 47, a key defined twice or a missing default catalogue.
func New(fsys fs.FS, cfg Config) (*Bundle, error) {
	if fsys == nil {
		return nil, errors.New("i18n: New needs an fs.FS")
	}
	if cfg.Default == "" {
		cfg.Default = "en"
	}
	if cfg.Cookie == "" {
		cfg.Cookie = "lang"
	}
	if cfg.Query == "" {
		cfg.Query = "lang"
	}
	b := &Bundle{cfg: cfg, byName: map[string]*Locale{}, acceptCache: map[string]*Locale{},
		missing: map[[2]string]struct{}{}}
	raw := map[string]map[string]any{} // locale → flattened entries
	files := map[string]string{}       // locale + key → file, for duplicate errors
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("i18n: reading %s: %w", name, err)
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || path.Ext(name) != ".json" {
			return nil
		}
		var loc string
		switch dir := path.Dir(name); {
		case dir == ".":
			loc = strings.TrimSuffix(name, ".json")
		case !strings.Contains(dir, "/"):
			loc = dir
		default:
			return nil // deeper files are not catalogues
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("i18n: reading %s: %w", name, err)
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&obj); err != nil {
			return fmt.Errorf("i18n: %s: %w", name, err)
		}
		if dec.More() {
			return fmt.Errorf("i18n: %s: data after the JSON object", name)
		}
		if raw[loc] == nil {
			raw[loc] = map[string]any{}
		}
		return flatten(name, "", obj, raw[loc], files, loc)
	})
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, errors.New("i18n: no catalogue (<locale>.json) in the file system")
	}
	for name, entries := range raw {
		tag, err := language.Parse(name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %q is not a BCP 47 language tag (name catalogues en.json, fr.json, pt-BR.json): %w", name, err)
		}
		l := &Locale{b: b, tag: tag, name: tag.String(), msgs: map[string]*message{}, own: map[string]bool{},
			printer: xmessage.NewPrinter(tag), rtl: isRTL(tag)}
		l.contentLanguage = []string{l.name}
		l.prefix = &state{loc: l, prefix: "/" + l.name}
		l.noPrefix = &state{loc: l}
		if err := l.compile(name, entries, files); err != nil {
			return nil, err
		}
		if other, dup := b.byName[strings.ToLower(l.name)]; dup {
			return nil, fmt.Errorf("i18n: two catalogues for %s (%s)", l.name, other.name)
		}
		b.byName[strings.ToLower(l.name)] = l
	}
	def, err := language.Parse(cfg.Default)
	if err != nil {
		return nil, fmt.Errorf("i18n: Config.Default %q: %w", cfg.Default, err)
	}
	b.def = b.byName[strings.ToLower(def.String())]
	if b.def == nil {
		return nil, fmt.Errorf("i18n: no catalogue for the default locale %s (want %s.json)", def, def)
	}
	b.locales = slices.SortedFunc(maps.Values(b.byName), func(x, y *Locale) int {
		switch {
		case x == b.def:
			return -1
		case y == b.def:
			return 1
		}
		return strings.Compare(x.name, y.name)
	})
	for _, l := range b.locales {
		b.tags = append(b.tags, l.tag)
	}
	b.matcher = language.NewMatcher(b.tags)
	// Fallbacks: each locale gets the keys of its parents (pt-BR → pt) and of the default.
	for _, l := range b.locales {
		for p := l.tag.Parent(); p != language.Und; p = p.Parent() {
			if pl := b.byName[strings.ToLower(p.String())]; pl != nil {
				l.inherit(pl)
			}
		}
		l.inherit(b.def)
	}
	vary := "Accept-Language"
	if cfg.Cookie != "-" {
		vary += ", Cookie"
	}
	b.vary = []string{vary}
	return b, nil
}

// flatten walks a catalogue object into out, joining nested keys with dots; special
// entries (starting with "@") are kept whole.
func flatten(file, prefix string, obj map[string]any, out map[string]any, files map[string]string, loc string) error {
	for k, v := range obj {
		key := prefix + k
		if k == "" || strings.Contains(k, ".") && strings.HasPrefix(k, "@") {
			return fmt.Errorf("i18n: %s: invalid key %q", file, key)
		}
		if sub, ok := v.(map[string]any); ok && !strings.HasPrefix(key, "@") && !isPluralObject(sub) {
			if err := flatten(file, key+".", sub, out, files, loc); err != nil {
				return err
			}
			continue
		}
		if prev, dup := files[loc+"\x00"+key]; dup {
			return fmt.Errorf("i18n: %s: key %q is also defined in %s", file, key, prev)
		}
		files[loc+"\x00"+key] = file
		out[key] = v
	}
	return nil
}

// compile turns the flattened entries of the locale's files into messages and formats.
// name is the locale as the files named it, the key of files.
func (l *Locale) compile(name string, entries map[string]any, files map[string]string) error {
	l.formats = defaultFormats()
	for key, v := range entries {
		file := files[name+"\x00"+key]
		if strings.HasPrefix(key, "@") {
			if err := l.formats.set(key, v); err != nil {
				return fmt.Errorf("i18n: %s: %s: %w", file, key, err)
			}
			continue
		}
		var m *message
		switch v := v.(type) {
		case string:
			t, err := parseText(v)
			if err != nil {
				return fmt.Errorf("i18n: %s: key %q: %w", file, key, err)
			}
			m = &message{text: t}
		case map[string]any:
			forms := make(map[string]string, len(v))
			for k, s := range v {
				forms[k] = s.(string) // isPluralObject checked the types
			}
			var err error
			if m, err = parsePlural(forms); err != nil {
				return fmt.Errorf("i18n: %s: key %q: %w", file, key, err)
			}
		default:
			return fmt.Errorf("i18n: %s: key %q: want a string or an object of plural forms, got %T", file, key, v)
		}
		l.msgs[key] = m
		l.own[key] = true
	}
	return nil
}

// inherit adds the messages of from that l lacks, and its formats that l left unset.
func (l *Locale) inherit(from *Locale) {
	for k, m := range from.msgs {
		if _, ok := l.msgs[k]; !ok {
			l.msgs[k] = m
		}
	}
	l.formats.inherit(&from.formats)
}

// Locales returns the bundle's locales, the default first.
func (b *Bundle) Locales() []*Locale { return slices.Clone(b.locales) }

// Default returns the default locale.
func (b *Bundle) Default() *Locale { return b.def }

// Locale returns the locale named by tag ("fr", "pt-BR", case-insensitive), or the best
// match among the bundle's locales ("fr-CA" gives "fr"), or the default.
func (b *Bundle) Locale(tag string) *Locale {
	if l := b.byName[strings.ToLower(tag)]; l != nil {
		return l
	}
	if len(tag) > maxTagLen {
		return b.def
	}
	t, err := language.Parse(tag)
	if err != nil {
		return b.def
	}
	if l := b.match([]language.Tag{t}); l != nil {
		return l
	}
	return b.def
}

// lookup returns the locale with exactly this tag (case-insensitive), or nil.
func (b *Bundle) lookup(tag string) *Locale {
	if len(tag) > maxTagLen {
		return nil
	}
	return b.byName[strings.ToLower(tag)]
}

// MissingKey is a key looked up in a locale whose own catalogue lacks it.
type MissingKey struct {
	Locale string // the locale looked up, "pt-BR"
	Key    string // the key its own catalogue lacks
}

// Missing returns the missing keys looked up since New (at most the first 1000), sorted.
// Show them on a development page, or fail a test that renders every page.
func (b *Bundle) Missing() []MissingKey {
	b.missMu.Lock()
	out := make([]MissingKey, 0, len(b.missing))
	for k := range b.missing {
		out = append(out, MissingKey{Locale: k[0], Key: k[1]})
	}
	b.missMu.Unlock()
	slices.SortFunc(out, func(x, y MissingKey) int {
		if c := strings.Compare(x.Locale, y.Locale); c != 0 {
			return c
		}
		return strings.Compare(x.Key, y.Key)
	})
	return out
}

func (b *Bundle) reportMissing(l *Locale, key string) {
	b.missMu.Lock()
	if len(b.missing) < maxMissing {
		b.missing[[2]string{l.name, key}] = struct{}{}
	}
	b.missMu.Unlock()
	if b.cfg.OnMissing != nil {
		b.cfg.OnMissing(l.name, key)
	}
}
