package admin

import (
	"context"
	"fmt"
	"html/template"
	"reflect"
	"strconv"
	"strings"

	"github.com/sinewdev/sinew/form"
	"github.com/sinewdev/sinew/orm"
	"github.com/sinewdev/sinew/web"
)

// Inline edits the children of a has-many relation on the parent's page, as rows of small
// forms: change them, delete them, add new ones, all saved with the parent in one
// transaction. The child model must be registered in the site too; its permissions apply
// to each row.
type Inline struct {
	Relation string   // the has-many relation of the parent model, "Comments"
	Fields   []string // the child's fields in each row; default: its editable fields but the key to the parent
	Extra    int      // empty rows for new children; default 1
	Max      int      // the most rows shown and accepted; default 50
}

// inlineSpec is a checked Inline.
type inlineSpec struct {
	Inline
	rel   *orm.Relation
	fk    string // the child's Go field holding the parent's key
	label string
}

// inlineRow is one row of an inline as the page shows it.
type inlineRow struct {
	Prefix string
	ID     string // "" for a new row
	Form   *form.Form
	HTML   template.HTML
	Delete bool // the delete box was ticked
	obj    any
	orig   any // the stored child, before binding
	isNew  bool
	blank  bool // a new row left empty: ignored
}

// inlineView is an inline as the page shows it.
type inlineView struct {
	Label     string
	Name      string // the relation, the rows' prefix
	Rows      []*inlineRow
	CanDelete bool
}

// compileInlines checks the Inlines of an entry's options against the registry; the child
// models may register after the parent, so this runs when the app starts.
func (s *Site) compileInlines(e *entry, inlines []Inline) error {
	for _, in := range inlines {
		rel := e.meta.Relation(in.Relation)
		if rel == nil || rel.Kind != orm.HasMany {
			return fmt.Errorf("Inlines: %q is not a has-many relation of %s", in.Relation, e.meta.Name)
		}
		child := s.entryByModel(rel.Model)
		if child == nil {
			return fmt.Errorf("Inlines: %s: register %s in the admin site too", in.Relation, rel.Model)
		}
		var fk string
		for _, f := range child.meta.Fields {
			if f.Column == rel.Column {
				fk = f.Name
			}
		}
		if fk == "" {
			return fmt.Errorf("Inlines: %s: %s has no column %s", in.Relation, rel.Model, rel.Column)
		}
		if in.Extra <= 0 {
			in.Extra = 1
		}
		if in.Max <= 0 {
			in.Max = 50
		}
		if len(in.Fields) == 0 {
			for _, name := range child.ops.options().fields {
				if name != fk && name != rel.Column {
					in.Fields = append(in.Fields, name)
				}
			}
		}
		if _, err := s.forms.Plan(child.meta.Type, in.Fields...); err != nil {
			return fmt.Errorf("Inlines: %s: %w", in.Relation, err)
		}
		e.inlines = append(e.inlines, &inlineSpec{Inline: in, rel: rel, fk: fk, label: capitalize(child.meta.LabelPlural)})
	}
	return nil
}

// inlineRows builds the rows of every inline of e for the parent with key id ("" for a new
// parent); with posted set, the rows are bound from the request and checked.
func (s *Site) inlineRows(c *web.Ctx, e *entry, id string, posted bool) ([]*inlineView, bool, error) {
	valid := true
	var views []*inlineView
	for _, in := range e.inlines {
		child := s.entryByModel(in.rel.Model)
		v := &inlineView{Label: in.label, Name: in.rel.Name, CanDelete: s.allowed(c, child, "delete", nil)}
		var existing []any
		if id != "" {
			rows, _, err := child.ops.list(c, &listQuery{limit: in.Max, filters: nil, parent: &parentFilter{field: in.fk, id: id}})
			if err != nil {
				return nil, false, err
			}
			existing = rows
		}
		byID := map[string]any{}
		for _, o := range existing {
			byID[child.ops.pk(o)] = o
		}
		n := len(existing) + in.Extra
		if posted { // a submission without the row count (a script's) leaves the children alone
			raw := c.Request.PostFormValue(in.rel.Name + "-TOTAL")
			if raw == "" {
				raw = "0"
			}
			total, err := strconv.Atoi(raw)
			if err != nil || total < 0 || total > in.Max+in.Extra {
				return nil, false, web.Errorf(400, "inline %s: a row count from 0 to %d is required", in.rel.Name, in.Max+in.Extra)
			}
			n = total
		}
		for i := range n {
			r := &inlineRow{Prefix: in.rel.Name + "-" + strconv.Itoa(i) + "-"}
			switch {
			case posted:
				r.ID = c.Request.PostFormValue(r.Prefix + "id")
				r.Delete = c.Request.PostFormValue(r.Prefix+"DELETE") != ""
			case i < len(existing):
				r.ID = child.ops.pk(existing[i])
			}
			if r.ID != "" {
				o, ok := byID[r.ID]
				if !ok { // a forged key, or a child of another parent
					return nil, false, web.Errorf(400, "inline %s: row %d names no %s of this object", in.rel.Name, i, child.meta.Label)
				}
				r.obj, r.orig = child.ops.copyObj(o), o
			} else {
				r.obj, r.isNew = child.ops.newObj(), true
			}
			f, err := s.forms.ForPrefix(r.obj, r.Prefix, in.Fields...)
			if err != nil {
				return nil, false, err
			}
			r.Form = f
			if posted && !r.Delete {
				if r.isNew && !rowTouched(c, f) {
					r.blank = true
				} else {
					if err := f.Bind(c, c.Request); err != nil {
						return nil, false, err
					}
					if !f.Valid() {
						valid = false
					}
				}
			}
			h, err := f.HTML()
			if err != nil {
				return nil, false, err
			}
			r.HTML = h
			v.Rows = append(v.Rows, r)
		}
		views = append(views, v)
	}
	return views, valid, nil
}

