package admin

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/sinewdev/sinew"
	"github.com/sinewdev/sinew/auth"
	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/session"
	"github.com/sinewdev/sinew/view"
	"github.com/sinewdev/sinew/web"
)

//go:embed templates static
var files embed.FS

// Config configures the admin site. The zero value is the default.
type Config struct {
	// Path is where the site is mounted. Default "/admin".
	Path string
	// Title is shown in the header and page titles. Default "Sinew administration".
	Title string
	// Accent is the CSS colour of links and buttons. Default "#3657c9".
	Accent string
	// PageSize is the number of rows on a list page, unless a model's Options say
	// otherwise. Default 50.
	PageSize int
	// Forms renders and binds the add and edit forms. Default: app.Forms(), over the
	// app's registry and validator.
	Forms *form.Forms
	// LoginURL is where visitors who are not logged in are sent, with next= set.
	// Default "/auth/login" (the auth flows).
	LoginURL string
}

// Site is an admin site mounted on an App. Register models on it before the app starts.
type Site struct {
	app     *sinew.App
	cfg     Config
	views   *view.Engine
	forms   *form.Forms
	models  []*entry
	bySlug  map[string]*entry
	byType  map[reflect.Type]*entry
	pages   []*Page
	err     error
	started atomic.Bool
}

// New mounts the admin site on app at cfg.Path and returns it. The app must use auth
// (auth.Register): staff users log in through its flows. The site records its history in
// the table sinew_admin_log, created by the site's own migration set.
func New(app *sinew.App, cfg Config) *Site {
	if cfg.Path == "" {
		cfg.Path = "/admin"
	}
	cfg.Path = "/" + strings.Trim(cfg.Path, "/")
	if cfg.Title == "" {
		cfg.Title = "Sinew administration"
	}
	if cfg.Accent == "" {
		cfg.Accent = "#3657c9"
	}
	accentOK := validColour(cfg.Accent)
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	if cfg.LoginURL == "" {
		cfg.LoginURL = "/auth/login"
	}
	s := &Site{app: app, cfg: cfg, bySlug: map[string]*entry{}, byType: map[reflect.Type]*entry{}}
	if !accentOK {
		s.fail(fmt.Errorf("admin: Config.Accent %q: want a colour such as #3657c9 or teal", cfg.Accent))
	}
	s.forms = cfg.Forms
	if s.forms == nil {
		s.forms = app.Forms()
	}
	tmpl, _ := fs.Sub(files, "templates")
	eng, err := view.New(tmpl, view.Config{
		CSRFToken:   session.CSRFToken,
		Flashes:     session.ViewFlashes,
		CurrentUser: auth.ViewUser,
		StaticURL:   func(name string) string { return cfg.Path + "/static/" + name },
		Funcs:       template.FuncMap{"admin": func() *Site { return s }},
	})
	if err != nil {
		s.fail(fmt.Errorf("admin: templates: %w", err))
	}
	s.views = eng
	app.Models(LogEntry{})
	app.MigrationSet("admin", Migrations())
	app.OnStart(func(context.Context) error {
		s.started.Store(true)
		for _, e := range s.models {
			if err := s.compileInlines(e, e.rawInlines); err != nil {
				s.fail(fmt.Errorf("admin: %s: %w", e.meta.Name, err))
			}
		}
		return s.err
	})
	s.mount()
	return s
}

func (s *Site) fail(err error) { s.err = errors.Join(s.err, err) }

// Title returns the site's title.
func (s *Site) Title() string { return s.cfg.Title }

// Accent returns the site's accent colour.
func (s *Site) Accent() string { return s.cfg.Accent }

// Path returns where the site is mounted, without a trailing slash.
func (s *Site) Path() string { return s.cfg.Path }

