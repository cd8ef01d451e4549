package orm

import (
	"hash/fnv"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxIdentLen is the longest identifier the registry generates: PostgreSQL truncates names
// at 63 bytes and MySQL rejects names over 64, so generated names stay within 63.
const maxIdentLen = 63

// snakeCase turns a Go identifier into its column form: "AuthorID" → "author_id",
// "HTTPServer" → "http_server", "UserIDs" → "user_ids".
func snakeCase(s string) string {
	runes := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 {
				prev := runes[i-1]
				nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
				// An acronym followed by a plural "s" ("IDs") stays one word.
				pluralAcronym := nextLower && runes[i+1] == 's' &&
					(i+2 == len(runes) || !unicode.IsLower(runes[i+2]))
				switch {
				case unicode.IsLower(prev) || unicode.IsDigit(prev):
					b.WriteByte('_')
				case unicode.IsUpper(prev) && nextLower && !pluralAcronym:
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plural returns the English plural of a lower-case word or snake_case phrase, pluralising
// its last word: "post" → "posts", "category" → "categories", "blog_entry" → "blog_entries".
func plural(s string) string {
	head, last := "", s
	if i := strings.LastIndexByte(s, '_'); i >= 0 {
		head, last = s[:i+1], s[i+1:]
	}
	return head + pluralWord(last)
}

func pluralWord(w string) string {
	switch w {
	case "":
		return w
	case "person":
		return "people"
	case "child":
		return "children"
	case "man":
		return "men"
	case "woman":
		return "women"
	case "mouse":
		return "mice"
	case "data", "info", "news", "series", "species", "media", "metadata", "equipment", "feedback":
		return w
	}
	switch {
	case strings.HasSuffix(w, "y") && len(w) > 1 && !strings.ContainsRune("aeiou", rune(w[len(w)-2])):
		return w[:len(w)-1] + "ies"
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"), strings.HasSuffix(w, "z"),
		strings.HasSuffix(w, "ch"), strings.HasSuffix(w, "sh"):
		return w + "es"
	}
	return w + "s"
}

// singular is the inverse of plural for the regular forms; it is used to name join-table
// columns after a related table ("tags" → "tag").
func singular(w string) string {
	switch {
	case w == "people":
		return "person"
	case w == "children":
		return "child"
	case strings.HasSuffix(w, "ies") && len(w) > 3:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"),
		strings.HasSuffix(w, "zes"), strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 1:
		return w[:len(w)-1]
	}
	return w
}

// humanize turns a Go identifier into a label in sentence case: "CreatedAt" → "Created at",
// "AuthorID" → "Author ID".
func humanize(s string) string {
	words := strings.Split(snakeCase(s), "_")
	for i, w := range words {
		switch w {
		case "id", "url", "uuid", "ip", "html", "json", "api", "http", "https", "sql", "uri":
			words[i] = strings.ToUpper(w)
		case "ids":
			words[i] = "IDs"
		}
	}
	out := strings.Join(words, " ")
	if r, size := utf8.DecodeRuneInString(out); size > 0 {
		out = string(unicode.ToUpper(r)) + out[size:]
	}
	return out
}

// validIdent reports whether s may be used as a table or column name given in a tag:
// ASCII letters, digits and underscores, not starting with a digit, at most 63 bytes.
func validIdent(s string) bool {
	if s == "" || len(s) > maxIdentLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// shortName keeps a generated identifier within maxIdentLen bytes: longer names are cut and
// end with a hash of the full name so that two long names stay distinct.
func shortName(name string) string {
	if len(name) <= maxIdentLen {
		return name
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	sum := strconv.FormatUint(uint64(h.Sum32()), 16)
	return name[:maxIdentLen-len(sum)-1] + "_" + sum
}

// indexName generates the name of an index or constraint on table over cols, with suffix
// "idx" (index), "key" (unique) or "fkey" (foreign key), PostgreSQL's convention.
func indexName(table string, cols []string, suffix string) string {
	return shortName(table + "_" + strings.Join(cols, "_") + "_" + suffix)
}

// editDistance is the Levenshtein distance between a and b, used to suggest the tag option
// or field name a typo meant.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// closest returns the candidate nearest to s when it is close enough to be a likely typo.
func closest(s string, candidates []string) string {
	best, bestD := "", 3
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := editDistance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD > len(s)/2+1 {
		return ""
	}
	return best
}
