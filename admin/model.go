package admin

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// modelOps is what the site's pages do with one model, whatever its Go type: typed[T]
// implements it with the generic ORM calls.
type modelOps interface {
	columns() []*colSpec
	list(c *web.Ctx, lq *listQuery) (rows []any, more bool, err error)
	count(c *web.Ctx, lq *listQuery) (int64, error)
	get(c *web.Ctx, id string) (any, error)
	byIDs(c *web.Ctx, ids []string) ([]any, error)
	newObj() any
	create(ctx context.Context, obj any) error
	save(ctx context.Context, obj any) error
	remove(ctx context.Context, obj any) error
	permit(c *web.Ctx, action string, obj any) bool
	actions() []actionSpec
	runAction(c *web.Ctx, name string, objs []any) (string, error)
	copyObj(obj any) any
	cell(obj any, col *colSpec) any
	str(obj any) string
	pk(obj any) string
	options() *commonOptions
}

// commonOptions are the parts of Options that do not depend on T.
type commonOptions struct {
	search    []searchField
	filters   []*filterSpec
	ordering  []string
	sortable  map[string]bool
	fields    []string
	fieldsets []Fieldset
	readOnly  []*orm.Field
	pageSize  int
}

// searchField is a field the search box looks in, and how.
type searchField struct {
	field *orm.Field
	mode  byte // 0: contains, case-insensitive; '^': starts with, as typed; '=': equals
}

// cond is the condition matching term.
func (sf searchField) cond(term string) orm.Cond {
	name := sf.field.Name
	switch sf.mode {
	case '^':
		// A range rather than LIKE: B-tree indexes serve it on every engine.
		return orm.And(orm.Lookup(name+"__gte", term), orm.Lookup(name+"__lt", term+"\U0010FFFF"))
	case '=':
		return orm.Lookup(name, term)
	}
	return orm.Lookup(name+"__icontains", term)
}

// colSpec is one column of the list page.
type colSpec struct {
	Name, Label string
	SortKey     string     // the orm field for OrderBy, "" when not sortable
	field       *orm.Field // a field of the model
	rel         *orm.Relation
	relField    *orm.Field // the field of the related model
	computed    bool
	isName      bool // the object's name
}

type actionSpec struct {
	Name, Label, Perm string
}

// listQuery is what the list page asks for.
type listQuery struct {
	search  string
	filters map[string]string // column → value, already checked against the filter specs
	order   string            // "title" or "-title", checked
	limit   int
	offset  int
	parent  *parentFilter // the children of one parent (inline rows)
}

// parentFilter selects the rows whose field holds a parent's key.
type parentFilter struct {
	field, id string
}

type typed[T any] struct {
	site    *Site
	e       *entry
	opts    Options[T]
	cols    []*colSpec
	common  commonOptions
	prefets []string
}

func (t *typed[T]) options() *commonOptions { return &t.common }
func (t *typed[T]) columns() []*colSpec     { return t.cols }
func (t *typed[T]) newObj() any             { return new(T) }

func (t *typed[T]) copyObj(obj any) any {
	cp := *obj.(*T)
	return &cp
}

