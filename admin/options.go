package admin

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// Options customise the admin pages of model T. The zero value is the default for every
// field.
type Options[T any] struct {
	// Group is the dashboard section the model is listed in. Default: the Go package name
	// of T ("Application" for package main).
	Group string
	// List names the columns of the list page: fields (Go or column names), fields of a
	// belongs-to relation ("Author.Name", loaded with one query per page) and names of
	// Computed columns. The first column links to the edit page. Default: the object's
	// name and up to four more fields.
	List []string
	// Computed defines columns computed in Go, by name, for List.
	Computed map[string]Column[T]
	// Search names the text fields the search box looks in; a row matches when any of them
	// does. A plain name matches when the field contains the term, ignoring case (a scan of
	// the table: fine for thousands of rows, slow for millions); "^Name" when the field
	// starts with the term as typed, and "=Name" when it equals it, both served by an index
	// on the column. Default: none (no search box).
	Search []string
	// Filters names the fields offered as filters in the side bar: booleans, fields with
	// choices, foreign keys (to models registered in the site) and times (today, past 7
	// days, this month, this year). Default: none.
	Filters []string
	// Ordering is the default order of the list, as for orm's OrderBy ("-created_at").
	// Default: newest first by primary key.
	Ordering []string
	// Sortable names the columns the list may be sorted by. Default: every field column
	// of List.
	Sortable []string
	// Fields lists the fields of the add and edit forms, in order. Default: every
	// editable field.
	Fields []string
	// Fieldsets groups the form's fields under titles; fields not in any set follow.
	Fieldsets []Fieldset
	// ReadOnly names fields shown on the edit page but not editable.
	ReadOnly []string
	// Inlines edit has-many children on the parent's page (Inline).
	Inlines []Inline
	// Actions are bulk actions offered on the list page, besides "delete selected".
	Actions []Action[T]
	// Permit, when set, is asked after the model permission, for every page and action:
	// action is "view", "add", "change" or "delete", and obj is nil for the model as a
	// whole (may the user see the list?) or the object concerned.
	Permit func(c *web.Ctx, action string, obj *T) bool
	// Query, when set, narrows every query of the site on this model (a user sees only
	// their team's rows, say): the list, the edit and delete pages and bulk actions.
	Query func(c *web.Ctx, q *orm.Query[T]) *orm.Query[T]
	// PageSize overrides Config.PageSize for this model.
	PageSize int
}

// Column is a computed list column.
type Column[T any] struct {
	Label string       // the column header; default: the name
	Value func(*T) any // the cell's value, shown as text (escaped); not sortable
}

// Fieldset is a titled group of form fields.
type Fieldset struct {
	Title  string
	Fields []string
}

// Action is a bulk action of the list page: Run receives the selected objects (at most one
// page) once the user has the permission Perm ("change" by default) on the model.
type Action[T any] struct {
	Name  string // the form value, lower-case letters, digits and underscores
	Label string // the text in the action menu
	Perm  string // "view", "add", "change" or "delete"; default "change"
	// Run does the work and returns the message shown to the user.
	Run func(c *web.Ctx, objs []*T) (string, error)
}

// Register adds model T, which must be registered in the app's ORM registry
// (app.Models), to the site. Problems (an unknown field name in the options) are reported
// when the app starts.
func Register[T any](s *Site, opts Options[T]) {
	if s.started.Load() {
		panic("admin: Register called after the app started")
	}
	t := reflect.TypeFor[T]()
	meta := orm.MetaFor[T](s.app.Registry())
	if meta == nil {
		s.fail(fmt.Errorf("admin: %s is not a registered model (call app.Models first)", t))
		return
	}
	if _, dup := s.byType[t]; dup {
		s.fail(fmt.Errorf("admin: %s registered twice", t))
		return
	}
	e := &entry{slug: strings.ToLower(meta.Name), meta: meta, group: opts.Group, rawInlines: opts.Inlines}
	if e.group == "" {
		e.group = groupOf(t)
	}
	ops := &typed[T]{site: s, e: e, opts: opts}
	e.ops = ops
	if err := ops.compile(); err != nil {
		s.fail(fmt.Errorf("admin: %s: %w", meta.Name, err))
		return
	}
	if _, dup := s.bySlug[e.slug]; dup {
		s.fail(fmt.Errorf("admin: two models named %s", meta.Name))
		return
	}
	s.models = append(s.models, e)
	s.bySlug[e.slug] = e
	s.byType[t] = e
}

// entry is one registered model.
type entry struct {
	slug       string
	meta       *orm.Meta
	group      string
	ops        modelOps
	rawInlines []Inline
	inlines    []*inlineSpec // checked when the app starts
}
