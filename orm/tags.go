package orm

import (
	"errors"
	"fmt"
	"strings"
)

// tagOption is one comma-separated option of an `orm:"..."` struct tag.
type tagOption struct {
	key      string
	value    string
	hasValue bool
	quoted   bool // the value was written in single quotes (so it may be empty)
}

// tagOptions lists every option the registry understands, for validation and for the
// "did you mean" suggestion.
func tagOptions() []string {
	return []string{
		"-", "column", "pk", "size", "null", "default", "unique", "index", "fk", "ondelete",
		"choices", "label", "help", "text", "json", "date", "decimal", "m2m",
		"renamed_from", // read by the migrate package: the column's previous name
	}
}

// optionTakesValue says whether an option needs a value (true), forbids one (false), or
// accepts both (absent from the map).
func optionTakesValue(key string) (needs, allowed bool) {
	switch key {
	case "column", "size", "default", "fk", "ondelete", "choices", "label", "help", "decimal", "renamed_from":
		return true, true
	case "unique", "index", "m2m":
		return false, true
	}
	return false, false
}

// parseTag splits an orm struct tag into options. The grammar:
//
//	tag    = option { "," option }
//	option = key [ "=" value ]
//	value  = bare | "'" { any character, "''" for a quote } "'"
//
// Bare values cannot contain commas; quote a value that needs one:
// `orm:"help='Shown on the home page, if set'"`.
func parseTag(tag string) ([]tagOption, error) {
	var opts []tagOption
	i := 0
	for i < len(tag) {
		// key
		start := i
		for i < len(tag) && tag[i] != '=' && tag[i] != ',' {
			i++
		}
		key := strings.TrimSpace(tag[start:i])
		opt := tagOption{key: key}
		if i < len(tag) && tag[i] == '=' {
			i++
			opt.hasValue = true
			for i < len(tag) && tag[i] == ' ' {
				i++
			}
			if i < len(tag) && tag[i] == '\'' {
				var b strings.Builder
				i++
				closed := false
				for i < len(tag) {
					if tag[i] == '\'' {
						if i+1 < len(tag) && tag[i+1] == '\'' {
							b.WriteByte('\'')
							i += 2
							continue
						}
						i++
						closed = true
						break
					}
					b.WriteByte(tag[i])
					i++
				}
				if !closed {
					return nil, fmt.Errorf("option %q: unterminated quoted value", key)
				}
				opt.value = b.String()
				opt.quoted = true
				for i < len(tag) && tag[i] == ' ' {
					i++
				}
				if i < len(tag) && tag[i] != ',' {
					return nil, fmt.Errorf("option %q: unexpected %q after quoted value", key, tag[i:])
				}
			} else {
				start = i
				for i < len(tag) && tag[i] != ',' {
					i++
				}
				opt.value = strings.TrimSpace(tag[start:i])
			}
		}
		if i < len(tag) && tag[i] == ',' {
			i++
			if i == len(tag) {
				return nil, errors.New("trailing comma")
			}
		}
		if key == "" {
			return nil, errors.New("empty option")
		}
		opts = append(opts, opt)
	}
	return opts, nil
}

// checkOption validates an option's name and the presence of its value, returning a
// message for ModelError.Reason, or "".
func checkOption(o tagOption) string {
	known := false
	for _, k := range tagOptions() {
		if k == o.key {
			known = true
			break
		}
	}
	if !known {
		msg := fmt.Sprintf("unknown tag option %q", o.key)
		if s := closest(o.key, tagOptions()); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return msg
	}
	needs, allowed := optionTakesValue(o.key)
	if needs && (!o.hasValue || (o.value == "" && !o.quoted)) {
		return fmt.Sprintf("tag option %q needs a value (%s=...)", o.key, o.key)
	}
	if o.hasValue && !allowed {
		return fmt.Sprintf("tag option %q takes no value", o.key)
	}
	return ""
}
