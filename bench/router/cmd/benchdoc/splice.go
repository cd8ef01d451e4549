package main

import "strings"

// Splice returns doc with its Heading section replaced by section, or with
// section appended if doc has none; a blank document becomes a
// "# Benchmarks" page holding only the section. The section of doc runs from
// the line that is exactly Heading to the next level-one or level-two
// heading outside a code fence; every other line is kept as it is.
func Splice(doc, section string) string {
	section = strings.TrimRight(section, "\n") + "\n"
	if strings.TrimSpace(doc) == "" {
		return "# Benchmarks\n\n" + section
	}
	lines := strings.SplitAfter(doc, "\n")
	start, end := -1, len(lines)
	var fenceMark string
	for i, line := range lines {
		text := strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimLeft(text, " ")
		if fenceMark != "" {
			if strings.HasPrefix(trimmed, fenceMark) && strings.Trim(trimmed, string(fenceMark[0])) == "" {
				fenceMark = ""
			}
			continue
		}
		if m := fenceOpen(trimmed); m != "" {
			fenceMark = m
			continue
		}
		if start < 0 {
			if text == Heading {
				start = i
			}
			continue
		}
		if strings.HasPrefix(text, "# ") || strings.HasPrefix(text, "## ") {
			end = i
			break
		}
	}
	if start < 0 {
		if !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		if !strings.HasSuffix(doc, "\n\n") {
			doc += "\n"
		}
		return doc + section
	}
	before := strings.Join(lines[:start], "")
	after := strings.Join(lines[end:], "")
	if after != "" {
		section += "\n"
	}
	return before + section + after
}

// fenceOpen returns the fence that line opens (three or more backquotes or
// tildes), or "".
func fenceOpen(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}
