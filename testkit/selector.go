package testkit

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// selector is a parsed selector list: an element matches when any alternative does.
type selector struct {
	parts []compound   // one alternative (used when alts is empty)
	alts  [][]compound // the alternatives of a list
}

// compound is one compound selector and how it relates to the one before it.
type compound struct {
	child   bool // joined to the previous compound by '>' rather than a space
	tag     string
	id      string
	classes []string
	attrs   []attrSel
}

type attrSel struct {
	name, op, value string // op: "" (present), "=", "^=", "*=", "$="
}

const maxSelector = 1024

// parseSelector parses the subset of CSS selectors Find documents.
func parseSelector(s string) (*selector, error) {
	if len(s) > maxSelector {
		return nil, fmt.Errorf("selector longer than %d bytes", maxSelector)
	}
	sel := &selector{}
	for _, alt := range strings.Split(s, ",") {
		parts, err := parseChain(alt)
		if err != nil {
			return nil, fmt.Errorf("selector %q: %w", s, err)
		}
		sel.alts = append(sel.alts, parts)
	}
	return sel, nil
}

func parseChain(s string) ([]compound, error) {
	s = strings.ReplaceAll(s, ">", " > ")
	var parts []compound
	child := false
	for _, tok := range splitOutsideBrackets(s) {
		if tok == ">" {
			if len(parts) == 0 || child {
				return nil, fmt.Errorf("misplaced '>'")
			}
			child = true
			continue
		}
		c, err := parseCompound(tok)
		if err != nil {
			return nil, err
		}
		c.child = child
		child = false
		parts = append(parts, c)
	}
	if len(parts) == 0 || child {
		return nil, fmt.Errorf("empty selector")
	}
	return parts, nil
}

// splitOutsideBrackets splits s at white space that is not inside [...].
func splitOutsideBrackets(s string) []string {
	var out []string
	depth, start := 0, -1
	for i, r := range s {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		}
		space := (r == ' ' || r == '\t' || r == '\n') && depth == 0
		if space && start >= 0 {
			out = append(out, s[start:i])
			start = -1
		} else if !space && start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func parseCompound(s string) (compound, error) {
	var c compound
	i := 0
	name := func() string {
		j := i
		for j < len(s) && (isNameByte(s[j])) {
			j++
		}
		n := s[i:j]
		i = j
		return n
	}
	if i < len(s) && (isNameByte(s[i]) || s[i] == '*') {
		if s[i] == '*' {
			i++
		} else {
			c.tag = strings.ToLower(name())
		}
	}
	for i < len(s) {
		switch s[i] {
		case '#':
			i++
			if c.id = name(); c.id == "" {
				return c, fmt.Errorf("empty #id in %q", s)
			}
		case '.':
			i++
			cl := name()
			if cl == "" {
				return c, fmt.Errorf("empty .class in %q", s)
			}
			c.classes = append(c.classes, cl)
		case '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return c, fmt.Errorf("unclosed [ in %q", s)
			}
			a, err := parseAttr(s[i+1 : i+end])
			if err != nil {
				return c, err
			}
			c.attrs = append(c.attrs, a)
			i += end + 1
		default:
			return c, fmt.Errorf("unexpected %q in %q", s[i], s)
		}
	}
	return c, nil
}

func parseAttr(s string) (attrSel, error) {
	for _, op := range []string{"^=", "*=", "$=", "="} {
		if k, v, ok := strings.Cut(s, op); ok {
			v = strings.TrimSpace(v)
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			k = strings.TrimSpace(k)
			if k == "" {
				return attrSel{}, fmt.Errorf("empty attribute name in [%s]", s)
			}
			return attrSel{name: strings.ToLower(k), op: op, value: v}, nil
		}
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return attrSel{}, fmt.Errorf("empty []")
	}
	return attrSel{name: strings.ToLower(s)}, nil
}

func isNameByte(b byte) bool {
	return b == '-' || b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// all returns the elements under root (root included) that match, in document order.
func (s *selector) all(root *html.Node) []*html.Node {
	alts := s.alts
	if len(alts) == 0 {
		alts = [][]compound{s.parts}
	}
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range alts {
				if matchChain(n, a) {
					out = append(out, n)
					break
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return out
}

// matchChain reports whether n matches the last compound of parts and its ancestors match
// the rest.
func matchChain(n *html.Node, parts []compound) bool {
	last := parts[len(parts)-1]
	if !last.match(n) {
		return false
	}
	if len(parts) == 1 {
		return true
	}
	rest := parts[:len(parts)-1]
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			break
		}
		if matchChain(p, rest) {
			return true
		}
		if last.child {
			return false
		}
	}
	return false
}

func (c *compound) match(n *html.Node) bool {
	if c.tag != "" && n.Data != c.tag {
		return false
	}
	if c.id != "" && Attr(n, "id") != c.id {
		return false
	}
	for _, cl := range c.classes {
		if !hasWord(Attr(n, "class"), cl) {
			return false
		}
	}
	for _, a := range c.attrs {
		v, ok := attrOK(n, a.name)
		if !ok {
			return false
		}
		switch a.op {
		case "=":
			ok = v == a.value
		case "^=":
			ok = strings.HasPrefix(v, a.value)
		case "$=":
			ok = strings.HasSuffix(v, a.value)
		case "*=":
			ok = strings.Contains(v, a.value)
		}
		if !ok {
			return false
		}
	}
	return true
}

func hasWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}
