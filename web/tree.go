package web

import (
	"bytes"
	"strings"
)

// node is one node of a method's radix tree. Static children are compressed by common
// prefix; a node may also have one parameter child ({name}, one non-empty segment) and one
// catch-all route ({name...}, the rest of the path). Lookups try static children first, then
// the parameter, then the catch-all, and backtrack when a branch fails, so static routes
// beat parameters, which beat catch-alls, at every segment. Static siblings are kept in
// order of how many routes go through them, which decides nothing but the speed of lookups.
type node struct {
	prefix   string
	indices  []byte  // first byte of each static child, in the order of children
	children []*node // static children
	param    *node   // the {name} child; its prefix is always empty
	catchAll *Route  // the route of a {name...} wildcard at this point
	route    *Route  // the route ending exactly here
	wild     bool    // param or catchAll is set
	routes   int     // the number of routes at or below n, to order siblings
}

// insert adds r under n following the parsed pattern's parts. It returns the route already
// registered for the same shape, if any, and then changes nothing.
func (n *node) insert(parts []patternPart, r *Route) *Route {
	if other := n.place(parts, r); other != nil {
		return other
	}
	n.rank(parts)
	return nil
}

// place is insert without the ranking of children.
func (n *node) place(parts []patternPart, r *Route) *Route {
	for len(parts) > 0 {
		part := parts[0]
		switch part.kind {
		case segStatic:
			n = n.insertStatic(part.text)
		case segParam:
			if n.param == nil {
				n.param = &node{}
				n.wild = true
			}
			n = n.param
		case segCatchAll:
			if n.catchAll != nil {
				return n.catchAll
			}
			n.catchAll = r
			n.wild = true
			return nil
		}
		parts = parts[1:]
	}
	if n.route != nil {
		return n.route
	}
	n.route = r
	return nil
}

// insertStatic walks or creates the static path s below n and returns the node where s ends.
func (n *node) insertStatic(s string) *node {
	for s != "" {
		child := n.child(s[0])
		if child == nil {
			child = &node{prefix: s}
			n.indices = append(n.indices, s[0])
			n.children = append(n.children, child)
			return child
		}
		common := commonPrefix(child.prefix, s)
		if common < len(child.prefix) {
			// Split child: it keeps the common part, the rest moves to a new node below it.
			rest := &node{
				prefix:   child.prefix[common:],
				indices:  child.indices,
				children: child.children,
				param:    child.param,
				catchAll: child.catchAll,
				route:    child.route,
				wild:     child.wild,
				routes:   child.routes,
			}
			*child = node{
				prefix:   child.prefix[:common],
				indices:  []byte{rest.prefix[0]},
				children: []*node{rest},
				routes:   rest.routes,
			}
		}
		n = child
		s = s[common:]
	}
	return n
}

// child returns the static child whose prefix starts with c, or nil. Scanning the indices
// beats a lookup table here: the branches of the scan are predicted, so the load of the
// child does not wait for the load of a table entry.
func (n *node) child(c byte) *node {
	for i, b := range n.indices {
		if b == c {
			return n.children[i]
		}
	}
	return nil
}

// rank counts the route just placed along parts in the nodes it passes, and moves each static
// child it passes ahead of its siblings with fewer routes: lookups, which scan the children
// in order, meet first those that most routes go through.
func (n *node) rank(parts []patternPart) {
	for _, part := range parts {
		switch part.kind {
		case segStatic:
			for s := part.text; s != ""; {
				i := bytes.IndexByte(n.indices, s[0])
				child := n.children[i]
				child.routes++
				for ; i > 0 && n.children[i-1].routes < child.routes; i-- {
					n.children[i-1], n.children[i] = n.children[i], n.children[i-1]
					n.indices[i-1], n.indices[i] = n.indices[i], n.indices[i-1]
				}
				n, s = child, s[len(child.prefix):]
			}
		case segParam:
			n = n.param
		case segCatchAll:
			return
		}
	}
}

func commonPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// lookup finds the route for path below n, whose own prefix has already been consumed,
// appending wildcard values to *ps. On failure *ps is left as it was.
//
// At every node, static children come first, then the parameter, then the catch-all. Most
// paths match along the first branch of every node they pass, so lookup walks that branch
// alone, in a loop; only when it ends nowhere after passing a node with a branch left
// untried does it search again, backtracking (see search).
func (n *node) lookup(path string, ps *[]string) *Route {
	root, rest := n, path
	np := len(*ps)
	untried := false // a node on the way had a wildcard child not taken
	for {
		if rest == "" {
			if n.route != nil {
				return n.route
			}
		} else {
			if child := n.child(rest[0]); child != nil {
				if p := child.prefix; hasPrefix(rest, p) {
					untried = untried || n.wild
					n, rest = child, rest[len(p):]
					continue
				}
			}
			if n.param != nil {
				end := 0
				for end < len(rest) && rest[end] != '/' {
					end++
				}
				if end > 0 {
					untried = untried || n.catchAll != nil
					*ps = append(*ps, rest[:end])
					n, rest = n.param, rest[end:]
					continue
				}
			}
		}
		if n.catchAll != nil {
			*ps = append(*ps, rest)
			return n.catchAll
		}
		*ps = (*ps)[:np]
		if !untried {
			return nil
		}
		return root.search(path, ps)
	}
}

// hasPrefix reports whether s starts with the prefix of a child, whose first byte is known
// to match. A loop costs less than the call to the runtime's memequal for these short
// prefixes, and lets lookup keep its values in registers.
func hasPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 1; i < len(prefix); i++ {
		if s[i] != prefix[i] {
			return false
		}
	}
	return true
}

// search is lookup with backtracking: when a branch fails below a node, it tries the node's
// next branch.
func (n *node) search(path string, ps *[]string) *Route {
	if path == "" {
		if n.route != nil {
			return n.route
		}
	} else {
		if child := n.child(path[0]); child != nil {
			if hasPrefix(path, child.prefix) {
				if r := child.search(path[len(child.prefix):], ps); r != nil {
					return r
				}
			}
		}
		if n.param != nil {
			end := strings.IndexByte(path, '/')
			if end < 0 {
				end = len(path)
			}
			if end > 0 {
				*ps = append(*ps, path[:end])
				if r := n.param.search(path[end:], ps); r != nil {
					return r
				}
				*ps = (*ps)[:len(*ps)-1]
			}
		}
	}
	if n.catchAll != nil {
		*ps = append(*ps, path)
		return n.catchAll
	}
	return nil
}