func (s *Site) mount() {
	static, _ := fs.Sub(files, "static")
	g := s.app.Group(s.cfg.Path)
	g.Handle("GET /static/{path...}", web.Static(static, web.StaticConfig{}))
	g.GET("/theme.css", func(c *web.Ctx) error {
		c.SetHeader("Cache-Control", "public, max-age=3600")
		return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(":root{--accent:"+s.cfg.Accent+"}\n"))
	})
	s.app.GET(s.cfg.Path+"/", s.staff(s.dashboard)).Name("admin:index")
	g.GET("/pages/{page}/", s.staff(s.customPage)).Name("admin:page")
	g.GET("/{model}/", s.staff(s.list)).Name("admin:list")
	g.POST("/{model}/", s.staff(s.bulk))
	g.GET("/{model}/export.csv", s.staff(s.export))
	g.GET("/{model}/lookup", s.staff(s.lookup))
	g.GET("/{model}/add/", s.staff(s.add)).Name("admin:add")
	g.POST("/{model}/add/", s.staff(s.add))
	g.GET("/{model}/{id}/", s.staff(s.edit)).Name("admin:edit")
	g.POST("/{model}/{id}/", s.staff(s.edit))
	g.GET("/{model}/{id}/delete/", s.staff(s.deleteOne)).Name("admin:delete")
	g.POST("/{model}/{id}/delete/", s.staff(s.deleteOne))
	g.GET("/{model}/{id}/history/", s.staff(s.history)).Name("admin:history")
}

