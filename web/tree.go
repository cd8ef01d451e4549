package web

import "strings"

// node is one node of a method's radix tree. Static children are compressed by common
// prefix; a node may also have one parameter child ({name}, one non-empty segment) and one
// catch-all route ({name...}, the rest of the path). Lookups try static children first, then
// the parameter, then the catch-all, and backtrack when a branch fails, so static routes
// beat parameters, which beat catch-alls, at every segment.
type node struct {
	prefix   string
	indices  []byte  // first byte of each static child, in the order of children
	children []*node // static children
	param    *node   // the {name} child; its prefix is always empty
	catchAll *Route  // the route of a {name...} wildcard at this point
	route    *Route  // the route ending exactly here
}

// insert adds r under n following the parsed pattern's parts. It returns the route already
// registered for the same shape, if any, and then changes nothing.
func (n *node) insert(parts []patternPart, r *Route) *Route {
	for len(parts) > 0 {
		part := parts[0]
		switch part.kind {
		case segStatic:
			n = n.insertStatic(part.text)
		case segParam:
			if n.param == nil {
				n.param = &node{}
			}
			n = n.param
		case segCatchAll:
			if n.catchAll != nil {
				return n.catchAll
			}
			n.catchAll = r
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
		var child *node
		for i, c := range n.indices {
			if c == s[0] {
				child = n.children[i]
				break
			}
		}
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
			}
			*child = node{
				prefix:   child.prefix[:common],
				indices:  []byte{rest.prefix[0]},
				children: []*node{rest},
			}
		}
		n = child
		s = s[common:]
	}
	return n
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
func (n *node) lookup(path string, ps *[]string) *Route {
	if path == "" {
		if n.route != nil {
			return n.route
		}
	} else {
		c := path[0]
		for i, idx := range n.indices {
			if idx != c {
				continue
			}
			child := n.children[i]
			if len(path) >= len(child.prefix) && path[:len(child.prefix)] == child.prefix {
				if r := child.lookup(path[len(child.prefix):], ps); r != nil {
					return r
				}
			}
			break
		}
		if n.param != nil {
			end := strings.IndexByte(path, '/')
			if end < 0 {
				end = len(path)
			}
			if end > 0 {
				*ps = append(*ps, path[:end])
				if r := n.param.lookup(path[end:], ps); r != nil {
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