// compile checks the options against the model and prepares the columns.
func (t *typed[T]) compile() error {
	meta := t.e.meta
	reg := t.site.app.Registry()
	field := func(name string) (*orm.Field, error) {
		if f := meta.Field(name); f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("no field %q", name)
	}
	list := t.opts.List
	if len(list) == 0 {
		list = []string{""}
		for _, f := range meta.Fields {
			if len(list) == 5 {
				break
			}
			if f.PrimaryKey || f.Kind == orm.KindText || f.Kind == orm.KindJSON || f.Kind == orm.KindBytes {
				continue
			}
			list = append(list, f.Name)
		}
	}
	var errs []error
	for _, name := range list {
		col := &colSpec{Name: name}
		switch {
		case name == "":
			col.isName, col.Label = true, capitalize(meta.Label)
		case t.opts.Computed[name].Value != nil:
			col.computed, col.Label = true, t.opts.Computed[name].Label
			if col.Label == "" {
				col.Label = name
			}
		case strings.Contains(name, "."):
			relName, fieldName, _ := strings.Cut(name, ".")
			rel := meta.Relation(relName)
			if rel == nil || rel.Kind != orm.BelongsTo {
				errs = append(errs, fmt.Errorf("List: %q: %s is not a belongs-to relation", name, relName))
				continue
			}
			rm := reg.Meta(rel.Model)
			var rf *orm.Field
			if rm != nil {
				rf = rm.Field(fieldName)
			}
			if rf == nil {
				errs = append(errs, fmt.Errorf("List: %q: %s has no field %s", name, rel.Model, fieldName))
				continue
			}
			col.rel, col.relField, col.Label = rel, rf, capitalize(rf.Label)
			if !slices.Contains(t.prefets, relName) {
				t.prefets = append(t.prefets, relName)
			}
		default:
			f, err := field(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("List: %w", err))
				continue
			}
			col.field, col.Label, col.SortKey = f, capitalize(f.Label), f.Column
		}
		t.cols = append(t.cols, col)
	}
	if len(t.opts.Sortable) > 0 {
		t.common.sortable = map[string]bool{}
		for _, name := range t.opts.Sortable {
			f, err := field(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("Sortable: %w", err))
				continue
			}
			t.common.sortable[f.Column] = true
		}
		for _, col := range t.cols {
			if col.field != nil && !t.common.sortable[col.field.Column] {
				col.SortKey = ""
			}
		}
	}
	for _, name := range t.opts.Search {
		var mode byte
		if strings.HasPrefix(name, "^") || strings.HasPrefix(name, "=") {
			mode, name = name[0], name[1:]
		}
		f, err := field(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("Search: %w", err))
			continue
		}
		if f.Kind != orm.KindString && f.Kind != orm.KindText {
			errs = append(errs, fmt.Errorf("Search: %s is not a text field", name))
			continue
		}
		t.common.search = append(t.common.search, searchField{field: f, mode: mode})
	}
	for _, name := range t.opts.Filters {
		f, err := field(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("Filters: %w", err))
			continue
		}
		spec, err := newFilter(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("Filters: %s: %w", name, err))
			continue
		}
		t.common.filters = append(t.common.filters, spec)
	}
	for _, name := range t.opts.ReadOnly {
		f, err := field(name)
		if err != nil {
			errs = append(errs, fmt.Errorf("ReadOnly: %w", err))
			continue
		}
		t.common.readOnly = append(t.common.readOnly, f)
	}
	t.common.ordering = t.opts.Ordering
	if len(t.common.ordering) == 0 && meta.PK != nil {
		t.common.ordering = []string{"-" + meta.PK.Name}
	}
	t.common.fields = t.formFields()
	t.common.fieldsets = t.opts.Fieldsets
	t.common.pageSize = t.opts.PageSize
	if t.common.pageSize <= 0 {
		t.common.pageSize = t.site.cfg.PageSize
	}
	for _, a := range t.opts.Actions {
		if a.Name == "" || a.Run == nil || a.Name == "delete_selected" {
			errs = append(errs, fmt.Errorf("Actions: %q needs a Name (not delete_selected) and a Run function", a.Name))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	// Compile the form now so that a bad field list stops start-up.
	if _, err := t.site.forms.Plan(reflect.TypeFor[T](), t.common.fields...); err != nil {
		return fmt.Errorf("form: %w", err)
	}
	return nil
}

// formFields lists the form's fields: Options.Fields, or every editable field, without
// the read-only ones.
func (t *typed[T]) formFields() []string {
	fields := t.opts.Fields
	if len(fields) == 0 {
		for _, f := range t.e.meta.Fields {
			if f.PrimaryKey || f.AutoCreate || f.AutoUpdate {
				continue
			}
			fields = append(fields, f.Name)
		}
	}
	var out []string
	for _, name := range fields {
		ro := false
		for _, f := range t.common.readOnly {
			if f.Name == name || f.Column == name {
				ro = true
			}
		}
		if !ro {
			out = append(out, name)
		}
	}
	return out
}

// base starts a query on T, narrowed by Options.Query.
func (t *typed[T]) base(c *web.Ctx) *orm.Query[T] {
	q := orm.Q[T](c)
	if t.opts.Query != nil {
		q = t.opts.Query(c, q)
	}
	return q
}

// filtered applies the search and filters of lq.
func (t *typed[T]) filtered(c *web.Ctx, lq *listQuery) *orm.Query[T] {
	q := t.base(c)
	if lq.parent != nil {
		q = q.Filter(lq.parent.field, lq.parent.id)
	}
	if lq.search != "" && len(t.common.search) > 0 {
		conds := make([]orm.Cond, 0, len(t.common.search))
		for _, sf := range t.common.search {
			conds = append(conds, sf.cond(lq.search))
		}
		q = q.Match(orm.Or(conds...))
	}
	for _, spec := range t.common.filters {
		if v, ok := lq.filters[spec.param()]; ok {
			q = q.Match(spec.cond(v, time.Now()))
		}
	}
	return q
}

func (t *typed[T]) list(c *web.Ctx, lq *listQuery) ([]any, bool, error) {
	q := t.filtered(c, lq)
	if lq.order != "" {
		q = q.OrderBy(lq.order, "-"+t.e.meta.PK.Name)
	} else {
		q = q.OrderBy(t.common.ordering...)
	}
	if len(t.prefets) > 0 {
		q = q.Prefetch(t.prefets...)
	}
	rows, err := q.Limit(lq.limit + 1).Offset(lq.offset).All()
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > lq.limit
	if more {
		rows = rows[:lq.limit]
	}
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out, more, nil
}

func (t *typed[T]) count(c *web.Ctx, lq *listQuery) (int64, error) {
	return t.filtered(c, lq).Count()
}

func (t *typed[T]) get(c *web.Ctx, id string) (any, error) {
	if id == "" || len(id) > 100 {
		return nil, web.ErrNotFound
	}
	v, err := t.base(c).Get(id)
	if err != nil {
		var fe *orm.FieldError
		var ve *orm.ValueError
		if errors.Is(err, orm.ErrNotFound) || errors.As(err, &fe) || errors.As(err, &ve) {
			return nil, web.ErrNotFound // a malformed key names no object either
		}
		return nil, err
	}
	return v, nil
}

func (t *typed[T]) byIDs(c *web.Ctx, ids []string) ([]any, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := t.base(c).Filter(t.e.meta.PK.Name+"__in", ids).Limit(1000).All()
	if err != nil {
		var fe *orm.FieldError
		var ve *orm.ValueError
		if errors.As(err, &fe) || errors.As(err, &ve) {
			return nil, web.Error(400, "the selection names no valid objects")
		}
		return nil, err
	}
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out, nil
}

func (t *typed[T]) create(ctx context.Context, obj any) error { return orm.Create(ctx, obj.(*T)) }
func (t *typed[T]) save(ctx context.Context, obj any) error   { return orm.Save(ctx, obj.(*T)) }
func (t *typed[T]) remove(ctx context.Context, obj any) error { return orm.Delete(ctx, obj.(*T)) }

func (t *typed[T]) permit(c *web.Ctx, action string, obj any) bool {
	if t.opts.Permit == nil {
		return true
	}
	var v *T
	if obj != nil {
		v = obj.(*T)
	}
	return t.opts.Permit(c, action, v)
}

func (t *typed[T]) actions() []actionSpec {
	out := make([]actionSpec, 0, len(t.opts.Actions))
	for _, a := range t.opts.Actions {
		perm := a.Perm
		if perm == "" {
			perm = "change"
		}
		label := a.Label
		if label == "" {
			label = a.Name
		}
		out = append(out, actionSpec{Name: a.Name, Label: label, Perm: perm})
	}
	return out
}

func (t *typed[T]) runAction(c *web.Ctx, name string, objs []any) (string, error) {
	for _, a := range t.opts.Actions {
		if a.Name != name {
			continue
		}
		vs := make([]*T, len(objs))
		for i, o := range objs {
			vs[i] = o.(*T)
		}
		return a.Run(c, vs)
	}
	return "", web.Error(400, "unknown action")
}

// cell returns the value of a column for obj, for display.
func (t *typed[T]) cell(obj any, col *colSpec) any {
	v := obj.(*T)
	switch {
	case col.isName:
		return t.str(obj)
	case col.computed:
		return t.opts.Computed[col.Name].Value(v)
	case col.rel != nil:
		rv, ok := fieldByPath(reflect.ValueOf(v).Elem(), col.rel.Path)
		if !ok {
			return nil
		}
		if rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return nil
			}
			rv = rv.Elem()
		}
		fv, ok := fieldByPath(rv, col.relField.Path)
		if !ok {
			return nil
		}
		return display(col.relField, fv)
	default:
		fv, ok := fieldByPath(reflect.ValueOf(v).Elem(), col.field.Path)
		if !ok {
			return nil
		}
		return display(col.field, fv)
	}
}

