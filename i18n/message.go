package i18n

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
)

// message is one compiled catalogue entry: a single text, or plural forms chosen by the
// "count" argument.
type message struct {
	text   *text           // the text of a simple message
	forms  [6]*text        // plural messages: by plural.Form (Other, Zero, One, Two, Few, Many)
	exact  map[int64]*text // plural messages: "=0", "=1", ... matched before the forms
	plural bool
}

// text is a parsed message text: literal runs and placeholders, alternating.
type text struct {
	parts []part
	size  int // bytes of literal text, to size the output
}

type part struct {
	lit  string // literal text, when name is ""
	name string // placeholder: the argument's name
}

// pluralForms maps the catalogue's names of CLDR plural categories to x/text's forms.
var pluralForms = map[string]plural.Form{
	"other": plural.Other, "zero": plural.Zero, "one": plural.One,
	"two": plural.Two, "few": plural.Few, "many": plural.Many,
}

// formNames is the inverse of pluralForms, indexed by plural.Form.
var formNames = [...]string{plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many"}

// parseText compiles a message text: "{name}" is replaced by the argument name, "{{" and
// "}}" stand for literal braces.
func parseText(s string) (*text, error) {
	t := &text{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			t.size += lit.Len()
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{':
			if i+1 < len(s) && s[i+1] == '{' {
				lit.WriteByte('{')
				i++
				continue
			}
			end := strings.IndexByte(s[i+1:], '}')
			if end < 0 {
				return nil, fmt.Errorf("unclosed { at byte %d", i)
			}
			name := strings.TrimSpace(s[i+1 : i+1+end])
			if !validName(name) {
				return nil, fmt.Errorf("placeholder {%s} at byte %d: want a name of letters, digits, _ and .", s[i+1:i+1+end], i)
			}
			flush()
			t.parts = append(t.parts, part{name: name})
			i += end + 1
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				lit.WriteByte('}')
				i++
				continue
			}
			return nil, fmt.Errorf("unmatched } at byte %d (write }} for a brace)", i)
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return t, nil
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r != '_' && r != '.' && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// placeholders lists the names a text uses.
func (t *text) placeholders() []string {
	var names []string
	for _, p := range t.parts {
		if p.name != "" {
			names = append(names, p.name)
		}
	}
	return names
}

// parsePlural compiles a plural message from its forms; "other" is required.
func parsePlural(forms map[string]string) (*message, error) {
	m := &message{plural: true}
	for k, v := range forms {
		t, err := parseText(v)
		if err != nil {
			return nil, fmt.Errorf("form %q: %w", k, err)
		}
		if f, ok := pluralForms[k]; ok {
			m.forms[f] = t
			continue
		}
		n, err := strconv.ParseInt(strings.TrimPrefix(k, "="), 10, 64)
		if !strings.HasPrefix(k, "=") || err != nil {
			return nil, fmt.Errorf("%q is not a plural form (zero, one, two, few, many, other or =N)", k)
		}
		if m.exact == nil {
			m.exact = map[int64]*text{}
		}
		m.exact[n] = t
	}
	if m.forms[plural.Other] == nil {
		return nil, fmt.Errorf("a plural message needs an \"other\" form")
	}
	return m, nil
}

// isPluralObject reports whether a catalogue object is a plural message (its keys are
// plural forms, "other" among them) rather than a group of keys.
func isPluralObject(obj map[string]any) bool {
	if _, ok := obj["other"]; !ok {
		return false
	}
	for k, v := range obj {
		if _, ok := v.(string); !ok {
			return false
		}
		if _, ok := pluralForms[k]; ok {
			continue
		}
		if _, err := strconv.ParseInt(strings.TrimPrefix(k, "="), 10, 64); !strings.HasPrefix(k, "=") || err != nil {
			return false
		}
	}
	return true
}
