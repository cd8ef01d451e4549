package view

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sinewdev/sinew/web"
	"github.com/yuin/goldmark"
)

// ErrNotFound is returned (wrapped) by [Engine.Render] for a name that is not a template.
var ErrNotFound = errors.New("no such template")

// Config configures an [Engine]. The zero value is the default.
type Config struct {
	// Reload re-reads the templates when a file is added, removed or modified, checked on
	// every render; a template that no longer parses makes each render fail with its file
	// and line until it is fixed. Use it in development with os.DirFS. Default: off, the
	// templates are parsed once by [New].
	Reload bool
	// Shared lists the directories whose templates every template can call by name:
	// partials and components, including the {{define}}s inside their files. A name defined
	// twice among them stops start-up. An empty, non-nil list shares nothing.
	// Default: ["partials", "components"].
	Shared []string
	// Extensions lists the file name endings read as templates; other files are ignored, as
	// are files and directories whose names start with a dot. Default: [".html", ".tmpl"].
	Extensions []string
	// Funcs adds the application's own helpers, available in every template. A name that
	// shadows a built-in helper stops start-up. Default: none.
	Funcs template.FuncMap
	// RequestFuncs adds helpers that see the request being rendered (the locale, the
	// session): each is called with the request's Ctx (nil outside a request) and the
	// template's arguments. A name that shadows a built-in helper stops start-up.
	// Default: none.
	RequestFuncs map[string]RequestFunc
	// StaticURL turns an asset's name into its URL for the static helper (the asset
	// pipeline's fingerprinting plugs in here). Default: "/static/" + name.
	StaticURL func(name string) string
	// CSRFToken returns the request's CSRF token for csrfToken and csrfField. Default: the
	// function the App installs on its router under CSRFTokenHook (sinew's sessions do),
	// else none;
	// csrfToken is "" and csrfField renders nothing.
	CSRFToken func(c *web.Ctx) string
	// CSRFFieldName is the name of the hidden input that csrfField renders.
	// Default: "csrf_token".
	CSRFFieldName string
	// Flashes returns the request's flash messages for the flashes helper; it is called at
	// most once per render, so it may consume them. Default: the function installed on the
	// router under FlashesHook (sinew's sessions do), else none.
	Flashes func(c *web.Ctx) []Flash
	// CurrentUser returns the signed-in user for the currentUser helper.
	// Default: c.User(), set by the authentication middleware.
	CurrentUser func(c *web.Ctx) any
	// Now returns the current time for the timeago helper. Default: time.Now.
	Now func() time.Time
	// MaxMarkdownBytes is the largest text the markdown helper renders; longer text is a
	// rendering error (validate lengths in forms, before storing). Markdown parsing is not
	// linear on hostile input, so keep it modest. Default: 128 KiB.
	MaxMarkdownBytes int
}

// CSRFTokenHook is the router value key (web.Router.SetValue) under which an application
// installs a func(*web.Ctx) string returning the request's CSRF token, so that Engines built
// without Config.CSRFToken render {{csrfField}} anyway. The sinew App installs
// session.CSRFToken there.
type CSRFTokenHook struct{}

// FlashesHook is the router value key under which an application installs a
// func(*web.Ctx) []Flash, the default of Config.Flashes. The sinew App installs
// session.ViewFlashes there.
type FlashesHook struct{}

// Flash is a one-time message shown on the next page, as returned by [Config.Flashes].
type Flash struct {
	Kind    string // "success", "info", "warning" or "error"; usable as a CSS class
	Message string // plain text, escaped when rendered
}

// Engine renders the templates of one fs.FS. It implements [web.Renderer]: set it as the
// router's Config.Renderer and call c.Render in handlers. It is safe for concurrent use.
type Engine struct {
	fsys  fs.FS
	cfg   Config
	funcs template.FuncMap // built-in helpers (request helpers unbound) and Config.Funcs
	md    goldmark.Markdown

	set atomic.Pointer[templateSet]

	mu      sync.Mutex // serialises reloads
	stamp   uint64     // fingerprint of the files the current set (or loadErr) came from
	loadErr error      // why the last reload failed, shown until the files change
}

