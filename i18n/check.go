package i18n

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
)

// Problem is one finding of [Bundle.Check].
type Problem struct {
	Locale  string // the locale whose catalogue has the problem, "fr"
	Key     string // the message key, "nav.home"
	Message string // what is wrong, in English
}

// String formats the problem as "locale: key: message".
func (p Problem) String() string { return p.Locale + ": " + p.Key + ": " + p.Message }

// Check compares every catalogue with the default locale's and reports, sorted: keys the
// default defines that a locale lacks (they fall back to the default), keys a locale
// defines that the default does not (likely typos), placeholders a translation uses that
// the default's message does not have, and plural messages lacking a form the locale's
// CLDR rules use (Russian needs one, few, many and other). Run it in a test so that
// incomplete translations fail CI, or log it at start-up in development.
func (b *Bundle) Check() []Problem {
	var out []Problem
	add := func(l *Locale, key, format string, args ...any) {
		out = append(out, Problem{Locale: l.name, Key: key, Message: fmt.Sprintf(format, args...)})
	}
	for _, l := range b.locales {
		needed := pluralCategories(l)
		for key := range l.own {
			m := l.msgs[key]
			if m.plural {
				for _, f := range needed {
					if m.forms[f] == nil {
						add(l, key, "no %q form, which %s uses", formNames[f], l.name)
					}
				}
			}
			if l == b.def {
				continue
			}
			dm, ok := b.def.own[key]
			if !ok || !dm {
				add(l, key, "not in the default locale's catalogue (%s)", b.def.name)
				continue
			}
			known := placeholderSet(b.def.msgs[key])
			for _, p := range m.allPlaceholders() {
				if !known[p] && !(m.plural && p == "count") {
					add(l, key, "placeholder {%s} is not in the %s message", p, b.def.name)
				}
			}
		}
		if l == b.def {
			continue
		}
		for key := range b.def.own {
			if !l.own[key] && !l.inheritedFromParent(key) {
				add(l, key, "missing (falls back to %s)", b.def.name)
			}
		}
	}
	slices.SortFunc(out, func(x, y Problem) int {
		return strings.Compare(x.String(), y.String())
	})
	return out
}

// inheritedFromParent reports whether key comes from a parent locale other than the
// default (pt-BR taking it from pt).
func (l *Locale) inheritedFromParent(key string) bool {
	for p := l.tag.Parent(); p.String() != "und"; p = p.Parent() {
		if pl := l.b.byName[strings.ToLower(p.String())]; pl != nil && pl != l.b.def && pl.own[key] {
			return true
		}
	}
	return false
}

func (m *message) allPlaceholders() []string {
	if !m.plural {
		return m.text.placeholders()
	}
	var out []string
	for _, t := range m.forms {
		if t != nil {
			out = append(out, t.placeholders()...)
		}
	}
	for _, t := range m.exact {
		out = append(out, t.placeholders()...)
	}
	return out
}

func placeholderSet(m *message) map[string]bool {
	set := map[string]bool{}
	for _, p := range m.allPlaceholders() {
		set[p] = true
	}
	return set
}

// pluralCategories lists the plural forms the locale's rules give to sample numbers
// (integers 0 to 1000, and a few decimals), "other" first.
func pluralCategories(l *Locale) []plural.Form {
	seen := [6]bool{plural.Other: true}
	for i := 0; i <= 1000; i++ {
		seen[l.PluralForm(i)] = true
	}
	for _, d := range []string{"0.5", "1.5", "2.5", "5.5", "10.5", "0.0", "1.0", "2.0"} {
		seen[l.PluralForm(d)] = true
	}
	var out []plural.Form
	for f, ok := range seen {
		if ok {
			out = append(out, plural.Form(f))
		}
	}
	return out
}
