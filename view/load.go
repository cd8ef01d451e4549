package view

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
)

// file is one template file, parsed on its own.
type file struct {
	name   string
	shared bool
	defs   []namedTree // the file's own template first, then its {{define}}s and {{block}}s
	calls  []string    // names called with {{template}}, in order of appearance
}

type namedTree struct {
	name string
	tree *parse.Tree
}

// templateFiles lists the template files of fsys in lexical order, skipping dot files.
func (e *Engine) templateFiles(visit func(name string, d fs.DirEntry) error) error {
	return fs.WalkDir(e.fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("view: reading templates: %w", err)
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !e.isTemplate(name) {
			return nil
		}
		return visit(name, d)
	})
}

func (e *Engine) isTemplate(name string) bool {
	for _, ext := range e.cfg.Extensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

func (e *Engine) isShared(name string) bool {
	for _, dir := range e.cfg.Shared {
		dir = strings.Trim(path.Clean(dir), "/")
		if strings.HasPrefix(name, dir+"/") {
			return true
		}
	}
	return false
}

// fingerprint hashes the names, sizes and modification times of the template files, so
// that Reload notices added, removed and changed files.
func (e *Engine) fingerprint() (uint64, error) {
	h := fnv.New64a()
	var b []byte
	err := e.templateFiles(func(name string, d fs.DirEntry) error {
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("view: reading templates: %w", err)
		}
		b = append(b[:0], name...)
		b = append(b, 0)
		b = strconv.AppendInt(b, info.Size(), 10)
		b = append(b, 0)
		b = strconv.AppendInt(b, info.ModTime().UnixNano(), 10)
		b = append(b, 0)
		_, _ = h.Write(b)
		return nil
	})
	return h.Sum64(), err
}

