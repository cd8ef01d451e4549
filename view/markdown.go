package view

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdown returns the markdown converter behind the markdown helper: CommonMark with
// GitHub's tables, strikethrough, autolinks and task lists. It is safe for untrusted text:
// goldmark's HTML renderer is left in its safe mode, where raw HTML is dropped (replaced by
// a comment) and text is escaped, and [linkPolicy] keeps only links and images whose URLs
// are relative or use an allowed scheme. Text that would take the parser superlinear time
// (see [pathological]) is shown escaped instead.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkPolicy{}, 1000))),
	)
}

// markdown renders src (a string, []byte or fmt.Stringer) as safe HTML.
func (e *Engine) markdown(src any) (template.HTML, error) {
	s := toString(src)
	if len(s) > e.cfg.MaxMarkdownBytes {
		return "", fmt.Errorf("markdown: text of %d bytes is over the %d-byte limit", len(s), e.cfg.MaxMarkdownBytes)
	}
	var b bytes.Buffer
	b.Grow(len(s) + len(s)/4)
	if pathological(s) {
		b.WriteString("<p>")
		template.HTMLEscape(&b, []byte(s))
		b.WriteString("</p>\n")
		return template.HTML(b.String()), nil
	}
	if err := e.md.Convert([]byte(s), &b); err != nil {
		return "", fmt.Errorf("markdown: %w", err)
	}
	return template.HTML(b.String()), nil
}

// linkPolicy replaces links and images whose URL is not allowed (see [allowedURL]) by
// their text, so that javascript:, data: and similar URLs never reach an href or src.
type linkPolicy struct{}

// Transform implements parser.ASTTransformer.
func (linkPolicy) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var bad []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !allowedURL(string(n.Destination), false) {
				bad = append(bad, n)
			}
		case *ast.Image:
			if !allowedURL(string(n.Destination), true) {
				bad = append(bad, n)
			}
		case *ast.AutoLink:
			url := string(n.URL(source))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
				url = "mailto:" + url
			}
			if !allowedURL(url, false) {
				bad = append(bad, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range bad {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		if al, ok := n.(*ast.AutoLink); ok {
			parent.ReplaceChild(parent, n, ast.NewString(al.Label(source)))
			continue
		}
		for c := n.FirstChild(); c != nil; c = n.FirstChild() {
			parent.InsertBefore(parent, n, c)
		}
		parent.RemoveChild(parent, n)
	}
}

// allowedURL reports whether a link (or image) may point at raw: a relative URL, or one
// with the http, https, mailto or tel scheme (http and https only for images). Browsers
// ignore tabs and newlines anywhere in a URL and spaces and control characters around it,
// so those are removed before the scheme is read.
func allowedURL(raw string, image bool) bool {
	s := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, raw)
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	end := strings.IndexAny(s, ":/?#")
	if end < 0 || s[end] != ':' {
		return true // no scheme: relative to the page
	}
	switch strings.ToLower(s[:end]) {
	case "http", "https":
		return true
	case "mailto", "tel":
		return !image
	}
	return false
}

// Limits past which markdown is shown as escaped text instead of parsed: goldmark, like
// most markdown parsers, takes quadratic time on deeply nested containers ("> > > …",
// "- - - …") and on runs of unclosed links ("[a]([a]([a](…"), which would let one stored
// comment of a few hundred kilobytes hold a CPU for minutes; thousands of link reference
// definitions are slow too. No real text comes near these limits.
const (
	maxMarkdownNesting = 32  // block quotes and list items opened on one line
	maxBracketsInAWord = 128 // '[' in one run of text without white space
	maxLinkDefinitions = 512 // lines that look like link reference definitions
)

// pathological reports whether s is markdown that would take goldmark superlinear time.
func pathological(s string) bool {
	defs := 0
	for line := range strings.Lines(s) {
		if t := strings.TrimLeft(line, " \t>"); strings.HasPrefix(t, "[") && strings.Contains(t, "]:") {
			if defs++; defs > maxLinkDefinitions {
				return true
			}
		}
		if containerDepth(line) > maxMarkdownNesting {
			return true
		}
		for _, word := range strings.Fields(line) {
			if len(word) > maxBracketsInAWord && strings.Count(word, "[") > maxBracketsInAWord {
				return true
			}
		}
	}
	return false
}

// containerDepth counts the block quote and list markers that open a line.
func containerDepth(line string) int {
	depth := 0
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return depth
		}
		switch c := line[i]; {
		case c == '>':
			i++
		case c == '-' || c == '*' || c == '+':
			if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t' {
				return depth
			}
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j >= len(line) || (line[j] != '.' && line[j] != ')') {
				return depth
			}
			i = j + 1
		default:
			return depth
		}
		depth++
	}
}