// str names an object: its String method, else its first name-like field, else
// "<label> #<key>".
func (t *typed[T]) str(obj any) string {
	if s, ok := obj.(fmt.Stringer); ok {
		return s.String()
	}
	rv := reflect.ValueOf(obj).Elem()
	for _, name := range []string{"Name", "Title", "Email", "Username", "Label", "Slug", "Codename"} {
		if f := t.e.meta.Field(name); f != nil && (f.Kind == orm.KindString || f.Kind == orm.KindText) {
			if fv, ok := fieldByPath(rv, f.Path); ok && fv.Kind() == reflect.String && fv.String() != "" {
				return truncate(fv.String(), 100)
			}
		}
	}
	return capitalize(t.e.meta.Label) + " #" + t.pk(obj)
}

func (t *typed[T]) pk(obj any) string {
	fv, ok := fieldByPath(reflect.ValueOf(obj).Elem(), t.e.meta.PK.Path)
	if !ok {
		return ""
	}
	return fmt.Sprint(fv.Interface())
}

// fieldByPath is FieldByIndex that reports false at a nil embedded pointer.
func fieldByPath(v reflect.Value, path []int) (reflect.Value, bool) {
	for i, x := range path {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// display turns a field value into what a cell shows: a bool stays a bool (rendered as a
// mark), a choice shows its label, a time its UTC text, nil pointers nothing, long text is
// cut.
func display(f *orm.Field, v reflect.Value) any {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if !v.CanInterface() {
		return nil
	}
	x := v.Interface()
	switch val := x.(type) {
	case bool:
		return val
	case time.Time:
		if val.IsZero() {
			return nil
		}
		if f.Kind == orm.KindDate {
			return val.UTC().Format(time.DateOnly)
		}
		return val.UTC().Format("2006-01-02 15:04")
	}
	s := fmt.Sprint(x)
	for _, ch := range f.Choices {
		if ch.Value == s {
			return ch.Label
		}
	}
	return truncate(s, 100)
}

// truncate cuts s to n characters, with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