// load reads and parses every template file and builds the renderable entries.
func (e *Engine) load() (*templateSet, error) {
	var files []*file
	err := e.templateFiles(func(name string, _ fs.DirEntry) error {
		src, err := fs.ReadFile(e.fsys, name)
		if err != nil {
			return fmt.Errorf("view: reading %s: %w", name, err)
		}
		f, err := e.parseFile(name, string(src))
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	byName := make(map[string]*file, len(files))
	owner := map[string]string{} // shared template name → file defining it
	var shared []*file
	for _, f := range files {
		byName[f.name] = f
		if !f.shared {
			continue
		}
		shared = append(shared, f)
		for _, d := range f.defs {
			if other, ok := owner[d.name]; ok {
				return nil, fmt.Errorf("view: template %q is defined in both %s and %s", d.name, other, f.name)
			}
			owner[d.name] = f.name
		}
	}
	s := &templateSet{entries: make(map[string]*entry, len(files))}
	for _, f := range files {
		p, err := e.build(f, shared, byName)
		if err != nil {
			return nil, err
		}
		s.entries[f.name] = p
		s.names = append(s.names, f.name)
	}
	slices.Sort(s.names)
	return s, nil
}

// parseFile parses one file alone, which reports syntax errors and unknown functions with
// the file's name and line.
func (e *Engine) parseFile(name, src string) (*file, error) {
	t, err := template.New(name).Funcs(e.funcs).Parse(src)
	if err != nil {
		return nil, fmt.Errorf("view: %w", err)
	}
	f := &file{name: name, shared: e.isShared(name)}
	trimLayoutCall(t.Tree.Root)
	f.defs = append(f.defs, namedTree{name, t.Tree})
	for _, d := range t.Templates() {
		if d.Name() != name && d.Tree != nil {
			f.defs = append(f.defs, namedTree{d.Name(), d.Tree})
		}
	}
	slices.SortFunc(f.defs[1:], func(a, b namedTree) int { return strings.Compare(a.name, b.name) })
	for _, d := range f.defs {
		walkCalls(d.tree.Root, func(n *parse.TemplateNode) { f.calls = append(f.calls, n.Name) })
	}
	return f, nil
}

// trimLayoutCall drops the whitespace before the first and after the last action of a
// file made only of {{template}} calls and whitespace: the shape of a page that calls its
// layout and fills its blocks, whose line breaks around the {{define}}s would otherwise
// follow the layout's output.
func trimLayoutCall(root *parse.ListNode) {
	if root == nil {
		return
	}
	calls := 0
	for _, n := range root.Nodes {
		switch n := n.(type) {
		case *parse.TemplateNode:
			calls++
		case *parse.TextNode:
			if len(bytes.TrimSpace(n.Text)) != 0 {
				return
			}
		default:
			return
		}
	}
	if calls == 0 {
		return
	}
	nodes := root.Nodes
	for len(nodes) > 0 && nodes[0].Type() == parse.NodeText {
		nodes = nodes[1:]
	}
	for len(nodes) > 0 && nodes[len(nodes)-1].Type() == parse.NodeText {
		nodes = nodes[:len(nodes)-1]
	}
	root.Nodes = nodes
}

// build makes the entry for f: a namespace holding the shared templates, then the files f
// (or a shared template) calls by path, such as its layout and the layout's layout, callees
// first, then f itself. Later definitions replace earlier ones, which is how a page's
// {{define "content"}} fills its layout's {{block "content" .}}.
func (e *Engine) build(f *file, shared []*file, byName map[string]*file) (*entry, error) {
	var order []*file
	seen := map[*file]bool{f: true}
	var visit func(g *file)
	visit = func(g *file) {
		for _, name := range g.calls {
			callee := byName[name]
			if callee == nil || callee.shared || seen[callee] {
				continue
			}
			seen[callee] = true
			visit(callee)
			order = append(order, callee)
		}
	}
	for _, g := range shared {
		visit(g)
	}
	visit(f)

	root := template.New(f.name).Funcs(e.funcs)
	add := func(g *file) error {
		for _, d := range g.defs {
			if _, err := root.AddParseTree(d.name, d.tree); err != nil {
				return fmt.Errorf("view: %s: %w", g.name, err)
			}
		}
		return nil
	}
	for _, g := range shared {
		if err := add(g); err != nil {
			return nil, err
		}
	}
	for _, g := range order {
		if err := add(g); err != nil {
			return nil, err
		}
	}
	if err := add(f); err != nil {
		return nil, err
	}
	master := root.Lookup(f.name)
	if err := checkCalls(master); err != nil {
		return nil, err
	}
	if err := checkRendersSomething(f); err != nil {
		return nil, err
	}
	p := &entry{name: f.name, master: master, funcs: e.requestFuncs}
	if err := e.checkEscaping(p); err != nil {
		return nil, err
	}
	return p, nil
}

// checkCalls reports a {{template "name"}} whose name is not defined in t's namespace.
func checkCalls(t *template.Template) error {
	var errs []error
	for _, d := range t.Templates() {
		if d.Tree == nil {
			continue
		}
		tree := d.Tree
		walkCalls(tree.Root, func(n *parse.TemplateNode) {
			if callee := t.Lookup(n.Name); callee == nil || callee.Tree == nil {
				loc, _ := tree.ErrorContext(n)
				errs = append(errs, fmt.Errorf("view: %s: call to undefined template %q", loc, n.Name))
			}
		})
	}
	if len(errs) == 0 {
		return nil
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// checkRendersSomething rejects a page that fills blocks but never calls its layout, which
// would render an empty page.
func checkRendersSomething(f *file) error {
	if f.shared || len(f.defs) < 2 || !parse.IsEmptyTree(f.defs[0].tree.Root) {
		return nil
	}
	return fmt.Errorf("view: %s defines %q but renders nothing: start it with {{template \"layouts/base.html\" .}} (or the layout it fills)", f.name, f.defs[1].name)
}

// checkEscaping runs html/template's contextual escaper over the entry at start-up, so
// that a template it cannot escape (an action in an ambiguous context, a template ending
// inside a tag) fails now rather than on a request. The escaper only runs on execution,
// so the template is executed with every function replaced by a stub without side effects,
// into a writer that stops at the first byte. The escaped instance then gets its real
// functions and becomes the first instance of the pool.
func (e *Engine) checkEscaping(p *entry) error {
	in, err := p.newInstance()
	if err != nil {
		return err
	}
	in.t.Funcs(stubs(e.funcs))
	err = in.t.Execute(stopWriter{}, nil)
	var escErr *template.Error
	if errors.As(err, &escErr) {
		return fmt.Errorf("view: %w", err)
	}
	in.t.Funcs(e.funcs).Funcs(p.funcs(&in.state))
	p.pool.Put(in)
	return nil
}

// errStop ends the start-up execution at the first byte of output.
var errStop = errors.New("view: stop")

type stopWriter struct{}

func (stopWriter) Write([]byte) (int, error) { return 0, errStop }

// stubs returns functions of the same types as funcs that only return zero values.
func stubs(funcs template.FuncMap) template.FuncMap {
	out := make(template.FuncMap, len(funcs))
	for name, fn := range funcs {
		typ := reflect.TypeOf(fn)
		out[name] = reflect.MakeFunc(typ, func([]reflect.Value) []reflect.Value {
			res := make([]reflect.Value, typ.NumOut())
			for i := range res {
				res[i] = reflect.Zero(typ.Out(i))
			}
			return res
		}).Interface()
	}
	return out
}

// walkCalls calls fn for every {{template}} node under n.
func walkCalls(n parse.Node, fn func(*parse.TemplateNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkCalls(c, fn)
		}
	case *parse.TemplateNode:
		fn(n)
	case *parse.IfNode:
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.RangeNode:
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	case *parse.WithNode:
		walkCalls(n.List, fn)
		walkCalls(n.ElseList, fn)
	}
}
