package i18n

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/number"
)

// String returns the locale's BCP 47 tag, "fr" or "pt-BR" ("" for a nil Locale).
func (l *Locale) String() string {
	if l == nil {
		return ""
	}
	return l.name
}

// Name returns the language's name in itself, for a language switcher: the catalogue's
// "@name" entry ("Français"), else the tag.
func (l *Locale) Name() string {
	if l.formats.displayName != "" {
		return l.formats.displayName
	}
	return l.name
}

// Tag returns the locale's language tag.
func (l *Locale) Tag() language.Tag { return l.tag }

// Dir returns the locale's writing direction for the html dir attribute: "rtl" for
// Arabic, Hebrew, Persian, Urdu and other right-to-left scripts, else "ltr".
func (l *Locale) Dir() string {
	if l.rtl {
		return "rtl"
	}
	return "ltr"
}

func isRTL(tag language.Tag) bool {
	script, _ := tag.Script()
	switch script.String() {
	case "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg":
		return true
	}
	return false
}

// Has reports whether the locale's own catalogue defines key (fallbacks do not count).
func (l *Locale) Has(key string) bool { return l.own[key] }

// T returns the message key in this locale with its placeholders replaced by args, given
// as name and value pairs: l.T("cart.items", "count", 3, "name", user.Name). A single
// map[string]any argument works too. A plural message picks its form by the "count"
// argument under the locale's CLDR plural rules ("=N" forms match exact values first).
// Numbers are formatted for the locale (1,234.5 in English, 1 234,5 in French), times with
// the locale's medium date format.
//
// A key the locale's catalogue lacks comes from its parent locale (pt-BR → pt), then the
// default locale, and is reported (see [Config.OnMissing]); a key no catalogue has gives
// the key itself ("[missing: fr.key]" with [Config.Dev]).
func (l *Locale) T(key string, args ...any) string {
	if l == nil {
		return key
	}
	m := l.msgs[key]
	if !l.own[key] {
		l.b.reportMissing(l, key)
	}
	if m == nil {
		if l.b.cfg.Dev {
			return "[missing: " + l.name + "." + key + "]"
		}
		return key
	}
	return l.render(m, args)
}

// render formats m with args.
func (l *Locale) render(m *message, args []any) string {
	t := m.text
	if m.plural {
		t = l.pluralText(m, arg(args, "count"))
	}
	if len(t.parts) == 1 && t.parts[0].name == "" {
		return t.parts[0].lit
	}
	var b strings.Builder
	b.Grow(t.size + 16*len(args)/2)
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			continue
		}
		v, ok := lookupArg(args, p.name)
		if !ok {
			b.WriteByte('{')
			b.WriteString(p.name)
			b.WriteByte('}')
			continue
		}
		b.WriteString(l.format(v))
	}
	return b.String()
}

// pluralText picks the text of a plural message for count (nil: "other").
func (l *Locale) pluralText(m *message, count any) *text {
	if count == nil {
		return m.forms[plural.Other]
	}
	op, ok := operands(count)
	if !ok {
		return m.forms[plural.Other]
	}
	if m.exact != nil && op.integer {
		if t := m.exact[op.n]; t != nil {
			return t
		}
	}
	if t := m.forms[l.PluralForm(count)]; t != nil {
		return t
	}
	return m.forms[plural.Other]
}

// PluralForm returns the CLDR plural category of n in this locale ("one", "few", ...) as
// x/text's plural.Form; a value that is not a number is plural.Other.
func (l *Locale) PluralForm(n any) plural.Form {
	op, ok := operands(n)
	if !ok {
		return plural.Other
	}
	return plural.Cardinal.MatchPlural(l.tag, op.i, op.v, op.w, op.f, op.t)
}

