package i18n

import (
	"fmt"
	"strings"
	"time"
)

// formats are a locale's date layouts and names, from the catalogue's "@" entries.
type formats struct {
	layouts     map[string]string // style → Go layout: "short", "medium", "long", "time", ...
	months      []string          // January … December
	monthsShort []string          // Jan … Dec
	days        []string          // Sunday … Saturday
	daysShort   []string          // Sun … Sat
	displayName string            // "@name": the language's name in itself; never inherited
}

var (
	enMonths = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	enDays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
)

var (
	enMonthsShort = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	enDaysShort   = []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// defaultFormats is what a catalogue without "@" entries gets from nowhere else: ISO-like
// layouts, which read correctly in every language, and no names (the default locale's, or
// English ones, fill them in).
func defaultFormats() formats { return formats{layouts: map[string]string{}} }

// builtinLayouts are the styles a catalogue does not define.
var builtinLayouts = map[string]string{
	"short":    "2006-01-02",
	"medium":   "2 Jan 2006",
	"long":     "2 January 2006",
	"full":     "Monday, 2 January 2006",
	"time":     "15:04",
	"datetime": "2 Jan 2006 15:04",
}

// set reads one "@" entry of a catalogue.
func (f *formats) set(key string, v any) error {
	switch key {
	case "@name":
		name, ok := v.(string)
		if !ok || name == "" {
			return fmt.Errorf("want the language's name, a non-empty string")
		}
		f.displayName = name
		return nil
	case "@formats":
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("want an object of date styles and Go layouts, got %T", v)
		}
		for style, layout := range obj {
			s, ok := layout.(string)
			if !ok || s == "" {
				return fmt.Errorf("style %q: want a Go time layout string", style)
			}
			f.layouts[style] = s
		}
		return nil
	case "@months", "@monthsShort", "@days", "@daysShort":
		want := 12
		if strings.HasPrefix(key, "@days") {
			want = 7
		}
		list, ok := v.([]any)
		if !ok || len(list) != want {
			return fmt.Errorf("want a list of %d names", want)
		}
		names := make([]string, want)
		for i, n := range list {
			s, ok := n.(string)
			if !ok || s == "" {
				return fmt.Errorf("name %d is not a non-empty string", i+1)
			}
			names[i] = s
		}
		switch key {
		case "@months":
			f.months = names
		case "@monthsShort":
			f.monthsShort = names
		case "@days":
			f.days = names
		default:
			f.daysShort = names
		}
		return nil
	}
	return fmt.Errorf("unknown special entry (want @name, @formats, @months, @monthsShort, @days or @daysShort)")
}

// inherit fills what f lacks from g.
func (f *formats) inherit(g *formats) {
	for k, v := range g.layouts {
		if _, ok := f.layouts[k]; !ok {
			f.layouts[k] = v
		}
	}
	if f.months == nil {
		f.months = g.months
	}
	if f.monthsShort == nil {
		f.monthsShort = g.monthsShort
	}
	if f.days == nil {
		f.days = g.days
	}
	if f.daysShort == nil {
		f.daysShort = g.daysShort
	}
}

// Date formats t in this locale. style is one of the catalogue's "@formats" styles, with
// built-in defaults for "short" (2006-01-02), "medium" (2 Jan 2006), "long" (2 January 2006),
// "full" (Monday, 2 January 2006), "time" (15:04) and "datetime"; any other style is used
// as a Go layout itself. Month and day names come from the catalogue's "@months",
// "@monthsShort", "@days" and "@daysShort" lists (English when absent).
func (l *Locale) Date(t time.Time, style string) string {
	layout, ok := l.formats.layouts[style]
	if !ok {
		if layout, ok = builtinLayouts[style]; !ok {
			layout = style
		}
	}
	return l.formats.format(t, layout)
}

// format is time.Format with the names translated: the layout is cut at its name tokens
// (January, Jan, Monday, Mon), which are replaced by the locale's names, and the rest is
// formatted by the time package.
func (f *formats) format(t time.Time, layout string) string {
	var b strings.Builder
	for layout != "" {
		i, tok := nextNameToken(layout)
		if i < 0 {
			b.WriteString(t.Format(layout))
			break
		}
		if i > 0 {
			b.WriteString(t.Format(layout[:i]))
		}
		b.WriteString(f.name(t, tok))
		layout = layout[i+len(tok):]
	}
	return b.String()
}

func (f *formats) name(t time.Time, tok string) string {
	pick := func(names, fallback []string, i int) string {
		if names != nil {
			return names[i]
		}
		return fallback[i]
	}
	switch tok {
	case "January":
		return pick(f.months, enMonths, int(t.Month())-1)
	case "Jan":
		if f.monthsShort == nil && f.months != nil {
			return f.months[t.Month()-1]
		}
		return pick(f.monthsShort, enMonthsShort, int(t.Month())-1)
	case "Monday":
		return pick(f.days, enDays, int(t.Weekday()))
	default: // "Mon"
		if f.daysShort == nil && f.days != nil {
			return f.days[t.Weekday()]
		}
		return pick(f.daysShort, enDaysShort, int(t.Weekday()))
	}
}

// lowerAt reports whether s[i] is a lower-case ASCII letter: "Month" holds no "Mon" token.
func lowerAt(s string, i int) bool { return i < len(s) && 'a' <= s[i] && s[i] <= 'z' }

// nextNameToken finds the first of January, Jan, Monday or Mon in layout, as the time
// package reads them.
func nextNameToken(layout string) (int, string) {
	for i := 0; i < len(layout); i++ {
		switch layout[i] {
		case 'J':
			if strings.HasPrefix(layout[i:], "January") {
				return i, "January"
			}
			if strings.HasPrefix(layout[i:], "Jan") && !lowerAt(layout, i+3) {
				return i, "Jan"
			}
		case 'M':
			if strings.HasPrefix(layout[i:], "Monday") {
				return i, "Monday"
			}
			if strings.HasPrefix(layout[i:], "Mon") && !lowerAt(layout, i+3) {
				return i, "Mon"
			}
		}
	}
	return -1, ""
}