// New reads and parses every template in fsys, checks that each template called by name
// exists and that every page escapes cleanly, and returns an Engine ready to render. A
// syntax error, a call to an unknown function or template, or an escaping problem returns
// an error naming the file and line.
func New(fsys fs.FS, cfg Config) (*Engine, error) {
	if fsys == nil {
		return nil, errors.New("view: New needs an fs.FS")
	}
	if cfg.Shared == nil {
		cfg.Shared = []string{"partials", "components"}
	}
	if cfg.Extensions == nil {
		cfg.Extensions = []string{".html", ".tmpl"}
	}
	if cfg.StaticURL == nil {
		cfg.StaticURL = defaultStaticURL
	}
	if cfg.CSRFFieldName == "" {
		cfg.CSRFFieldName = "csrf_token"
	}
	if cfg.CurrentUser == nil {
		cfg.CurrentUser = func(c *web.Ctx) any { return c.User() }
	}
	if cfg.CSRFToken == nil {
		cfg.CSRFToken = func(c *web.Ctx) string {
			if r := c.Router(); r != nil {
				if f, ok := r.Value(CSRFTokenHook{}).(func(*web.Ctx) string); ok {
					return f(c)
				}
			}
			return ""
		}
	}
	if cfg.Flashes == nil {
		cfg.Flashes = func(c *web.Ctx) []Flash {
			if r := c.Router(); r != nil {
				if f, ok := r.Value(FlashesHook{}).(func(*web.Ctx) []Flash); ok {
					return f(c)
				}
			}
			return nil
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxMarkdownBytes <= 0 {
		cfg.MaxMarkdownBytes = 128 << 10
	}
	e := &Engine{fsys: fsys, cfg: cfg, md: newMarkdown()}
	funcs, err := e.funcMap()
	if err != nil {
		return nil, err
	}
	e.funcs = funcs
	stamp, err := e.fingerprint()
	if err != nil {
		return nil, err
	}
	s, err := e.load()
	if err != nil {
		return nil, err
	}
	e.stamp = stamp
	e.set.Store(s)
	return e, nil
}

// Render executes the template name (its path in the file system, "posts/index.html")
// with data and writes the result to w. c is the request, for the helpers that need it
// (url, csrfField, flashes, currentUser); it may be nil outside a request, where those
// helpers answer their defaults and url fails.
//
// Render writes to w as it executes: write to a buffer, as [web.Ctx.Render] does, so that
// a failing template never sends half a page.
func (e *Engine) Render(c *web.Ctx, w io.Writer, name string, data any) error {
	s, err := e.current()
	if err != nil {
		return err
	}
	p := s.entries[name]
	if p == nil {
		return fmt.Errorf("view: %w: %q", ErrNotFound, name)
	}
	in, err := p.get()
	if err != nil {
		return err
	}
	in.state.c = c
	err = in.t.Execute(w, data)
	in.state = renderState{}
	p.pool.Put(in)
	if err != nil {
		return fmt.Errorf("view: %w", err)
	}
	return nil
}

// Names returns the names of the templates the Engine can render, sorted.
func (e *Engine) Names() []string {
	s, err := e.current()
	if err != nil {
		s = e.set.Load()
	}
	return slices.Clone(s.names)
}

// current returns the set to render with, reloading it first in Reload mode when the
// files changed.
func (e *Engine) current() (*templateSet, error) {
	if !e.cfg.Reload {
		return e.set.Load(), nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	stamp, err := e.fingerprint()
	if err != nil {
		return nil, err
	}
	if stamp != e.stamp {
		// The fingerprint is taken before reading, so a file saved during the reload
		// changes it again and is picked up by the next render.
		e.stamp = stamp
		s, err := e.load()
		e.loadErr = err
		if err == nil {
			e.set.Store(s)
		}
	}
	if e.loadErr != nil {
		return nil, e.loadErr
	}
	return e.set.Load(), nil
}

// templateSet is one generation of parsed templates.
type templateSet struct {
	entries map[string]*entry
	names   []string
}

// entry is one renderable template: the file's template in its own namespace (the shared
// templates, the files it calls by path such as its layout, then its own definitions).
type entry struct {
	name   string
	master *template.Template // never executed; cloned for each instance
	funcs  func(*renderState) template.FuncMap
	pool   sync.Pool // *instance
}

// instance is a private, escaped clone of an entry whose request helpers read state. A
// clone is needed because template functions are bound when a namespace is built, while
// csrfField, flashes and friends depend on the request being rendered.
type instance struct {
	t     *template.Template
	state renderState
}

// renderState is what the request helpers of an instance see during one render.
type renderState struct {
	c       *web.Ctx
	flashes []Flash
	flashed bool
}

func (p *entry) get() (*instance, error) {
	if v := p.pool.Get(); v != nil {
		return v.(*instance), nil
	}
	return p.newInstance()
}

func (p *entry) newInstance() (*instance, error) {
	t, err := p.master.Clone()
	if err != nil {
		return nil, fmt.Errorf("view: preparing %s: %w", p.name, err)
	}
	in := &instance{t: t}
	t.Funcs(p.funcs(&in.state))
	return in, nil
}