// pluralOperands are CLDR's plural operands (UTS #35): n's integer digits i, the number of
// visible fraction digits with (v) and without (w) trailing zeros, and those digits with
// (f) and without (t) trailing zeros; each modulo 10,000,000 as x/text allows.
type pluralOperands struct {
	i, v, w, f, t int
	n             int64 // the integer value, when integer
	integer       bool
}

const opMod = 10_000_000

// operands computes the plural operands of an integer, a float (its shortest decimal
// form: 1.5 has one visible fraction digit) or a decimal string ("1.50" has two).
func operands(x any) (pluralOperands, bool) {
	var op pluralOperands
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := rv.Int()
		op.n, op.integer = n, true
		if n < 0 {
			if n == math.MinInt64 {
				return op, false
			}
			n = -n
		}
		op.i = int(n % opMod)
		return op, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		op.i = int(u % opMod)
		if u <= math.MaxInt64 {
			op.n, op.integer = int64(u), true
		}
		return op, true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return op, false
		}
		return decimalOperands(strconv.FormatFloat(math.Abs(f), 'f', -1, 64))
	case reflect.String:
		return decimalOperands(strings.TrimPrefix(rv.String(), "-"))
	}
	return op, false
}

func decimalOperands(s string) (pluralOperands, bool) {
	var op pluralOperands
	if s == "" || len(s) > 400 {
		return op, false
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || hasFrac && frac == "" {
		return op, false
	}
	for _, d := range []byte(intPart) {
		if d < '0' || d > '9' {
			return op, false
		}
		op.i = (op.i*10 + int(d-'0')) % opMod
	}
	for _, d := range []byte(frac) {
		if d < '0' || d > '9' {
			return op, false
		}
	}
	op.v = len(frac)
	trimmed := strings.TrimRight(frac, "0")
	op.w = len(trimmed)
	op.f = digitsMod(frac)
	op.t = digitsMod(trimmed)
	if op.v == 0 && len(intPart) <= 18 {
		op.n, _ = strconv.ParseInt(intPart, 10, 64)
		op.integer = true
	}
	return op, true
}

func digitsMod(s string) int {
	n := 0
	for _, d := range []byte(s) {
		n = (n*10 + int(d-'0')) % opMod
	}
	return n
}

// arg returns the value of the argument name, or nil.
func arg(args []any, name string) any {
	v, _ := lookupArg(args, name)
	return v
}

func lookupArg(args []any, name string) (any, bool) {
	if len(args) == 1 {
		if m, ok := args[0].(map[string]any); ok {
			v, ok := m[name]
			return v, ok
		}
	}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			return args[i+1], true
		}
	}
	return nil, false
}

// format renders one argument for the locale.
func (l *Locale) format(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case time.Time:
		return l.Date(v, "medium")
	case *time.Time:
		if v == nil {
			return ""
		}
		return l.Date(*v, "medium")
	case fmt.Stringer:
		return v.String()
	case error:
		return v.Error()
	}
	if s, ok := l.number(v); ok {
		return s
	}
	return fmt.Sprint(v)
}

// Number formats an integer or floating-point number with the locale's digit grouping
// and decimal separator: 1234567.5 is "1,234,567.5" in English, "1 234 567,5" in French
// and "1.234.567,5" in German. Other values are formatted with fmt.Sprint.
func (l *Locale) Number(v any) string {
	if s, ok := l.number(v); ok {
		return s
	}
	return fmt.Sprint(v)
}

func (l *Locale) number(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return l.printer.Sprint(number.Decimal(rv.Int())), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return l.printer.Sprint(number.Decimal(rv.Uint())), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 64), true
		}
		// Up to 6 fraction digits, as written (x/text's default would round to 3).
		digits := 0
		if s := strconv.FormatFloat(f, 'f', -1, 64); strings.Contains(s, ".") {
			digits = min(len(s)-strings.IndexByte(s, '.')-1, 6)
		}
		return l.printer.Sprint(number.Decimal(f, number.MaxFractionDigits(digits))), true
	}
	return "", false
}
