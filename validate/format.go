package validate

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// formatFunc returns the check of a named string format, or nil.
func formatFunc(name string) func(string) bool {
	switch name {
	case "email":
		return isEmail
	case "url":
		return isURL
	case "uuid":
		return isUUID
	case "slug":
		return isSlug
	case "alpha":
		return func(s string) bool { return allRunes(s, unicode.IsLetter) }
	case "alphanum":
		return func(s string) bool {
			return allRunes(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
		}
	case "numeric":
		return func(s string) bool { return allRunes(s, func(r rune) bool { return r >= '0' && r <= '9' }) }
	case "date":
		return func(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil }
	case "datetime":
		return func(s string) bool { _, err := time.Parse(time.RFC3339, s); return err == nil }
	}
	return nil
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

func allRunes(s string, ok func(rune) bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !ok(r) {
			return false
		}
	}
	return true
}

// isEmail accepts the addresses a browser's <input type=email> accepts (the WHATWG "valid
// e-mail address": a dot-atom local part of at most 64 bytes, '@', LDH labels), with at
// least one dot in the domain and at most 254 bytes, so server and browser agree. Quoted
// local parts, comments and display names are refused.
func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at > 64 || len(s) > 254 {
		return false
	}
	for i := range at {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0) {
			return false
		}
	}
	domain := s[at+1:]
	labels := 0
	for domain != "" {
		label, rest, found := strings.Cut(domain, ".")
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := range len(label) {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
		labels++
		domain = rest
		if found && rest == "" {
			return false // trailing dot
		}
	}
	return labels >= 2
}

// isURL accepts an absolute http or https URL with a host, at most 2,048 bytes.
func isURL(s string) bool {
	if len(s) > 2048 || strings.ContainsAny(s, " \t\r\n\\") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return false
	}
	return true
}

// isUUID accepts the canonical 8-4-4-4-12 hexadecimal form, any version, either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// isSlug accepts ASCII letters, digits, hyphens and underscores, as Django's SlugField does.
func isSlug(s string) bool {
	for i := range len(s) {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}
