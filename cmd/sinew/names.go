package main

import (
	"go/token"
	"runtime/debug"
	"strings"
	"unicode"
)

// version returns the module version sinew was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// initialisms are written in capitals in Go names.
var initialisms = map[string]string{
	"id": "ID", "url": "URL", "uri": "URI", "uuid": "UUID", "api": "API", "http": "HTTP",
	"html": "HTML", "json": "JSON", "ip": "IP", "sql": "SQL", "css": "CSS", "xml": "XML",
}

// words splits a name written in snake_case, kebab-case or CamelCase into lower-case words.
func words(s string) []string {
	var out []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case r == '_' || r == '-':
			flush()
		case unicode.IsUpper(r):
			// A new word starts at an upper-case letter after a lower-case one or a digit,
			// or before a lower-case letter that ends a run of capitals (URLPath).
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
				flush()
			}
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// camel returns the exported Go name of s: blog_post → BlogPost, author_id → AuthorID.
func camel(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[w]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// lowerCamel returns the unexported Go name of s: BlogPost → blogPost, URLSet → urlSet.
func lowerCamel(s string) string {
	ws := words(s)
	if len(ws) == 0 {
		return ""
	}
	return ws[0] + camel(strings.Join(ws[1:], "_"))
}

// snake returns s in snake_case: BlogPost → blog_post.
func snake(s string) string { return strings.Join(words(s), "_") }

// human returns s as lower-case words: BlogPost → blog post.
func human(s string) string { return strings.Join(words(s), " ") }

// plural returns the English plural of a lower-case word or snake_case name (its last word).
func plural(s string) string {
	switch {
	case s == "":
		return s
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "z"),
		strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	}
	return s + "s"
}

// upperFirst capitalises the first letter.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// predeclared lists names that generated code must not shadow.
var predeclared = map[string]bool{
	"bool": true, "byte": true, "error": true, "string": true, "int": true, "int64": true,
	"float64": true, "rune": true, "any": true, "true": true, "false": true, "nil": true,
	"iota": true, "len": true, "cap": true, "new": true, "make": true, "append": true,
	"copy": true, "delete": true, "panic": true, "recover": true, "print": true,
	"println": true, "close": true, "min": true, "max": true, "clear": true,
	"complex": true, "real": true, "imag": true,
	// names of the generated app and of the packages it imports
	"main": true, "setup": true, "app": true, "api": true, "auth": true, "orm": true,
	"form": true, "web": true, "sinew": true, "testkit": true, "migrations": true,
	"context": true, "http": true, "testing": true, "time": true, "url": true, "uuid": true,
	"resources": true, "models": true, "home": true, "files": true, "strings": true,
	"fmt": true, "in": true, "out": true, "err": true, "ctx": true, "c": true, "t": true,
	"f": true, "r": true, "q": true, "res": true, "db": true, "test": true,
}

// checkIdent reports why s cannot name a model, a field or an app, "" when it can: it must
// be letters, digits and underscores (hyphens for apps), start with a letter, and not be a
// Go keyword.
func checkIdent(s string, hyphens bool) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) > 64:
		return "is longer than 64 characters"
	case !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z'):
		return "must start with a letter"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || hyphens && r == '-') {
			if unicode.IsSpace(r) {
				return "must not contain spaces"
			}
			return "may only hold letters, digits" + map[bool]string{true: ", hyphens", false: ""}[hyphens] + " and underscores"
		}
	}
	if token.IsKeyword(s) || token.IsKeyword(strings.ToLower(s)) {
		return "is a reserved Go word"
	}
	return ""
}
