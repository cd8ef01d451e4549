package main

import "strings"

// Heading is the line that starts the section ormdoc owns.
const Heading = "## ORM"

// Splice returns doc with its Heading section replaced by section, or with
// section appended if doc has none; a blank document becomes a "# Benchmarks"
// page holding only the section. The section runs from the line that is
// exactly Heading to the next level-one or level-two heading outside a code
// fence; every other line is kept as it is.
func Splice(doc, section string) string {
	section = strings.TrimRight(section, "\n") + "\n"
	if strings.TrimSpace(doc) == "" {
		return "# Benchmarks\n\n" + section
	}
	lines := strings.SplitAfter(doc, "\n")
	start, end := -1, len(lines)
	fence := ""
	for i, line := range lines {
		text := strings.TrimRight(line, "\r\n")
		trimmed := strings.TrimLeft(text, " ")
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
				fence = ""
			}
			continue
		}
		if f := fenceOf(trimmed); f != "" {
			fence = f
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
		doc = strings.TrimRight(doc, "\n") + "\n\n"
		return doc + section
	}
	after := strings.Join(lines[end:], "")
	if after != "" {
		section += "\n"
	}
	return strings.Join(lines[:start], "") + section + after
}

// fenceOf returns the code fence line opens (three or more backquotes or
// tildes), or "".
func fenceOf(line string) string {
	for _, c := range []string{"`", "~"} {
		if n := len(line) - len(strings.TrimLeft(line, c)); n >= 3 {
			return strings.Repeat(c, n)
		}
	}
	return ""
}
