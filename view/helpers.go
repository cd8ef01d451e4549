package view

import (
	"database/sql"
	"fmt"
	"html/template"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sinewdev/sinew/web"
)

// funcMap returns the helpers every template can call: the built-in ones, the request
// helpers (bound to an empty request until an instance rebinds them) and Config.Funcs.
func (e *Engine) funcMap() (template.FuncMap, error) {
	m := template.FuncMap{
		"static":    e.cfg.StaticURL,
		"date":      date,
		"timeago":   e.timeago,
		"intcomma":  intcomma,
		"pluralize": pluralize,
		"markdown":  e.markdown,
		"dict":      dict,
		"list":      list,
		"default":   defaultValue,
		"truncate":  truncate,
	}
	if err := e.checkRequestFuncs(m); err != nil {
		return nil, err
	}
	for name, fn := range e.requestFuncs(&renderState{}) {
		m[name] = fn
	}
	for name, fn := range e.cfg.Funcs {
		if _, ok := m[name]; ok {
			return nil, fmt.Errorf("view: Config.Funcs: %q shadows a built-in helper", name)
		}
		if err := checkFunc(name, fn); err != nil {
			return nil, fmt.Errorf("view: Config.Funcs: %w", err)
		}
		m[name] = fn
	}
	return m, nil
}

// checkFunc reports what text/template would panic about: a name that is not an
// identifier, a value that is not a function, or a function with the wrong results.
func checkFunc(name string, fn any) error {
	if name == "" {
		return fmt.Errorf("empty function name")
	}
	for i, r := range name {
		if r != '_' && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || i > 0 && '0' <= r && r <= '9') {
			return fmt.Errorf("%q is not a valid function name", name)
		}
	}
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return fmt.Errorf("%q is %T, not a function", name, fn)
	}
	t := v.Type()
	errType := reflect.TypeFor[error]()
	switch {
	case t.NumOut() == 1:
	case t.NumOut() == 2 && t.Out(1) == errType:
	default:
		return fmt.Errorf("%q must return one value, or a value and an error", name)
	}
	return nil
}

// builtinRequestFuncs returns the built-in helpers that depend on the request being
// rendered, reading it from st.
func (e *Engine) builtinRequestFuncs(st *renderState) template.FuncMap {
	return template.FuncMap{
		"url": func(name string, args ...any) (string, error) {
			if st.c == nil {
				return "", fmt.Errorf("url %q: rendering outside a request, there is no router", name)
			}
			return st.c.URL(name, args...)
		},
		"csrfToken": func() string { return e.csrfToken(st.c) },
		"csrfField": func() template.HTML {
			tok := e.csrfToken(st.c)
			if tok == "" {
				return ""
			}
			return template.HTML(`<input type="hidden" name="` + template.HTMLEscapeString(e.cfg.CSRFFieldName) +
				`" value="` + template.HTMLEscapeString(tok) + `">`)
		},
		"flashes": func() []Flash {
			if !st.flashed {
				st.flashed = true
				if st.c != nil && e.cfg.Flashes != nil {
					st.flashes = e.cfg.Flashes(st.c)
				}
			}
			return st.flashes
		},
		"currentUser": func() any {
			if st.c == nil {
				return nil
			}
			return e.cfg.CurrentUser(st.c)
		},
	}
}

func (e *Engine) csrfToken(c *web.Ctx) string {
	if c == nil || e.cfg.CSRFToken == nil {
		return ""
	}
	return e.cfg.CSRFToken(c)
}

func defaultStaticURL(name string) string {
	return "/static/" + strings.TrimLeft(name, "/")
}

// date formats t (a time.Time, *time.Time, sql.NullTime or sql.Null[time.Time]) with a Go
// layout; a zero, nil or null time gives "".
func date(t any, layout string) (string, error) {
	tm, ok, err := asTime(t)
	if err != nil {
		return "", fmt.Errorf("date: %w", err)
	}
	if !ok {
		return "", nil
	}
	return tm.Format(layout), nil
}

func asTime(v any) (time.Time, bool, error) {
	var t time.Time
	switch v := v.(type) {
	case nil:
		return t, false, nil
	case time.Time:
		t = v
	case *time.Time:
		if v == nil {
			return t, false, nil
		}
		t = *v
	case sql.NullTime:
		if !v.Valid {
			return t, false, nil
		}
		t = v.Time
	case sql.Null[time.Time]:
		if !v.Valid {
			return t, false, nil
		}
		t = v.V
	default:
		return t, false, fmt.Errorf("want a time.Time, got %T", v)
	}
	return t, !t.IsZero(), nil
}