// rowTouched reports whether a new row has any value filled in (an untouched extra row is
// not an error, it is ignored).
func rowTouched(c *web.Ctx, f *form.Form) bool {
	for _, b := range f.BoundFields() {
		if strings.TrimSpace(c.Request.PostFormValue(b.Name())) != "" {
			return true
		}
	}
	return false
}

// saveInlines applies the bound rows in ctx's transaction, after the parent was saved,
// and returns the changes for the parent's history entry.
func (s *Site) saveInlines(ctx context.Context, c *web.Ctx, e *entry, parent any, views []*inlineView) ([]Change, error) {
	var changes []Change
	parentKey, _ := fieldByPath(reflect.ValueOf(parent).Elem(), e.meta.PK.Path)
	for i, v := range views {
		in := e.inlines[i]
		child := s.entryByModel(in.rel.Model)
		for _, r := range v.Rows {
			switch {
			case r.blank:
				continue
			case r.Delete && !r.isNew:
				if !s.allowed(c, child, "delete", r.obj) {
					return nil, web.Errorf(403, "you may not delete %s", child.meta.LabelPlural)
				}
				if err := child.ops.remove(ctx, r.obj); err != nil {
					return nil, err
				}
				changes = append(changes, Change{Field: v.Label, Old: child.ops.str(r.obj), New: "(deleted)"})
			case r.Delete:
				continue
			case r.isNew:
				if !s.allowed(c, child, "add", nil) {
					return nil, web.Errorf(403, "you may not add %s", child.meta.LabelPlural)
				}
				fv, ok := fieldByPath(reflect.ValueOf(r.obj).Elem(), child.meta.Field(in.fk).Path)
				if !ok || !setKey(fv, parentKey) {
					return nil, fmt.Errorf("admin: cannot set %s.%s", child.meta.Name, in.fk)
				}
				if err := child.ops.create(ctx, r.obj); err != nil {
					return nil, err
				}
				changes = append(changes, Change{Field: v.Label, Old: "", New: child.ops.str(r.obj)})
			default:
				diffs := diff(child, in.Fields, r.orig, r.obj)
				if len(diffs) == 0 {
					continue
				}
				if !s.allowed(c, child, "change", r.obj) {
					return nil, web.Errorf(403, "you may not change %s", child.meta.LabelPlural)
				}
				if err := child.ops.save(ctx, r.obj); err != nil {
					return nil, err
				}
				for _, d := range diffs {
					changes = append(changes, Change{Field: v.Label + " “" + child.ops.str(r.orig) + "”: " + d.Field, Old: d.Old, New: d.New})
				}
			}
		}
	}
	return changes, nil
}

// setKey stores the parent's key in a child's foreign key field (a pointer for a nullable
// one).
func setKey(dst, key reflect.Value) bool {
	if dst.Kind() == reflect.Pointer {
		p := reflect.New(dst.Type().Elem())
		if !setKey(p.Elem(), key) {
			return false
		}
		dst.Set(p)
		return true
	}
	if !key.Type().AssignableTo(dst.Type()) {
		if key.Type().ConvertibleTo(dst.Type()) {
			dst.Set(key.Convert(dst.Type()))
			return true
		}
		return false
	}
	dst.Set(key)
	return true
}