// staff wraps a handler so that it runs only for active staff users: visitors who are not
// logged in are sent to the login page, other users get 403.
func (s *Site) staff(h web.HandlerFunc) web.HandlerFunc {
	return func(c *web.Ctx) error {
		u := auth.CurrentUser(c)
		if u == nil {
			if c.Method() != http.MethodGet {
				return web.Error(http.StatusUnauthorized, "log in to use the admin site")
			}
			return c.Redirect(http.StatusSeeOther, s.cfg.LoginURL+"?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		}
		if !u.IsActive || !u.IsStaff {
			return web.Error(http.StatusForbidden, "this account may not use the admin site")
		}
		c.Set("admin.user", u)
		return h(c)
	}
}

// user returns the staff user of the request.
func user(c *web.Ctx) *auth.User {
	u, _ := c.Get("admin.user").(*auth.User)
	return u
}

// render writes an admin page: templates/admin/<name>.
func (s *Site) render(c *web.Ctx, status int, name string, data map[string]any) error {
	data["Site"] = s
	data["Nav"] = s.nav(c)
	data["Pages"] = s.visiblePages(c)
	var buf bytes.Buffer
	if err := s.views.Render(c, &buf, "admin/"+name, data); err != nil {
		return err
	}
	c.SetHeader("Cache-Control", "no-store")
	return c.Blob(status, "text/html; charset=utf-8", buf.Bytes())
}

// navGroup is one section of the sidebar and dashboard: the models of one group.
type navGroup struct {
	Name   string
	Models []navModel
}

type navModel struct {
	Label, URL, AddURL string
	Slug               string
	Count              int64
	HasCount           bool
	Approx             bool // Count is an estimate
}

// nav lists the models the user may view, grouped.
func (s *Site) nav(c *web.Ctx) []navGroup {
	var groups []navGroup
	for _, e := range s.models {
		if !s.allowed(c, e, "view", nil) {
			continue
		}
		m := navModel{Label: capitalize(e.meta.LabelPlural), URL: s.cfg.Path + "/" + e.slug + "/", Slug: e.slug}
		if s.allowed(c, e, "add", nil) {
			m.AddURL = s.cfg.Path + "/" + e.slug + "/add/"
		}
		i := slices.IndexFunc(groups, func(g navGroup) bool { return g.Name == e.group })
		if i < 0 {
			groups = append(groups, navGroup{Name: e.group})
			i = len(groups) - 1
		}
		groups[i].Models = append(groups[i].Models, m)
	}
	return groups
}

// allowed reports whether the request's user may do action ("view", "add", "change",
// "delete") on the model, and on obj when it is not nil: the model permission, then the
// model's Permit hook.
func (s *Site) allowed(c *web.Ctx, e *entry, action string, obj any) bool {
	u := user(c)
	if u == nil {
		return false
	}
	ok, err := u.HasPerm(c, action+"_"+strings.ToLower(e.meta.Name))
	if err != nil || !ok {
		return false
	}
	return e.ops.permit(c, action, obj)
}

// must returns 403 unless the user may do action.
func (s *Site) must(c *web.Ctx, e *entry, action string, obj any) error {
	if s.allowed(c, e, action, obj) {
		return nil
	}
	return web.Errorf(http.StatusForbidden, "you may not %s %s", action, e.meta.LabelPlural)
}

// entryOf returns the model of the request's {model} parameter, or 404.
func (s *Site) entryOf(c *web.Ctx) (*entry, error) {
	e := s.bySlug[c.Param("model")]
	if e == nil {
		return nil, web.ErrNotFound
	}
	return e, nil
}

// urlOf returns the edit page of an object.
func (s *Site) urlOf(e *entry, id string) string {
	return s.cfg.Path + "/" + e.slug + "/" + url.PathEscape(id) + "/"
}

// validColour accepts #rgb, #rrggbb and CSS colour names: nothing that could end the rule.
func validColour(c string) bool {
	if len(c) == 0 || len(c) > 30 {
		return false
	}
	if c[0] == '#' {
		if len(c) != 4 && len(c) != 7 {
			return false
		}
		for _, ch := range c[1:] {
			if !strings.ContainsRune("0123456789abcdefABCDEF", ch) {
				return false
			}
		}
		return true
	}
	for _, ch := range c {
		if ch < 'a' || ch > 'z' {
			return false
		}
	}
	return true
}

// Page is a custom page inside the admin layout, listed under "Pages" in the side bar.
type Page struct {
	Slug  string // its URL: <admin>/pages/<slug>/
	Title string
	// Perm is the permission codename a user needs to see it ("view_order"); empty: any
	// staff user.
	Perm string
	// Content renders the page's body; it is placed in the layout as it is, so build it
	// with html/template.
	Content func(c *web.Ctx) (template.HTML, error)
}

// AddPage adds a custom page to the site.
func (s *Site) AddPage(p Page) {
	if p.Slug == "" || p.Content == nil || strings.ContainsAny(p.Slug, "/?#") {
		s.fail(fmt.Errorf("admin: page %q needs a Slug without /, ? or # and a Content function", p.Slug))
		return
	}
	s.pages = append(s.pages, &p)
}

type pageLink struct{ Title, URL string }

// visiblePages lists the custom pages the user may see.
func (s *Site) visiblePages(c *web.Ctx) []pageLink {
	var out []pageLink
	u := user(c)
	for _, p := range s.pages {
		if p.Perm != "" {
			if ok, err := u.HasPerm(c, p.Perm); err != nil || !ok {
				continue
			}
		}
		out = append(out, pageLink{Title: p.Title, URL: s.cfg.Path + "/pages/" + p.Slug + "/"})
	}
	return out
}

// customPage serves a page added with AddPage.
func (s *Site) customPage(c *web.Ctx) error {
	for _, p := range s.pages {
		if p.Slug != c.Param("page") {
			continue
		}
		if p.Perm != "" {
			if ok, err := user(c).HasPerm(c, p.Perm); err != nil || !ok {
				return web.Error(http.StatusForbidden, "you may not see this page")
			}
		}
		body, err := p.Content(c)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "page.html", map[string]any{"Title": p.Title, "Content": body})
	}
	return web.ErrNotFound
}

// capitalize upper-cases the first letter of a label.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// groupOf is the default dashboard section of a model: its Go package name.
func groupOf(t reflect.Type) string {
	p := path.Base(t.PkgPath())
	if p == "main" || p == "." || p == "" {
		return "Application"
	}
	return capitalize(p)
}