// timeago describes how long ago t was ("just now", "5 minutes ago", "in 2 days"); a zero
// or nil time gives "".
func (e *Engine) timeago(t any) (string, error) {
	tm, ok, err := asTime(t)
	if err != nil {
		return "", fmt.Errorf("timeago: %w", err)
	}
	if !ok {
		return "", nil
	}
	return timeAgo(e.cfg.Now(), tm), nil
}

func timeAgo(now, t time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	const day = 24 * time.Hour
	var n int64
	var unit string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		n, unit = int64(d/time.Minute), "minute"
	case d < day:
		n, unit = int64(d/time.Hour), "hour"
	case d < 30*day:
		n, unit = int64(d/day), "day"
	case d < 365*day:
		n, unit = int64(d/(30*day)), "month"
	default:
		n, unit = int64(d/(365*day)), "year"
	}
	s := strconv.FormatInt(n, 10) + " " + unit
	if n != 1 {
		s += "s"
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// number reads any integer or floating-point value, named types included.
func number(v any) (i int64, u uint64, f float64, kind reflect.Kind, err error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), 0, 0, reflect.Int64, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return 0, rv.Uint(), 0, reflect.Uint64, nil
	case reflect.Float32, reflect.Float64:
		return 0, 0, rv.Float(), reflect.Float64, nil
	}
	return 0, 0, 0, reflect.Invalid, fmt.Errorf("want a number, got %T", v)
}

// intcomma formats a number with commas between groups of three digits: 1234567 gives
// "1,234,567" and 1234.5 gives "1,234.5".
func intcomma(v any) (string, error) {
	i, u, f, kind, err := number(v)
	if err != nil {
		return "", fmt.Errorf("intcomma: %w", err)
	}
	var s string
	switch kind {
	case reflect.Int64:
		s = strconv.FormatInt(i, 10)
	case reflect.Uint64:
		s = strconv.FormatUint(u, 10)
	default:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	frac := ""
	if dot := strings.IndexByte(s, '.'); dot >= 0 {
		s, frac = s[:dot], s[dot:]
	}
	var b strings.Builder
	b.Grow(len(sign) + len(s) + len(s)/3 + len(frac))
	b.WriteString(sign)
	for k := 0; k < len(s); k++ {
		if k > 0 && (len(s)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[k])
	}
	b.WriteString(frac)
	return b.String(), nil
}

// pluralize returns singular when n is 1, else plural (default: singular + "s").
func pluralize(n any, singular string, plural ...string) (string, error) {
	i, u, f, kind, err := number(n)
	if err != nil {
		return "", fmt.Errorf("pluralize: %w", err)
	}
	if len(plural) > 1 {
		return "", fmt.Errorf("pluralize: want one plural form, got %d", len(plural))
	}
	one := kind == reflect.Int64 && i == 1 || kind == reflect.Uint64 && u == 1 || kind == reflect.Float64 && f == 1
	if one {
		return singular, nil
	}
	if len(plural) == 1 {
		return plural[0], nil
	}
	return singular + "s", nil
}

// dict builds a map from alternating keys and values, to pass several named values to a
// template: {{template "components/button.html" dict "Label" "Save" "Kind" "primary"}}.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: want key and value pairs, got %d arguments", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %d is %T, want a string", i/2+1, kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// list builds a slice from its arguments: {{range list "a" "b" "c"}}.
func list(items ...any) []any { return items }

// defaultValue returns val, or def when val is empty: nil, false, zero, "", an empty slice
// or map, a nil pointer or a zero struct such as time.Time{}. Pipe into it:
// {{.Name | default "anonymous"}}.
func defaultValue(def, val any) any {
	if isEmpty(val) {
		return def
	}
	return val
}

func isEmpty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case int:
		return v == 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array, reflect.String, reflect.Chan:
		return rv.Len() == 0
	}
	return rv.IsZero()
}

// truncate shortens s to at most n characters (runes), the last of them an ellipsis when
// s was cut. Pipe into it: {{.Body | truncate 80}}.
func truncate(n any, s any) (string, error) {
	i, u, _, kind, err := number(n)
	if err != nil || kind == reflect.Float64 {
		return "", fmt.Errorf("truncate: the length must be an integer, got %T", n)
	}
	limit := i
	if kind == reflect.Uint64 {
		limit = int64(min(u, math.MaxInt64))
	}
	str := toString(s)
	if int64(utf8.RuneCountInString(str)) <= limit {
		return str, nil
	}
	if limit <= 0 {
		return "", nil
	}
	var b strings.Builder
	k := int64(0)
	for _, r := range str {
		if k == limit-1 {
			break
		}
		b.WriteRune(r)
		k++
	}
	b.WriteString("…")
	return b.String(), nil
}

// toString turns a string-like value into its text: strings and named string types as
// they are, fmt.Stringers through String, anything else through fmt.Sprint.
func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case fmt.Stringer:
		return v.String()
	case nil:
		return ""
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return fmt.Sprint(v)
}
